import { oneOf, parseArgs, positiveIntFlag } from './args';
import { UsageError } from './exit-codes';
import { barLine } from './progress';

describe('parseArgs', () => {
  it('takes words, --flag value, --flag=value and switches in any order; - is a word', () => {
    const { words, flags } = parseArgs(['stream', '-', '--json', '--url=http://r:1', '--key', 'ss_k']);
    expect(words).toEqual(['stream', '-']);
    expect(Object.fromEntries(flags)).toEqual({ json: '', url: 'http://r:1', key: 'ss_k' });
  });

  it('refuses unknown options and a flag without its value', () => {
    expect(() => parseArgs(['providers', '--colour'])).toThrow(new UsageError('unknown option --colour'));
    expect(() => parseArgs(['transcribe', 'x', '--out'])).toThrow('--out needs a value');
  });

  it('checks whole numbers and choices', () => {
    const { flags } = parseArgs(['--concurrency', '0', '--format', 'vtt']);
    expect(() => positiveIntFlag(flags, 'concurrency', 2)).toThrow(UsageError);
    expect(positiveIntFlag(new Map(), 'concurrency', 2)).toBe(2);
    expect(oneOf(flags, 'format', ['text', 'vtt'], 'text')).toBe('vtt');
    expect(() => oneOf(flags, 'format', ['text', 'srt'], 'text')).toThrow(
      '--format must be one of: text, srt',
    );
  });
});

describe('barLine', () => {
  it('fills the bar by bytes sent and names the files in flight', () => {
    const line = barLine(
      { filesDone: 1, filesTotal: 4, bytesSent: 500_000, bytesTotal: 2_000_000, current: ['a.wav', 'b.wav'] },
      200,
    );
    expect(line).toBe(`[${'#'.repeat(7)}${'-'.repeat(21)}]  25%  1/4 files  0.5/2.0 MB  a.wav, b.wav`);
  });

  it('fits the terminal width', () => {
    const line = barLine(
      { filesDone: 0, filesTotal: 1, bytesSent: 0, bytesTotal: 0, current: ['x'.repeat(300)] },
      80,
    );
    expect(line.length).toBe(79);
    expect(line.startsWith(`[${'#'.repeat(28)}] 100%`)).toBe(true);
  });
});
