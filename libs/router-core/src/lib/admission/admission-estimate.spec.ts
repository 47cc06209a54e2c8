import {
  MAX_RETRY_AFTER_SECONDS,
  MIN_MEMORY_RETRY_AFTER_SECONDS,
  ProviderBacklog,
  backlogOverload,
  backlogRetryAfterSeconds,
  estimateWaitMs,
  memoryOverload,
  memoryRetryAfterSeconds,
  parseInfoMemory,
  tightestMemory,
  withEstimate,
} from './admission-estimate';

const fleet = (over: Partial<ProviderBacklog> = {}): ProviderBacklog =>
  withEstimate({
    provider: 'deepgram',
    backlog: 0,
    liveConsumers: 2,
    slots: 8,
    serviceSeconds: 0.5,
    ...over,
  });

describe('estimateWaitMs', () => {
  it.each([
    // backlog, service s, slots, expected ms
    [0, 2, 4, 0],
    [40, 0.5, 8, 2500],
    [1, 3, 1, 3000],
    // no slot measured counts as one, never a division by zero
    [10, 1, 0, 10_000],
  ])('%d queued × %d s / %d slots = %d ms', (backlog, service, slots, expected) => {
    expect(estimateWaitMs(backlog, service, slots)).toBe(expected);
  });
});

describe('withEstimate', () => {
  it('is unknown without a live consumer or without a measured service time', () => {
    expect(fleet({ liveConsumers: 0, backlog: 100 }).estimatedWaitMs).toBeUndefined();
    expect(fleet({ serviceSeconds: undefined, backlog: 100 }).estimatedWaitMs).toBeUndefined();
    expect(fleet({ backlog: 160 }).estimatedWaitMs).toBe(10_000);
  });
});

describe('backlogOverload', () => {
  it('says which provider is over the bound and by how much', () => {
    expect(backlogOverload(fleet({ backlog: 160 }), 4000)).toEqual({
      provider: 'deepgram',
      estimatedWaitMs: 10_000,
      maxWaitMs: 4000,
      overByMs: 6000,
      backlog: 160,
      slots: 8,
      serviceSeconds: 0.5,
    });
  });

  it('admits at the bound, with an unknown estimate, and when the check is off (0)', () => {
    expect(backlogOverload(fleet({ backlog: 64 }), 4000)).toBeUndefined();
    expect(backlogOverload(fleet({ backlog: 1e6, serviceSeconds: undefined }), 4000)).toBeUndefined();
    expect(backlogOverload(fleet({ backlog: 1e6 }), 0)).toBeUndefined();
  });
});

describe('memoryOverload', () => {
  const MB = 1024 * 1024;

  it('trips once used memory reaches maxmemory less the headroom, and says by how much', () => {
    expect(memoryOverload({ usedBytes: 95 * MB, maxmemoryBytes: 100 * MB }, 0.1)).toEqual({
      usedBytes: 95 * MB,
      limitBytes: 90 * MB,
      maxmemoryBytes: 100 * MB,
      overByBytes: 5 * MB,
    });
    expect(memoryOverload({ usedBytes: 89 * MB, maxmemoryBytes: 100 * MB }, 0.1)).toBeUndefined();
  });

  it('never trips without a maxmemory (0: no limit), without a reading, or with the check off', () => {
    expect(memoryOverload({ usedBytes: 10_000 * MB, maxmemoryBytes: 0 }, 0.1)).toBeUndefined();
    expect(memoryOverload(undefined, 0.1)).toBeUndefined();
    expect(memoryOverload({ usedBytes: 99 * MB, maxmemoryBytes: 100 * MB }, 0)).toBeUndefined();
  });
});

describe('Retry-After', () => {
  const over = (provider: 'deepgram' | 'whisper', overByMs: number) => ({
    provider,
    overByMs,
    estimatedWaitMs: 0,
    maxWaitMs: 0,
    backlog: 0,
    slots: 1,
    serviceSeconds: 1,
  });

  it('for a backlog: the time until the first provider falls under the bound, rounded up, at least 1 s', () => {
    expect(backlogRetryAfterSeconds([over('deepgram', 6200), over('whisper', 2100)])).toBe(3);
    expect(backlogRetryAfterSeconds([over('deepgram', 10)])).toBe(1);
    expect(backlogRetryAfterSeconds([over('deepgram', 1e9)])).toBe(MAX_RETRY_AFTER_SECONDS);
  });

  it('for memory: at the rate memory fell, else the longest backlog drain, never under the floor', () => {
    const memory = { usedBytes: 0, limitBytes: 0, maxmemoryBytes: 0, overByBytes: 50_000_000 };
    expect(memoryRetryAfterSeconds(memory, 1_000_000, 0)).toBe(50);
    expect(memoryRetryAfterSeconds(memory, undefined, 42_500)).toBe(43);
    expect(memoryRetryAfterSeconds(memory, undefined, 0)).toBe(MIN_MEMORY_RETRY_AFTER_SECONDS);
  });
});

describe('INFO memory', () => {
  it('reads used_memory and maxmemory, not their look-alikes', () => {
    const info = [
      '# Memory',
      'used_memory:1048576',
      'used_memory_human:1.00M',
      'used_memory_rss:9000000',
      'maxmemory:8388608',
      'maxmemory_human:8.00M',
      'maxmemory_policy:noeviction',
    ].join('\r\n');
    expect(parseInfoMemory(info)).toEqual({ usedBytes: 1_048_576, maxmemoryBytes: 8_388_608 });
    expect(parseInfoMemory('# Memory\r\nused_memory:5\r\n')).toBeUndefined();
  });

  it('of several primaries, takes the fullest against its own limit', () => {
    const a = { usedBytes: 900, maxmemoryBytes: 1000 };
    const b = { usedBytes: 5000, maxmemoryBytes: 100_000 };
    const unlimited = { usedBytes: 1e9, maxmemoryBytes: 0 };
    expect(tightestMemory([b, a, unlimited])).toBe(a);
    expect(tightestMemory([unlimited])).toBe(unlimited);
  });
});
