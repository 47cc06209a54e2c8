/** Audio to upload: bytes, a Blob/File, a web ReadableStream, or any async iterable of bytes (a Node Readable). */
export type AudioInput =
  Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>;

export interface UploadProgress {
  /** Bytes handed to the connection so far. */
  sentBytes: number;
  /** The whole body's size when known (bytes, Blob, or a `contentLength` given). */
  totalBytes?: number;
}

const SLICE = 64 * 1024;

export function knownLength(data: AudioInput): number | undefined {
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data.size;
  return undefined;
}

/** The first bytes, for sniffing the content type (only for data already in memory). */
export function leadingBytes(data: AudioInput): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data, 0, Math.min(12, data.byteLength));
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, Math.min(12, data.byteLength));
  return undefined;
}

/** `audio/wav` for RIFF/WAVE, the container's type for the common compressed ones, else undefined. */
export function sniffContentType(head: Uint8Array | undefined): string | undefined {
  if (!head || head.length < 4) return undefined;
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (ascii(0, 4) === 'RIFF') return 'audio/wav';
  if (ascii(0, 4) === 'OggS') return 'audio/ogg';
  if (ascii(0, 4) === 'fLaC') return 'audio/flac';
  if (ascii(0, 3) === 'ID3' || (head[0] === 0xff && (head[1] & 0xe0) === 0xe0)) return 'audio/mpeg';
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return 'audio/webm';
  if (head.length >= 8 && ascii(4, 8) === 'ftyp') return 'audio/mp4';
  return undefined;
}

async function* chunksOf(data: AudioInput): AsyncGenerator<Uint8Array> {
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    const bytes =
      data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    for (let at = 0; at < bytes.length; at += SLICE) yield bytes.subarray(at, at + SLICE);
    return;
  }
  if (typeof Blob !== 'undefined' && data instanceof Blob) {
    yield* chunksOf(data.stream());
    return;
  }
  if (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream) {
    const reader = data.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  for await (const piece of data as AsyncIterable<Uint8Array | string>)
    yield typeof piece === 'string' ? new TextEncoder().encode(piece) : piece;
}

/**
 * The body as a stream that counts bytes as the connection pulls them: `onProgress` sees the
 * upload advance (backpressure from the socket paces the pulls).
 */
export function countingStream(
  data: AudioInput,
  totalBytes: number | undefined,
  onProgress?: (progress: UploadProgress) => void,
): ReadableStream<Uint8Array> {
  const source = chunksOf(data);
  let sentBytes = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await source.next();
      if (done) {
        controller.close();
        return;
      }
      sentBytes += value.byteLength;
      controller.enqueue(value);
      onProgress?.({ sentBytes, totalBytes });
    },
    async cancel() {
      await source.return(undefined);
    },
  });
}
