import { encodeWav } from '@streamscribe/audio';
import type { ProviderName } from '@streamscribe/contracts';
import type { InjectedFailure } from '../fake-server/injected-failure';
import { SPEECH_SAMPLE_RATE, speechPcm, speechWav } from '../test-speech';
import type {
  ProviderErrorShape,
  ProviderTranscriptShape,
  TranscriptionProviderShape,
} from './transcription-provider-shape';

/** A provider under test and the backend it calls: a fake cloud API, or a committed tiny model. */
export interface ProviderConformanceHarness<Fault> {
  /**
   * Built with a `maxAudioSeconds` of at most 120 (the suite sends audio of that length and a
   * second more) and a request timeout of about a second (it plays a request that never answers).
   */
  readonly provider: TranscriptionProviderShape;
  /** Calls that reached the backend since the last reset: requests to the fake server, or model runs. */
  backendCalls(): number;
  /** The text the backend hears in `speechPcm(spoken)` lasting `seconds`. */
  expectedText(spoken: string, seconds: number): string;
  /** The backend's next call fails with `fault`. */
  failNextCall(fault: Fault): void;
  /** Forgets recorded calls and unplayed faults; runs after each test. */
  reset(): void;
  /** Runs once, after the last test. */
  close(): Promise<void>;
}

/** How the provider reaches its backend, which says which faults the suite plays there. */
export type ProviderConformanceSetup =
  | { backend: 'http'; start: () => Promise<ProviderConformanceHarness<InjectedFailure>> }
  | { backend: 'model'; start: () => Promise<ProviderConformanceHarness<Error>> };

/** The longest limit the suite exercises: it holds audio one second longer in memory. */
const MAX_TESTED_AUDIO_SECONDS = 120;
/**
 * For each test that transcribes: Whisper's log-mel features take about a second per 30 s window
 * on a busy CI core, and some tests run several windows.
 */
const TRANSCRIPTION_TIMEOUT_MS = 60_000;
/** Languages a provider that claims 'any' must at least take. */
const ANY_LANGUAGE_SAMPLE = ['en', 'de', 'fr', 'es'];

/**
 * The behaviour every TranscriptionProvider promises, run against each provider's real code (as
 * LiveKit's plugins share one STT suite): audio refused before any call when it is invalid, empty
 * or too long (a permanent error, so the chunk fails over instead of being retried); raw PCM
 * transcribed at its stated rate and channel count; capabilities that hold when exercised; and
 * backend failures classified as retryable or permanent.
 */
