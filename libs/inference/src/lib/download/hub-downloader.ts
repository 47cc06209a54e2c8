import { createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { CatalogModel } from './model-catalog';
import { ChecksumMismatchError } from './checksum-mismatch.error';
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
  /** The checksum the file was verified against. */
  checksum: FileChecksum;
}

/**
 * What a file's bytes must hash to: `sha256` (pinned in the catalog, or the hub's X-Linked-Etag
 * for files kept in Git LFS) or `git-sha1` (the hub's ETag for small files kept in git: SHA-1 of
 * `blob <size>\0<bytes>`).
 */
export interface FileChecksum {
  algorithm: 'sha256' | 'git-sha1';
  hex: string;
}

/**
 * Fetches a catalog model's files into `dir`. Each file's size comes from the hub first; a file
 * already that size is kept; otherwise it downloads to `<file>.part`, resuming an earlier partial
 * download with `Range: bytes=N-` (starting over when the server ignores the range), and is
 * renamed into place only when its size matches and its checksum does: the catalog's pinned sha256
 * when it has one, else the hub's (X-Linked-Etag, or the git ETag of a small file). A file whose
 * bytes do not match is deleted and the download refused (ChecksumMismatchError); a file already on
 * disk that does not match is deleted and fetched again. A dropped connection resumes; when the hub
 * does not answer at all, the error says how to place the files by hand.
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
    let remote: RemoteFile | undefined;
    try {
      remote = await remoteFile(urlOf(file.path), headers, file.optional ?? false, model.repo);
    } catch (error) {
      throw isNetworkError(error) ? unreachable(error) : error;
    }
    if (remote === undefined) continue;
    const { size } = remote;
    const checksum: FileChecksum | undefined = file.sha256
      ? { algorithm: 'sha256', hex: file.sha256.toLowerCase() }
      : remote.checksum;
    if (!checksum)
      throw new Error(
        `${urlOf(file.path)}: the hub gave no checksum (ETag) and the catalog pins none, so the download could not be verified`,
      );
    const target = join(options.dir, file.path);
    if (existsSync(target) && statSync(target).size === size) {
      if ((await fileChecksum(target, checksum.algorithm)) === checksum.hex) {
        options.onProgress?.(file.path, size, size);
        done.push({ path: target, bytes: size, cached: true, checksum });
        continue;
      }
      // A file of the right size but other bytes (an edit, a bad copy): fetch it again.
      rmSync(target);
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
    const actual = await fileChecksum(`${target}.part`, checksum.algorithm);
    if (actual !== checksum.hex) {
      rmSync(`${target}.part`);
      throw new ChecksumMismatchError(urlOf(file.path), target, checksum.algorithm, checksum.hex, actual);
    }
    renameSync(`${target}.part`, target);
    done.push({ path: target, bytes: size, cached: false, checksum });
  }
  return done;
}

interface RemoteFile {
  size: number;
  checksum?: FileChecksum;
}

/** The hub's ETag value without quotes or a weak prefix, as a checksum when it looks like one. */
function checksumOf(etag: string | null): FileChecksum | undefined {
  const hex = (etag ?? '').replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase();
  if (/^[0-9a-f]{64}$/.test(hex)) return { algorithm: 'sha256', hex };
  if (/^[0-9a-f]{40}$/.test(hex)) return { algorithm: 'git-sha1', hex };
  return undefined;
}

/**
 * The file's size and checksum on the hub (undefined for an optional file it lacks). The hub
 * answers a file kept in Git LFS with a redirect to its CDN carrying X-Linked-Size and
 * X-Linked-Etag (the sha256), and a small file kept in git directly, its ETag the git blob SHA-1.
 */
async function remoteFile(
  url: string,
  headers: Record<string, string>,
  optional: boolean,
  repo: string,
): Promise<RemoteFile | undefined> {
  const head = (target: string, redirect: 'manual' | 'follow') =>
    fetch(target, { method: 'HEAD', headers, redirect, signal: AbortSignal.timeout(30_000) });
  const first = await head(url, 'manual');
  let response = first;
  if (first.status >= 300 && first.status < 400 && first.headers.get('location'))
    response = await head(new URL(first.headers.get('location') as string, url).toString(), 'follow');
  if (response.status === 404 && optional) return undefined;
  if (response.status === 401 || response.status === 403) {
    throw new Error(
      `${url}: ${response.status}: ${repo} is gated or private; accept its terms on the hub and set HF_TOKEN`,
    );
  }
  if (!response.ok) throw new Error(`${url}: the hub answered ${response.status} ${response.statusText}`);
  const size = Number(
    response.headers.get('content-length') ??
      first.headers.get('x-linked-size') ??
      response.headers.get('x-linked-size'),
  );
  if (!Number.isFinite(size))
    throw new Error(`${url}: the hub gave no Content-Length, so the download could not be verified`);
  // The hub's own headers only: a CDN's ETag may be anything (an MD5, a version id).
  const checksum = checksumOf(first.headers.get('x-linked-etag')) ?? checksumOf(first.headers.get('etag'));
  return { size, checksum };
}

/** A file's sha256, or its git blob SHA-1 (`blob <size>\0` then the bytes), as lowercase hex. */
export async function fileChecksum(path: string, algorithm: FileChecksum['algorithm']): Promise<string> {
  const hash = createHash(algorithm === 'sha256' ? 'sha256' : 'sha1');
  if (algorithm === 'git-sha1') hash.update(`blob ${statSync(path).size}\0`);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
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
