import britishToAmerican from './british-to-american.json';
import { normaliseEnglishNumbers } from './english-number-normaliser';
import { removeSymbolsAndDiacritics } from './remove-symbols';

const FILLERS = /\b(hmm|mm|mhm|mmm|uh|um)\b/g;

/** Whisper's replacers, in its order: contractions, abbreviated titles, perfect tenses. */
const REPLACERS: [RegExp, string][] = (
  [
    [/\bwon't\b/, 'will not'],
    [/\bcan't\b/, 'can not'],
    [/\blet's\b/, 'let us'],
    [/\bain't\b/, 'aint'],
    [/\by'all\b/, 'you all'],
    [/\bwanna\b/, 'want to'],
    [/\bgotta\b/, 'got to'],
    [/\bgonna\b/, 'going to'],
    [/\bi'ma\b/, 'i am going to'],
    [/\bimma\b/, 'i am going to'],
    [/\bwoulda\b/, 'would have'],
    [/\bcoulda\b/, 'could have'],
    [/\bshoulda\b/, 'should have'],
    [/\bma'am\b/, 'madam'],
    [/\bmr\b/, 'mister '],
    [/\bmrs\b/, 'missus '],
    [/\bst\b/, 'saint '],
    [/\bdr\b/, 'doctor '],
    [/\bprof\b/, 'professor '],
    [/\bcapt\b/, 'captain '],
    [/\bgov\b/, 'governor '],
    [/\bald\b/, 'alderman '],
    [/\bgen\b/, 'general '],
    [/\bsen\b/, 'senator '],
    [/\brep\b/, 'representative '],
    [/\bpres\b/, 'president '],
    [/\brev\b/, 'reverend '],
    [/\bhon\b/, 'honorable '],
    [/\basst\b/, 'assistant '],
    [/\bassoc\b/, 'associate '],
    [/\blt\b/, 'lieutenant '],
    [/\bcol\b/, 'colonel '],
    [/\bjr\b/, 'junior '],
    [/\bsr\b/, 'senior '],
    [/\besq\b/, 'esquire '],
    [/'d been\b/, ' had been'],
    [/'s been\b/, ' has been'],
    [/'d gone\b/, ' had gone'],
    [/'s gone\b/, ' has gone'],
    [/'d done\b/, ' had done'],
    [/'s got\b/, ' has got'],
    [/n't\b/, ' not'],
    [/'re\b/, ' are'],
    [/'s\b/, ' is'],
    [/'d\b/, ' would'],
    [/'ll\b/, ' will'],
    [/'t\b/, ' not'],
    [/'ve\b/, ' have'],
    [/'m\b/, ' am'],
  ] as [RegExp, string][]
).map(([pattern, replacement]) => [new RegExp(pattern.source, 'g'), replacement]);

// A Map, not the object: a word such as 'constructor' must not find Object.prototype's.
const SPELLINGS: ReadonlyMap<string, string> = new Map(Object.entries(britishToAmerican));

/**
 * A port of openai/whisper's `EnglishTextNormalizer` (whisper/normalizers/english.py, MIT), the
 * normalisation its published English WERs use: lower case; bracketed and parenthesised asides and
 * fillers (um, uh, hmm) dropped; contractions and titles expanded; punctuation and diacritics
 * removed; numbers to digits (`normaliseEnglishNumbers`); British spellings to American (its
 * english.json, copied as british-to-american.json). Both sides of a comparison go through it, so
 * "Twenty-five dollars, Mr. Smith." and "$25 mister smith" score as the same words.
 */
export function normaliseEnglishText(text: string): string {
  let s = text.toLowerCase();
  s = s.replace(/[<[][^>\]]*[>\]]/g, '');
  s = s.replace(/\(([^)]+?)\)/g, '');
  s = s.replace(FILLERS, '');
  s = s.replace(/\s+'/g, "'");
  for (const [pattern, replacement] of REPLACERS) s = s.replace(pattern, replacement);
  s = s.replace(/(\d),(\d)/g, '$1$2');
  s = s.replace(/\.([^0-9]|$)/g, ' $1');
  s = removeSymbolsAndDiacritics(s, '.%$¢€£');
  s = normaliseEnglishNumbers(s);
  s = s
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => SPELLINGS.get(word) ?? word)
    .join(' ');
  // Currency and percent signs that no number follows or precedes.
  s = s.replace(/[.$¢€£]([^0-9])/g, ' $1');
  s = s.replace(/([^0-9])%/g, '$1 ');
  return s.replace(/\s+/g, ' ');
}
