/**
 * The one codec for flat field lists: Redis answers stream entries and XINFO rows as
 * [name, value, name, value, ...], and XADD takes the same shape. Every reader and writer of such
 * lists goes through these helpers rather than walking pairs by hand.
 */
export type EncodedFields = Array<string | Buffer>;

/** A stream entry's fields by name; values stay Buffers, so audio is binary-safe. */
export function fieldsFromFlat(flat: ReadonlyArray<Buffer | string>): Map<string, Buffer> {
  const fields = new Map<string, Buffer>();
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const value = flat[i + 1];
    fields.set(flat[i].toString(), Buffer.isBuffer(value) ? value : Buffer.from(value));
  }
  return fields;
}

/** A flat list as a plain object (XINFO rows, text-mode stream entries); later names win. */
export function recordFromPairs<V>(pairs: readonly V[]): Record<string, V> {
  const record: Record<string, V> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) record[String(pairs[i])] = pairs[i + 1];
  return record;
}

/** The pairs whose name `drop` rejects left out, order kept. */
export function withoutFields(
  flat: ReadonlyArray<Buffer | string>,
  drop: (name: string) => boolean,
): EncodedFields {
  const kept: EncodedFields = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    if (!drop(flat[i].toString())) kept.push(flat[i], flat[i + 1]);
  }
  return kept;
}

/** Sets a field in place: the first pair with that name gets the value, or the pair is appended. */
export function setField(fields: EncodedFields, name: string, value: string | Buffer): void {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i].toString() === name) {
      fields[i + 1] = value;
      return;
    }
  }
  fields.push(name, value);
}
