import { AudioFormatError } from '../audio-format.error';
import { encodeWav } from './encode-wav';
import { parseWav } from './parse-wav';

describe('encodeWav', () => {
  it('writes the canonical 44-byte header, 16-bit PCM by default', () => {
    const pcm = Buffer.alloc(64, 1);
    const wav = encodeWav(pcm, { sampleRate: 16000, channels: 2 });
    expect(wav.length).toBe(44 + 64);
    expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(36 + 64);
    expect(wav.toString('latin1', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt32LE(16)).toBe(16);
    expect(wav.readUInt16LE(20)).toBe(1);
    expect(wav.readUInt32LE(28)).toBe(16000 * 4);
    expect(wav.toString('latin1', 36, 40)).toBe('data');
    expect(wav.readUInt32LE(40)).toBe(64);
    expect(wav.subarray(44).equals(pcm)).toBe(true);
  });

  it('round-trips through parseWav, float and 24-bit included', () => {
    const float = encodeWav(Buffer.alloc(32), {
      sampleRate: 8000,
      channels: 1,
      bitsPerSample: 32,
      encoding: 'float',
    });
    expect(float.readUInt16LE(20)).toBe(3);
    expect(parseWav(float)).toMatchObject({
      encoding: 'float',
      bitsPerSample: 32,
      dataLength: 32,
      durationSeconds: 8 / 8000,
    });
    const pcm24 = encodeWav(Buffer.alloc(36), { sampleRate: 48000, channels: 2, bitsPerSample: 24 });
    expect(parseWav(pcm24)).toMatchObject({ encoding: 'pcm', blockAlign: 6, dataLength: 36 });
  });

  it('pads an odd-sized data chunk, counting the pad in the RIFF size only', () => {
    const wav = encodeWav(Buffer.alloc(3, 0x80), { sampleRate: 8000, channels: 1, bitsPerSample: 8 });
    expect(wav.length).toBe(44 + 4);
    expect(wav.readUInt32LE(4)).toBe(36 + 4);
    expect(wav.readUInt32LE(40)).toBe(3);
    expect(parseWav(wav).dataLength).toBe(3);
  });

  it('rejects impossible formats and partial frames', () => {
    const encode = (pcm: Buffer, opts: Parameters<typeof encodeWav>[1]) => () => encodeWav(pcm, opts);
    expect(encode(Buffer.alloc(4), { sampleRate: 0, channels: 1 })).toThrow(
      'sampleRate must be an integer from 1',
    );
    expect(encode(Buffer.alloc(4), { sampleRate: 16000, channels: 1.5 })).toThrow(
      'channels must be an integer from 1 to 65535, got 1.5',
    );
    expect(
      encode(Buffer.alloc(4), { sampleRate: 16000, channels: 1, bitsPerSample: 16, encoding: 'float' }),
    ).toThrow(AudioFormatError);
    expect(encode(Buffer.alloc(3), { sampleRate: 16000, channels: 1 })).toThrow(
      '3 bytes of samples is not a whole number of 2-byte frames',
    );
  });
});
