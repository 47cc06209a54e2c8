import type { ProviderName } from '@streamscribe/contracts';
import type {
  ProviderCapabilitiesShape,
  ProviderRequestShape,
  ProviderTranscriptShape,
  TranscriptionProviderShape,
} from './transcription-provider-shape';

type Step = { transcript: ProviderTranscriptShape; waitFor?: Promise<unknown> } | { error: unknown };

/** What an unscripted call answers. */
export const FAKE_TRANSCRIPT: ProviderTranscriptShape = {
  text: 'fake transcript',
  confidence: 0.9,
  words: [
    { word: 'fake', start: 0, end: 0.5, confidence: 0.9 },
    { word: 'transcript', start: 0.5, end: 1, confidence: 0.9 },
  ],
  language: 'en',
  durationSeconds: 1,
};

/**
 * TEST ONLY. A provider whose answers the test scripts (as LiveKit's `fake_stt.ts`), for unit tests
 * of the worker core without a provider API or a model: each call takes the next scripted step — a
 * transcript, or an error to throw (a real `ProviderError` the test builds, so the worker classifies
 * it as it would a real one) — or answers FAKE_TRANSCRIPT when none is left. Every request is kept.
 */
export class FakeTranscriptionProvider implements TranscriptionProviderShape {
  readonly capabilities: ProviderCapabilitiesShape;
  /** Every request, oldest first. */
  readonly requests: ProviderRequestShape[] = [];
  private readonly script: Step[] = [];

  constructor(
    readonly name: ProviderName,
    capabilities: Partial<ProviderCapabilitiesShape> = {},
  ) {
    this.capabilities = {
      languages: 'any',
      diarization: false,
      wordTimestamps: true,
      streaming: false,
      maxAudioSeconds: 600,
      ...capabilities,
    };
  }

  /**
   * The next call answers this (over FAKE_TRANSCRIPT); with `waitFor`, only once that settles, so a
   * test can act while the call is in flight.
   */
  answerNext(transcript: Partial<ProviderTranscriptShape>, opts: { waitFor?: Promise<unknown> } = {}): this {
    this.script.push({ transcript: { ...FAKE_TRANSCRIPT, ...transcript }, waitFor: opts.waitFor });
    return this;
  }

  /** The next `count` calls throw `error`. */
  failNext(error: unknown, count = 1): this {
    for (let i = 0; i < count; i++) this.script.push({ error });
    return this;
  }

  /** Scripted steps not yet taken. */
  get unplayed(): number {
    return this.script.length;
  }

  async transcribe(request: ProviderRequestShape): Promise<ProviderTranscriptShape> {
    this.requests.push(request);
    const step = this.script.shift();
    if (!step) return FAKE_TRANSCRIPT;
    if ('error' in step) throw step.error;
    await step.waitFor;
    return step.transcript;
  }
}
