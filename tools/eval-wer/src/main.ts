import { writeFileSync } from 'node:fs';
import { FfmpegDecoder } from '@streamscribe/audio';
import {
  CorpusTranscriber,
  ProviderTranscriber,
  RouterTranscriber,
  evaluateCorpus,
  formatCorpusScore,
  readCorpus,
} from '@streamscribe/evaluation';
import { parseEvalArgs } from './parse-eval-args';
import { providerFromEnv } from './provider-from-env';

/** Operators' own files may be long: four hours each, decoded within ten minutes. */
const DECODER_LIMITS = { maxSeconds: 4 * 3600, timeoutMs: 600_000 };

async function main(): Promise<number> {
  const args = parseEvalArgs(process.argv.slice(2));
  const items = readCorpus(args.dir);
  const transcriber: CorpusTranscriber = args.router
    ? new RouterTranscriber(args.router, args.provider, args.timeoutMs, process.env['STREAMSCRIBE_API_KEY'])
    : new ProviderTranscriber(
        await providerFromEnv(args.provider as string, process.env),
        new FfmpegDecoder({ ffmpegPath: process.env['FFMPEG_PATH'], ...DECODER_LIMITS }),
      );
  process.stderr.write(
    `eval:wer: ${items.length} file(s) in ${args.dir} through ${transcriber.description}\n`,
  );
  const score = await evaluateCorpus(items, transcriber, {
    concurrency: args.concurrency,
    onFile: (file) =>
      process.stderr.write(
        `  ${file.name}: ${file.error ? `failed (${file.error})` : `WER ${(file.wer * 100).toFixed(2)}%`}\n`,
      ),
  });
  process.stdout.write(formatCorpusScore(score));
  if (args.json) writeFileSync(args.json, JSON.stringify(score, null, 2));
  return score.pooled.failedFiles > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`eval:wer: ${error.message}\n`);
    process.exit(2);
  },
);
