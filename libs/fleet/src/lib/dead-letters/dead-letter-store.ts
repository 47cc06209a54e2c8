import type Redis from 'ioredis';
import {
  CHUNK_FIELDS,
  ChunkWireSettings,
  DEFAULT_CHUNK_WIRE,
  DEFAULT_TENANT,
  DeadLetter,
  EncodedFields,
  ProviderName,
  REDRIVE_COUNT_FIELD,
  decodeDeadLetter,
  fieldsFromFlat,
  isDeadLetterMetaField,
  audioFieldsFor,
  KeyScheme,
  compareStreamIds,
  deadLetterId,
  parseDeadLetterId,
  redriveTarget,
  withChunkAudioFields,
  withoutFields,
} from '@streamscribe/contracts';
import { counter } from '@streamscribe/observability';
import { RedriveRefusal, RedriveTargetOptions, redriveRefusal } from './redrive-target.check';
import { redriveEntryScript } from './scripts/redrive-entry.script';

const redriven = counter({
  name: 'streamscribe_dead_letters_redriven_total',
  help: 'Dead letters put back on a provider stream by an operator',
  labelNames: ['provider'] as const,
});

export interface DeadLetterPage {
  letters: DeadLetter[];
  /** Pass as `after` for the next page (an entry id); absent on the last page. */
  next?: string;
  /** Entries in the dead-letter streams in all, every tenant's: only in the view of all tenants. */
  total?: number;
}

export interface DeadLetterListOptions {
  count?: number;
  /** The previous page's `next` (or its last letter's id). */
  after?: string;
  /** Only this tenant's letters; every tenant's when absent (an admin's view). */
  tenant?: string;
}

/** How many entries one listing reads at most looking for a tenant's letters (bounds a page's cost). */
const TENANT_SCAN_LIMIT = 2000;

export interface RedriveOutcome {
  id: string;
  /**
   * `requeued` with the provider and new entry id, or why not. `no_consumer_group` and
   * `no_live_worker`: the target could not read it now; the letter stays in the dead-letter stream.
   */
  status: 'requeued' | 'not_found' | 'ambiguous' | 'malformed' | 'no_target' | RedriveRefusal;
  provider?: ProviderName;
  entryId?: string;
  detail?: string;
}

/** An id without a partition that letters on more than one partition have: the caller names one. */
export class AmbiguousDeadLetterId extends Error {
  constructor(
    readonly id: string,
    /** The qualified ids of the letters it could be. */
    readonly candidates: readonly string[],
  ) {
    super(
      `${candidates.length} dead letters have the entry id ${id}, on different partitions: name one, ${candidates.join(' or ')}`,
    );
  }
}

/**
 * Lists the dead-letter streams (one per partition) and re-drives letters to a provider stream of
 * their partition: the entry goes back with its own fields (tenant included) and audio, a fresh
 * fallback chain (its attempted providers cleared) and a re-drive count, so an operator can retry
 * after fixing a key or a provider outage. A re-driven chunk's "ok" result supersedes the
 * "failed" one its session holds. Every read can be limited to one tenant's letters.
 */
export class DeadLetterStore {
  constructor(
    private readonly client: Redis,
    /** The app's key scheme (keySchemeFrom its environment): every partition is listed. */
    private readonly keys: KeyScheme,
    /** A re-driven letter's audio is re-written as the fields its target's fleet reads. */
    private readonly chunkWire: ChunkWireSettings = DEFAULT_CHUNK_WIRE,
    /** When given, a letter is re-driven only to a provider with a consumer group and a live worker. */
    private readonly targetCheck?: Pick<RedriveTargetOptions, 'livenessMs'>,
  ) {}

  /**
   * Why partition `partition` of `provider`'s stream cannot take a re-drive now; undefined when it
   * can (or no check is configured). The letter goes back to its own partition, so that
   * partition's group is the one that must exist.
   */
  refusalFor(provider: ProviderName, partition = 0): Promise<RedriveRefusal | undefined> {
    if (!this.targetCheck) return Promise.resolve(undefined);
    return redriveRefusal(this.client, provider, {
      stream: this.keys.providerStream(provider, partition),
      livenessMs: this.targetCheck.livenessMs,
      classicFleets: this.chunkWire.classicFleets,
    });
  }

