import { reclaimWaitsWithLivePeer, reclaimedStarts } from './reclaim-with-peer';

const T = Date.parse('2026-12-02T12:00:00.000Z');
const started = (
  from: string,
  atMs: number,
  queuedMs: number,
  waitMs: number,
  stream = 'audio:stream:deepgram',
) =>
  JSON.stringify({
    time: new Date(T + atMs).toISOString(),
    msg: 'reclaimed entry started',
    stream,
    from,
    queuedMs,
    waitMs,
  });
const onDeepgram = (stream: string) => stream.startsWith('audio:stream:deepgram');

describe('reclaimWaitsWithLivePeer', () => {
  const lifetimes = [
    // Deepgram 101 killed at 1 s; its peer 102 up the whole time; 103 (101's replacement) from 3 s.
    { app: 'worker-deepgram', pid: 101, readyAt: T, killedAt: T + 1000 },
    { app: 'worker-deepgram', pid: 102, readyAt: T, killedAt: T + 5000 },
    { app: 'worker-deepgram', pid: 103, readyAt: T + 3000, killedAt: T + 6000 },
    // 102 killed at 5 s while 103 was up; 104 (its replacement) up from 9 s; 103 killed at 6 s.
    { app: 'worker-deepgram', pid: 104, readyAt: T + 9000 },
    { app: 'worker-assemblyai', pid: 201, readyAt: T },
  ];

  it("keeps the waits of a killed owner's entries claimed while a peer of its app was up throughout", () => {
    const logs = [
      // 101's entry claimed by 102 at 2.2 s: 102 was up from the kill to the claim.
      started('deepgram-host-101', 2300, 100, 1200),
      // 102's entry claimed by 104 at 9.5 s: between 6 s and 9 s no Deepgram worker was up.
      started('deepgram-host-102', 9500, 0, 4500),
      // 103 was killed at 6 s with no peer up until 9 s either.
      started('deepgram-host-103', 9600, 0, 3600),
      // A live owner's entry (never killed): not this figure's case.
      started('deepgram-host-104', 9700, 0, 1100),
      // Another stream.
      started('assemblyai-host-201', 2000, 0, 1500, 'audio:stream:assemblyai'),
    ].join('\n');
    expect(reclaimWaitsWithLivePeer(reclaimedStarts(logs), lifetimes, onDeepgram)).toEqual([1200]);
  });

  it('counts a claim covered by peers one after another, with no gap between them', () => {
    const handOver = [
      { app: 'worker-deepgram', pid: 1, readyAt: T, killedAt: T + 1000 },
      { app: 'worker-deepgram', pid: 2, readyAt: T, killedAt: T + 1500 },
      { app: 'worker-deepgram', pid: 3, readyAt: T + 1400 },
    ];
    expect(
      reclaimWaitsWithLivePeer(reclaimedStarts(started('deepgram-h-1', 2500, 0, 1500)), handOver, onDeepgram),
    ).toEqual([1500]);
  });
});
