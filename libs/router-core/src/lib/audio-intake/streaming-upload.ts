import { Inject, Injectable, UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request } from 'express';
import {
  AudioFormatError,
  AudioShape,
  ChunkPlan,
  WavPrefix,
  PauseCutPlan,
  SpeechSpanFinder,
  compressedFormatOf,
  parseAudioContentType,
  planChunks,
  planPauseCuts,
  readWavPrefix,
  splitAudioStream,
  splitAudioStreamAtPauses,
} from '@streamscribe/audio';
import type { ChunkCutMode } from '@streamscribe/contracts';
import { RouterEnvironment } from '../router-environment';
import { ROUTER_ENVIRONMENT } from '../tokens';
import { routerMetrics } from '../router-metrics';
import { PAUSE_FINDER } from './pause-finder';
import { AudioIntake } from './audio-intake.service';
import { audioRefusal, refusal, refusingBadAudio } from './intake-errors';
import { UploadBody } from './upload-body';

/** One chunk of a file: a standalone WAV, how much audio it holds and where it lies in the file. */
export interface FileChunk {
  wav: Buffer;
  seconds: number;
  /**
   * Where the chunk's first sample lies in the file, in ms: its real start, from the cut positions.
   * For fixed cuts, the sum of the durations before it; after a forced cut at a pause window's end,
   * `overlapMs` earlier than that sum would say.
   */
  offsetMs: number;
  /** Ms at its start that the chunk before also holds (a cut forced inside speech); 0 otherwise. */
  overlapMs: number;
}

/**
 * A file upload whose length, chunk count and audio are known and checked; its chunks are cut
 * from the request as they are consumed. The iterable throws only HttpExceptions: 400
 * `upload_incomplete` when the client breaks off or sends less than it promised.
 */
export interface FileUpload {
  /** How many chunks the file becomes: exact for fixed cuts, an upper bound for cuts at pauses. */
  chunkCount: number;
  cuts: ChunkCutMode;
  durationSeconds: number;
  chunkSeconds: number;
  /** Bytes of samples in the whole file (what one whole-file chunk would carry, less its header). */
  sampleBytes: number;
  chunks: AsyncIterable<FileChunk>;
  /**
   * The same upload as one chunk holding the whole file (`?split=false`, diarization). Call it
   * before reading `chunks`: both read the same request body.
   */
  whole(): Promise<FileUpload>;
}

const L16_SHAPE = { bitsPerSample: 16, encoding: 'pcm' } as const;

/**
 * Opens POST /v1/transcriptions uploads for streaming: reads only what is needed to know the
 * audio's layout and length (the WAV header, or `audio/l16` parameters plus Content-Length),
 * validates it and plans its chunks (MAX_CHUNKS_PER_FILE) before anything is queued, and then
 * hands out chunks as their bytes arrive, so a file is never held whole.
 *
 * Compressed audio (mp3, ogg …) cannot be measured before it is decoded: its body is read whole
 * (at most MAX_FILE_BYTES, by the route's body parser) and decoded with a bounded output (see
 * `AudioIntake`), then split the same way.
 */
@Injectable()
export class StreamingUploads {
  constructor(
    @Inject(ROUTER_ENVIRONMENT) private readonly env: RouterEnvironment,
    private readonly intake: AudioIntake,
    @Inject(PAUSE_FINDER) private readonly pauses: SpeechSpanFinder,
  ) {}

