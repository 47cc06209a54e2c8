import Redis from 'ioredis';
import {
  KeyScheme,
  LIVE_EVENT_FIELD,
  LIVE_JOBS_GROUP,
  LIVE_STATE_FIELDS,
  LiveEvent,
  LiveFailureCode,
  LiveSessionOptions,
  ProviderName,
  SessionRef,
  decodeLiveLogEntry,
  encodeLiveEvent,
  liveBytesPerSecond,
} from '@streamscribe/contracts';
import { ensureGroup } from '@streamscribe/redis';
import { DetectedWord, SpokenWordDetector } from '@streamscribe/testing';

/** What a scripted worker does with one job (by the job's epoch), so a test can script failures. */
export interface ScriptedJobPlan {
  /** Stop dead after writing this many finals in the session (SIGKILL: no event, lease left to lapse). */
  dieAfterFinals?: number;
  /** Write `failed` with this code after this many finals in the session, then release the lease. */
  failAfterFinals?: { finals: number; code: LiveFailureCode };
  /** Wait this long before each final (a slow provider). */
  finalDelayMs?: number;
}

/**
 * A stand-in for a provider's live worker, until the real one (libs/worker-runtime
 * LiveSessionRunner) serves these specs: it takes jobs from the provider's live jobs stream, holds
 * the session's lease for its epoch, replays the audio log from `finalized`, "recognises" the
 * spoken-word code (SpokenWordDetector) and writes one final per word on the session clock,
 * advancing `finalized` past it. CloseStream → `closed`. Failures are scripted per epoch.
 */
export class ScriptedLiveWorker {
  private readonly redis: Redis;
  private readonly reader: Redis;
  private stopped = false;
  private loop: Promise<void> | undefined;
  readonly id: string;

  constructor(
    url: string,
    readonly provider: ProviderName,
    private readonly plan: (epoch: number) => ScriptedJobPlan = () => ({}),
    private readonly keys = new KeyScheme(),
    private readonly leaseMs = 600,
  ) {
    this.redis = new Redis(url);
    this.reader = new Redis(url);
    this.id = `scripted-${provider}-${Math.random().toString(36).slice(2, 8)}`;
  }

  start(): this {
    this.loop = this.run();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.reader.disconnect();
    await this.loop?.catch(() => undefined);
    this.redis.disconnect();
  }

  private async run(): Promise<void> {
    // Every partition's jobs stream, in one read: a test runs on one server, where a multi-key
    // XREADGROUP across tags is allowed (the real runner reads one partition per call).
    const streams = this.keys.allPartitions().map((k) => this.keys.liveJobsStream(this.provider, k));
    for (const stream of streams) await ensureGroup(this.redis, stream, LIVE_JOBS_GROUP);
    while (!this.stopped) {
      const reply = (await this.reader
        .xreadgroup(
          'GROUP',
          LIVE_JOBS_GROUP,
          this.id,
          'COUNT',
          1,
          'BLOCK',
          100,
          'STREAMS',
          ...streams,
          ...streams.map(() => '>'),
        )
        .catch(() => null)) as [string, [string, string[]][]][] | null;
      for (const [stream, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          await this.redis.xack(stream, LIVE_JOBS_GROUP, id);
          const get = (name: string) => fields[fields.indexOf(name) + 1];
          void this.serve(this.keys.session(get('tenant'), get('session')), Number(get('epoch'))).catch(
            () => undefined,
          );
        }
      }
    }
  }

