import type { RoutingCapabilities } from './provider-profile';

/** What a chunk needs from a provider; absent means "no requirement". */
export interface RoutingRequirements {
  /** BCP-47 language of the audio. */
  language?: string;
  diarization?: boolean;
  wordTimestamps?: boolean;
  /** Real-time needs a streaming-capable provider. */
  streaming?: boolean;
  audioSeconds?: number;
}

/** Why a provider cannot take the chunk, or undefined when it can. */
export function capabilityMismatch(
  capabilities: RoutingCapabilities,
  needs: RoutingRequirements,
): string | undefined {
  if (needs.language && !speaksLanguage(capabilities.languages, needs.language)) {
    return `does not transcribe language '${needs.language}' (it does ${(capabilities.languages as readonly string[]).join(', ')})`;
  }
  if (needs.diarization && !capabilities.diarization) return 'cannot diarize';
  if (needs.wordTimestamps && !capabilities.wordTimestamps) return 'gives no word timestamps';
  if (needs.streaming && !capabilities.streaming) return 'is not real-time capable';
  if (needs.audioSeconds !== undefined && needs.audioSeconds > capabilities.maxAudioSeconds) {
    return `takes at most ${capabilities.maxAudioSeconds} s per request (this chunk is ${needs.audioSeconds.toFixed(1)} s)`;
  }
  return undefined;
}

/** 'en-US' is served by a provider that lists 'en' or 'en-US'. */
function speaksLanguage(languages: RoutingCapabilities['languages'], language: string): boolean {
  if (languages === 'any') return true;
  const wanted = language.toLowerCase();
  const base = wanted.split('-')[0];
  return languages.some((l) => l.toLowerCase() === wanted || l.toLowerCase() === base);
}
