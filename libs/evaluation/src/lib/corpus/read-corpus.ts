import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';

/** One recording and what was said in it. */
export interface CorpusItem {
  /** The audio file's path relative to the corpus folder, without its extension. */
  name: string;
  audioPath: string;
  /** The Content-Type its extension means. */
  contentType: string;
  reference: string;
}

/** Audio extensions read, and the Content-Type each is sent as. */
export const AUDIO_EXTENSIONS: Readonly<Record<string, string>> = {
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.flac': 'audio/flac',
  '.m4a': 'audio/mp4',
  '.mp4': 'audio/mp4',
  '.aac': 'audio/aac',
  '.webm': 'audio/webm',
};

/**
 * A corpus folder: every audio file (any extension in AUDIO_EXTENSIONS, in subfolders too) with
 * its reference transcript beside it, the same name with `.txt` (`talks/a.mp3` + `talks/a.txt`).
 * The whole text file is the reference; line breaks count as spaces. Sorted by name, so runs
 * compare file by file.
 *
 * @throws Error naming every audio file without a reference, or a folder with no audio.
 */
export function readCorpus(dir: string): CorpusItem[] {
  const files = (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).sort();
  const present = new Set(files);
  const items: CorpusItem[] = [];
  const missing: string[] = [];
  for (const file of files) {
    const contentType = AUDIO_EXTENSIONS[extname(file).toLowerCase()];
    if (contentType === undefined) continue;
    const name = file.slice(0, -extname(file).length);
    if (!present.has(`${name}.txt`)) {
      missing.push(file);
      continue;
    }
    const reference = readFileSync(join(dir, `${name}.txt`), 'utf8')
      .replace(/\s+/g, ' ')
      .trim();
    items.push({ name, audioPath: join(dir, file), contentType, reference });
  }
  if (missing.length > 0) {
    throw new Error(
      `${missing.length} audio file(s) in ${dir} have no reference transcript: add ${missing.map((f) => `${f.slice(0, -extname(f).length)}.txt`).join(', ')}`,
    );
  }
  if (items.length === 0) {
    throw new Error(
      `no audio in ${dir}: put recordings (${Object.keys(AUDIO_EXTENSIONS).join(' ')}) there, each with a .txt reference of the same name`,
    );
  }
  return items;
}
