// BENCH ONLY: the baseline worker, plain ioredis: XREADGROUP a batch, "transcribe" at once, XADD
// each result and XACK the batch in one pipeline. No Nest, no Lua, no session bookkeeping.
import Redis from 'ioredis';
import { RAW_GROUP, RAW_RESULTS, RAW_STREAM } from './raw-keys';

async function main(): Promise<void> {
  const url = process.env['REDIS_URL'] as string;
  const reader = new Redis(url);
  const writer = new Redis(url);
  await reader.xgroup('CREATE', RAW_STREAM, RAW_GROUP, '$', 'MKSTREAM').catch(() => undefined);
  let running = true;
  process.on('SIGTERM', () => (running = false));
  process.stdout.write(`${JSON.stringify({ msg: 'worker ready' })}\n`);
  while (running) {
    const reply = (await reader.xreadgroup(
      'GROUP',
      RAW_GROUP,
      'raw-1',
      'COUNT',
      64,
      'BLOCK',
      100,
      'STREAMS',
      RAW_STREAM,
      '>',
    )) as Array<[string, Array<[string, string[]]>]> | null;
    const entries = reply?.[0]?.[1] ?? [];
    if (entries.length === 0) continue;
    const pipeline = writer.pipeline();
    for (const [, fields] of entries) {
      const chunkId = fields[fields.indexOf('chunk_id') + 1];
      const sessionId = fields[fields.indexOf('session_id') + 1];
      pipeline.xadd(
        RAW_RESULTS,
        '*',
        'session_id',
        sessionId,
        'chunk_id',
        chunkId,
        'text',
        'instant',
        'confidence',
        '1',
      );
    }
    pipeline.xack(RAW_STREAM, RAW_GROUP, ...entries.map(([id]) => id));
    await pipeline.exec();
  }
  reader.disconnect();
  writer.disconnect();
}

main().catch((error: unknown) => {
  process.stderr.write(`raw worker failed: ${String(error)}\n`);
  process.exit(1);
});
