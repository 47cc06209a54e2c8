import { Readable } from 'node:stream';
import { AudioDescription } from './audio-description';
import { splitAudio } from './split-audio';
import { splitAudioStream } from './streaming-splitter';
import { planChunks } from './validate/plan-chunks';
import { encodeWav } from './wav/encode-wav';
import { MAX_WAV_HEADER_BYTES, readWavPrefix } from './wav/read-wav-prefix';
import { parseWav } from './wav/parse-wav';

const shape = { sampleRate: 8000, channels: 2, bitsPerSample: 16, encoding: 'pcm' as const };
const samples = (bytes: number) => Buffer.from(Array.from({ length: bytes }, (_, i) => (i * 7) % 251));

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of source) out.push(chunk);
  return out;
}

/** The same bytes in pieces of awkward sizes, as a socket hands them over. */
function pieces(bytes: Buffer, size: number): AsyncIterable<Buffer> {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

describe('splitAudioStream', () => {
  it('yields the same WAV chunks as splitting the whole buffer, whatever the piece size', async () => {
    const pcm = samples(8000 * 4 * 5); // 5 s of 8 kHz stereo
    const plan = planChunks(shape, pcm.length, 2, 100);
    const description: AudioDescription = {
      format: 'l16',
      ...shape,
      durationSeconds: 5,
      pcmOffset: 0,
      pcmLength: pcm.length,
    };
    const whole = splitAudio(pcm, description, 2);
    for (const size of [1, 333, 4096, pcm.length]) {
      const streamed = await collect(splitAudioStream(pieces(pcm, size), shape, plan));
      expect(streamed.length).toBe(plan.chunkCount);
      expect(Buffer.concat(streamed).equals(Buffer.concat(whole))).toBe(true);
    }
  });

  it('puts a too-short remainder into the last chunk, and drops bytes past the samples', async () => {
    const pcm = samples(8000 * 4 * 4 + 4 * 400); // 4.05 s: the 50 ms rest joins the second chunk
    const plan = planChunks(shape, pcm.length, 2, 100);
    const chunks = await collect(
      splitAudioStream(pieces(Buffer.concat([pcm, Buffer.from('LIST....')]), 1000), shape, plan),
    );
    expect(chunks.map((c) => parseWav(c).durationSeconds)).toEqual([2, 2.05]);
  });

  it('refuses a stream that ends before the promised length', async () => {
    const plan = planChunks(shape, 8000 * 4, 1, 100);
    await expect(collect(splitAudioStream(pieces(samples(1000), 100), shape, plan))).rejects.toThrow(
      /ended after 1000 of the 32000 bytes/,
    );
  });
});

describe('readWavPrefix', () => {
  const wav = encodeWav(samples(8000 * 4), shape);

  it('waits for the data header, then reads the layout and length', () => {
    expect(readWavPrefix(wav.subarray(0, 30), wav.length)).toBeUndefined();
    expect(readWavPrefix(wav.subarray(0, 44), undefined)).toMatchObject({
      sampleRate: 8000,
      channels: 2,
      dataOffset: 44,
      dataLength: 32000,
    });
  });

  it('takes a streaming writer’s unknown size from the Content-Length, and needs one for it', () => {
    const streamed = Buffer.from(wav);
    streamed.writeUInt32LE(0xffffffff, 40);
    expect(readWavPrefix(streamed.subarray(0, 60), wav.length + 2)?.dataLength).toBe(32000);
    expect(() => readWavPrefix(streamed.subarray(0, 60), undefined)).toThrow(/Content-Length/);
  });

  it('refuses what a stream cannot use', () => {
    expect(() => readWavPrefix(Buffer.from('RIFX0000WAVE'), undefined)).toThrow(/RIFF/);
    expect(() => readWavPrefix(wav.subarray(0, 44), 100)).toThrow(/leaves only 56/);
    const noData = Buffer.alloc(MAX_WAV_HEADER_BYTES + 10);
    wav.copy(noData, 0, 0, 36);
    noData.write('LIST', 36, 'latin1');
    noData.writeUInt32LE(MAX_WAV_HEADER_BYTES * 2, 40);
    expect(() => readWavPrefix(noData, undefined)).toThrow(/no 'data' chunk in its first/);
  });
});
