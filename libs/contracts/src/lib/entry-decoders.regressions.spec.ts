import { decodeChunkEntry } from './chunk-entry';
import { decodeDeadLetter } from './dead-letter-entry';
import { fieldsFromFlat } from './field-list';
import { MalformedEntryError } from './malformed-entry.error';
import { decodeResultEntry } from './result-entry';

// Counterexamples the fuzz suites (entry-decoders.fuzz.spec.ts) found, kept as regular tests.
describe('entry decoders: fuzz findings', () => {
  it.each(['[1,"a",null]', '[{"word":1}]', '[{}]', '[null]'])(
    'refuses words that are not objects with a text word: %s',
    (words) => {
      const decode = () =>
        decodeResultEntry(fieldsFromFlat(['session_id', 's', 'chunk_id', 'c', 'words', words]));
      expect(decode).toThrow(MalformedEntryError);
      expect(decode).toThrow("field 'words' is not a JSON array of words");
    },
  );

  it('refuses a seq (or any count) past 2^53, which would read back as a different number', () => {
    const flat = [
      'audio',
      Buffer.from([0, 0]),
      'session_id',
      's',
      'chunk_id',
      'c',
      'seq',
      '9007199254740993',
    ];
    expect(() => decodeChunkEntry(fieldsFromFlat(flat))).toThrow(
      "field 'seq' must be a non-negative integer, got 9007199254740992",
    );
    expect(decodeDeadLetter('1-0', fieldsFromFlat(flat))).toMatchObject({
      redrivable: false,
      seq: undefined,
    });
  });

  it('reads a re-drive count or dead-letter time that is not a count or a time as absent', () => {
    for (const garbage of ['1e309', 'Infinity', '-2', '1.5', 'x']) {
      const letter = decodeDeadLetter(
        '1-0',
        fieldsFromFlat(['redrive_count', garbage, 'dead_lettered_at', garbage, 'seq', garbage]),
      );
      expect(letter).toMatchObject({ redriveCount: 0, seq: undefined });
      expect(letter.deadLetteredAt === undefined || letter.deadLetteredAt === 1.5).toBe(true);
    }
    expect(decodeDeadLetter('1-0', fieldsFromFlat(['redrive_count', '3'])).redriveCount).toBe(3);
  });
});
