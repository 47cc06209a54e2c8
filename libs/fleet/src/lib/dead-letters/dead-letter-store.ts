import type Redis from 'ioredis';
import {
  CHUNK_FIELDS,
  ChunkWireSettings,
  DEAD_LETTER_STREAM,
  DEFAULT_CHUNK_WIRE,
  DeadLetter,
  EncodedFields,
  ProviderName,
  REDRIVE_COUNT_FIELD,
  decodeDeadLetter,
  fieldsFromFlat,
  isDeadLetterMetaField,
  audioFieldsFor,
  providerStream,
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
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
  /** Entries in the dead-letter stream in all. */
  total: number;
}

export interface RedriveOutcome {
  id: string;
  /**
   * `requeued` with the provider and new entry id, or why not. `no_consumer_group` and
   * `no_live_worker`: the target could not read it now; the letter stays in the dead-letter stream.
   */
  status: 'requeued' | 'not_found' | 'malformed' | 'no_target' | RedriveRefusal;
  provider?: ProviderName;
  entryId?: string;
  detail?: string;
}

/**
 * Lists the dead-letter stream and re-drives letters to a provider stream: the entry goes back
 * with its own fields and audio, a fresh fallback chain (its attempted providers cleared) and a
 * re-drive count, so an operator can retry after fixing a key or a provider outage. A re-driven
 * chunk's "ok" result supersedes the "failed" one its session holds.
 */
export class DeadLetterStore {
  constructor(
    private readonly client: Redis,
    private readonly stream: string = DEAD_LETTER_STREAM,
    /** A re-driven letter's audio is re-written as the fields its target's fleet reads. */
    private readonly chunkWire: ChunkWireSettings = DEFAULT_CHUNK_WIRE,
    /** When given, a letter is re-driven only to a provider with a consumer group and a live worker. */
    private readonly targetCheck?: Pick<RedriveTargetOptions, 'livenessMs'>,
  ) {}

  /** Why `provider` cannot take a re-drive now; undefined when it can (or no check is configured). */
  refusalFor(provider: ProviderName): Promise<RedriveRefusal | undefined> {
    if (!this.targetCheck) return Promise.resolve(undefined);
    return redriveRefusal(this.client, provider, {
      livenessMs: this.targetCheck.livenessMs,
      classicFleets: this.chunkWire.classicFleets,
    });
  }

  /** Oldest first; `after` is the last id of the previous page. */
  async list(options: { count?: number; after?: string } = {}): Promise<DeadLetterPage> {
    const count = options.count ?? 50;
    const [read, total] = await Promise.all([
      this.read(options.after ? `(${options.after}` : '-', '+', count),
      this.client.xlen(this.stream),
    ]);
    const letters = read.map(({ letter }) => letter);
    return { letters, total, next: letters.length === count ? letters[letters.length - 1].id : undefined };
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const [read] = await this.read(id, id, 1);
    return read?.letter;
  }

  /** Re-drives the given letters, each to `provider` or, when absent, to where it started. */
  async redrive(ids: readonly string[], provider?: ProviderName): Promise<RedriveOutcome[]> {
    const outcomes: RedriveOutcome[] = [];
    const refusals = new RefusalCache(this);
    for (const id of ids) {
      const [read] = await this.read(id, id, 1);
      outcomes.push(read ? await this.requeue(read, refusals, provider) : { id, status: 'not_found' });
    }
    return outcomes;
  }

  /**
   * Re-drives up to `limit` letters, oldest first, skipping (and reporting) malformed ones. Only
   * letters that were there when it started: one that fails again at once is dead-lettered anew
   * at the end of the stream, and must not be re-driven again by the same call.
   */
  async redriveAll(options: { provider?: ProviderName; limit?: number } = {}): Promise<RedriveOutcome[]> {
    const limit = options.limit ?? 1000;
    const [newest] = await this.client.xrevrange(this.stream, '+', '-', 'COUNT', 1);
    if (!newest) return [];
    const outcomes: RedriveOutcome[] = [];
    const refusals = new RefusalCache(this);
    let start = '-';
    while (outcomes.length < limit) {
      const page = await this.read(start, newest[0], Math.min(100, limit - outcomes.length));
      for (const read of page) outcomes.push(await this.requeue(read, refusals, options.provider));
      if (page.length === 0 || page[page.length - 1].letter.id === newest[0]) break;
      start = `(${page[page.length - 1].letter.id}`;
    }
    return outcomes;
  }

  /** Letters in an id range, decoded, with their raw fields for a re-drive (one read, not two). */
  private async read(start: string, end: string, count: number): Promise<ReadLetter[]> {
    const entries = await this.client.xrangeBuffer(this.stream, start, end, 'COUNT', count);
    return entries.map(([id, flat]) => ({
      letter: decodeDeadLetter(id.toString(), fieldsFromFlat(flat)),
      flat,
    }));
  }

  private async requeue(
    { letter, flat }: ReadLetter,
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
    const refusal = await refusals.of(target);
    if (refusal) return { id, status: refusal, provider: target, detail: REFUSAL_DETAIL[refusal] };
    const entryId = await redriveEntryScript.run(
      this.client,
      { deadLetters: this.stream, target: providerStream(target) },
      { letterId: id },
      withChunkAudioFields(requeuedFields(flat, letter), audioFieldsFor(target, this.chunkWire)),
    );
    if (entryId === null) return { id, status: 'not_found' };
    redriven.inc({ provider: target });
    return { id, status: 'requeued', provider: target, entryId };
  }
}

const REFUSAL_DETAIL: Record<RedriveRefusal, string> = {
  no_consumer_group: 'the provider stream has no consumer group: start its worker first',
  no_live_worker: 'the provider has no live worker: start one, or re-drive to another provider',
};

/** One readiness check per target per call, however many letters go there. */
class RefusalCache {
  private readonly checked = new Map<ProviderName, Promise<RedriveRefusal | undefined>>();
  constructor(private readonly store: DeadLetterStore) {}
  of(provider: ProviderName): Promise<RedriveRefusal | undefined> {
    let refusal = this.checked.get(provider);
    if (!refusal) this.checked.set(provider, (refusal = this.store.refusalFor(provider)));
    return refusal;
  }
}

interface ReadLetter {
  letter: DeadLetter;
  flat: Buffer[];
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
