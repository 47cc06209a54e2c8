import {
  DECIMALS,
  FOLLOWING_PREFIXERS,
  MULTIPLIERS,
  MULTIPLIERS_SUFFIXED,
  NUMBER_WORDS,
  ONES,
  ONES_SUFFIXED,
  PRECEDING_PREFIXERS,
  PREFIXES,
  SPECIALS,
  SUFFIXERS,
  TENS,
  TENS_SUFFIXED,
  ZEROS,
} from './english-number-words';

/**
 * A port of openai/whisper's `EnglishNumberNormalizer` (whisper/normalizers/english.py, MIT):
 * spelled-out numbers become digits ("twenty five" → "25", "one oh one" → "101"), suffixes stay
 * ("1960s", "32nd"), currency words become symbols before the number ("20 dollars" → "$20"),
 * "percent" → "%", and a lone "one" stays a word. Python's unbounded ints are BigInts here and
 * its `Fraction` a decimal numerator/denominator pair, so outputs match Whisper's digit for digit.
 */
export function normaliseEnglishNumbers(text: string): string {
  const words = preprocess(text).split(/\s+/).filter(Boolean);
  return postprocess([...processWords(words)].join(' '));
}

/** A number being built: Python's int (here bigint) or str, as Whisper keeps it. */
type Value = bigint | string | null;

const NUMERIC = /^\d+(\.\d+)?$/;

interface Fraction {
  numerator: bigint;
  denominator: bigint;
}

/** Python's `Fraction(s)` for the decimal strings this builds ("12", "1.5", "5.", ".5"), or null. */
function toFraction(value: bigint | string): Fraction | null {
  if (typeof value === 'bigint') return { numerator: value, denominator: 1n };
  const match = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(value);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return null;
  const decimals = match[3] ?? '';
  const numerator = BigInt((match[2] || '0') + decimals) * (match[1] === '-' ? -1n : 1n);
  return { numerator, denominator: 10n ** BigInt(decimals.length) };
}

/** Python's truthiness of `value or ""`: None, 0 and "" all become "". */
function orEmpty(value: Value): string {
  return value === null || value === 0n || value === '' ? '' : String(value);
}

