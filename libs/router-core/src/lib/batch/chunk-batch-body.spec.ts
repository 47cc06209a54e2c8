import { HttpException } from '@nestjs/common';
import { CHUNK_BATCH_MEDIA_TYPE, readChunkBatch } from './chunk-batch-body';

const LIMITS = { maxChunks: 4, maxChunkBytes: 16 };

/** One frame: u32be header length, header, u32be audio length, audio. */
function frame(header: string, audio: Buffer): Buffer {
  const h = Buffer.from(header);
  const lengths = Buffer.alloc(8);
  lengths.writeUInt32BE(h.length, 0);
  lengths.writeUInt32BE(audio.length, 4);
  return Buffer.concat([lengths.subarray(0, 4), h, lengths.subarray(4), audio]);
}

function refusalOf(work: () => unknown): { status: number; code: string } {
  try {
    work();
  } catch (error) {
    const e = error as HttpException;
    return { status: e.getStatus(), code: (e.getResponse() as { code: string }).code };
  }
  throw new Error('expected a refusal');
}

describe('readChunkBatch', () => {
  it('splits binary frames in order; an empty header is {}; each chunk keeps its own audio bytes', () => {
    const body = Buffer.concat([
      frame(
        '{"chunkId":"a","seq":3,"offsetMs":0,"contentType":"audio/l16; rate=16000"}',
        Buffer.from([1, 2]),
      ),
      frame('', Buffer.from([3, 4, 5])),
    ]);
    const items = readChunkBatch(body, CHUNK_BATCH_MEDIA_TYPE, LIMITS);
    expect(items).toEqual([
      {
        index: 0,
        header: { chunkId: 'a', seq: 3, offsetMs: 0, contentType: 'audio/l16; rate=16000' },
        audio: Buffer.from([1, 2]),
      },
      {
        index: 1,
        header: { chunkId: undefined, seq: undefined, offsetMs: undefined, contentType: 'audio/wav' },
        audio: Buffer.from([3, 4, 5]),
      },
    ]);
  });

  it('rejects a chunk with a bad header field or too much audio, and keeps the others', () => {
    const body = Buffer.concat([
      frame('{"chunkId":"ok"}', Buffer.from([1])),
      frame('{"seq":-1,"chunkId":"neg"}', Buffer.from([1])),
      frame('{"other":1}', Buffer.from([1])),
      frame('{"chunkId":"big"}', Buffer.alloc(17)),
    ]);
    const items = readChunkBatch(body, CHUNK_BATCH_MEDIA_TYPE, LIMITS);
    expect(items.map((item) => ('problem' in item ? item.problem.code : 'ok'))).toEqual([
      'ok',
      'chunk_invalid',
      'chunk_invalid',
      'upload_too_large',
    ]);
    expect(items[1]).toMatchObject({
      chunkId: 'neg',
      problem: { message: 'seq must be a non-negative integer' },
    });
  });

  it('refuses the whole batch when the framing cannot be trusted, it is too long, or of another type', () => {
    const good = frame('{}', Buffer.from([1, 2, 3]));
    expect(
      refusalOf(() => readChunkBatch(good.subarray(0, good.length - 1), CHUNK_BATCH_MEDIA_TYPE, LIMITS)),
    ).toEqual({
      status: 400,
      code: 'batch_malformed',
    });
    expect(
      refusalOf(() => readChunkBatch(frame('{no', Buffer.alloc(1)), CHUNK_BATCH_MEDIA_TYPE, LIMITS)),
    ).toEqual({
      status: 400,
      code: 'batch_malformed',
    });
    expect(
      refusalOf(() => readChunkBatch(Buffer.concat(Array(5).fill(good)), CHUNK_BATCH_MEDIA_TYPE, LIMITS)),
    ).toEqual({
      status: 413,
      code: 'batch_too_large',
    });
    expect(refusalOf(() => readChunkBatch(good, 'audio/wav', LIMITS))).toEqual({
      status: 415,
      code: 'batch_content_type',
    });
    expect(refusalOf(() => readChunkBatch(Buffer.alloc(0), CHUNK_BATCH_MEDIA_TYPE, LIMITS))).toEqual({
      status: 400,
      code: 'batch_malformed',
    });
  });

  it('reads the JSON form: base64 audio, the same header rules', () => {
    const body = Buffer.from(
      JSON.stringify({
        chunks: [{ audio: Buffer.from([9, 8]).toString('base64'), chunkId: 'j' }, { chunkId: 'x y' }],
      }),
    );
    const items = readChunkBatch(body, 'application/json; charset=utf-8', LIMITS);
    expect(items[0]).toMatchObject({ header: { chunkId: 'j' }, audio: Buffer.from([9, 8]) });
    expect(items[1]).toMatchObject({ problem: { code: 'chunk_invalid' } });
    expect(refusalOf(() => readChunkBatch(Buffer.from('{"chunk":[]}'), 'application/json', LIMITS))).toEqual({
      status: 400,
      code: 'batch_malformed',
    });
  });
});