export function describeTranscriptionProvider(name: ProviderName, setup: ProviderConformanceSetup): void {
  describe(`${name} conforms to the TranscriptionProvider contract`, () => {
    // Narrowed to the backend's faults where they are played, below.
    let harness: ProviderConformanceHarness<InjectedFailure> | ProviderConformanceHarness<Error>;
    const provider = () => harness.provider;

    beforeAll(async () => {
      harness = await setup.start();
      const limit = harness.provider.capabilities.maxAudioSeconds;
      if (limit > MAX_TESTED_AUDIO_SECONDS) {
        throw new Error(
          `${name}: build the provider with maxAudioSeconds ≤ ${MAX_TESTED_AUDIO_SECONDS} for this suite (it has ${limit})`,
        );
      }
    }, TRANSCRIPTION_TIMEOUT_MS);
    afterEach(() => harness.reset());
    afterAll(() => harness?.close());

    describe('refuses audio it cannot transcribe before any call, as a permanent error', () => {
      it.each([
        [
          'l16 that is not whole 16-bit frames',
          { audio: Buffer.alloc(3), format: 'l16' as const, sampleRate: 16000 },
        ],
        ['l16 without its sample rate', { audio: speechPcm('no rate'), format: 'l16' as const }],
        [
          'a WAV cut off inside its header',
          { audio: speechWav('cut').subarray(0, 30), format: 'wav' as const },
        ],
        [
          'a WAV whose header is not RIFF',
          { audio: corruptWavHeader(speechWav('corrupt')), format: 'wav' as const },
        ],
      ])('%s', async (_case, request) => {
        const error = await refusal(provider().transcribe(request));
        expect(error).toMatchObject({ name: 'ProviderError', provider: name, kind: 'permanent' });
        expect(harness.backendCalls()).toBe(0);
      });
    });

    describe('refuses empty audio before any call, as a permanent error', () => {
      it.each([
        ['no bytes, as WAV', { audio: Buffer.alloc(0), format: 'wav' as const }],
        ['no bytes, as l16', { audio: Buffer.alloc(0), format: 'l16' as const, sampleRate: 16000 }],
        [
          'a WAV header without samples',
          { audio: encodeWav(Buffer.alloc(0), { sampleRate: 16000, channels: 1 }), format: 'wav' as const },
        ],
      ])('%s', async (_case, request) => {
        const error = await refusal(provider().transcribe(request));
        expect(error).toMatchObject({
          name: 'ProviderError',
          provider: name,
          kind: 'permanent',
          message: expect.stringMatching(/empty|no samples/),
        });
        expect(harness.backendCalls()).toBe(0);
      });
    });

    describe('transcribes raw PCM (l16) at its stated sample rate and channel count', () => {
      it.each([
        ['16 kHz mono', SPEECH_SAMPLE_RATE, 1],
        ['8 kHz mono', 8000, 1],
        ['16 kHz stereo', SPEECH_SAMPLE_RATE, 2],
      ])(
        '%s',
        async (_case, sampleRate, channels) => {
          const spoken = 'raw pcm heard';
          const mono = speechPcm(spoken, { durationSeconds: 1.5 });
          const audio = channels === 2 ? interleaveStereo(mono) : mono;
          const seconds = mono.length / 2 / sampleRate;
          const transcript = await provider().transcribe({ audio, format: 'l16', sampleRate, channels });
          expect(transcript.text).toBe(harness.expectedText(spoken, seconds));
          expect(transcript.durationSeconds).toBeCloseTo(seconds, 2);
          expectComparableConfidence(transcript);
          expect(harness.backendCalls()).toBeGreaterThan(0);
        },
        TRANSCRIPTION_TIMEOUT_MS,
      );
    });

    it(
      'transcribes WAV',
      async () => {
        const transcript = await provider().transcribe({
          audio: speechWav('wav heard', { durationSeconds: 2 }),
          format: 'wav',
        });
        expect(transcript.text).toBe(harness.expectedText('wav heard', 2));
        expect(transcript.durationSeconds).toBeCloseTo(2, 2);
        expectComparableConfidence(transcript);
      },
      TRANSCRIPTION_TIMEOUT_MS,
    );

    describe('tells the truth about its capabilities', () => {
      it(
        'takes audio exactly as long as maxAudioSeconds',
        async () => {
          const limit = provider().capabilities.maxAudioSeconds;
          const transcript = await provider().transcribe({
            audio: speechPcm('at the limit', { durationSeconds: limit }),
            format: 'l16',
            sampleRate: SPEECH_SAMPLE_RATE,
          });
          expect(transcript.text).toBe(harness.expectedText('at the limit', limit));
          expect(transcript.durationSeconds).toBeCloseTo(limit, 2);
        },
        TRANSCRIPTION_TIMEOUT_MS,
      );

      it('refuses audio longer than maxAudioSeconds before any call, as a permanent error', async () => {
        const seconds = provider().capabilities.maxAudioSeconds + 1;
        const error = await refusal(
          provider().transcribe({
            audio: speechPcm('too long', { durationSeconds: seconds }),
            format: 'l16',
            sampleRate: SPEECH_SAMPLE_RATE,
          }),
        );
        expect(error).toMatchObject({
          name: 'ProviderError',
          provider: name,
          kind: 'permanent',
          message: expect.stringMatching(/long/),
        });
        expect(harness.backendCalls()).toBe(0);
      });

      it(
        'takes each language it lists (or a sample of them, for "any") as a hint, and answers in it',
        async () => {
          const { languages } = provider().capabilities;
          const hints = languages === 'any' ? ANY_LANGUAGE_SAMPLE : languages;
          // All at once: a model batches them into one run.
          const transcripts = await Promise.all(
            hints.map((language) =>
              provider().transcribe({ audio: speechWav('language hint'), format: 'wav', language }),
            ),
          );
          transcripts.forEach((transcript, i) => {
            expect(transcript.text).toBe(harness.expectedText('language hint', 1));
            if (transcript.language !== undefined)
              expect(primarySubtag(transcript.language)).toBe(primarySubtag(hints[i]));
          });
        },
        TRANSCRIPTION_TIMEOUT_MS,
      );

      it(
        'gives word times within the audio, in order, when it claims word timestamps',
        async () => {
          const transcript = await provider().transcribe({
            audio: speechWav('words with times', { durationSeconds: 3 }),
            format: 'wav',
          });
          if (!provider().capabilities.wordTimestamps) return;
          expect(transcript.words.length).toBeGreaterThan(0);
          expect(transcript.words.map((w) => w.word).join(' ')).toBe(transcript.text);
          transcript.words.forEach((word, i) => {
            expect(word.start).toBeGreaterThanOrEqual(i === 0 ? 0 : transcript.words[i - 1].start);
            expect(word.end).toBeGreaterThanOrEqual(word.start);
            expect(word.end).toBeLessThanOrEqual(3);
          });
        },
        TRANSCRIPTION_TIMEOUT_MS,
      );

      it(
        'labels every word with a speaker when asked, if it claims diarization',
        async () => {
          const transcript = await provider().transcribe({
            audio: speechWav('who said this', { durationSeconds: 2 }),
            format: 'wav',
            options: { diarize: true },
          });
          expect(transcript.text).toBe(harness.expectedText('who said this', 2));
          if (!provider().capabilities.diarization) return;
          expect(transcript.words.length).toBeGreaterThan(0);
          for (const word of transcript.words) expect(word.speaker).toEqual(expect.any(Number));
        },
        TRANSCRIPTION_TIMEOUT_MS,
      );
    });

    if (setup.backend === 'http')
      describeHttpFaults(name, () => harness as ProviderConformanceHarness<InjectedFailure>);
    else describeModelFaults(name, () => harness as ProviderConformanceHarness<Error>);
  });
}

