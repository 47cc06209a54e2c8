import { HttpException } from '@nestjs/common';
import type { BacklogOverload, MemoryOverload } from './admission-estimate';
import { admissionMetrics } from './admission-metrics';

/** What admission control found over its bound, in the refusal's body as `over`. */
export type AdmissionOverload =
  { reason: 'backlog'; providers: BacklogOverload[] } | ({ reason: 'redis_memory' } & MemoryOverload);

/**
 * New work refused because work already in the system would otherwise wait too long (429
 * `provider_backlog`: the providers this request may go to are all over ADMISSION_MAX_WAIT_MS) or
 * Redis memory is inside its reserved headroom (503 `fabric_overloaded`: nothing a client
 * changes helps). Counted once, when made. The exception filter sends `Retry-After` and `over`.
 */
export class AdmissionRefusal extends HttpException {
  constructor(
    readonly over: AdmissionOverload,
    readonly retryAfterSeconds: number,
  ) {
    const status = over.reason === 'backlog' ? 429 : 503;
    const code = over.reason === 'backlog' ? 'provider_backlog' : 'fabric_overloaded';
    super({ statusCode: status, code, message: messageOf(over, retryAfterSeconds) }, status);
    if (over.reason === 'backlog')
      for (const p of over.providers)
        admissionMetrics.refusals.inc({ reason: 'backlog', provider: p.provider });
    else admissionMetrics.refusals.inc({ reason: 'redis_memory', provider: 'all' });
  }

  /** What the body adds to `{ statusCode, code, message }`. */
  bodyFields(): { retryAfterSeconds: number; over: AdmissionOverload } {
    return { retryAfterSeconds: this.retryAfterSeconds, over: this.over };
  }
}

function messageOf(over: AdmissionOverload, retryAfter: number): string {
  if (over.reason === 'redis_memory') {
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    return (
      `the fabric is overloaded: Redis uses ${mb(over.usedBytes)}, ${mb(over.overByBytes)} over the ` +
      `${mb(over.limitBytes)} at which new work stops (maxmemory ${mb(over.maxmemoryBytes)} less ` +
      `ADMISSION_MEMORY_HEADROOM, kept for work in flight); retry after ${retryAfter} s`
    );
  }
  const each = over.providers
    .map(
      (p) =>
        `${p.provider} ${(p.estimatedWaitMs / 1000).toFixed(1)} s (${p.backlog} chunks queued, ` +
        `${p.slots} slots, ${p.serviceSeconds.toFixed(2)} s each)`,
    )
    .join(', ');
  return (
    `every provider this request may go to has a backlog over the ${over.providers[0].maxWaitMs} ms ` +
    `a new chunk may wait (ADMISSION_MAX_WAIT_MS): ${each}; retry after ${retryAfter} s`
  );
}
