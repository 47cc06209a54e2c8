import { parseArgs } from 'node:util';
import { PROVIDER_NAMES } from './provider-from-env';

export interface EvalArgs {
  dir: string;
  provider?: string;
  router?: string;
  concurrency: number;
  timeoutMs: number;
  json?: string;
}

export const USAGE = `usage: npm run eval:wer -- --dir DIR (--provider ${PROVIDER_NAMES.join('|')} | --router URL [--provider NAME]) [--concurrency N] [--timeout-ms MS] [--json FILE]

DIR holds audio (wav mp3 ogg opus flac m4a aac webm) with a reference transcript beside each: name.mp3 + name.txt.
--provider   call that provider's adapter directly, configured from the same variables as its worker
--router     post each file to a router's /v1/transcriptions?wait=true (with --provider: routed there)
--concurrency  files in flight at once (default 1)
--timeout-ms   how long the router may hold one file (default 600000)
--json FILE    also write the full report (normalised texts, counts, timings) as JSON`;

/** @throws Error with the usage when the arguments do not make a run. */
export function parseEvalArgs(argv: string[]): EvalArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      dir: { type: 'string' },
      provider: { type: 'string' },
      router: { type: 'string' },
      concurrency: { type: 'string', default: '1' },
      'timeout-ms': { type: 'string', default: '600000' },
      json: { type: 'string' },
    },
    strict: true,
  });
  const problems: string[] = [];
  if (!values.dir) problems.push('--dir is required');
  if (!values.provider && !values.router) problems.push('give --provider, --router, or both');
  if (values.provider && !(PROVIDER_NAMES as readonly string[]).includes(values.provider)) {
    problems.push(`--provider must be one of ${PROVIDER_NAMES.join(', ')}, got '${values.provider}'`);
  }
  if (values.router && !/^https?:\/\//.test(values.router))
    problems.push(`--router must be an http(s) URL, got '${values.router}'`);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    problems.push(`--concurrency must be a positive integer, got '${values.concurrency}'`);
  const timeoutMs = Number(values['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000)
    problems.push(`--timeout-ms must be an integer from 1 to 600000, got '${values['timeout-ms']}'`);
  if (problems.length > 0) throw new Error(`${problems.join('; ')}\n\n${USAGE}`);
  return {
    dir: values.dir as string,
    provider: values.provider,
    router: values.router,
    concurrency,
    timeoutMs,
    json: values.json,
  };
}