/** Cloud providers: the fake API fails the way real ones do. */
function describeHttpFaults(
  name: ProviderName,
  harness: () => ProviderConformanceHarness<InjectedFailure>,
): void {
  describe('classifies what its API answers: outages and throttling retryable, refusals permanent', () => {
    it.each<[string, InjectedFailure, 'retryable' | 'permanent', number | undefined]>([
      ['a 500', { status: 500 }, 'retryable', 500],
      ['a 503', { status: 503 }, 'retryable', 503],
      ['a 429 with Retry-After', { status: 429, retryAfterSeconds: 3 }, 'retryable', 429],
      ['a reset connection', { kind: 'reset' }, 'retryable', undefined],
      ['no answer (its timeout)', { kind: 'hang' }, 'retryable', undefined],
      ['a 400', { status: 400 }, 'permanent', 400],
      ['a 401', { status: 401 }, 'permanent', 401],
      ['a 403', { status: 403 }, 'permanent', 403],
    ])('%s is %s', async (_case, failure, kind, statusCode) => {
      harness().failNextCall(failure);
      const error = await refusal(harness().provider.transcribe({ audio: speechWav('x'), format: 'wav' }));
      expect(error).toMatchObject({ name: 'ProviderError', provider: name, kind, statusCode });
      expect(harness().backendCalls()).toBeGreaterThan(0);
      if (statusCode === 429) expect(error.retryAfterMs).toBe(3000);
    });

    // A worker reports not-ready while its provider says its key is refused.
    it('reports refused credentials (401, 403) as a credentials problem until a call succeeds', async () => {
      const { provider } = harness();
      for (const status of [401, 403]) {
        harness().failNextCall({ status });
        await refusal(provider.transcribe({ audio: speechWav('x'), format: 'wav' }));
        expect(provider.credentialsProblem?.()).toMatch(new RegExp(`${status}`));
        await provider.transcribe({ audio: speechWav('x'), format: 'wav' });
        expect(provider.credentialsProblem?.()).toBeUndefined();
      }
    });
  });
}

/** Local models: a runtime fault may pass, unreadable input never will. */
function describeModelFaults(name: ProviderName, harness: () => ProviderConformanceHarness<Error>): void {
  describe('classifies what goes wrong: runtime faults retryable, corrupt input permanent', () => {
    it('a fault of the runtime (out of memory) is retryable', async () => {
      harness().failNextCall(new Error('CUDA failure 2: out of memory'));
      const error = await refusal(harness().provider.transcribe({ audio: speechWav('x'), format: 'wav' }));
      expect(error).toMatchObject({
        name: 'ProviderError',
        provider: name,
        kind: 'retryable',
        message: expect.stringMatching(/out of memory/),
      });
      expect(harness().backendCalls()).toBe(1);
    });

    it('corrupt input is permanent, and the model does not run', async () => {
      const error = await refusal(
        harness().provider.transcribe({ audio: corruptWavHeader(speechWav('x')), format: 'wav' }),
      );
      expect(error).toMatchObject({ name: 'ProviderError', provider: name, kind: 'permanent' });
      expect(harness().backendCalls()).toBe(0);
    });
  });
}

async function refusal(attempt: Promise<ProviderTranscriptShape>): Promise<ProviderErrorShape> {
  const outcome = await attempt.then(
    (transcript) => ({ transcript }),
    (error: unknown) => ({ error }),
  );
  if ('transcript' in outcome)
    throw new Error(
      `expected a ProviderError, got the transcript ${JSON.stringify(outcome.transcript.text)}`,
    );
  return outcome.error as ProviderErrorShape;
}

function expectComparableConfidence(transcript: ProviderTranscriptShape): void {
  expect(transcript.confidence).toBeGreaterThanOrEqual(0);
  expect(transcript.confidence).toBeLessThanOrEqual(1);
}

/** The same samples on both channels, so every provider hears the same speech whichever it reads. */
function interleaveStereo(mono: Buffer): Buffer {
  const stereo = Buffer.alloc(mono.length * 2);
  for (let i = 0; i < mono.length; i += 2) {
    mono.copy(stereo, i * 2, i, i + 2);
    mono.copy(stereo, i * 2 + 2, i, i + 2);
  }
  return stereo;
}

/** A WAV whose first bytes no longer say RIFF: what a corrupted upload looks like. */
function corruptWavHeader(wav: Buffer): Buffer {
  const corrupt = Buffer.from(wav);
  corrupt.write('JUNK', 0, 'latin1');
  return corrupt;
}

function primarySubtag(language: string): string {
  return language.toLowerCase().split(/[-_]/)[0];
}
