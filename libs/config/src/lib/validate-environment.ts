import { ValidationError, validateSync } from 'class-validator';
import { parseBoolean } from '@streamscribe/contracts';

type EnvironmentClass<T> = new () => T;

/**
 * Turns process.env into a typed, validated settings object (for @nestjs/config's `validate`).
 * Unset or empty variables keep the class's defaults; values are converted to the type of the
 * default (number, boolean). A bad value throws one error naming every variable that is wrong
 * and what it should be, so the app stops before it does anything.
 */
export function validateEnvironment<T extends object>(
  cls: EnvironmentClass<T>,
  env: Record<string, unknown>,
): T {
  const settings = new cls() as Record<string, unknown>;
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '' || !(name in settings)) continue;
    settings[name] = convertLike(settings[name], value);
  }
  const errors = validateSync(settings, { forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new Error(`invalid configuration:\n${errors.map(describe).join('\n')}`);
  }
  return settings as T;
}

function convertLike(defaultValue: unknown, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (typeof defaultValue === 'number') return /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
  if (typeof defaultValue === 'boolean') return parseBoolean(value) ?? value;
  return value;
}

function describe(error: ValidationError): string {
  const value = /KEY|SECRET|PASSWORD|TOKEN/.test(error.property) ? '[redacted]' : JSON.stringify(error.value);
  return `  ${error.property}=${value}: ${Object.values(error.constraints ?? {}).join('; ')}`;
}
