import { formatLiveChaosReport, runLiveChaos } from './live-chaos-run';

// The fast variant of `npm run chaos:live`: a short conversation at real-time pace through real
// processes. The assertions are counts and script times, never wall-clock latencies.
jest.setTimeout(240_000);

describe('live chaos: the owner worker SIGKILLed mid-utterance, then the provider drops the socket', () => {
  it('gives the client every word of the script in its finals exactly once, in order, at the script times', async () => {
    const report = await runLiveChaos({
      utterances: 8,
      seed: 20261202,
      faults: [
        { fault: 'kill-worker', utterance: 2 },
        { fault: 'drop-provider', utterance: 5 },
      ],
      toleranceMs: 100,
      leaseMs: 1000,
      deepgramWorkers: 2,
      assemblyaiWorkers: 1,
    });
    console.log(`live chaos (fast variant)\n${formatLiveChaosReport(report)}`);
    expect(report.verdict.problems).toEqual([]);
    expect(report.verdict.matched).toBe(report.verdict.expected);
    expect(report.clientErrors).toEqual([]);
    // One socket all along: failover is a message, the close is the answer to CloseStream.
    expect(report.closeCode).toBe(1000);
    expect(report.faults.map((f) => f.fault)).toEqual(['kill-worker', 'drop-provider']);
    expect(report.faults.every((f) => f.gap !== undefined)).toBe(true);
    // Another Deepgram worker took over after the kill; AssemblyAI after Deepgram dropped.
    expect(report.failovers.map((f) => `${f.from}->${f.to}`)).toEqual([
      'deepgram->deepgram',
      'deepgram->assemblyai',
    ]);
    expect(report.servedBy).toEqual(['deepgram#1', 'deepgram#2', 'assemblyai#3']);
  });
});
