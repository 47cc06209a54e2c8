import { HttpException, HttpStatus } from '@nestjs/common';
import { quotaMetrics } from './quota-metrics';

/** Why a quota refused, with the status and stable error code a client sees. */
export const QUOTA_REASONS = {
  rate: { status: HttpStatus.TOO_MANY_REQUESTS, code: 'quota_rate' },
  live_tenant: { status: HttpStatus.TOO_MANY_REQUESTS, code: 'quota_live_connections' },
  // Not the tenant's doing: this router is full, another may not be.
  live_router: { status: HttpStatus.SERVICE_UNAVAILABLE, code: 'router_live_connections_full' },
  audio_seconds: { status: HttpStatus.TOO_MANY_REQUESTS, code: 'quota_audio_seconds' },
  // 402, not 429: retrying soon does not help; the budget (or the month) has to change.
  spend: { status: HttpStatus.PAYMENT_REQUIRED, code: 'quota_spend' },
  consensus_not_allowed: { status: HttpStatus.FORBIDDEN, code: 'consensus_not_allowed' },
  // Never answered to a client: a hedge=true request is served without its hedge.
  hedging_not_allowed: { status: HttpStatus.FORBIDDEN, code: 'hedging_not_allowed' },
} as const;

export type QuotaReason = keyof typeof QUOTA_REASONS;

/** A request a quota refused; counted once, when made. */
export class QuotaRefusal extends HttpException {
  constructor(
    readonly reason: QuotaReason,
    tenant: string,
    message: string,
    /** Seconds after which trying again can succeed (sent as Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    const { status, code } = QUOTA_REASONS[reason];
    super({ statusCode: status, code, message }, status);
    countRefusal(reason, tenant);
  }
}

export function countRefusal(reason: QuotaReason, tenant: string): void {
  quotaMetrics.refusals.inc({ reason, tenant });
}