  /** Oldest first across partitions; `after` is the last id of the previous page. */
  async list(options: DeadLetterListOptions = {}): Promise<DeadLetterPage> {
    const count = options.count ?? 50;
    const after = options.after === undefined ? undefined : parseDeadLetterId(options.after)?.entryId;
    if (options.after !== undefined && after === undefined)
      throw new RangeError(
        `after must be a dead-letter id like 1700000000000-0, not ${JSON.stringify(options.after)}`,
      );
    const perPartition = await Promise.all(
      this.keys.allPartitions().map((k) => this.readTenant(k, after, count, options.tenant)),
    );
    const merged = perPartition
      .flat()
      .sort((a, b) => compareStreamIds(a.entryId, b.entryId) || a.partition - b.partition);
    // Entry ids are per stream: two partitions can hold letters with the same id (the same
    // millisecond). A page never ends between them, since `after` skips that id in every partition.
    let end = Math.min(count, merged.length);
    while (end > 0 && end < merged.length && merged[end].entryId === merged[end - 1].entryId) end += 1;
    const letters = merged.slice(0, end).map(({ letter }) => letter);
    const next = letters.length >= count ? merged[end - 1].entryId : undefined;
    if (options.tenant !== undefined) return { letters, next };
    const lengths = await Promise.all(
      this.keys.allPartitions().map((k) => this.client.xlen(this.keys.deadLetterStream(k))),
    );
    return { letters, next, total: lengths.reduce((a, b) => a + b, 0) };
  }

  /**
   * The letter, or undefined (also when it is another tenant's and `tenant` is given). Throws
   * `AmbiguousDeadLetterId` for an id without a partition that letters on two partitions have.
   */
  async get(id: string, tenant?: string): Promise<DeadLetter | undefined> {
    return (await this.find(id, tenant))?.letter;
  }

  /** Re-drives the given letters, each to `provider` or, when absent, to where it started. */
  async redrive(ids: readonly string[], provider?: ProviderName, tenant?: string): Promise<RedriveOutcome[]> {
    const outcomes: RedriveOutcome[] = [];
    const refusals = new RefusalCache(this);
    for (const id of ids) {
      let read: ReadLetter | undefined;
      try {
        read = await this.find(id, tenant);
      } catch (error) {
        if (!(error instanceof AmbiguousDeadLetterId)) throw error;
        outcomes.push({ id, status: 'ambiguous', detail: error.message });
        continue;
      }
      outcomes.push(read ? await this.requeue(read, refusals, provider) : { id, status: 'not_found' });
    }
    return outcomes;
  }

  /**
   * Re-drives up to `limit` letters, oldest first, skipping (and reporting) malformed ones. Only
   * letters that were there when it started: one that fails again at once is dead-lettered anew
   * at the end of the stream, and must not be re-driven again by the same call.
   */
  async redriveAll(
    options: { provider?: ProviderName; limit?: number; tenant?: string } = {},
  ): Promise<RedriveOutcome[]> {
    const limit = options.limit ?? 1000;
    const outcomes: RedriveOutcome[] = [];
    const refusals = new RefusalCache(this);
    for (const partition of this.keys.allPartitions()) {
      const stream = this.keys.deadLetterStream(partition);
      const [newest] = await this.client.xrevrange(stream, '+', '-', 'COUNT', 1);
      if (!newest) continue;
      let start = '-';
      while (outcomes.length < limit) {
        const page = await this.read(partition, start, newest[0], Math.min(100, limit - outcomes.length));
        for (const read of page)
          if (options.tenant === undefined || read.letter.tenant === options.tenant)
            outcomes.push(await this.requeue(read, refusals, options.provider));
        if (page.length === 0 || page[page.length - 1].entryId === newest[0]) break;
        start = `(${page[page.length - 1].entryId}`;
      }
    }
    return outcomes;
  }

  /**
   * The letter with this id (`tenant`'s only, when given): in its partition when the id names one,
   * else in whichever partition holds it; more than one is ambiguous.
   */
  private async find(id: string, tenant: string | undefined): Promise<ReadLetter | undefined> {
    const parsed = parseDeadLetterId(id);
    if (!parsed) return undefined;
    const partitions = this.keys
      .allPartitions()
      .filter((k) => parsed.partition === undefined || k === parsed.partition);
    const found = (await Promise.all(partitions.map((k) => this.read(k, parsed.entryId, parsed.entryId, 1))))
      .flat()
      .filter((read) => tenant === undefined || read.letter.tenant === tenant);
    if (found.length > 1)
      throw new AmbiguousDeadLetterId(
        id,
        found.map((read) => read.letter.id),
      );
    return found[0];
  }