function* processWords(words: string[]): Generator<string> {
  let prefix: string | null = null;
  let value: Value = null;
  let skip = false;

  const output = (result: bigint | string): string => {
    let text = String(result);
    if (prefix !== null) text = prefix + text;
    value = null;
    prefix = null;
    return text;
  };

  for (let i = 0; i < words.length; i++) {
    const prev = i > 0 ? words[i - 1] : null;
    const current = words[i];
    const next = i + 1 < words.length ? words[i + 1] : null;
    if (skip) {
      skip = false;
      continue;
    }
    const nextIsNumeric = next !== null && NUMERIC.test(next);
    const hasPrefix = PREFIXES.has(current[0]);
    const currentWithoutPrefix = hasPrefix ? current.slice(1) : current;
    const isWord = (word: string | null, set: ReadonlySet<string> | ReadonlyMap<string, unknown>) =>
      word !== null && set.has(word);

    if (NUMERIC.test(currentWithoutPrefix)) {
      // Arabic numbers, possibly signed and with decimals.
      const f = toFraction(currentWithoutPrefix) as Fraction;
      if (value !== null) {
        if (typeof value === 'string' && value.endsWith('.')) {
          // Concatenates decimals and IP address parts.
          value = value + current;
          continue;
        }
        yield output(value);
      }
      prefix = hasPrefix ? current[0] : prefix;
      value = f.numerator % f.denominator === 0n ? f.numerator / f.denominator : currentWithoutPrefix;
    } else if (!NUMBER_WORDS.has(current)) {
      if (value !== null) yield output(value);
      yield output(current);
    } else if (ZEROS.has(current)) {
      value = orEmpty(value) + '0';
    } else if (ONES.has(current)) {
      const ones = ONES.get(current) as number;
      if (value === null) value = BigInt(ones);
      else if (typeof value === 'string' || isWord(prev, ONES)) {
        if (isWord(prev, TENS) && ones < 10) value = String(value).slice(0, -1) + ones;
        else value = String(value) + ones;
      } else if (ones < 10) {
        value = value % 10n === 0n ? value + BigInt(ones) : String(value) + ones;
      } else {
        value = value % 100n === 0n ? value + BigInt(ones) : String(value) + ones;
      }
    } else if (ONES_SUFFIXED.has(current)) {
      // Ordinal or plural: the number ends here.
      const [ones, suffix] = ONES_SUFFIXED.get(current) as [number, string];
      if (value === null) yield output(`${ones}${suffix}`);
      else if (typeof value === 'string' || isWord(prev, ONES)) {
        if (isWord(prev, TENS) && ones < 10) yield output(String(value).slice(0, -1) + ones + suffix);
        else yield output(String(value) + ones + suffix);
      } else if (ones < 10) {
        yield output(value % 10n === 0n ? `${value + BigInt(ones)}${suffix}` : `${value}${ones}${suffix}`);
      } else {
        yield output(value % 100n === 0n ? `${value + BigInt(ones)}${suffix}` : `${value}${ones}${suffix}`);
      }
      value = null;
    } else if (TENS.has(current)) {
      const tens = TENS.get(current) as number;
      if (value === null) value = BigInt(tens);
      else if (typeof value === 'string') value = value + tens;
      else value = value % 100n === 0n ? value + BigInt(tens) : String(value) + tens;
    } else if (TENS_SUFFIXED.has(current)) {
      const [tens, suffix] = TENS_SUFFIXED.get(current) as [number, string];
      if (value === null) yield output(`${tens}${suffix}`);
      else if (typeof value === 'string') yield output(value + tens + suffix);
      else
        yield output(value % 100n === 0n ? `${value + BigInt(tens)}${suffix}` : `${value}${tens}${suffix}`);
    } else if (MULTIPLIERS.has(current)) {
      const multiplier = MULTIPLIERS.get(current) as bigint;
      if (value === null) value = multiplier;
      else if (typeof value === 'string' || value === 0n) {
        const f = toFraction(value);
        if (f !== null && (f.numerator * multiplier) % f.denominator === 0n)
          value = (f.numerator * multiplier) / f.denominator;
        else {
          yield output(value);
          value = multiplier;
        }
      } else {
        const before: bigint = (value / 1000n) * 1000n;
        const residual: bigint = value % 1000n;
        value = before + residual * multiplier;
      }
    } else if (MULTIPLIERS_SUFFIXED.has(current)) {
      const [multiplier, suffix] = MULTIPLIERS_SUFFIXED.get(current) as [bigint, string];
      if (value === null) yield output(`${multiplier}${suffix}`);
      else if (typeof value === 'string') {
        const f = toFraction(value);
        if (f !== null && (f.numerator * multiplier) % f.denominator === 0n)
          yield output(`${(f.numerator * multiplier) / f.denominator}${suffix}`);
        else {
          yield output(value);
          yield output(`${multiplier}${suffix}`);
        }
      } else {
        const before: bigint = (value / 1000n) * 1000n;
        const residual: bigint = value % 1000n;
        value = before + residual * multiplier;
        yield output(`${value}${suffix}`);
      }
      value = null;
    } else if (PRECEDING_PREFIXERS.has(current)) {
      // "minus", "plus": a sign, when a number follows.
      if (value !== null) yield output(value);
      if (isWord(next, NUMBER_WORDS) || nextIsNumeric) prefix = PRECEDING_PREFIXERS.get(current) as string;
      else yield output(current);
    } else if (FOLLOWING_PREFIXERS.has(current)) {
      // "dollars", "cents": a currency symbol, when a number came before.
      if (value !== null) {
        prefix = FOLLOWING_PREFIXERS.get(current) as string;
        yield output(value);
      } else yield output(current);
    } else if (SUFFIXERS.has(current)) {
      if (value !== null) {
        const suffix = SUFFIXERS.get(current) as string | ReadonlyMap<string, string>;
        if (typeof suffix === 'string') yield output(String(value) + suffix);
        else if (next !== null && suffix.has(next)) {
          yield output(String(value) + suffix.get(next));
          skip = true;
        } else {
          yield output(value);
          yield output(current);
        }
      } else yield output(current);
    } else if (SPECIALS.has(current)) {
      if (!isWord(next, NUMBER_WORDS) && !nextIsNumeric) {
        // Only special when a number may follow.
        if (value !== null) yield output(value);
        yield output(current);
      } else if (current === 'and') {
        // "and" after hundreds, thousands … is dropped.
        if (!isWord(prev, MULTIPLIERS)) {
          if (value !== null) yield output(value);
          yield output(current);
        }
      } else if (current === 'double' || current === 'triple') {
        if (isWord(next, ONES) || isWord(next, ZEROS)) {
          const repeats = current === 'double' ? 2 : 3;
          const ones = ONES.get(next as string) ?? 0;
          value = orEmpty(value) + String(ones).repeat(repeats);
          skip = true;
        } else {
          if (value !== null) yield output(value);
          yield output(current);
        }
      } else if (isWord(next, DECIMALS) || nextIsNumeric) {
        // "point"
        value = orEmpty(value) + '.';
      }
    }
  }
  if (value !== null) yield output(value);
}

function preprocess(text: string): string {
  // "<number> and a half" → "<number> point five"
  const results: string[] = [];
  const segments = text.split(/\band\s+a\s+half\b/);
  segments.forEach((segment, i) => {
    if (segment.trim().length === 0) return;
    results.push(segment);
    if (i === segments.length - 1) return;
    const lastWord = segment.trim().split(/\s+/).pop() as string;
    results.push(DECIMALS.has(lastWord) || MULTIPLIERS.has(lastWord) ? 'point five' : 'and a half');
  });
  return (
    results
      .join(' ')
      // A space at each number/letter boundary …
      .replace(/([a-z])([0-9])/g, '$1 $2')
      .replace(/([0-9])([a-z])/g, '$1 $2')
      // … except before what may be a suffix.
      .replace(/([0-9])\s+(st|nd|rd|th|s)\b/g, '$1$2')
  );
}

function postprocess(text: string): string {
  return (
    text
      // "$2 and ¢7" → "$2.07"
      .replace(
        /([€£$])([0-9]+) (?:and )?¢([0-9]{1,2})\b/g,
        (_m, currency: string, integer: string, cents: string) =>
          `${currency}${integer}.${cents.padStart(2, '0')}`,
      )
      .replace(/[€£$]0.([0-9]{1,2})\b/g, (_m, cents: string) => `¢${Number(cents)}`)
      // "one(s)" reads better than "1(s)".
      .replace(/\b1(s?)\b/g, 'one$1')
  );
}