  /**
   * @param chunkSeconds the chunk length (fixed cuts), or the latest cut after a chunk's start
   *   (cuts at pauses, whose window starts at CHUNK_MIN_SECONDS, or at chunkSeconds if that is less).
   * @param cuts where to cut (`?cuts=`). Absent: CHUNK_CUTS, except that a chunkSeconds of at most
   *   CHUNK_MIN_SECONDS leaves no window to look for a pause in, so such a file is cut every
   *   chunkSeconds. Asked for explicitly, pauses are then looked for in the last third.
   */
  async open(
    request: Request,
    contentType: string | undefined,
    chunkSeconds: number,
    signal?: AbortSignal,
    cuts?: ChunkCutMode,
  ): Promise<FileUpload> {
    const windowed = chunkSeconds > this.env.CHUNK_MIN_SECONDS;
    const atPauses =
      cuts === 'pauses' || (cuts === undefined && this.env.CHUNK_CUTS === 'pauses' && windowed);
    const minSeconds = windowed ? this.env.CHUNK_MIN_SECONDS : (chunkSeconds * 2) / 3;
    const planned = (shape: AudioShape, totalBytes: number, samples: AsyncIterable<Buffer>) =>
      atPauses
        ? this.plannedAtPauses(shape, totalBytes, minSeconds, chunkSeconds, samples)
        : this.planned(shape, totalBytes, chunkSeconds, samples);
    if (compressedFormatOf(contentType) !== undefined) {
      const { body, audio } = await this.intake.read(request.body, contentType, 'file', signal);
      const samples = body.subarray(audio.pcmOffset, audio.pcmOffset + audio.pcmLength);
      return planned(audio, samples.length, once(samples));
    }
    let declared: ReturnType<typeof parseAudioContentType>;
    try {
      declared = parseAudioContentType(contentType);
    } catch (error) {
      throw new UnsupportedMediaTypeException((error as Error).message);
    }
    const length = contentLengthOf(request);
    const body = new UploadBody(request, this.env.MAX_FILE_BYTES, 'MAX_FILE_BYTES');
    if (declared.format === 'l16') {
      if (length === undefined)
        throw refusal(
          411,
          'length_required',
          'audio/l16 has no header saying how long it is: send a Content-Length (or send WAV)',
        );
      const shape = { sampleRate: declared.sampleRate, channels: declared.channels, ...L16_SHAPE };
      const frame = 2 * declared.channels;
      if (length % frame !== 0)
        throw audioRefusal(
          new AudioFormatError(
            `audio/l16 body of ${length} bytes is not a whole number of ${frame}-byte frames (16-bit samples, ${declared.channels} channel(s))`,
          ),
        );
      return planned(shape, length, body.rest());
    }
    const { wav, prefix } = await readWavHeader(body, length);
    if (wav.dataOffset + wav.dataLength > this.env.MAX_FILE_BYTES)
      throw refusal(
        413,
        'upload_too_large',
        `the WAV declares ${wav.dataLength} bytes of samples, over the ${this.env.MAX_FILE_BYTES} bytes of MAX_FILE_BYTES: split it into smaller files`,
      );
    return planned(wav, wav.dataLength, body.rest(prefix.subarray(wav.dataOffset)));
  }

  private async planned(
    shape: AudioShape,
    totalBytes: number,
    chunkSeconds: number,
    samples: AsyncIterable<Buffer>,
  ): Promise<FileUpload> {
    const plan = await refusingBadAudio(() =>
      planChunks(shape, totalBytes, chunkSeconds, this.env.MAX_CHUNKS_PER_FILE),
    );
    return {
      chunkCount: plan.chunkCount,
      cuts: 'fixed',
      durationSeconds: plan.durationSeconds,
      chunkSeconds,
      sampleBytes: plan.totalBytes,
      chunks: chunksOf(samples, shape, plan),
      // One chunk as long as the file (a frame's worth more, so rounding never makes two).
      whole: () => this.planned(shape, totalBytes, plan.durationSeconds + 1 / shape.sampleRate, samples),
    };
  }

