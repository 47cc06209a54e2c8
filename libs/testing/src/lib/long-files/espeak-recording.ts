import { espeakSpeech, resampleLinear16 } from '../espeak/espeak-speech';
import { ScriptedWord, stampSpokenWords } from '../live/spoken-words';
import { seededRandom } from '../fake-server/seeded-random';

/** The rate long recordings are made at (what a router splits and a fake provider reads). */
export const RECORDING_SAMPLE_RATE = 16_000;

/** A word of a long recording: where it was placed, and the label stamped on it (`<word>/<utterance>.<index>`). */
export interface RecordedWord extends ScriptedWord {
  utterance: number;
}

export interface RecordedUtterance {
  words: RecordedWord[];
  startMs: number;
  endMs: number;
}

/** A long recording of real espeak-ng speech, every word stamped so a fake provider can hear it. */
export interface LongRecording {
  /** 16 kHz mono 16-bit PCM. */
  pcm: Buffer;
  sampleRate: number;
  totalMs: number;
  utterances: RecordedUtterance[];
  /** Every word, in order; `word` is the stamped label, unique in the recording. */
  words: RecordedWord[];
}

export interface UtterancePlan {
  words: string[];
  startMs: number;
}

const VOCABULARY = (
  'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa ' +
  'quebec romeo sierra tango uniform victor whiskey yankee zulu meeting budget window river morning'
).split(' ');

const spoken = new Map<string, Buffer>();

/** A word spoken alone by espeak-ng, trimmed, at 16 kHz (linear resampling from espeak's 22.05 kHz); cached. */
function spokenWord(word: string): Buffer {
  let pcm = spoken.get(word);
  if (!pcm) {
    const speech = espeakSpeech(word);
    pcm = resampleLinear16(speech.pcm, speech.sampleRate, RECORDING_SAMPLE_RATE);
    spoken.set(word, pcm);
  }
  return pcm;
}

/**
 * Utterances of 3–7 words with pauses of 0.6–1.4 s between them, from `startMs` until `totalMs`
 * less a second; the same for the same seed.
 */
export function utterancePlan(totalMs: number, seed = 18, startMs = 500): UtterancePlan[] {
  const random = seededRandom(seed);
  const plan: UtterancePlan[] = [];
  let at = startMs;
  for (;;) {
    const count = 3 + Math.floor(random() * 5);
    const words = Array.from({ length: count }, () => VOCABULARY[Math.floor(random() * VOCABULARY.length)]);
    const length = words.reduce((sum, w) => sum + msOf(spokenWord(w)) + WORD_GAP_MS, 0);
    if (at + length > totalMs - 1000) return plan;
    plan.push({ words, startMs: at });
    at += length + 600 + Math.floor(random() * 800);
  }
}

/** Silence between the words of one utterance: too short for a pause. */
const WORD_GAP_MS = 60;

/** One utterance at least `minMs` long (a long stretch of speech without a pause). */
export function longUtterance(minMs: number, startMs: number, seed = 45): UtterancePlan {
  const random = seededRandom(seed);
  const words: string[] = [];
  for (let length = 0; length < minMs;) {
    const word = VOCABULARY[Math.floor(random() * VOCABULARY.length)];
    words.push(word);
    length += msOf(spokenWord(word)) + WORD_GAP_MS;
  }
  return { words, startMs };
}

/** How long a plan's utterance lasts, first word's start to last word's end. */
export function utteranceMs(plan: UtterancePlan): number {
  return plan.words.reduce((sum, w) => sum + msOf(spokenWord(w)) + WORD_GAP_MS, -WORD_GAP_MS);
}

/**
 * Speaks the plan word by word (so every word's time is known), places it in `totalMs` of
 * silence and stamps each word with its label (`stampSpokenWords`).
 */
export function espeakRecording(plan: UtterancePlan[], totalMs: number): LongRecording {
  const rate = RECORDING_SAMPLE_RATE;
  const pcm = Buffer.alloc(Math.round((totalMs * rate) / 1000) * 2);
  const utterances: RecordedUtterance[] = plan.map((u, n) => {
    let at = u.startMs;
    const words = u.words.map((word, i) => {
      const speech = spokenWord(word);
      const offset = Math.round((at * rate) / 1000) * 2;
      if (offset + speech.length > pcm.length)
        throw new RangeError(`"${word}" at ${at} ms runs past ${totalMs} ms`);
      speech.copy(pcm, offset);
      const placed: RecordedWord = {
        word: `${word}/${n}.${i}`,
        // As stampedWordsIn computes it, to the last bit.
        startMs: ((offset / 2) * 1000) / rate,
        durationMs: Math.floor(msOf(speech)),
        utterance: n,
      };
      at = placed.startMs + msOf(speech) + WORD_GAP_MS;
      return placed;
    });
    const last = words[words.length - 1];
    return { words, startMs: words[0].startMs, endMs: last.startMs + last.durationMs };
  });
  const words = utterances.flatMap((u) => u.words);
  stampSpokenWords(pcm, words, rate);
  return { pcm, sampleRate: rate, totalMs, utterances, words };
}

function msOf(pcm: Buffer): number {
  return (pcm.length / 2 / RECORDING_SAMPLE_RATE) * 1000;
}
