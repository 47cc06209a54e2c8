import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCorpus } from './read-corpus';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'corpus-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

describe('readCorpus', () => {
  it('pairs each audio file with the .txt of the same name, in subfolders too, sorted', () => {
    const dir = folder({
      'b.mp3': 'x',
      'b.txt': 'second\nline',
      'talks/a.OGG': 'x',
      'talks/a.txt': ' first ',
      'notes.txt': 'not a reference',
    });
    expect(readCorpus(dir)).toEqual([
      { name: 'b', audioPath: join(dir, 'b.mp3'), contentType: 'audio/mpeg', reference: 'second line' },
      { name: 'talks/a', audioPath: join(dir, 'talks/a.OGG'), contentType: 'audio/ogg', reference: 'first' },
    ]);
  });

  it('names every audio file without a reference, and says what to add', () => {
    const dir = folder({ 'a.wav': 'x', 'b.flac': 'x', 'b.txt': 'ok', 'c.webm': 'x' });
    expect(() => readCorpus(dir)).toThrow(
      `2 audio file(s) in ${dir} have no reference transcript: add a.txt, c.txt`,
    );
  });

  it('refuses a folder with no audio', () => {
    expect(() => readCorpus(folder({ 'a.txt': 'x' }))).toThrow(
      /no audio in .*: put recordings \(\.wav \.mp3/,
    );
  });
});