  private async plannedAtPauses(
    shape: AudioShape,
    totalBytes: number,
    minSeconds: number,
    chunkSeconds: number,
    samples: AsyncIterable<Buffer>,
  ): Promise<FileUpload> {
    // The overlap stays well under a short chunk (chunkSeconds can be 1).
    const overlapSeconds = Math.min(this.env.CHUNK_OVERLAP_MS / 1000, chunkSeconds / 4);
    const plan = await refusingBadAudio(() =>
      planPauseCuts(
        shape,
        totalBytes,
        {
          minSeconds,
          maxSeconds: chunkSeconds,
          overlapSeconds,
        },
        this.env.MAX_CHUNKS_PER_FILE,
      ),
    );
    return {
      chunkCount: plan.chunkCountBound,
      cuts: 'pauses',
      durationSeconds: plan.durationSeconds,
      // The longest chunk: the window's end and the overlap after a forced cut.
      chunkSeconds: chunkSeconds + overlapSeconds,
      sampleBytes: plan.totalBytes,
      chunks: chunksAtPauses(samples, shape, plan, this.pauses),
      whole: () => this.planned(shape, totalBytes, plan.durationSeconds + 1 / shape.sampleRate, samples),
    };
  }
}

async function* chunksAtPauses(
  samples: AsyncIterable<Buffer>,
  shape: AudioShape,
  plan: PauseCutPlan,
  finder: SpeechSpanFinder,
): AsyncGenerator<FileChunk> {
  const ms = (frames: number) => Math.round((frames * 1000) / shape.sampleRate);
  try {
    for await (const chunk of splitAudioStreamAtPauses(samples, shape, plan, finder)) {
      if (chunk.startFrame + chunk.frames < plan.totalFrames)
        routerMetrics.fileCuts.inc({ cut: chunk.forcedCut ? 'forced' : 'pause' });
      yield {
        wav: chunk.wav,
        seconds: chunk.frames / shape.sampleRate,
        offsetMs: ms(chunk.startFrame),
        overlapMs: ms(chunk.leadingOverlapFrames),
      };
    }
  } catch (error) {
    if (error instanceof AudioFormatError) throw refusal(400, 'upload_incomplete', error.message);
    throw error;
  }
}

async function* chunksOf(
  samples: AsyncIterable<Buffer>,
  shape: AudioShape,
  plan: ChunkPlan,
): AsyncGenerator<FileChunk> {
  const bytesPerSecond = plan.frameBytes * shape.sampleRate;
  let offsetBytes = 0;
  try {
    for await (const wav of splitAudioStream(samples, shape, plan)) {
      // The header is 44 bytes; an odd-sized data chunk has one pad byte after its samples.
      const sampleBytes = wav.readUInt32LE(40);
      yield {
        wav,
        seconds: sampleBytes / bytesPerSecond,
        offsetMs: Math.round((offsetBytes * 1000) / bytesPerSecond),
        overlapMs: 0,
      };
      offsetBytes += sampleBytes;
      if (offsetBytes < plan.totalBytes) routerMetrics.fileCuts.inc({ cut: 'fixed' });
    }
  } catch (error) {
    if (error instanceof AudioFormatError) throw refusal(400, 'upload_incomplete', error.message);
    throw error;
  }
}

/** Reads pieces until the WAV header (through the `data` chunk's header) is in. */
async function readWavHeader(
  body: UploadBody,
  length: number | undefined,
): Promise<{ wav: WavPrefix; prefix: Buffer }> {
  let prefix: Buffer = Buffer.alloc(0);
  for (;;) {
    const wav = await refusingBadAudio(() => readWavPrefix(prefix, length));
    if (wav) return { wav, prefix };
    const piece = await body.next();
    if (!piece) {
      if (prefix.length === 0)
        throw refusal(400, 'audio_empty', 'audio body is empty: send the audio bytes as the request body');
      // Ended inside the header: judged as a body of exactly this length (throws, naming what is missing).
      await refusingBadAudio(() => readWavPrefix(prefix, prefix.length));
      throw refusal(400, 'audio_malformed', `WAV header truncated after ${prefix.length} bytes`);
    }
    prefix = prefix.length === 0 ? piece : Buffer.concat([prefix, piece]);
  }
}

function contentLengthOf(request: Request): number | undefined {
  const header = request.headers['content-length'];
  if (header === undefined || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}

async function* once(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}
