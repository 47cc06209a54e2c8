import { formatChaosReport, runChaos } from './chaos-run';

// The fast variant of `npm run chaos`: same failures, fewer chunks. Real processes on a 2-core
// machine, so generous timeouts; the assertions are counts, never times.
jest.setTimeout(240_000);

describe('chaos: workers SIGKILLed and restarted, Redis killed and restarted, providers failing', () => {
  it('loses no chunk, duplicates none, dead-letters each failure once and leaves nothing pending', async () => {
    const report = await runChaos({
      chunks: 300,
      sessions: 10,
      workers: 2,
      fallbackWorkers: 1,
      killEveryMs: [300, 700],
      failureRate: 0.2,
      redisKillAt: 0.4,
      reclaimMinIdleMs: 1000,
      ingestConcurrency: 6,
      settleTimeoutMs: 90_000,
      seed: 20261125,
    });
    console.log(`chaos (fast variant)\n${formatChaosReport(report)}`);
    const v = report.verdict;
    expect(v.problems).toEqual([]);
    expect(v).toMatchObject({
      accepted: 300,
      withResult: 300,
      lost: 0,
      duplicateResults: 0,
      wrongText: 0,
      transcriptDuplicates: 0,
      transcriptMissing: 0,
      deadLetterMismatches: 0,
      pending: 0,
    });
    expect(v.failed).toBe(v.deadLetters);
    // The run really was chaotic: workers died holding chunks that peers then reclaimed,
    // Redis restarted, and the provider failed.
    expect(report.kills).toBeGreaterThan(3);
    expect(report.redisRestarts).toBe(1);
    expect(report.injectedFailures).toBeGreaterThan(20);
    expect(report.reclaims).toBeGreaterThan(0);
    expect(report.failedOver).toBeGreaterThan(0);
    expect(report.reclaimIdleMs.p50).toBeGreaterThanOrEqual(1000);
    expect(report.finalExitCodes.every((code) => code === 0)).toBe(true);
  });
});
