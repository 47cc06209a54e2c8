import { parseWav } from '@streamscribe/audio';
import { readSpeech, SPEECH_SAMPLE_RATE, speechPcm, speechWav } from './test-speech';

describe('test speech', () => {
  it('round-trips text, UTF-8 included', () => {
    for (const text of ['hello world', '', 'Grüße, 東京! 🎙️']) expect(readSpeech(speechPcm(text))).toBe(text);
  });

  it('is deterministic 16 kHz mono 16-bit PCM padded with silence to the duration', () => {
    const pcm = speechPcm('hi', { durationSeconds: 2.5 });
    expect(pcm.length).toBe(2.5 * SPEECH_SAMPLE_RATE * 2);
    expect(pcm.equals(speechPcm('hi', { durationSeconds: 2.5 }))).toBe(true);
    expect(pcm.subarray(7 * 2).every((b) => b === 0)).toBe(true);
  });

  it('wraps the samples in a WAV', () => {
    const wav = speechWav('hello world');
    const info = parseWav(wav);
    expect(info).toMatchObject({ sampleRate: 16000, channels: 1, bitsPerSample: 16, durationSeconds: 1 });
    expect(readSpeech(wav.subarray(info.dataOffset))).toBe('hello world');
  });

  it('finds nothing in silence, noise, short or cut-off audio', () => {
    expect(readSpeech(Buffer.alloc(32000))).toBeUndefined();
    expect(readSpeech(Buffer.from([1, 2, 3]))).toBeUndefined();
    const noise = Buffer.alloc(2000);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 256;
    expect(readSpeech(noise)).toBeUndefined();
    expect(readSpeech(speechPcm('hello world').subarray(0, 20))).toBeUndefined();
  });

  it('finds nothing when a text sample is corrupt', () => {
    const pcm = speechPcm('abc');
    pcm.writeInt16LE(1050, 6 * 2);
    expect(readSpeech(pcm)).toBeUndefined();
  });

  it('refuses text that does not fit the duration', () => {
    expect(() => speechPcm('x'.repeat(100), { durationSeconds: 0.001 })).toThrow(
      'pass a longer durationSeconds',
    );
  });
});
