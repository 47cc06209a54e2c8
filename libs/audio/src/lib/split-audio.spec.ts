import { AudioDescription } from './audio-description';
import { AudioFormatError } from './audio-format.error';
import { inspectAudio } from './inspect-audio';
import { splitAudio } from './split-audio';
import { encodeWav } from './wav/encode-wav';
import { parseWav } from './wav/parse-wav';

/** 16-bit mono ramp, so every chunk's samples can be checked against the source's. */
function ramp(frameCount: number): Buffer {
  const pcm = Buffer.alloc(frameCount * 2);
  for (let i = 0; i < frameCount; i++) pcm.writeInt16LE(i % 32768, i * 2);
  return pcm;
}

describe('splitAudio', () => {
  it('splits 2.5 s into 1 s chunks: 3 valid WAVs, the last half as long', () => {
    const pcm = ramp(40000);
    const wav = encodeWav(pcm, { sampleRate: 16000, channels: 1 });
    const chunks = splitAudio(wav, inspectAudio(wav, 'audio/wav'), 1);
    expect(chunks.map((c) => c.length)).toEqual([44 + 32000, 44 + 32000, 44 + 16000]);
    expect(chunks.map((c) => parseWav(c).durationSeconds)).toEqual([1, 1, 0.5]);
    for (const c of chunks)
      expect(parseWav(c)).toMatchObject({ sampleRate: 16000, channels: 1, bitsPerSample: 16 });
    expect(Buffer.concat(chunks.map((c) => c.subarray(44))).equals(pcm)).toBe(true);
  });

  it('produces no chunk for a zero-length remainder, nor for empty audio', () => {
    const wav = encodeWav(ramp(32000), { sampleRate: 16000, channels: 1 });
    expect(splitAudio(wav, inspectAudio(wav, 'audio/wav'), 1)).toHaveLength(2);
    const empty = encodeWav(Buffer.alloc(0), { sampleRate: 16000, channels: 1 });
    expect(splitAudio(empty, parseAsDescription(empty), 1)).toEqual([]);
  });

  it('cuts at frame boundaries, never inside a sample', () => {
    const wav = encodeWav(Buffer.alloc(10 * 6), { sampleRate: 10, channels: 2, bitsPerSample: 24 });
    const chunks = splitAudio(wav, inspectAudio(wav, 'audio/wav'), 0.35);
    expect(chunks.map((c) => parseWav(c).dataLength)).toEqual([18, 18, 18, 6]);
  });

  it('keeps a whole frame when seconds × rate lands just under an integer', () => {
    const wav = encodeWav(Buffer.alloc(100 * 2), { sampleRate: 100, channels: 1 });
    const chunks = splitAudio(wav, inspectAudio(wav, 'audio/wav'), 0.57);
    expect(parseWav(chunks[0]).dataLength).toBe(57 * 2);
  });

  it('turns l16 into 16-bit PCM WAV chunks, bytes unchanged', () => {
    const pcm = ramp(3000);
    const chunks = splitAudio(pcm, inspectAudio(pcm, 'audio/l16; rate=8000; channels=1'), 0.25);
    expect(chunks).toHaveLength(2);
    expect(parseWav(chunks[0])).toMatchObject({
      sampleRate: 8000,
      channels: 1,
      bitsPerSample: 16,
      dataLength: 4000,
    });
    expect(Buffer.concat(chunks.map((c) => c.subarray(44))).equals(pcm)).toBe(true);
  });

  it('keeps a float source float', () => {
    const wav = encodeWav(Buffer.alloc(8 * 4), {
      sampleRate: 4,
      channels: 1,
      bitsPerSample: 32,
      encoding: 'float',
    });
    const chunks = splitAudio(wav, inspectAudio(wav, 'audio/wav'), 1);
    expect(chunks.map((c) => parseWav(c).encoding)).toEqual(['float', 'float']);
  });

  it('rejects a chunk length that is not positive or shorter than a frame', () => {
    const wav = encodeWav(Buffer.alloc(20), { sampleRate: 16000, channels: 1 });
    const description = inspectAudio(wav, 'audio/wav');
    expect(() => splitAudio(wav, description, 0)).toThrow(RangeError);
    expect(() => splitAudio(wav, description, Number.NaN)).toThrow(
      'chunkSeconds must be a positive number of seconds, got NaN',
    );
    expect(() => splitAudio(wav, description, 0.00001)).toThrow('shorter than one frame at 16000 Hz');
  });

  it('rejects a description that does not fit the body', () => {
    const wav = encodeWav(Buffer.alloc(20), { sampleRate: 16000, channels: 1 });
    const description = { ...inspectAudio(wav, 'audio/wav'), pcmLength: 2000 };
    expect(() => splitAudio(wav, description, 1)).toThrow(AudioFormatError);
  });
});

function parseAsDescription(wav: Buffer): AudioDescription {
  const info = parseWav(wav);
  return { format: 'wav', ...info, pcmOffset: info.dataOffset, pcmLength: info.dataLength };
}
