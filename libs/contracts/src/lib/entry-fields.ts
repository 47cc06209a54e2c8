import { parseBoolean } from './parse-boolean';

/**
 * Helpers shared by the entry codecs, which read the fields `fieldsFromFlat` (field-list.ts) made
 * of a stream entry.
 */
export type RawFields = ReadonlyMap<string, Buffer>;

export const SCHEMA_VERSION = 1;

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
    // Safe integers only: '9007199254740993' reads as ...992, a different seq than was written.
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      this.problems.push(`field '${name}' must be a non-negative integer, got ${value}`);
      return undefined;
    }
    return value;
  }

  /** Booleans as the classic producer writes them (Python's `str(bool)`: "True"/"False"), or true/false/1/0. */
  flag(name: string): boolean {
    const raw = this.optionalText(name);
    if (raw === undefined || raw === '') return false;
    const value = parseBoolean(raw);
    if (value !== undefined) return value;
    this.problems.push(`field '${name}' is not a boolean: '${raw.slice(0, 40)}'`);
    return false;
  }
}

export function pythonBool(value: boolean): string {
  return value ? 'True' : 'False';
}

/** Seconds since the epoch as a float, like Python's `time.time()` in the classic Python guide. */
export function epochSeconds(nowMs: number = Date.now()): string {
  return (nowMs / 1000).toFixed(6);
}
