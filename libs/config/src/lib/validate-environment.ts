import { ValidationError, validateSync } from 'class-validator';
import { parseBoolean } from '@streamscribe/contracts';
import {
  REDACTED,
  SECRET_VARIABLE_NAME,
  redactText,
  registerSecretsFromEnvironment,
} from '@streamscribe/observability';

type EnvironmentClass<T> = new () => T;

/**
 * Turns process.env into a typed, validated settings object (for @nestjs/config's `validate`).
 * Unset or empty variables keep the class's defaults; values are converted to the type of the
 * default (number, boolean). A bad value throws one error naming every variable that is wrong
 * and what it should be, so the app stops before it does anything. Secret values are registered
 * for redaction first and never echoed: a secret-named variable shows as [redacted], and a URL's
 * userinfo is masked even when the URL is too malformed to parse.
 */
export function validateEnvironment<T extends object>(
  cls: EnvironmentClass<T>,
  env: Record<string, unknown>,
): T {
  registerSecretsFromEnvironment(env as Record<string, string | undefined>);
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
  const value = SECRET_VARIABLE_NAME.test(error.property)
    ? REDACTED
    : redactText(JSON.stringify(error.value));
  return `  ${error.property}=${value}: ${Object.values(error.constraints ?? {}).join('; ')}`;
}
