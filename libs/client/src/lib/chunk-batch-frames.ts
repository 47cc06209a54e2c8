/** The batched ingest's binary media type: see `encodeChunkBatch`. */
export const CHUNK_BATCH_MEDIA_TYPE = 'application/vnd.streamscribe.chunks';

/** One chunk of a batch: its audio and what it says of itself. */
export interface BatchChunk {
  audio: Uint8Array | ArrayBuffer;
  /** Same id on a retry: answered `duplicate`, never queued twice. */
  chunkId?: string;
  seq?: number;
  offsetMs?: number;
  /** The chunk audio type (`audio/wav` when absent). */
  contentType?: string;
}

/**
 * Frames chunks for `POST /v1/sessions/{id}/chunks/batch`: back to back, each `u32be header
 * length | header JSON | u32be audio length | audio`. Works in browsers (no Buffer).
 */
export function encodeChunkBatch(chunks: readonly BatchChunk[]): Uint8Array {
  const encoder = new TextEncoder();
  const parts = chunks.map(({ audio, chunkId, seq, offsetMs, contentType }) => {
    const header = encoder.encode(JSON.stringify({ chunkId, seq, offsetMs, contentType }));
    return { header, audio: audio instanceof Uint8Array ? audio : new Uint8Array(audio) };
  });
  const size = parts.reduce((sum, p) => sum + 8 + p.header.length + p.audio.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const { header, audio } of parts) {
    view.setUint32(at, header.length);
    out.set(header, at + 4);
    at += 4 + header.length;
    view.setUint32(at, audio.length);
    out.set(audio, at + 4);
    at += 4 + audio.length;
  }
  return out;
}
