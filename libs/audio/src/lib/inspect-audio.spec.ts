import { AudioFormatError } from './audio-format.error';
import { inspectAudio } from './inspect-audio';
import { encodeWav } from './wav/encode-wav';

describe('inspectAudio', () => {
  it('describes a WAV body', () => {
    const wav = encodeWav(Buffer.alloc(8000 * 4), { sampleRate: 8000, channels: 2 });
    expect(inspectAudio(wav, 'audio/x-wav')).toEqual({
      format: 'wav',
      encoding: 'pcm',
      sampleRate: 8000,
      channels: 2,
      bitsPerSample: 16,
      durationSeconds: 1,
      pcmOffset: 44,
      pcmLength: 32000,
    });
  });

  it('describes an l16 body', () => {
    expect(inspectAudio(Buffer.alloc(16000), 'audio/l16; rate=16000; channels=2')).toEqual({
      format: 'l16',
      encoding: 'pcm',
      sampleRate: 16000,
      channels: 2,
      bitsPerSample: 16,
      durationSeconds: 0.25,
      pcmOffset: 0,
      pcmLength: 16000,
    });
  });

  it('rejects an empty body', () => {
    expect(() => inspectAudio(Buffer.alloc(0), 'audio/wav')).toThrow(
      new AudioFormatError('audio body is empty'),
    );
  });

  it('rejects l16 that is not a whole number of frames', () => {
    expect(() => inspectAudio(Buffer.alloc(6), 'audio/l16; channels=2')).toThrow(
      'audio/l16 body of 6 bytes is not a whole number of 4-byte frames (16-bit samples, 2 channel(s))',
    );
  });

  it('rejects a body that does not match its declared type', () => {
    expect(() => inspectAudio(Buffer.alloc(100), 'audio/wav')).toThrow(
      "not a WAV file: expected 'RIFF' at byte 0",
    );
    expect(() => inspectAudio(Buffer.alloc(100), 'audio/ogg')).toThrow(AudioFormatError);
  });
});
