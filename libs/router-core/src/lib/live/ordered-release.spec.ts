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
const summary = (events: ReturnType<OrderedRelease['add']>) => events.map((e) => `${e.event}:${'id' in e ? e.id : '-'}`);

describe('OrderedRelease', () => {
  it('releases in seq order whatever order results land in', () => {
    const release = new OrderedRelease(-1, 1000);
    expect(summary(release.add(result(2), 0))).toEqual([]);
    expect(summary(release.add(result(1), 1))).toEqual([]);
    expect(summary(release.add(result(0), 2))).toEqual(['result:0', 'result:1', 'result:2']);
    expect(release.holding).toBe(0);
  });

  it('starts after the client\'s Last-Event-ID and never repeats what it has', () => {
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
    expect(late).toEqual([{ event: 'result', id: '1', data: expect.objectContaining({ seq: 0, late: true }) }]);
    expect(release.add(result(0), 1300)).toEqual([]);
  });

  it('passes results without seq (the seed producer\'s) straight through', () => {
    const release = new OrderedRelease(-1, 1000);
    expect(release.add(result(undefined), 0)).toEqual([{ event: 'result', data: expect.objectContaining({ chunkId: 'cundefined' }) }]);
  });
});
