import { PROVIDERS, ProviderName } from '@streamscribe/contracts';

/** USD per audio minute, by provider, then by model; `*` prices every model not listed. */
export type PriceTable = Readonly<Record<ProviderName, Readonly<Record<string, number>>>>;

/**
 * List prices for pre-recorded transcription, pay-as-you-go, per audio minute (checked 2026-11;
 * your contract may differ — override with PRICE_TABLE). Self-hosted models cost nothing per
 * minute here; give them your GPU cost per minute if you want it in the totals.
 */
export const DEFAULT_PRICE_TABLE: PriceTable = {
  deepgram: { 'nova-3': 0.0043, 'nova-2': 0.0043, '*': 0.0043 },
  assemblyai: { universal: 0.0025, best: 0.0025, 'slam-1': 0.0045, nano: 0.002, '*': 0.0025 },
  whisper: { '*': 0 },
  parakeet: { '*': 0 },
};

export interface Cost {
  usd: number;
  /** Integer micro-dollars: what Redis totals add up, so sums never drift. */
  micros: number;
  /** USD per minute applied. */
  rate: number;
}

/**
 * PRICE_TABLE's JSON laid over the defaults, provider by provider:
 * `{"deepgram":{"nova-3":0.0036},"whisper":{"*":0.0008}}` changes those two prices and keeps the rest.
 *
 * @throws Error saying what is wrong (unknown provider, a price that is not a non-negative number).
 */
export function parsePriceTable(json: string): PriceTable {
  if (json.trim() === '') return DEFAULT_PRICE_TABLE;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`PRICE_TABLE is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(parsed))
    throw new Error('PRICE_TABLE must be a JSON object: {"<provider>": {"<model>|*": <USD per minute>}}');
  const table: Record<string, Record<string, number>> = {};
  for (const provider of PROVIDERS) table[provider] = { ...DEFAULT_PRICE_TABLE[provider] };
  for (const [provider, models] of Object.entries(parsed)) {
    if (!(PROVIDERS as readonly string[]).includes(provider)) {
      throw new Error(`PRICE_TABLE names an unknown provider '${provider}' (known: ${PROVIDERS.join(', ')})`);
    }
    if (!isObject(models))
      throw new Error(`PRICE_TABLE.${provider} must be an object of model → USD per minute`);
    for (const [model, price] of Object.entries(models)) {
      if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) {
        throw new Error(
          `PRICE_TABLE.${provider}.${model} must be a non-negative number of USD per audio minute, got ${JSON.stringify(price)}`,
        );
      }
      table[provider][model] = price;
    }
  }
  return table as PriceTable;
}

/** What `seconds` of audio cost on this provider and model (the provider's `*` price when the model is not listed). */
export function costOf(
  table: PriceTable,
  provider: ProviderName,
  model: string | undefined,
  seconds: number,
): Cost {
  const prices = table[provider];
  // Own keys only: a model named "constructor" must not find Object.prototype's.
  const own = (name: string) => (Object.hasOwn(prices, name) ? prices[name] : undefined);
  const rate = (model !== undefined ? own(model) : undefined) ?? own('*') ?? 0;
  const micros = Number.isFinite(seconds) ? Math.round((Math.max(0, seconds) / 60) * rate * 1_000_000) : 0;
  return { usd: micros / 1_000_000, micros, rate };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
