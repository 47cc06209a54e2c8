import { seededRandom } from '../fake-server/seeded-random';

/** One word as a provider reports it. */
export interface ScoredWord {
  word: string;
  confidence: number;
}

/** A reference sentence and what 2–4 simulated providers transcribed for it. */
export interface AsrCase {
  id: string;
  reference: string[];
  hypotheses: Array<{ provider: string; words: ScoredWord[] }>;
}

/** How one simulated provider errs, and on what scale it reports confidence. */
interface ProviderProfile {
  provider: string;
  substitution: number;
  deletion: number;
  insertion: number;
  /** Share of insertions that repeat the word before (a stutter: "we we"). */
  repeat: number;
  /** Confidence range for correct words and for errors; scales differ between providers on purpose. */
  correct: [number, number];
  wrong: [number, number];
}

const PROFILES: ProviderProfile[] = [
  {
    provider: 'deepgram',
    substitution: 0.04,
    deletion: 0.015,
    insertion: 0.01,
    repeat: 0.3,
    correct: [0.9, 1],
    wrong: [0.75, 0.97],
  },
  {
    provider: 'assemblyai',
    substitution: 0.035,
    deletion: 0.02,
    insertion: 0.01,
    repeat: 0.3,
    correct: [0.7, 0.99],
    wrong: [0.35, 0.8],
  },
  {
    provider: 'whisper',
    substitution: 0.05,
    deletion: 0.01,
    insertion: 0.025,
    repeat: 0.6,
    correct: [0.55, 0.95],
    wrong: [0.2, 0.7],
  },
  {
    provider: 'parakeet',
    substitution: 0.06,
    deletion: 0.025,
    insertion: 0.01,
    repeat: 0.4,
    correct: [0.6, 0.98],
    wrong: [0.3, 0.75],
  },
];

const COMMON =
  'we the a to of and in it is that you for on with as at be this have from or by one had not but what all were when there can an your which their said if do will each about how up out them then she many some so these would other into has more her two like him see time could no make than first been its who now people my made over did down only way find use may water long little very after words called just where most know get through back much before go good new write our used me man too any day same right look think also around another came come work three word must because does part even place well such here take why things help put years different away again off went old number great tell men say small every found still between name should home big give air line set own under read last never us left end along while might next sound below saw something thought both few those always looked show large often together asked house world going want school important until form food keep children feet land side without boy once animals life enough took sometimes four head above kind began almost live page got earth need far hand high year mother light parts country father let night following picture being study second eyes soon times story boys since white days ever paper hard near sentence better best across during today others however sure means knew its try told young miles sun ways thing whole hear example heard several change answer room sea against top turned learn point city play toward five using himself usually'.split(
    ' ',
  );

/** Words a recognizer mistakes for each other (homophones and near misses). */
const CONFUSIONS: string[][] = [
  ['their', 'there', "they're"],
  ['to', 'too', 'two'],
  ['a', 'the', 'uh'],
  ['in', 'and', 'an'],
  ['for', 'four', 'far'],
  ['gets', 'get', 'guess'],
  ['we', 'he', 'be'],
  ['its', "it's", 'is'],
  ['know', 'no', 'now'],
  ['right', 'write', 'ride'],
  ['hear', 'here', 'near'],
  ['one', 'won', 'when'],
  ['then', 'than', 'them'],
  ['would', 'wood', 'could'],
  ['sea', 'see', 'she'],
  ['new', 'knew', 'few'],
];
const FILLERS = ['uh', 'um', 'the', 'a', 'and', 'so', 'i'];

/** Generates `count` cases from `seed`; the same seed gives the same cases on every machine. */
export function generateAsrCases(
  seed: number,
  count: number,
  options: { emptyAnswerRate?: number; minHypotheses?: number; maxHypotheses?: number } = {},
): AsrCase[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const between = ([lo, hi]: [number, number]): number =>
    Math.round((lo + random() * (hi - lo)) * 1000) / 1000;
  const min = options.minHypotheses ?? 2;
  const max = options.maxHypotheses ?? 4;
  const confusable = CONFUSIONS.flat();
  const cases: AsrCase[] = [];
  for (let c = 0; c < count; c++) {
    const length = 4 + Math.floor(random() * 16);
    const reference: string[] = [];
    while (reference.length < length) {
      const word = random() < 0.3 ? pick(confusable) : pick(COMMON);
      if (word !== reference[reference.length - 1]) reference.push(word);
    }
    const providers = shuffle([...PROFILES], random).slice(0, min + Math.floor(random() * (max - min + 1)));
    const hypotheses = providers.map((profile) => {
      if (random() < (options.emptyAnswerRate ?? 0)) return { provider: profile.provider, words: [] };
      const words: ScoredWord[] = [];
      for (const word of reference) {
        const roll = random();
        if (roll < profile.deletion) continue;
        if (roll < profile.deletion + profile.substitution) {
          const group = CONFUSIONS.find((g) => g.includes(word));
          const wrong =
            group && random() < 0.7
              ? pick(group.filter((w) => w !== word))
              : pick(COMMON.filter((w) => w !== word));
          words.push({ word: wrong, confidence: between(profile.wrong) });
        } else {
          words.push({ word, confidence: between(profile.correct) });
        }
        if (random() < profile.insertion) {
          const inserted = random() < profile.repeat ? word : pick(FILLERS);
          words.push({ word: inserted, confidence: between(profile.wrong) });
        }
      }
      return { provider: profile.provider, words };
    });
    cases.push({ id: `case${String(c).padStart(5, '0')}`, reference, hypotheses });
  }
  return cases;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
