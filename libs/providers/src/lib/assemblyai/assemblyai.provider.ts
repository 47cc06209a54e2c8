import type { Transcript, TranscriptParams, TranscriptWord } from 'assemblyai';
import type { WordTiming } from '@streamscribe/contracts';
import { ProviderError } from '../provider-error';
import { clamp01 } from '../shared/clamp01';
import { CredentialWatch } from '../shared/credential-watch';
import { audioFor, reconcileDuration } from '../shared/provider-audio';
import {
  ProviderCapabilities,
  ProviderTranscript,
  TranscriptionProvider,
  TranscriptionRequest,
} from '../transcription-provider';
import { AssemblyAIFiles, AssemblyAITranscripts } from './assemblyai-http';
import {
  ASSEMBLYAI_DEFAULT_MAX_AUDIO_SECONDS,
  AssemblyAIProviderOptions,
} from './assemblyai-provider.options';
import { classifyAssemblyAIError, pollingTimedOut, transcriptFailed } from './assemblyai-error';

/** Models that take `keyterms_prompt`; older ones take the legacy `word_boost`. */
const KEYTERM_MODELS = new Set(['universal', 'slam-1']);

/**
 * AssemblyAI async transcription through the official SDK (v4): upload the chunk's audio
 * (`files.upload`), submit it (`transcripts.submit`), poll until `completed` or `error`
 * (`transcripts.get`, bounded by `pollingTimeoutMs`). Words come back in milliseconds
 * and speakers as letters; both are mapped to the fabric's seconds and numbers.
 */
export class AssemblyAIProvider implements TranscriptionProvider {
  readonly name = 'assemblyai' as const;
  readonly capabilities: ProviderCapabilities;
  private readonly files: AssemblyAIFiles;
  private readonly transcripts: AssemblyAITranscripts;
  private readonly credentials = new CredentialWatch('assemblyai', 'ASSEMBLYAI_API_KEY');

  constructor(private readonly options: AssemblyAIProviderOptions) {
    this.capabilities = {
      languages: 'any',
      diarization: true,
      wordTimestamps: true,
      // Chunks go through the async API, not in real time; the worker's live sessions use the
      // streaming API through AssemblyAILiveTranscriber (LIVE_TRANSCRIBER) instead.
      streaming: false,
      maxAudioSeconds: options.maxAudioSeconds ?? ASSEMBLYAI_DEFAULT_MAX_AUDIO_SECONDS,
    };
    const params = { apiKey: options.apiKey, baseUrl: options.baseUrl.replace(/\/+$/, '') };
    this.files = new AssemblyAIFiles(params, options.requestTimeoutMs);
    this.transcripts = new AssemblyAITranscripts(params, this.files, options.requestTimeoutMs);
  }

  credentialsProblem(): string | undefined {
    return this.credentials.current();
  }

  async transcribe(request: TranscriptionRequest): Promise<ProviderTranscript> {
    const audio = audioFor(this.name, request, this.capabilities.maxAudioSeconds);
    let transcriptId: string | undefined;
    let transcript: Transcript;
    try {
      const uploadUrl = await this.files.upload(audio.body);
      const queued = await this.transcripts.submit({ audio_url: uploadUrl, ...this.paramsFor(request) });
      transcriptId = queued.id;
      transcript = await this.waitForTranscript(queued.id);
    } catch (error) {
      throw this.credentials.observe(classifyAssemblyAIError(error, transcriptId));
    }
    this.credentials.succeeded();
    if (transcript.status === 'error') throw transcriptFailed(transcript.id, transcript.error);
    if (typeof transcript.text !== 'string') {
      throw new ProviderError(`AssemblyAI transcript ${transcript.id} completed without text`, {
        provider: this.name,
        kind: 'retryable',
        requestId: transcript.id,
      });
    }
    return {
      text: transcript.text,
      confidence: clamp01(transcript.confidence ?? 0),
      words: (transcript.words ?? []).map(toWordTiming),
      language: transcript.language_code ?? undefined,
      durationSeconds: reconcileDuration(
        this.name,
        audio,
        transcript.audio_duration ?? undefined,
        transcript.id,
      ),
      model: transcript.speech_model_used ?? transcript.speech_model ?? this.options.speechModel,
      requestId: transcript.id,
      raw: transcript,
    };
  }

  /**
   * Polls the submitted job until it completes or errs, within ASSEMBLYAI_POLLING_TIMEOUT_MS. A poll
   * that fails retryably (a 5xx, a reset, a timeout) is polled again: the job itself is fine, and
   * failing the chunk here would upload and submit it again, and pay for it twice.
   */
  private async waitForTranscript(id: string): Promise<Transcript> {
    const deadline = Date.now() + this.options.pollingTimeoutMs;
    for (;;) {
      try {
        const transcript = await this.transcripts.get(id);
        if (transcript.status === 'completed' || transcript.status === 'error') return transcript;
      } catch (error) {
        if (classifyAssemblyAIError(error, id).kind !== 'retryable') throw error;
      }
      if (Date.now() + this.options.pollingIntervalMs > deadline) throw pollingTimedOut(id);
      await new Promise((resolve) => setTimeout(resolve, this.options.pollingIntervalMs));
    }
  }

  /** The chunk's options over the worker's settings, in AssemblyAI's parameter names. */
  private paramsFor(request: TranscriptionRequest): Omit<TranscriptParams, 'audio_url'> {
    const opts = request.options ?? {};
    const model = opts.model ?? this.options.speechModel;
    const language = opts.detectLanguage ? undefined : (request.language ?? this.options.language);
    const keyterms = [...this.options.keyterms, ...(opts.keywords ?? [])];
    return {
      speech_model: model as TranscriptParams['speech_model'],
      ...(language ? { language_code: toAssemblyAILanguage(language) } : { language_detection: true }),
      punctuate: opts.punctuate ?? this.options.punctuate,
      format_text: opts.smartFormat ?? this.options.formatText,
      // AssemblyAI returns utterances only as speaker turns, so asking for them means speaker labels.
      ...((opts.diarize ?? this.options.speakerLabels) || opts.utterances ? { speaker_labels: true } : {}),
      ...(keyterms.length === 0
        ? {}
        : KEYTERM_MODELS.has(model)
          ? { keyterms_prompt: keyterms }
          : { word_boost: keyterms }),
    };
  }
}

/**
 * BCP-47 (`en-US`) to AssemblyAI's codes. AssemblyAI has regional codes only for English
 * (`en_us`, `en_uk`, `en_au`); for any other region, the base language (`de-DE` → `de`), which
 * AssemblyAI accepts. Its own codes pass unchanged.
 */
export function toAssemblyAILanguage(language: string): string {
  const [base, region] = language.toLowerCase().split(/[-_]/);
  if (region === undefined) return base;
  if (base !== 'en') return base;
  const english: Record<string, string> = { us: 'en_us', gb: 'en_uk', uk: 'en_uk', au: 'en_au' };
  return english[region] ?? 'en';
}

function toWordTiming(word: TranscriptWord): WordTiming {
  const speaker = speakerNumber(word.speaker);
  return {
    word: word.text,
    start: word.start / 1000,
    end: word.end / 1000,
    confidence: word.confidence,
    ...(speaker === undefined ? {} : { speaker }),
  };
}

/** AssemblyAI labels speakers A, B, C …; the fabric numbers them from 0, as Deepgram does. */
function speakerNumber(label: string | null | undefined): number | undefined {
  if (!label) return undefined;
  if (/^[A-Z]$/.test(label)) return label.charCodeAt(0) - 65;
  const n = Number(label);
  return Number.isInteger(n) ? n : undefined;
}
