import type { ProviderName } from '@streamscribe/contracts';

/**
 * What a provider can do, as the router needs it. The same shape as `ProviderCapabilities` in
 * libs/providers (a provider's declared capabilities are assignable to it); declared here because
 * this util lib may not import data-access code.
 */
export interface RoutingCapabilities {
  /** BCP-47 language codes it transcribes, or 'any' for a multilingual model. */
  languages: readonly string[] | 'any';
  diarization: boolean;
  wordTimestamps: boolean;
  streaming: boolean;
  /** Longest audio one request may carry, in seconds. */
  maxAudioSeconds: number;
}

/** The router's standing knowledge of a provider: capabilities, price and priors for what it measures. */
export interface ProviderProfile {
  capabilities: RoutingCapabilities;
  /** List price (or, self-hosted, amortized GPU cost) per audio minute, USD. */
  pricePerAudioMinuteUsd: number;
  /** Provider seconds per audio second assumed until the fleet has measured its own. */
  latencyPerAudioSecondPrior: number;
  /** Expected word error rate (0..1), the accuracy hint's yardstick. */
  expectedWordErrorRate: number;
}

/**
 * Defaults chosen so that, with nothing measured and equal load, the classic rules still hold:
 * real-time → deepgram (fastest streaming provider), accuracy → whisper (lowest WER), cost →
 * whisper (cheapest). Measured latency and queues then move traffic away from those defaults.
 */
export const DEFAULT_PROVIDER_PROFILES: Readonly<Record<ProviderName, ProviderProfile>> = {
  deepgram: {
    capabilities: {
      languages: 'any',
      diarization: true,
      wordTimestamps: true,
      streaming: true,
      maxAudioSeconds: 4 * 3600,
    },
    pricePerAudioMinuteUsd: 0.0043,
    latencyPerAudioSecondPrior: 0.03,
    expectedWordErrorRate: 0.085,
  },
  whisper: {
    capabilities: {
      languages: 'any',
      diarization: false,
      wordTimestamps: true,
      streaming: false,
      maxAudioSeconds: 30,
    },
    pricePerAudioMinuteUsd: 0.0008,
    latencyPerAudioSecondPrior: 0.15,
    expectedWordErrorRate: 0.07,
  },
  parakeet: {
    capabilities: {
      languages: ['en'],
      diarization: false,
      wordTimestamps: true,
      streaming: false,
      maxAudioSeconds: 1200,
    },
    pricePerAudioMinuteUsd: 0.001,
    latencyPerAudioSecondPrior: 0.05,
    expectedWordErrorRate: 0.075,
  },
  assemblyai: {
    capabilities: {
      languages: 'any',
      diarization: true,
      wordTimestamps: true,
      streaming: true,
      maxAudioSeconds: 10 * 3600,
    },
    pricePerAudioMinuteUsd: 0.0025,
    latencyPerAudioSecondPrior: 0.25,
    expectedWordErrorRate: 0.08,
  },
};

/** How much one unit of each hint's yardstick weighs against one second of expected time. */
export interface RoutingWeights {
  /** cost hint: seconds of extra wait worth 1 USD per audio minute of price. @defaultValue 1000 */
  secondsPerUsdPerMinute: number;
  /** accuracy hint: seconds of extra wait worth a word error rate of 1.0. @defaultValue 100 */
  secondsPerWordErrorRate: number;
  /** Scores closer than this are a tie, broken in PROVIDERS order. @defaultValue 0.001 */
  tieSeconds: number;
}

export const DEFAULT_ROUTING_WEIGHTS: RoutingWeights = {
  secondsPerUsdPerMinute: 1000,
  secondsPerWordErrorRate: 100,
  tieSeconds: 0.001,
};
