import { ProviderName } from '@streamscribe/contracts';

/** The classic default chains, used when a chunk names no fallback providers of its own. */
export const DEFAULT_FALLBACK_CHAINS: Readonly<Record<ProviderName, readonly ProviderName[]>> = {
  deepgram: ['whisper', 'assemblyai'],
  whisper: ['deepgram', 'assemblyai'],
  parakeet: ['whisper', 'deepgram'],
  assemblyai: ['deepgram', 'whisper'],
};

export interface FailoverRequest {
  current: ProviderName;
  /** The chunk's own chain (`fallback_providers`); empty means the default chain of `current`. */
  chain: readonly ProviderName[];
  /** Providers that already tried the chunk, `current` included or not. */
  attempted: readonly ProviderName[];
  /** Providers with live consumers right now. */
  live: ReadonlySet<ProviderName>;
}

export type FailoverDecision = { next: ProviderName } | { next: undefined; reason: string };

/**
 * Where a chunk goes after `current` gave up on it: the first provider of its chain that has not
 * tried it yet and has a live consumer. Every provider is tried at most once, so a chunk can
 * never bounce between providers (the original guide's whisper → deepgram → whisper loop).
 */
export function nextProvider(request: FailoverRequest): FailoverDecision {
  const chain = request.chain.length > 0 ? request.chain : DEFAULT_FALLBACK_CHAINS[request.current];
  const tried = new Set<ProviderName>([...request.attempted, request.current]);
  const untried = chain.filter((p) => !tried.has(p));
  const next = untried.find((p) => request.live.has(p));
  if (next) return { next };
  if (untried.length === 0)
    return { next: undefined, reason: `every provider in the chain tried it (${[...tried].join(', ')})` };
  return { next: undefined, reason: `no live worker for the untried providers (${untried.join(', ')})` };
}
