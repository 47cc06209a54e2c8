import { normaliseEnglishText } from './english-text-normaliser';
import cases from './whisper-normaliser-cases.json';

describe('normaliseEnglishText', () => {
  // Expected outputs are openai/whisper's own EnglishTextNormalizer (commit c0d2f624, run with
  // Python 3.11) on these inputs, quirks included ("one and a half" → "one.5", "7 thousand ones"
  // → "7001s"): the port must match it, not what would read best.
  it.each(cases as [string, string][])('%j → %j, as Whisper normalises it', (input, expected) => {
    expect(normaliseEnglishText(input)).toBe(expected);
  });

  it('makes formatting differences vanish, so they are not counted as errors', () => {
    expect(normaliseEnglishText('Twenty-five dollars, Mr. Smith.')).toBe(
      normaliseEnglishText('$25 mister smith'),
    );
    expect(normaliseEnglishText("UM, THE COLOUR; IT'S 50 PERCENT!")).toBe(
      normaliseEnglishText('the color it is fifty per cent'),
    );
  });
});
