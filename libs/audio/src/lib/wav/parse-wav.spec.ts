import { AudioFormatError } from '../audio-format.error';
import { encodeWav } from './encode-wav';
import { parseWav } from './parse-wav';

function chunk(id: string, body: Buffer, declaredSize = body.length): Buffer {
  const header = Buffer.alloc(8);
  header.write(id, 0, 'latin1');
  header.writeUInt32LE(declaredSize, 4);
  const pad = body.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0);
  return Buffer.concat([header, body, pad]);
}

function riff(...chunks: Buffer[]): Buffer {
  const body = Buffer.concat(chunks);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length + 4, 4);
  header.write('WAVE', 8, 'latin1');
  return Buffer.concat([header, body]);
}

function fmt(
  formatTag: number,
  channels: number,
  sampleRate: number,
  bits: number,
  blockAlign = (channels * bits) / 8,
): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(formatTag, 0);
  b.writeUInt16LE(channels, 2);
  b.writeUInt32LE(sampleRate, 4);
  b.writeUInt32LE(sampleRate * blockAlign, 8);
  b.writeUInt16LE(blockAlign, 12);
  b.writeUInt16LE(bits, 14);
  return b;
}

function extensibleFmt(subFormat: number, channels: number, sampleRate: number, bits: number): Buffer {
  const ext = Buffer.alloc(24);
  ext.writeUInt16LE(22, 0);
  ext.writeUInt16LE(bits, 2);
  ext.writeUInt32LE(channels === 2 ? 0x3 : 0x4, 4);
  Buffer.from('000000001000800000aa00389b71', 'hex').copy(ext, 10);
  ext.writeUInt16LE(subFormat, 8);
  return Buffer.concat([fmt(0xfffe, channels, sampleRate, bits), ext]);
}

const frames = (count: number, frameBytes: number) => Buffer.alloc(count * frameBytes, 7);

