import { validateEnvironment } from '@streamscribe/config';
import type { TranscriptionProvider } from '@streamscribe/providers';
import { createSegmentingLiveTranscriber, withLiveSegmentingSettings } from './with-live-segmenting-settings';

class LiveEnvironment extends withLiveSegmentingSettings(class {}) {}

const provider = { name: 'parakeet' } as TranscriptionProvider;

describe('live segmentation settings', () => {
  it('defaults: interims every second, 30 s utterances, Silero 0.5, 300 ms least silence', () => {
    const live = createSegmentingLiveTranscriber(validateEnvironment(LiveEnvironment, {}), provider);
    expect(live.name).toBe('parakeet');
    expect(live.settings).toEqual({
      interimIntervalMs: 1000,
      maxUtteranceMs: 30_000,
      vad: { threshold: 0.5, minSilenceMs: 300, minSpeechMs: 250, speechPadMs: 100 },
    });
  });

  it('reads every variable', () => {
    const env = validateEnvironment(LiveEnvironment, {
      LIVE_INTERIM_INTERVAL_MS: '250',
      LIVE_MAX_UTTERANCE_MS: '15000',
      LIVE_VAD_THRESHOLD: '0.6',
      LIVE_VAD_MIN_SILENCE_MS: '500',
      LIVE_VAD_MIN_SPEECH_MS: '100',
      LIVE_VAD_SPEECH_PAD_MS: '0',
    });
    expect(createSegmentingLiveTranscriber(env, provider).settings).toEqual({
      interimIntervalMs: 250,
      maxUtteranceMs: 15_000,
      vad: { threshold: 0.6, minSilenceMs: 500, minSpeechMs: 100, speechPadMs: 0 },
    });
  });

  it('names every bad variable', () => {
    expect(() =>
      validateEnvironment(LiveEnvironment, {
        LIVE_INTERIM_INTERVAL_MS: '10',
        LIVE_VAD_THRESHOLD: 'loud',
        LIVE_VAD_MIN_SILENCE_MS: '-1',
      }),
    ).toThrow(/LIVE_INTERIM_INTERVAL_MS[\s\S]*LIVE_VAD_THRESHOLD[\s\S]*LIVE_VAD_MIN_SILENCE_MS/);
  });
});
