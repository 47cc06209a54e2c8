import type Redis from 'ioredis';
import {
  DEFAULT_TENANT,
  KeyScheme,
  PROVIDERS,
  TranscriptionResultEntry,
  decodeDeadLetter,
  decodeResultEntry,
  fieldsFromFlat,
  keySchemeFrom,
  providerGroup,
} from '@streamscribe/contracts';
import { pipelineAcrossSlots } from '@streamscribe/redis';
import { TranscriptReader } from '@streamscribe/sessions';

/**
/**
 * The chaos run's sessions are the default tenant's. Every function takes the router's key scheme;
 * the default is this process's (the apps it starts inherit its environment, so
 * `REDIS_PARTITIONS=4 npm run chaos` partitions them all, and the verdict reads every partition).
 */
const ENV_KEYS: KeyScheme = keySchemeFrom({
  REDIS_PARTITIONS: process.env['REDIS_PARTITIONS'],
  REDIS_CLUSTER_NODES: process.env['REDIS_CLUSTER_NODES'],
});
const sessionOf = (keys: KeyScheme, sessionId: string) => keys.session(DEFAULT_TENANT, sessionId);

/** A chunk the router acknowledged (2xx), with the words its audio says. */
export interface AcceptedChunk {
  sessionId: string;
  chunkId: string;
  text: string;
}

/** What Redis holds at the end of a chaos run, against what was accepted. */
export interface ChaosVerdict {
  accepted: number;
  withResult: number;
  /** Accepted, and neither a result nor a dead letter: must be 0. */
  lost: number;
  ok: number;
  failed: number;
  /** A chunk with more than one result standing (a second "ok", or a second "failed"): must be 0. */
  duplicateResults: number;
  /** "failed" results later superseded by an "ok" (a chunk dead-lettered mid-crash, then transcribed). */
  superseded: number;
  /** An "ok" result whose text is not what the chunk's audio says: must be 0. */
  wrongText: number;
  /** Transcript rows beyond one per chunk, or chunks missing from it: must be 0. */
  transcriptDuplicates: number;
  transcriptMissing: number;
  deadLetters: number;
  /** A "failed" chunk without exactly one dead letter, or an "ok" chunk with one: must be 0. */
  deadLetterMismatches: number;
  /** Entries still pending in any provider group: must be 0. */
  pending: number;
  problems: string[];
}

const key = (sessionId: string, chunkId: string) => `${sessionId}/${chunkId}`;
/** Providers format differently (AssemblyAI capitalises and punctuates): compare the words. */
const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, '')
    .trim();

/** Chunks whose standing result came from this provider. */
export async function countResultsFrom(
  redis: Redis,
  sessionIds: Iterable<string>,
  provider: string,
  keys: KeyScheme = ENV_KEYS,
): Promise<number> {
  let count = 0;
  for (const sessionId of sessionIds) {
    const transcript = await new TranscriptReader(redis, keys).read(sessionOf(keys, sessionId));
    count += transcript?.chunks.filter((c) => c.status === 'ok' && c.provider === provider).length ?? 0;
  }
  return count;
}

export async function pendingInProviderGroups(redis: Redis, keys: KeyScheme = ENV_KEYS): Promise<number> {
  let pending = 0;
  for (const provider of PROVIDERS) {
    for (const partition of keys.allPartitions()) {
      const stream = keys.providerStream(provider, partition);
      if (!(await redis.exists(stream))) continue;
      const summary = (await redis.xpending(stream, providerGroup(provider)).catch(() => [0])) as [number];
      pending += Number(summary[0]);
    }
  }
  return pending;
}

export async function countResults(
  redis: Redis,
  sessionIds: Iterable<string>,
  keys: KeyScheme = ENV_KEYS,
): Promise<number> {
  // Sessions of several partitions lie in several Cluster slots: a command each there.
  const pipeline = pipelineAcrossSlots(redis);
  for (const sessionId of sessionIds) pipeline.hlen(keys.sessionResultIndexKey(sessionOf(keys, sessionId)));
  const replies = (await pipeline.exec()) ?? [];
  return replies.reduce((sum, [error, count]) => sum + (error ? 0 : Number(count)), 0);
}