describe('parseWav', () => {
  it('reads a canonical 16-bit PCM file', () => {
    const wav = encodeWav(frames(16000, 2), { sampleRate: 16000, channels: 1 });
    expect(parseWav(wav)).toEqual({
      encoding: 'pcm',
      sampleRate: 16000,
      channels: 1,
      bitsPerSample: 16,
      blockAlign: 2,
      dataOffset: 44,
      dataLength: 32000,
      durationSeconds: 1,
    });
  });

  it('skips a LIST chunk before data', () => {
    const list = chunk('LIST', Buffer.from('INFOISFT\x0e\x00\x00\x00Lavf60.16.100\x00', 'latin1'));
    const wav = riff(chunk('fmt ', fmt(1, 2, 8000, 16)), list, chunk('data', frames(8, 4)));
    const info = parseWav(wav);
    expect(info.dataOffset).toBe(12 + 24 + list.length + 8);
    expect(info.dataLength).toBe(32);
    expect(info.channels).toBe(2);
  });

  it('honours the pad byte after an odd-sized chunk', () => {
    const odd = chunk('junk', Buffer.from('abc'));
    expect(odd.length).toBe(12);
    const wav = riff(chunk('fmt ', fmt(1, 1, 8000, 8)), odd, chunk('data', frames(5, 1)));
    const info = parseWav(wav);
    expect(info.dataOffset).toBe(12 + 24 + 12 + 8);
    expect(info.dataLength).toBe(5);
    expect(info.durationSeconds).toBeCloseTo(5 / 8000);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE, taking the encoding from the sub-format GUID', () => {
    const pcm24 = riff(chunk('fmt ', extensibleFmt(1, 2, 48000, 24)), chunk('data', frames(10, 6)));
    expect(parseWav(pcm24)).toMatchObject({ encoding: 'pcm', bitsPerSample: 24, channels: 2, blockAlign: 6 });
    const float = riff(chunk('fmt ', extensibleFmt(3, 2, 48000, 32)), chunk('data', frames(10, 8)));
    expect(parseWav(float)).toMatchObject({ encoding: 'float', bitsPerSample: 32 });
  });

  it('reads IEEE float and finds fmt after data', () => {
    const wav = riff(chunk('data', frames(4, 4)), chunk('fmt ', fmt(3, 1, 16000, 32)));
    expect(parseWav(wav)).toMatchObject({ encoding: 'float', dataOffset: 20, dataLength: 16 });
  });

  it('reads a streaming writer’s 0xFFFFFFFF or 0 data size as "to the end", cut to whole frames', () => {
    const body = frames(10, 2);
    const cutOff = Buffer.concat([body, Buffer.alloc(1)]);
    const streamed = riff(
      chunk('fmt ', fmt(1, 1, 16000, 16)),
      chunk('data', Buffer.alloc(0), 0xffffffff),
      cutOff,
    );
    expect(parseWav(streamed).dataLength).toBe(20);
    const zero = riff(chunk('fmt ', fmt(1, 1, 16000, 16)), chunk('data', body, 0));
    expect(parseWav(zero).dataLength).toBe(20);
  });

  describe('rejects', () => {
    const reject = (buf: Buffer, message: string | RegExp) => {
      expect(() => parseWav(buf)).toThrow(AudioFormatError);
      expect(() => parseWav(buf)).toThrow(message);
    };

    it('a truncated header', () => {
      reject(
        encodeWav(frames(100, 2), { sampleRate: 16000, channels: 1 }).subarray(0, 20),
        'WAV header truncated: expected at least 44 bytes, got 20',
      );
    });

    it('a data chunk claiming more bytes than are present', () => {
      const wav = encodeWav(frames(16000, 2), { sampleRate: 16000, channels: 1 }).subarray(0, 144);
      reject(wav, 'data chunk declares 32000 bytes but only 100 follow');
    });

    it('a file that is not RIFF/WAVE', () => {
      const wav = encodeWav(frames(10, 2), { sampleRate: 16000, channels: 1 });
      reject(
        Buffer.concat([Buffer.from('RIFX'), wav.subarray(4)]),
        "not a WAV file: expected 'RIFF' at byte 0, found 'RIFX'",
      );
      reject(
        Buffer.concat([wav.subarray(0, 8), Buffer.from('AVI '), wav.subarray(12)]),
        "RIFF form type is 'AVI '",
      );
    });

    it('an unsupported encoding', () => {
      reject(
        riff(chunk('fmt ', fmt(85, 1, 16000, 16)), chunk('data', frames(4, 2))),
        'unsupported WAV encoding 85 (only PCM 8/16/24/32-bit and IEEE float 32-bit)',
      );
      reject(
        riff(chunk('fmt ', fmt(1, 1, 16000, 12, 2)), chunk('data', frames(4, 2))),
        'unsupported WAV sample format: PCM 12-bit',
      );
      reject(riff(chunk('fmt ', fmt(3, 1, 16000, 64)), chunk('data', frames(4, 8))), 'IEEE float 64-bit');
    });

    it('zero channels, zero rate and a blockAlign mismatch', () => {
      reject(
        riff(chunk('fmt ', fmt(1, 0, 16000, 16, 2)), chunk('data', frames(4, 2))),
        'WAV declares 0 channels',
      );
      reject(riff(chunk('fmt ', fmt(1, 1, 0, 16)), chunk('data', frames(4, 2))), 'sample rate of 0 Hz');
      reject(
        riff(chunk('fmt ', fmt(1, 2, 16000, 16, 2)), chunk('data', frames(4, 2))),
        'WAV blockAlign is 2 but 2 channel(s) of 16-bit samples need 4',
      );
    });

    it('a data chunk that is not a whole number of frames', () => {
      reject(
        riff(chunk('fmt ', fmt(1, 2, 16000, 16)), chunk('data', Buffer.alloc(10))),
        'data chunk of 10 bytes is not a whole number of 4-byte frames',
      );
    });

    it('missing chunks, naming a chunk that runs past the end', () => {
      reject(
        riff(chunk('fmt ', fmt(1, 1, 16000, 16)), chunk('LIST', Buffer.alloc(20))),
        "WAV has no 'data' chunk",
      );
      reject(
        riff(chunk('fmt ', fmt(1, 1, 16000, 16)), chunk('LIST', Buffer.alloc(20), 5000)),
        "no 'data' chunk before 'LIST' at byte 36, which declares 5000 bytes but only 20 follow",
      );
      reject(riff(chunk('data', frames(20, 2))), "WAV has no 'fmt ' chunk");
    });

    it('a short or truncated fmt chunk', () => {
      reject(riff(chunk('fmt ', Buffer.alloc(14)), chunk('data', frames(20, 2))), "'fmt ' chunk is 14 bytes");
      reject(riff(chunk('fmt ', fmt(0xfffe, 1, 16000, 16)), chunk('data', frames(20, 2))), 'it needs 40');
      reject(
        riff(chunk('fmt ', fmt(1, 1, 16000, 16), 40), Buffer.alloc(8)),
        "'fmt ' chunk declares 40 bytes but only 24 follow",
      );
    });

    it('an extensible sub-format that is not a standard KSDATAFORMAT GUID', () => {
      const ext = extensibleFmt(1, 2, 48000, 16);
      ext[39] = 0x00;
      reject(
        riff(chunk('fmt ', ext), chunk('data', frames(4, 4))),
        'unsupported WAVE_FORMAT_EXTENSIBLE sub-format 0100000000001000800000aa00389b00',
      );
    });
  });
});