  /**
   * Up to `count` letters of one partition after `after`, only `tenant`'s when given; reads at
   * most TENANT_SCAN_LIMIT entries looking for them.
   */
  private async readTenant(
    partition: number,
    after: string | undefined,
    count: number,
    tenant: string | undefined,
  ): Promise<ReadLetter[]> {
    let start = after ? `(${after}` : '-';
    if (tenant === undefined) return this.read(partition, start, '+', count);
    const found: ReadLetter[] = [];
    for (let scanned = 0; found.length < count && scanned < TENANT_SCAN_LIMIT;) {
      const page = await this.read(partition, start, '+', 100);
      found.push(...page.filter((read) => read.letter.tenant === tenant));
      if (page.length < 100) break;
      scanned += page.length;
      start = `(${page[page.length - 1].entryId}`; // the stream's own id, never `<id>@<k>`
    }
    return found.slice(0, count);
  }

  /** Letters in an id range, decoded, with their raw fields for a re-drive (one read, not two). */
  private async read(partition: number, start: string, end: string, count: number): Promise<ReadLetter[]> {
    const stream = this.keys.deadLetterStream(partition);
    const entries = await this.client.xrangeBuffer(stream, start, end, 'COUNT', count);
    const qualified = this.keys.partitions > 1;
    return entries.map(([rawId, flat]) => {
      const entryId = rawId.toString();
      const letter = decodeDeadLetter(entryId, fieldsFromFlat(flat));
      return {
        letter: qualified ? { ...letter, id: deadLetterId(entryId, partition), partition } : letter,
        entryId,
        flat,
        partition,
      };
    });
  }

  private async requeue(
    { letter, entryId, flat, partition }: ReadLetter,
    refusals: RefusalCache,
    provider?: ProviderName,
  ): Promise<RedriveOutcome> {
    const { id } = letter;
    if (!letter.redrivable) return { id, status: 'malformed', detail: letter.malformed };
    const target = provider ?? redriveTarget(letter);
    if (!target)
      return {
        id,
        status: 'no_target',
        detail: 'name a provider: the letter does not say where it came from',
      };
    const refusal = await refusals.of(target, partition);
    if (refusal) return { id, status: refusal, provider: target, detail: REFUSAL_DETAIL[refusal] };
    if (!letter.sessionId) return { id, status: 'malformed', detail: 'the letter names no session' };
    if (letter.tenant !== DEFAULT_TENANT && this.chunkWire.classicFleets.includes(target))
      return {
        id,
        status: 'no_target',
        detail: `${target} is a classic fleet: it serves the default tenant only; name another provider`,
      };
    // Same tenant, same partition: the chunk goes back where its session's keys are.
    const session = { tenant: letter.tenant, sessionId: letter.sessionId, partition };
    const requeuedId = await redriveEntryScript.run(
      this.client,
      {
        deadLetters: this.keys.deadLetterStream(partition),
        target: this.keys.providerStream(target, partition),
        trail: this.keys.sessionTrailKey(session),
      },
      { letterId: entryId },
      withChunkAudioFields(requeuedFields(flat, letter), audioFieldsFor(target, this.chunkWire)),
    );
    if (requeuedId === null) return { id, status: 'not_found' };
    redriven.inc({ provider: target });
    return { id, status: 'requeued', provider: target, entryId: requeuedId };
  }
}

const REFUSAL_DETAIL: Record<RedriveRefusal, string> = {
  no_consumer_group: 'the provider stream has no consumer group: start its worker first',
  no_live_worker: 'the provider has no live worker: start one, or re-drive to another provider',
};

/** One readiness check per target stream (provider and partition) per call, however many letters go there. */
class RefusalCache {
  private readonly checked = new Map<string, Promise<RedriveRefusal | undefined>>();
  constructor(private readonly store: DeadLetterStore) {}
  of(provider: ProviderName, partition: number): Promise<RedriveRefusal | undefined> {
    const key = `${provider} ${partition}`;
    let refusal = this.checked.get(key);
    if (!refusal) this.checked.set(key, (refusal = this.store.refusalFor(provider, partition)));
    return refusal;
  }
}

interface ReadLetter {
  letter: DeadLetter;
  /** Its id in its partition's dead-letter stream (`letter.id` also names the partition, when there are several). */
  entryId: string;
  flat: Buffer[];
  partition: number;
}

/** The letter's own fields without the dead-letter metadata, a cleared chain and one more re-drive. */
function requeuedFields(flat: Buffer[], letter: DeadLetter): EncodedFields {
  const fields = withoutFields(
    flat,
    (name) =>
      isDeadLetterMetaField(name) || name === REDRIVE_COUNT_FIELD || name === CHUNK_FIELDS.attemptedProviders,
  );
  fields.push(REDRIVE_COUNT_FIELD, String(letter.redriveCount + 1));
  return fields;
}
