import { AudioFormatError, ProviderAudio, checkDuration, prepareProviderAudio } from '@streamscribe/audio';
import type { ProviderName } from '@streamscribe/contracts';
import { createLogger } from '@streamscribe/observability';
import { ProviderError } from '../provider-error';
import { TranscriptionRequest } from '../transcription-provider';
import { providerMetrics } from './provider-metrics';

// Created on first use: a logger made at import time would miss the app name main.ts sets.
let log: ReturnType<typeof createLogger> | undefined;

/**
 * The request's audio validated and shaped for an HTTP provider (see `prepareProviderAudio`).
 * Audio that cannot be valid is a permanent error: nothing is sent, and no provider would take it.
 */
export function audioFor(provider: ProviderName, request: TranscriptionRequest): ProviderAudio {
  try {
    return prepareProviderAudio({ audio: request.audio, format: request.format, sampleRate: request.sampleRate, channels: request.channels });
  } catch (error) {
    if (!(error instanceof AudioFormatError)) throw error;
    throw new ProviderError(`invalid audio, not sent to ${provider}: ${error.message}`, { provider, kind: 'permanent', cause: error });
  }
}

/**
 * The duration to report: the one measured from the audio, checked against the provider's. A
 * mismatch is logged and counted (`streamscribe_audio_duration_mismatches_total`), never fatal.
 */
export function reconcileDuration(
  provider: ProviderName,
  audio: ProviderAudio,
  reportedSeconds: number | undefined,
  requestId: string | undefined,
): number | undefined {
  const check = checkDuration(audio.durationSeconds, reportedSeconds);
  if (check.mismatch) {
    providerMetrics.durationMismatches.inc({ provider });
    (log ??= createLogger('provider-audio')).warn(
      { provider, measuredSeconds: audio.durationSeconds, reportedSeconds, requestId },
      'provider reports a different audio duration than was sent; billing the measured one',
    );
  }
  return check.durationSeconds;
}
