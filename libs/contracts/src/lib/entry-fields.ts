/**
 * Helpers shared by the entry codecs. Stream entries arrive as a flat list of field/value pairs
 * (Buffers, so audio stays binary-safe); encoders produce the same flat list for XADD.
 */
export type EncodedFields = Array<string | Buffer>;
export type RawFields = ReadonlyMap<string, Buffer>;

export const SCHEMA_VERSION = 1;

export function fieldsFromFlat(flat: ReadonlyArray<Buffer | string>): Map<string, Buffer> {
  const fields = new Map<string, Buffer>();
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const value = flat[i + 1];
    fields.set(flat[i].toString(), Buffer.isBuffer(value) ? value : Buffer.from(value));
  }
  return fields;
}

/** Reads text fields and collects every problem, so one error can name them all. */
export class FieldReader {
  readonly problems: string[] = [];

  constructor(private readonly fields: RawFields) {}

  buffer(name: string): Buffer | undefined {
    return this.fields.get(name);
  }

  optionalText(name: string): string | undefined {
    return this.fields.get(name)?.toString('utf8');
  }

  text(name: string): string {
    const value = this.optionalText(name);
    if (value === undefined || value === '') {
      this.problems.push(`missing field '${name}'`);
      return '';
    }
    return value;
  }

  optionalNumber(name: string): number | undefined {
    const raw = this.optionalText(name);
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value)) {
      this.problems.push(`field '${name}' is not a number: '${raw.slice(0, 40)}'`);
      return undefined;
    }
    return value;
  }

  optionalInteger(name: string): number | undefined {
    const value = this.optionalNumber(name);
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      this.problems.push(`field '${name}' must be a non-negative integer, got ${value}`);
      return undefined;
    }
    return value;
  }

  /** Booleans as the seed writes them (Python's `str(bool)`: "True"/"False"), or true/false/1/0. */
  flag(name: string): boolean {
    const raw = this.optionalText(name);
    if (raw === undefined || raw === '') return false;
    const lowered = raw.toLowerCase();
    if (lowered === 'true' || lowered === '1') return true;
    if (lowered === 'false' || lowered === '0') return false;
    this.problems.push(`field '${name}' is not a boolean: '${raw.slice(0, 40)}'`);
    return false;
  }
}

export function pythonBool(value: boolean): string {
  return value ? 'True' : 'False';
}

/** Seconds since the epoch as a float, like Python's `time.time()` in the seed. */
export function epochSeconds(nowMs: number = Date.now()): string {
  return (nowMs / 1000).toFixed(6);
}
