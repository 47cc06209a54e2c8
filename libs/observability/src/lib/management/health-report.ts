import { redactText } from '../redaction/redact';
import type { ReadinessCheck } from '../health/readiness-check';

type Indicator = { status: 'up' | 'down'; [detail: string]: unknown };

/** A health answer in the shape @nestjs/terminus gives (status, info, error, details). */
export interface HealthReport {
  status: 'ok' | 'error';
  info: Record<string, Indicator>;
  error: Record<string, Indicator>;
  details: Record<string, Indicator>;
}

/** `/health/live`: the process answers. */
export function liveReport(): HealthReport {
  return reportOf({ process: { status: 'up', pid: process.pid } });
}

/** `/health/ready`: every readiness check, run at once; a failing one says why (secrets redacted). */
export async function readyReport(checks: readonly ReadinessCheck[]): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check }): Promise<[string, Indicator]> => {
      try {
        await check();
        return [name, { status: 'up' }];
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return [name, { status: 'down', message: redactText(message) }];
      }
    }),
  );
  return reportOf(Object.fromEntries(results));
}

function reportOf(details: Record<string, Indicator>): HealthReport {
  const pick = (status: Indicator['status']) =>
    Object.fromEntries(Object.entries(details).filter(([, indicator]) => indicator.status === status));
  const error = pick('down');
  return { status: Object.keys(error).length > 0 ? 'error' : 'ok', info: pick('up'), error, details };
}
