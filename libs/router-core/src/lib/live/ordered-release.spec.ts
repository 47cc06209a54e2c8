import { TranscriptionResultEntry } from '@streamscribe/contracts';
import { OrderedRelease } from './ordered-release';

const result = (seq: number | undefined, text = `t${seq}`): TranscriptionResultEntry => ({
  sessionId: 's',
  chunkId: `c${seq}`,
  seq,
  status: 'ok',
  text,
  confidence: 0.9,
  provider: 'deepgram',
  processingTime: 0.1,
  timestamp: 0,
  words: [],
});
const summary = (events: ReturnType<OrderedRelease['add']>) =>
  events.map((e) => `${e.event}:${'id' in e ? e.id : '-'}`);

describe('OrderedRelease', () => {
  it('releases in seq order whatever order results land in', () => {
    const release = new OrderedRelease(-1, 1000);
    expect(summary(release.add(result(2), 0))).toEqual([]);
    expect(summary(release.add(result(1), 1))).toEqual([]);
    expect(summary(release.add(result(0), 2))).toEqual(['result:0', 'result:1', 'result:2']);
    expect(release.holding).toBe(0);
  });

  it("starts after the client's Last-Event-ID and never repeats what it has", () => {
    const release = new OrderedRelease(4, 1000);
    expect(summary(release.add(result(3), 0))).toEqual([]);
    expect(summary(release.add(result(4), 0))).toEqual([]);
    expect(summary(release.add(result(5), 0))).toEqual(['result:5']);
  });

  it('holds later results for a missing one until the hold runs out, then releases a gap', () => {
    const release = new OrderedRelease(-1, 1000);
    expect(summary(release.add(result(1), 100))).toEqual([]);
    expect(release.msUntilDue(600)).toBe(500);
    expect(summary(release.release(1099))).toEqual([]);
    expect(summary(release.release(1100))).toEqual(['gap:0', 'result:1']);
    // The missing result, landing late, still goes out once, marked late.
    const late = release.add(result(0), 1200);
    expect(late).toEqual([
      { event: 'result', id: '1', data: expect.objectContaining({ seq: 0, late: true }) },
    ]);
    expect(release.add(result(0), 1300)).toEqual([]);
  });

  it('releases a run of missing seqs as one gap, however sparse the seqs are', () => {
    const release = new OrderedRelease(-1, 1000);
    expect(summary(release.add(result(2 ** 31), 0))).toEqual([]);
    const events = release.release(1000);
    expect(events).toEqual([
      { event: 'gap', id: String(2 ** 31 - 1), data: { seq: 0, through: 2 ** 31 - 1, heldMs: 1000 } },
      { event: 'result', id: String(2 ** 31), data: expect.objectContaining({ seq: 2 ** 31 }) },
    ]);
    expect(summary(release.add(result(5), 1100))).toEqual([`result:${2 ** 31}`]); // late, once
    expect(release.add(result(5), 1200)).toEqual([]);
  });

  it('sends late a result the client resumed past without it having landed', () => {
    const release = new OrderedRelease(3, 1000);
    release.add(result(0), 0);
    release.add(result(2), 0);
    release.resumedWithSeqs([0, 2]);
    expect(summary(release.add(result(1), 10))).toEqual(['result:3']);
    expect(release.add(result(1), 20)).toEqual([]);
    expect(release.add(result(2), 30)).toEqual([]); // it had that one
  });

  it('lets an ok replace a failed result: held, or sent again marked as superseding', () => {
    const release = new OrderedRelease(-1, 1000);
    const failed = { ...result(0), status: 'failed' as const, text: '' };
    expect(summary(release.add(failed, 0))).toEqual(['result:0']);
    expect(release.supersede(result(0, 'fixed'))).toEqual([
      {
        event: 'result',
        id: '0',
        data: expect.objectContaining({ seq: 0, text: 'fixed', late: true, supersedes: true }),
      },
    ]);
    release.add({ ...result(2), status: 'failed' as const }, 0);
    expect(release.supersede(result(2, 'ok now'))).toEqual([]); // still held: replaced in place
    expect(
      release.add(result(1), 0).map((e) => ('data' in e && 'text' in e.data ? e.data.text : '')),
    ).toEqual(['t1', 'ok now']);
  });

  it("passes results without seq (the classic producer's) straight through", () => {
    const release = new OrderedRelease(-1, 1000);
    expect(release.add(result(undefined), 0)).toEqual([
      { event: 'result', data: expect.objectContaining({ chunkId: 'cundefined' }) },
    ]);
  });
});
