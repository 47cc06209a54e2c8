/** Letters NFKD does not split into a base letter and a mark. */
const ADDITIONAL_DIACRITICS: Readonly<Record<string, string>> = {
  œ: 'oe',
  Œ: 'OE',
  ø: 'o',
  Ø: 'O',
  æ: 'ae',
  Æ: 'AE',
  ß: 'ss',
  ẞ: 'SS',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  þ: 'th',
  Þ: 'th',
  ł: 'l',
  Ł: 'L',
};

const NONSPACING_MARK = /^\p{Mn}$/u;
const MARK_SYMBOL_OR_PUNCTUATION = /^[\p{M}\p{S}\p{P}]$/u;

/**
 * Whisper's `remove_symbols_and_diacritics`: diacritics dropped (café → cafe), every other mark,
 * symbol and punctuation character replaced by a space, except those in `keep`.
 */
export function removeSymbolsAndDiacritics(text: string, keep = ''): string {
  let out = '';
  for (const c of text.normalize('NFKD')) {
    if (keep.includes(c)) out += c;
    else if (c in ADDITIONAL_DIACRITICS) out += ADDITIONAL_DIACRITICS[c];
    else if (NONSPACING_MARK.test(c)) continue;
    else if (MARK_SYMBOL_OR_PUNCTUATION.test(c)) out += ' ';
    else out += c;
  }
  return out;
}
