import { formatSentinelChaosTable, runSentinelChaos } from './sentinel-chaos-run';

/**
 * `npm run chaos:sentinel`: the Sentinel failover at full size, both durability modes, one table.
 * SENTINEL_CHAOS_CHUNKS / SENTINEL_CHAOS_RATE change the load (defaults 1,500 chunks at 100/s,
 * the primary SIGKILLed after a third of them).
 */
async function main(): Promise<void> {
  const chunks = Number(process.env['SENTINEL_CHAOS_CHUNKS'] ?? 1500);
  const chunksPerSecond = Number(process.env['SENTINEL_CHAOS_RATE'] ?? 100);
  const reports = [];
  for (const durability of ['async', 'replica'] as const) {
    const report = await runSentinelChaos({
      durability,
      chunks,
      chunksPerSecond,
      killAtChunk: Math.floor(chunks / 3),
      settleTimeoutMs: 120_000,
    });
    reports.push(report);
    console.log(formatSentinelChaosTable([report]));
  }
  console.log(
    `\nSentinel failover, ${chunks} chunks at ${chunksPerSecond}/s, primary SIGKILLed at chunk ${Math.floor(chunks / 3)}\n`,
  );
  console.log(formatSentinelChaosTable(reports));
  const replica = reports.find((r) => r.mode === 'replica');
  if (replica && replica.acceptedButLost > 0) {
    console.error(`replica mode lost ${replica.acceptedButLost} accepted chunks`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
