import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CatalogModel } from './model-catalog';
import { HubUnreachableError, describeNetworkError, isNetworkError } from './hub-unreachable.error';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

export interface DownloadOptions {
  /** Where the model's files go (created). */
  dir: string;
  /** The hub, or a mirror: HF_ENDPOINT. @defaultValue https://huggingface.co */
  endpoint?: string;
  /** For gated or private repos: HF_TOKEN. */
  token?: string;
  revision?: string;
  /** Called as bytes arrive; `total` is the file's size from the hub. */
  onProgress?: (file: string, received: number, total: number) => void;
  /** Connection drops survived per file, each resuming where the last stopped. @defaultValue 3 */
  resumeAttempts?: number;
}

export interface DownloadedFile {
  path: string;
  bytes: number;
  /** Already complete on disk; nothing fetched. */
  cached: boolean;
}

/**
 * Fetches a catalog model's files into `dir`. Each file's size comes from the hub first; a file
 * already that size is kept; otherwise it downloads to `<file>.part`, resuming an earlier partial
 * download with `Range: bytes=N-` (starting over when the server ignores the range), and is
 * renamed into place only when its size matches. A dropped connection resumes; when the hub does
 * not answer at all, the error says how to place the files by hand.
 */
export async function downloadModel(
  model: CatalogModel,
  options: DownloadOptions,
): Promise<DownloadedFile[]> {
  const endpoint = (options.endpoint ?? DEFAULT_HUB_ENDPOINT).replace(/\/$/, '');
  const revision = options.revision ?? 'main';
  const urlOf = (path: string) => `${endpoint}/${model.repo}/resolve/${revision}/${path}`;
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const unreachable = (error: unknown) =>
    new HubUnreachableError(endpoint, error, {
      urls: model.files.map((f) => ({ url: urlOf(f.path), optional: f.optional })),
      dir: options.dir,
      envVar: model.envVar,
    });

  const done: DownloadedFile[] = [];
  for (const file of model.files) {
    let size: number | undefined;
    try {
      size = await remoteSize(urlOf(file.path), headers, file.optional ?? false, model.repo);
    } catch (error) {
      throw isNetworkError(error) ? unreachable(error) : error;
    }
    if (size === undefined) continue;
    const target = join(options.dir, file.path);
    if (existsSync(target) && statSync(target).size === size) {
      options.onProgress?.(file.path, size, size);
      done.push({ path: target, bytes: size, cached: true });
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    await fetchResumable(
      urlOf(file.path),
      `${target}.part`,
      size,
      headers,
      options.resumeAttempts ?? 3,
      (received) => options.onProgress?.(file.path, received, size),
      unreachable,
    );
    renameSync(`${target}.part`, target);
    done.push({ path: target, bytes: size, cached: false });
  }
  return done;
}

/** The file's size on the hub (undefined for an optional file it lacks). */
async function remoteSize(
  url: string,
  headers: Record<string, string>,
  optional: boolean,
  repo: string,
): Promise<number | undefined> {
  const response = await fetch(url, {
    method: 'HEAD',
    headers,
    redirect: 'follow',
    signal: AbortSignal.timeout(30_000),
  });
  if (response.status === 404 && optional) return undefined;
  if (response.status === 401 || response.status === 403) {
    throw new Error(
      `${url}: ${response.status}: ${repo} is gated or private; accept its terms on the hub and set HF_TOKEN`,
    );
  }
  if (!response.ok) throw new Error(`${url}: the hub answered ${response.status} ${response.statusText}`);
  const size = Number(response.headers.get('content-length') ?? response.headers.get('x-linked-size'));
  if (!Number.isFinite(size))
    throw new Error(`${url}: the hub gave no Content-Length, so the download could not be verified`);
  return size;
}

async function fetchResumable(
  url: string,
  partPath: string,
  size: number,
  headers: Record<string, string>,
  attempts: number,
  onProgress: (received: number) => void,
  unreachable: (error: unknown) => Error,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const have = existsSync(partPath) ? statSync(partPath).size : 0;
    if (have > size) rmSync(partPath);
    try {
      await fetchInto(url, partPath, have > size ? 0 : have, size, headers, onProgress);
    } catch (error) {
      const received = existsSync(partPath) ? statSync(partPath).size : 0;
      if (!isNetworkError(error)) throw error;
      if (received === 0 && have === 0) throw unreachable(error);
      if (attempt >= attempts) {
        throw new Error(
          `download of ${url} stopped at ${received} of ${size} bytes (${describeNetworkError(error)}): run the same command again to resume`,
          { cause: error },
        );
      }
      continue;
    }
    const got = statSync(partPath).size;
    if (got === size) return;
    if (attempt >= attempts)
      throw new Error(`${url}: got ${got} bytes but the hub said ${size}; delete ${partPath} and run again`);
  }
}

/** One GET from `from` (resuming when > 0), appended to the part file. */
async function fetchInto(
  url: string,
  partPath: string,
  from: number,
  size: number,
  headers: Record<string, string>,
  onProgress: (received: number) => void,
): Promise<void> {
  if (from === size) return;
  const response = await fetch(url, {
    headers: from > 0 ? { ...headers, range: `bytes=${from}-` } : headers,
    redirect: 'follow',
  });
  if (!response.ok || !response.body)
    throw new Error(`${url}: the hub answered ${response.status} ${response.statusText}`);
  // 206: the server resumed at `from`. 200: it sent the whole file, so start over.
  const resumed = response.status === 206;
  const out = createWriteStream(partPath, { flags: resumed ? 'a' : 'w' });
  let received = resumed ? from : 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      received += chunk.length;
      onProgress(received);
    }
  } finally {
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
}
