import { formatLiveBench, runLiveBench } from './live-bench-run';

// The fast variant of `npm run bench:live`: a tiny script, 1 and 3 streams, both paths. It checks
// that the benchmark measures what it says (every stream clean on both paths, latencies counted,
// CPU and Redis traffic seen); the numbers themselves are not asserted.
jest.setTimeout(180_000);

describe('live benchmark (fast variant)', () => {
  it('measures both paths at each concurrency with every stream transcribed whole', async () => {
    const report = await runLiveBench({
      concurrency: [1, 3],
      utterances: 2,
      seed: 11,
      workers: 1,
      streamsPerClient: 2,
    });
    console.log(
      `live bench (fast variant), ${report.audioSecondsPerStream.toFixed(1)} s per stream\n${formatLiveBench(report)}`,
    );
    expect(report.rows.map((r) => r.streams)).toEqual([1, 3]);
    for (const row of report.rows) {
      for (const path of [row.direct, row.routed]) {
        expect(path.streamsClean).toBe(row.streams);
        expect(path.streamsFailed).toBe(0);
        expect(path.final.count).toBeGreaterThan(0);
        expect(path.interim.count).toBeGreaterThan(0);
      }
      expect(row.redisInPerAudioSecond).toBeGreaterThan(0);
      expect(row.redisOutPerAudioSecond).toBeGreaterThan(0);
      expect(row.routerCpuPerStream).toBeGreaterThan(0);
    }
  });
});
