/** The vocabulary of Whisper's `EnglishNumberNormalizer`, as its constructor builds it. */

const ONES_NAMES = [
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];

export const ZEROS: ReadonlySet<string> = new Set(['o', 'oh', 'zero']);
export const ONES: ReadonlyMap<string, number> = new Map(ONES_NAMES.map((name, i) => [name, i + 1]));

const ONES_PLURAL = new Map<string, [number, string]>(
  ONES_NAMES.map((name, i) => [name === 'six' ? 'sixes' : `${name}s`, [i + 1, 's']]),
);
// Whisper's own rule, quirks included: 'nine' becomes 'nineth', so 'ninth' is left a word.
const ONES_ORDINAL = new Map<string, [number, string]>([
  ['zeroth', [0, 'th']],
  ['first', [1, 'st']],
  ['second', [2, 'nd']],
  ['third', [3, 'rd']],
  ['fifth', [5, 'th']],
  ['twelfth', [12, 'th']],
  ...ONES_NAMES.map((name, i) => [name, i + 1] as const)
    .filter(([, value]) => value > 3 && value !== 5 && value !== 12)
    .map(
      ([name, value]) =>
        [name + (name.endsWith('t') ? 'h' : 'th'), [value, 'th']] as [string, [number, string]],
    ),
]);
export const ONES_SUFFIXED: ReadonlyMap<string, [number, string]> = new Map([
  ...ONES_PLURAL,
  ...ONES_ORDINAL,
]);

const TENS_NAMES: [string, number][] = [
  ['twenty', 20],
  ['thirty', 30],
  ['forty', 40],
  ['fifty', 50],
  ['sixty', 60],
  ['seventy', 70],
  ['eighty', 80],
  ['ninety', 90],
];
export const TENS: ReadonlyMap<string, number> = new Map(TENS_NAMES);
export const TENS_SUFFIXED: ReadonlyMap<string, [number, string]> = new Map([
  ...TENS_NAMES.map(
    ([name, value]) => [name.replace(/y/g, 'ies'), [value, 's']] as [string, [number, string]],
  ),
  ...TENS_NAMES.map(
    ([name, value]) => [name.replace(/y/g, 'ieth'), [value, 'th']] as [string, [number, string]],
  ),
]);

const MULTIPLIER_NAMES: [string, bigint][] = [
  ['hundred', 100n],
  ['thousand', 10n ** 3n],
  ['million', 10n ** 6n],
  ['billion', 10n ** 9n],
  ['trillion', 10n ** 12n],
  ['quadrillion', 10n ** 15n],
  ['quintillion', 10n ** 18n],
  ['sextillion', 10n ** 21n],
  ['septillion', 10n ** 24n],
  ['octillion', 10n ** 27n],
  ['nonillion', 10n ** 30n],
  ['decillion', 10n ** 33n],
];
export const MULTIPLIERS: ReadonlyMap<string, bigint> = new Map(MULTIPLIER_NAMES);
export const MULTIPLIERS_SUFFIXED: ReadonlyMap<string, [bigint, string]> = new Map([
  ...MULTIPLIER_NAMES.map(([name, value]) => [`${name}s`, [value, 's']] as [string, [bigint, string]]),
  ...MULTIPLIER_NAMES.map(([name, value]) => [`${name}th`, [value, 'th']] as [string, [bigint, string]]),
]);

export const DECIMALS: ReadonlySet<string> = new Set([...ONES.keys(), ...TENS.keys(), ...ZEROS]);

export const PRECEDING_PREFIXERS: ReadonlyMap<string, string> = new Map([
  ['minus', '-'],
  ['negative', '-'],
  ['plus', '+'],
  ['positive', '+'],
]);
export const FOLLOWING_PREFIXERS: ReadonlyMap<string, string> = new Map([
  ['pound', '£'],
  ['pounds', '£'],
  ['euro', '€'],
  ['euros', '€'],
  ['dollar', '$'],
  ['dollars', '$'],
  ['cent', '¢'],
  ['cents', '¢'],
]);
export const PREFIXES: ReadonlySet<string> = new Set([
  ...PRECEDING_PREFIXERS.values(),
  ...FOLLOWING_PREFIXERS.values(),
]);

/** `percent` → '%'; `per` only before `cent`. */
export const SUFFIXERS: ReadonlyMap<string, string | ReadonlyMap<string, string>> = new Map<
  string,
  string | ReadonlyMap<string, string>
>([
  ['per', new Map([['cent', '%']])],
  ['percent', '%'],
]);
export const SPECIALS: ReadonlySet<string> = new Set(['and', 'double', 'triple', 'point']);

export const NUMBER_WORDS: ReadonlySet<string> = new Set([
  ...ZEROS,
  ...ONES.keys(),
  ...ONES_SUFFIXED.keys(),
  ...TENS.keys(),
  ...TENS_SUFFIXED.keys(),
  ...MULTIPLIERS.keys(),
  ...MULTIPLIERS_SUFFIXED.keys(),
  ...PRECEDING_PREFIXERS.keys(),
  ...FOLLOWING_PREFIXERS.keys(),
  ...SUFFIXERS.keys(),
  ...SPECIALS,
]);