export async function judgeChaos(
  redis: Redis,
  accepted: ReadonlyMap<string, AcceptedChunk>,
  keys: KeyScheme = ENV_KEYS,
): Promise<ChaosVerdict> {
  const problems: string[] = [];
  const note = (problem: string) => problems.length < 20 && problems.push(problem);
  const sessions = new Set([...accepted.values()].map((c) => c.sessionId));
  const finals = new Map<string, TranscriptionResultEntry>();
  let duplicateResults = 0;
  let superseded = 0;
  let transcriptDuplicates = 0;
  let transcriptMissing = 0;
  const reader = new TranscriptReader(redis, keys);
  for (const sessionId of sessions) {
    const entries = await redis.xrangeBuffer(keys.sessionResultsStream(sessionOf(keys, sessionId)), '-', '+');
    const perChunk = new Map<string, TranscriptionResultEntry[]>();
    for (const [, flat] of entries) {
      const result = decodeResultEntry(fieldsFromFlat(flat));
      perChunk.set(result.chunkId, [...(perChunk.get(result.chunkId) ?? []), result]);
    }
    for (const [chunkId, results] of perChunk) {
      const oks = results.filter((r) => r.status === 'ok').length;
      const fails = results.length - oks;
      if (oks > 1 || (oks === 0 && fails > 1)) {
        duplicateResults += 1;
        note(`${key(sessionId, chunkId)} has ${oks} ok and ${fails} failed results`);
      }
      if (oks === 1 && fails > 0) superseded += 1;
      finals.set(key(sessionId, chunkId), results.find((r) => r.status === 'ok') ?? results[0]);
    }
    const transcript = await reader.read(sessionOf(keys, sessionId));
    const ids = transcript?.chunks.map((c) => c.chunkId) ?? [];
    transcriptDuplicates += ids.length - new Set(ids).size;
    const expected = [...accepted.values()].filter((c) => c.sessionId === sessionId);
    for (const chunk of expected) if (!ids.includes(chunk.chunkId)) transcriptMissing += 1;
  }

  const letters = new Map<string, number>();
  let deadLetters = 0;
  const letterEntries = [];
  for (const partition of keys.allPartitions())
    letterEntries.push(...(await redis.xrangeBuffer(keys.deadLetterStream(partition), '-', '+')));
  for (const [id, flat] of letterEntries) {
    const letter = decodeDeadLetter(id.toString(), fieldsFromFlat(flat));
    deadLetters += 1;
    const k = key(letter.sessionId ?? '?', letter.chunkId ?? '?');
    letters.set(k, (letters.get(k) ?? 0) + 1);
    if (!accepted.has(k)) note(`dead letter ${id} for a chunk never accepted: ${k}`);
  }

  let ok = 0;
  let failed = 0;
  let lost = 0;
  let wrongText = 0;
  let deadLetterMismatches = 0;
  for (const [k, chunk] of accepted) {
    const result = finals.get(k);
    const lettered = letters.get(k) ?? 0;
    if (!result) {
      lost += 1;
      note(`${k} has no result (${lettered} dead letters)`);
      continue;
    }
    if (result.status === 'ok') {
      ok += 1;
      if (words(result.text) !== words(chunk.text)) {
        wrongText += 1;
        note(`${k} says "${result.text}", its audio says "${chunk.text}"`);
      }
      if (lettered !== 0) {
        deadLetterMismatches += 1;
        note(`${k} was transcribed and also has ${lettered} dead letters`);
      }
    } else {
      failed += 1;
      if (lettered !== 1) {
        deadLetterMismatches += 1;
        note(`${k} failed with ${lettered} dead letters (want exactly 1)`);
      }
    }
  }
  const pending = await pendingInProviderGroups(redis, keys);
  if (pending > 0) note(`${pending} entries still pending in provider groups`);
  return {
    accepted: accepted.size,
    withResult: ok + failed,
    lost,
    ok,
    failed,
    duplicateResults,
    superseded,
    wrongText,
    transcriptDuplicates,
    transcriptMissing,
    deadLetters,
    deadLetterMismatches,
    pending,
    problems,
  };
}

/**
 * A chaos main's exit code: 0 when every must-be-zero count of the verdict is 0; otherwise 1,
 * after printing what went wrong.
 */
export function chaosExitCode(v: ChaosVerdict): number {
  const wrong =
    v.lost +
    v.duplicateResults +
    v.wrongText +
    v.transcriptDuplicates +
    v.transcriptMissing +
    v.deadLetterMismatches +
    v.pending;
  if (wrong === 0) return 0;
  console.log(`\nPROBLEMS:\n${v.problems.join('\n')}`);
  return 1;
}
