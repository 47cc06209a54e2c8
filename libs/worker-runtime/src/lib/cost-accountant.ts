import { Inject, Injectable } from '@nestjs/common';
import type { ProviderName } from '@streamscribe/contracts';
import { COST_METRIC, counter } from '@streamscribe/observability';
import { PriceTable, ProviderTranscript, costOf, parsePriceTable } from '@streamscribe/providers';
import { WORKER_ENVIRONMENT } from './tokens';
import { WorkerEnvironment } from './worker-environment';

const costUsdTotal = counter({
  name: COST_METRIC,
  help: 'What transcribed audio cost, in USD, by provider and model (from PRICE_TABLE)',
  labelNames: ['provider', 'model'] as const,
});

export interface PricedResult {
  costUsd?: number;
  model?: string;
}

/** Turns a transcript into its cost from the worker's price table (PRICE_TABLE over the defaults). */
@Injectable()
export class CostAccountant {
  private readonly table: PriceTable;

  constructor(@Inject(WORKER_ENVIRONMENT) env: WorkerEnvironment) {
    this.table = parsePriceTable(env.PRICE_TABLE);
  }

  /** The cost of a transcript; unpriced when its duration is unknown (nothing to multiply). */
  price(provider: ProviderName, transcript: ProviderTranscript): PricedResult {
    if (transcript.durationSeconds === undefined) return { model: transcript.model };
    return {
      costUsd: costOf(this.table, provider, transcript.model, transcript.durationSeconds).usd,
      model: transcript.model,
    };
  }

  /** Counts a priced result once it was written (not for a duplicate). */
  record(provider: ProviderName, priced: PricedResult): void {
    if (priced.costUsd !== undefined)
      costUsdTotal.inc({ provider, model: priced.model ?? 'unknown' }, priced.costUsd);
  }
}
