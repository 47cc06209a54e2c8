import { parseEvalArgs } from './parse-eval-args';

describe('parseEvalArgs', () => {
  it('reads a provider run and a router run, with defaults', () => {
    expect(parseEvalArgs(['--dir', 'corpus', '--provider', 'whisper'])).toEqual({
      dir: 'corpus',
      provider: 'whisper',
      router: undefined,
      concurrency: 1,
      timeoutMs: 600_000,
      json: undefined,
    });
    expect(
      parseEvalArgs([
        '--dir',
        'c',
        '--router',
        'http://router:8080',
        '--concurrency',
        '4',
        '--timeout-ms',
        '1000',
        '--json',
        'r.json',
      ]),
    ).toMatchObject({
      router: 'http://router:8080',
      concurrency: 4,
      timeoutMs: 1000,
      json: 'r.json',
    });
  });

  it('names every problem at once, then the usage', () => {
    expect(() => parseEvalArgs(['--provider', 'otter', '--concurrency', '0'])).toThrow(
      /^--dir is required; --provider must be one of deepgram, assemblyai, whisper, parakeet, got 'otter'; --concurrency must be a positive integer, got '0'\n\nusage: npm run eval:wer/,
    );
    expect(() => parseEvalArgs(['--dir', 'c'])).toThrow(/give --provider, --router, or both/);
    expect(() => parseEvalArgs(['--dir', 'c', '--router', 'router:8080'])).toThrow(
      /--router must be an http\(s\) URL/,
    );
    expect(() => parseEvalArgs(['--dir', 'c', '--provider', 'whisper', '--speed', 'fast'])).toThrow(
      /--speed/,
    );
  });
});
