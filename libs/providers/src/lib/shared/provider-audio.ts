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
 * Audio that cannot be valid, or is longer than the provider takes in one request, is a permanent
 * error: nothing is sent, and the provider would not take it on a retry. (Audio of a format this
 * system does not parse has no measured length; the provider itself judges it.)
 */
export function audioFor(
  provider: ProviderName,
  request: TranscriptionRequest,
  maxAudioSeconds: number,
): ProviderAudio {
  let audio: ProviderAudio;
  try {
    audio = prepareProviderAudio({
      audio: request.audio,
      format: request.format,
      sampleRate: request.sampleRate,
      channels: request.channels,
    });
  } catch (error) {
    if (!(error instanceof AudioFormatError)) throw error;
    throw new ProviderError(`invalid audio, not sent to ${provider}: ${error.message}`, {
      provider,
      kind: 'permanent',
      cause: error,
    });
  }
  if (audio.durationSeconds !== undefined && audio.durationSeconds > maxAudioSeconds) {
    throw new ProviderError(
      `audio too long, not sent to ${provider}: ${audio.durationSeconds.toFixed(1)} s is over its ${maxAudioSeconds} s per request; send shorter chunks`,
      { provider, kind: 'permanent' },
    );
  }
  return audio;
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
