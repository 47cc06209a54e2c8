// `npm run models:download -- <name> [--dir DIR] [--dtype fp32|q8|int8|uint8|q4|bnb4] [--quantized]`
// Fetches a public Whisper or Parakeet ONNX export from the Hugging Face hub (HF_ENDPOINT, HF_TOKEN)
// with a progress bar, resuming partial files and verifying sizes and checksums, then prints the variable to set.
import {
  WHISPER_DTYPE_SUFFIXES,
  WhisperDtype,
  catalogModel,
  catalogNames,
  defaultModelDir,
  downloadModel,
  renderProgress,
} from '@streamscribe/inference';

function parseArgs(argv: string[]): { name?: string; dir?: string; dtype: WhisperDtype; quantized: boolean } {
  const args = {
    name: undefined as string | undefined,
    dir: undefined as string | undefined,
    dtype: 'fp32' as WhisperDtype,
    quantized: false,
  };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--dir') args.dir = argv[++i];
    else if (argv[i] === '--dtype') args.dtype = argv[++i] as WhisperDtype;
    else if (argv[i] === '--quantized') args.quantized = true;
    else args.name = argv[i];
  }
  if (!(args.dtype in WHISPER_DTYPE_SUFFIXES))
    throw new Error(`--dtype must be one of ${Object.keys(WHISPER_DTYPE_SUFFIXES).join(', ')}`);
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!args.name)
    throw new Error(
      `usage: npm run models:download -- <name> [--dir DIR] [--dtype fp32|q8|…] [--quantized]\nnames: ${catalogNames().join(', ')}`,
    );
  const model = catalogModel(args.name, { whisperDtype: args.dtype, parakeetQuantized: args.quantized });
  const dir = args.dir ?? defaultModelDir(args.name);
  process.stderr.write(`${model.name}: ${model.repo} (about ${model.approxMegabytes} MB) into ${dir}\n`);
  const interactive = process.stderr.isTTY;
  let lastLine = '';
  const files = await downloadModel(model, {
    dir,
    endpoint: process.env['HF_ENDPOINT'] || undefined,
    token: process.env['HF_TOKEN'] || undefined,
    onProgress: (file, received, total) => {
      const line = renderProgress(file, received, total);
      // On a terminal the bar redraws in place; in a log, one line per file when it completes.
      if (interactive) process.stderr.write(`\r${line}`);
      else if (received === total && line !== lastLine) process.stderr.write(`${line}\n`);
      lastLine = line;
    },
  });
  if (interactive) process.stderr.write('\n');
  const fetched = files.filter((f) => !f.cached).length;
  process.stderr.write(
    `${files.length} files verified (${fetched} downloaded, ${files.length - fetched} already there)\n`,
  );
  process.stdout.write(`${model.envVar}=${dir}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`\nmodels:download: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
