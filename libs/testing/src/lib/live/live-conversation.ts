import { seededRandom } from '../fake-server/seeded-random';
import type { ScriptedUtterance } from './spoken-words';

const VOCABULARY = [
  'hello',
  'thanks',
  'for',
  'calling',
  'the',
  'support',
  'line',
  'my',
  'order',
  'never',
  'arrived',
  'could',
  'you',
  'check',
  'number',
  'seven',
  'four',
  'two',
  'nine',
  'sure',
  'one',
  'moment',
  'please',
  'shipped',
  'on',
  'monday',
  'tracking',
  'shows',
  'it',
  'stuck',
  'in',
  'denver',
  'that',
  'is',
  'odd',
  'we',
  'will',
  'send',
  'a',
  'replacement',
  'today',
  'great',
  'thank',
  'so',
  'much',
];

export interface ConversationOptions {
  /** Words per utterance, inclusive range. @defaultValue [3, 8] */
  words?: [number, number];
  /** Silence between utterances, ms, inclusive range. @defaultValue [700, 1500] */
  pauseMs?: [number, number];
  /** Each word's length, as spokenScript's wordMs. @defaultValue 300 */
  wordMs?: number;
  /** Silence between words of one utterance, as spokenScript's wordGapMs. @defaultValue 60 */
  wordGapMs?: number;
  /** Silence before the first utterance. @defaultValue 500 */
  leadMs?: number;
}

/**
 * A two-party call as a spoken-word script: `count` utterances of everyday words, pauses between
 * them, the same for the same seed. Feed it to spokenScript with the same wordMs and wordGapMs.
 */
export function liveConversation(
  count: number,
  seed: number,
  opts: ConversationOptions = {},
): ScriptedUtterance[] {
  const random = seededRandom(seed);
  const [minWords, maxWords] = opts.words ?? [3, 8];
  const [minPause, maxPause] = opts.pauseMs ?? [700, 1500];
  const wordMs = opts.wordMs ?? 300;
  const gapMs = opts.wordGapMs ?? 60;
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const utterances: ScriptedUtterance[] = [];
  let at = opts.leadMs ?? 500;
  for (let u = 0; u < count; u++) {
    const words = Array.from(
      { length: between(minWords, maxWords) },
      () => VOCABULARY[Math.floor(random() * VOCABULARY.length)],
    );
    utterances.push({ words, startMs: at });
    at += words.length * (wordMs + gapMs) - gapMs + between(minPause, maxPause);
  }
  return utterances;
}