  private async serve(ref: SessionRef, epoch: number): Promise<void> {
    const stateKey = this.keys.liveStateKey(ref);
    const leaseKey = this.keys.liveLeaseKey(ref);
    const eventsKey = this.keys.liveEventsKey(ref);
    const state = await this.redis.hgetall(stateKey);
    if (Number(state[LIVE_STATE_FIELDS.epoch]) !== epoch) return;
    const options = JSON.parse(state[LIVE_STATE_FIELDS.options]) as LiveSessionOptions;
    const bps = liveBytesPerSecond(options.format);
    await this.redis.set(leaseKey, `${this.id} ${epoch}`, 'PX', this.leaseMs);
    let dead = false;
    const renew = setInterval(() => {
      if (!dead && !this.stopped)
        void this.redis.set(leaseKey, `${this.id} ${epoch}`, 'PX', this.leaseMs).catch(() => undefined);
    }, this.leaseMs / 3);
    const emit = (event: LiveEvent) =>
      this.redis.xadd(eventsKey, '*', LIVE_EVENT_FIELD, encodeLiveEvent(event));
    const stamp = { epoch, provider: this.provider };
    const plan = this.plan(epoch);
    const replayFrom = Number(state[LIVE_STATE_FIELDS.finalized] ?? 0);
    await emit({ ...stamp, type: 'started', worker: this.id, resumeFrom: replayFrom / bps });
    const detector = new SpokenWordDetector();
    const heard: DetectedWord[] = [];
    let pushed = 0;
    const log = this.keys.liveAudioLogKey(ref);
    const reader = new Redis(this.redis.options);
    let after = '0';
    try {
      for (;;) {
        if (this.stopped) return;
        const reply = await reader.xreadBuffer('COUNT', 100, 'BLOCK', 100, 'STREAMS', log, after);
        for (const [, entries] of reply ?? []) {
          for (const [rawId, fields] of entries) {
            after = rawId.toString();
            const entry = decodeLiveLogEntry(after, fields);
            if (!entry) continue;
            if (entry.kind === 'control') {
              if (entry.control !== 'close') continue;
              // Everything before the close is finalized (words were written as they ended).
              await this.redis.hset(stateKey, LIVE_STATE_FIELDS.status, 'closed');
              await emit({ ...stamp, type: 'closed', duration: entry.offset / bps });
              await this.redis.del(leaseKey);
              return;
            }
            const end = entry.offset + entry.audio.length;
            if (end <= replayFrom) continue;
            const audio =
              entry.offset < replayFrom ? entry.audio.subarray(replayFrom - entry.offset) : entry.audio;
            heard.push(...detector.push(audio));
            pushed += audio.length;
            const heardMs = (pushed * 1000) / bps;
            while (heard.length > 0 && heard[0].endMs <= heardMs) {
              const word = heard.shift() as DetectedWord;
              if (plan.finalDelayMs) await new Promise((r) => setTimeout(r, plan.finalDelayMs));
              const finals = Number(await this.redis.hincrby(stateKey, 'scriptedFinals', 1)) - 1;
              if (plan.dieAfterFinals !== undefined && finals >= plan.dieAfterFinals) {
                await this.redis.hincrby(stateKey, 'scriptedFinals', -1);
                dead = true;
                return;
              }
              if (plan.failAfterFinals && finals >= plan.failAfterFinals.finals) {
                await this.redis.hincrby(stateKey, 'scriptedFinals', -1);
                await emit({
                  ...stamp,
                  type: 'failed',
                  worker: this.id,
                  code: plan.failAfterFinals.code,
                  reason: 'scripted',
                });
                await this.redis.del(leaseKey);
                return;
              }
              const start = replayFrom / bps + word.startMs / 1000;
              const endS = replayFrom / bps + word.endMs / 1000;
              const finalizedBytes = Math.round(endS * bps);
              await this.redis
                .multi()
                .xadd(
                  eventsKey,
                  '*',
                  LIVE_EVENT_FIELD,
                  encodeLiveEvent({
                    ...stamp,
                    type: 'results',
                    isFinal: true,
                    speechFinal: true,
                    fromFinalize: false,
                    start,
                    duration: endS - start,
                    transcript: word.word,
                    confidence: 0.99,
                    words: [{ word: word.word, start, end: endS, confidence: 0.99 }],
                  }),
                )
                .hset(stateKey, LIVE_STATE_FIELDS.finalized, finalizedBytes - (finalizedBytes % 2))
                .exec();
            }
          }
        }
      }
    } finally {
      clearInterval(renew);
      reader.disconnect();
    }
  }
}
