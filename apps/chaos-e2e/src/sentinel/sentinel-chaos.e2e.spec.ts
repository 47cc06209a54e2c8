import { formatSentinelChaosTable, runSentinelChaos } from './sentinel-chaos-run';

// The fast variant of `npm run chaos:sentinel`: the primary SIGKILLed under a steady load, in
// each durability mode. Real processes on a shared machine: generous timeouts, counts only.
jest.setTimeout(120_000);

const FAST = { chunks: 240, chunksPerSecond: 20, killAtChunk: 40, settleTimeoutMs: 20_000 };

describe('Redis Sentinel failover under load: router and worker-deepgram follow the promoted replica', () => {
  it('async: keeps serving across the failover and counts accepted-but-lost chunks (may be > 0)', async () => {
    const report = await runSentinelChaos({ durability: 'async', ...FAST });
    console.log(`sentinel chaos (fast variant)\n${formatSentinelChaosTable([report])}`);
    expect(report.sent).toBe(FAST.chunks);
    // Both sides of the kill were served: the fabric reconnected to the promoted replica.
    expect(report.accepted).toBeGreaterThan(FAST.killAtChunk);
    expect(report.firstAcceptedAfterKillMs).toBeGreaterThan(0);
    expect(report.acceptedButLost).toBeGreaterThanOrEqual(0);
    expect(report.acceptedButLost).toBeLessThanOrEqual(report.accepted);
    expect(report.failed).toBe(0);
    expect(report.duplicates).toBe(0);
    expect(report.aclDenials).toBe(0);
  });

  it('replica: every chunk acknowledged with a 2xx survives the failover (WAIT for one replica)', async () => {
    const report = await runSentinelChaos({ durability: 'replica', ...FAST });
    console.log(`sentinel chaos (fast variant)\n${formatSentinelChaosTable([report])}`);
    // Served again once the promoted primary has a replica (the killed node, back as one): while it
    // has none, writes are refused before they are sent rather than blocking on WAIT.
    expect(report.accepted).toBeGreaterThan(FAST.killAtChunk);
    expect(report.firstAcceptedAfterKillMs).toBeGreaterThan(0);
    expect(report.acceptedButLost).toBe(0);
    expect(report.failed).toBe(0);
    expect(report.duplicates).toBe(0);
    expect(report.aclDenials).toBe(0);
    expect(report.accepted + report.refused).toBe(report.sent);
  });
});
