import type Redis from 'ioredis';
import { LiveLogEntry, decodeLiveLogEntry } from '@streamscribe/contracts';

export interface LiveAudioLogReaderOptions {
  /** How long one XREAD waits for new entries while following the log, in ms. */
  blockMs: number;
  /** Entries per XRANGE page and per XREAD. @defaultValue 200 */
  count?: number;
}

/** One batch read from the log: entries from the offset on, and the ids of entries that did not decode. */
export interface LiveLogBatch {
  entries: LiveLogEntry[];
  /** Entry ids skipped because they are not well-formed log entries. */
  malformed: string[];
  /** True while the batch came from the log's backlog (XRANGE), false once following it live. */
  replay: boolean;
}

type RawEntry = [Buffer, Buffer[]];

/**
 * Reads a live session's audio log from a byte offset: the backlog first (XRANGE pages), then
 * whatever the router appends (XREAD BLOCK), Buffer replies throughout. Entries wholly below the
 * offset are skipped and the first audio entry that straddles it is sliced, so the provider
 * connection's first byte is the session's byte `fromOffset`. Owns a blocking read: give it its
 * own connection, and `close()` it (which ends a read in progress) when the session ends.
 */
export class LiveAudioLogReader {
  private lastId: string | undefined;
  private following = false;
  private readonly count: number;

  constructor(
    private readonly client: Redis,
    private readonly key: string,
    private readonly fromOffset: number,
    private readonly options: LiveAudioLogReaderOptions,
  ) {
    if (!Number.isSafeInteger(fromOffset) || fromOffset < 0)
      throw new Error(`fromOffset must be a non-negative integer, got ${fromOffset}`);
    this.count = options.count ?? 200;
  }

  /** The next batch; empty when nothing arrived within blockMs while following. */
  async read(): Promise<LiveLogBatch> {
    if (!this.following) {
      const start = this.lastId === undefined ? '-' : `(${this.lastId}`;
      const page = (await this.client.xrangeBuffer(this.key, start, '+', 'COUNT', this.count)) as RawEntry[];
      if (page.length < this.count) this.following = true;
      return { ...this.decode(page), replay: true };
    }
    const reply = (await this.client.xreadBuffer(
      'COUNT',
      this.count,
      'BLOCK',
      this.options.blockMs,
      'STREAMS',
      this.key,
      this.lastId ?? '0-0',
    )) as [Buffer, RawEntry[]][] | null;
    return { ...this.decode(reply?.[0]?.[1] ?? []), replay: false };
  }

  close(): void {
    this.client.disconnect();
  }

  private decode(raw: RawEntry[]): Omit<LiveLogBatch, 'replay'> {
    const entries: LiveLogEntry[] = [];
    const malformed: string[] = [];
    for (const [rawId, fields] of raw) {
      const id = rawId.toString();
      this.lastId = id;
      const entry = decodeLiveLogEntry(id, fields);
      if (!entry) malformed.push(id);
      else {
        const fromHere = this.fromOffsetOn(entry);
        if (fromHere) entries.push(fromHere);
      }
    }
    return { entries, malformed };
  }

  /** The part of an entry at or after the offset; undefined when it lies wholly below. */
  private fromOffsetOn(entry: LiveLogEntry): LiveLogEntry | undefined {
    if (entry.kind === 'control') return entry.offset >= this.fromOffset ? entry : undefined;
    const end = entry.offset + entry.audio.length;
    if (end <= this.fromOffset) return undefined;
    if (entry.offset >= this.fromOffset) return entry;
    return { ...entry, offset: this.fromOffset, audio: entry.audio.subarray(this.fromOffset - entry.offset) };
  }
}
