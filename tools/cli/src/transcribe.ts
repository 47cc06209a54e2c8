import { randomUUID } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { NotFoundError, StreamscribeClient } from '@streamscribe/client';
import { exitCodeOf } from './api';
import { EXIT, UsageError } from './exit-codes';
import { ProgressState, ProgressView } from './progress';

export const FORMATS = ['text', 'json', 'srt', 'vtt'] as const;
export type Format = (typeof FORMATS)[number];

const EXTENSION: Record<Format, string> = { text: '.txt', json: '.json', srt: '.srt', vtt: '.vtt' };
const CONTENT_TYPES: Record<string, string> = {
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.mp4': 'audio/mp4',
  '.webm': 'audio/webm',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.flac': 'audio/flac',
};
/** Where a run keeps the session id of each file it started, inside the output folder. */
export const STATE_FILE = '.streamscribe-state.json';

export interface TranscribeOptions {
  target: string;
  out?: string;
  format: Format;
  concurrency: number;
  provider?: string;
  language?: string;
  /** How long one file may take to be transcribed after its upload, in ms. */
  timeoutMs: number;
}

export interface FileOutcome {
  file: string;
  output: string;
  status: 'transcribed' | 'skipped' | 'resumed' | 'failed';
  sessionId?: string;
  error?: string;
}

interface StateEntry {
  sessionId: string;
  /** `uploading`: the upload may not have finished (a new session then); `uploaded`: wait for it. */
  stage: 'uploading' | 'uploaded';
}

/** The audio files a target names: the file itself, or the folder's audio files (not recursive). */
export function audioFiles(target: string): string[] {
  if (!existsSync(target)) throw new UsageError(`no such file or folder: ${target}`);
  if (!statSync(target).isDirectory()) return [resolve(target)];
  return readdirSync(target)
    .filter((name) => CONTENT_TYPES[extname(name).toLowerCase()] !== undefined)
    .sort()
    .map((name) => resolve(target, name));
}

class StateFile {
  private readonly entries: Record<string, StateEntry>;
  constructor(private readonly path: string) {
    this.entries = existsSync(path)
      ? ((JSON.parse(readFileSync(path, 'utf8')) as { files?: Record<string, StateEntry> }).files ?? {})
      : {};
  }
  get(file: string): StateEntry | undefined {
    return this.entries[file];
  }
  set(file: string, entry: StateEntry | undefined): void {
    if (entry) this.entries[file] = entry;
    else delete this.entries[file];
    // Written whole and renamed: an interrupted run never leaves half a state file.
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ files: this.entries }, null, 2)}\n`);
    renameSync(tmp, this.path);
  }
}

/**
 * Transcribes each file into `<out>/<name><.ext>`: skips files whose output exists; a file whose
 * upload finished in an interrupted run (its session id in the state file) is waited for, not sent again.
 */
export async function transcribe(
  client: StreamscribeClient,
  options: TranscribeOptions,
  view: ProgressView,
): Promise<FileOutcome[]> {
  const files = audioFiles(options.target);
  if (files.length === 0) throw new UsageError(`no audio files in ${options.target}`);
  const out = resolve(
    options.out ?? (statSync(options.target).isDirectory() ? options.target : dirname(options.target)),
  );
  mkdirSync(out, { recursive: true });
  const state = new StateFile(join(out, STATE_FILE));
  const sizes = new Map(files.map((file) => [file, statSync(file).size]));
  const progress: ProgressState = {
    filesDone: 0,
    filesTotal: files.length,
    bytesSent: 0,
    bytesTotal: [...sizes.values()].reduce((a, b) => a + b, 0),
    current: [],
  };
  const outcomes: FileOutcome[] = [];
  const queue = [...files];

  const one = async (file: string): Promise<FileOutcome> => {
    const name = basename(file);
    const output = join(out, `${basename(file, extname(file))}${EXTENSION[options.format]}`);
    if (existsSync(output)) {
      progress.bytesSent += sizes.get(file) ?? 0;
      return { file, output, status: 'skipped' };
    }
    progress.current.push(name);
    view.update(progress);
    try {
      const previous = state.get(file);
      let body: string | undefined;
      let sessionId: string | undefined;
      let status: FileOutcome['status'] = 'transcribed';
      if (previous?.stage === 'uploaded') {
        // The upload finished in an earlier run: wait for that session instead of paying twice.
        try {
          body = await fetchOutput(client, previous.sessionId, options);
          sessionId = previous.sessionId;
          status = 'resumed';
          progress.bytesSent += sizes.get(file) ?? 0;
          view.update(progress);
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
        }
      }
      if (body === undefined) {
        const id = `cli-${randomUUID()}`;
        sessionId = id;
        state.set(file, { sessionId: id, stage: 'uploading' });
        let counted = 0;
        const size = sizes.get(file) ?? 0;
        const result = await client.transcribeFile(createReadStream(file, { highWaterMark: 64 * 1024 }), {
          sessionId: id,
          idempotencyKey: id,
          contentLength: size,
          contentType: CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
          format: options.format,
          provider: options.provider,
          language: options.language,
          timeoutMs: options.timeoutMs,
          onProgress: ({ sentBytes }) => {
            progress.bytesSent += sentBytes - counted;
            counted = sentBytes;
            // The whole body went out: from now on a rerun waits for this session.
            if (sentBytes >= size) state.set(file, { sessionId: id, stage: 'uploaded' });
            view.update(progress);
          },
        });
        body = options.format === 'json' ? `${result.output}\n` : result.output;
      }
      writeFileSync(`${output}.part`, body);
      renameSync(`${output}.part`, output);
      state.set(file, undefined);
      return { file, output, status, sessionId };
    } catch (error) {
      const code = exitCodeOf(error);
      if (code === EXIT.auth || code === EXIT.unavailable) throw error;
      return { file, output, status: 'failed', error: (error as Error).message };
    } finally {
      progress.current.splice(progress.current.indexOf(name), 1);
    }
  };

  const worker = async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      const outcome = await one(file);
      outcomes.push(outcome);
      progress.filesDone++;
      view.event(describe(outcome));
      view.update(progress);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, files.length) }, worker));
  view.done();
  return outcomes.sort((a, b) => a.file.localeCompare(b.file));
}

function describe(outcome: FileOutcome): string {
  const name = basename(outcome.file);
  switch (outcome.status) {
    case 'skipped':
      return `skipped ${name}: ${basename(outcome.output)} exists`;
    case 'failed':
      return `failed ${name}: ${outcome.error}`;
    case 'resumed':
      return `resumed ${name} -> ${outcome.output} (session ${outcome.sessionId})`;
    default:
      return `done ${name} -> ${outcome.output}`;
  }
}

/** A session's transcript in the asked format, once complete (NotFoundError when the router has no such session). */
async function fetchOutput(
  client: StreamscribeClient,
  sessionId: string,
  options: TranscribeOptions,
): Promise<string> {
  const session = client.session(sessionId);
  const transcript = await session.waitForTranscript({ timeoutMs: options.timeoutMs, pollIntervalMs: 250 });
  if (options.format === 'json') return `${JSON.stringify(transcript, null, 2)}\n`;
  return session.transcript({ format: options.format });
}
