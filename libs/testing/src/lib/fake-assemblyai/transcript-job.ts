import type { Transcript, TranscriptParams, TranscriptWord } from 'assemblyai';
import { AudioFormatError } from '@streamscribe/audio';
import { decodeListenAudio, readSpeechTranscriber } from '../fake-deepgram/listen-audio';

/** One transcript the fake holds: what was asked for, the audio, and how far it has got. */
export interface TranscriptJob {
  id: string;
  params: TranscriptParams;
  /** The uploaded audio, or undefined when `audio_url` is not one of this fake's uploads. */
  audio?: Buffer;
  /** GET polls answered so far. */
  polls: number;
  /** Set to end the job in `status: error` with this message, whatever the audio. */
  forcedError?: string;
}

const CONFIDENCE = 0.98;
const DETECTED_LANGUAGE = 'en';
const DEFAULT_LANGUAGE = 'en_us';

/**
 * The status a job shows on its `polls`-th GET: `queued` and `processing` for `pollsPerStage`
 * polls each, then `completed` or `error`.
 */
export function statusAt(job: TranscriptJob, pollsPerStage: number): 'queued' | 'processing' | 'final' {
  if (job.polls <= pollsPerStage) return 'queued';
  if (job.polls <= 2 * pollsPerStage) return 'processing';
  return 'final';
}

/** The transcript object as AssemblyAI returns it, in the given (non-final) status. */
export function pendingTranscript(job: TranscriptJob, status: 'queued' | 'processing'): Transcript {
  return {
    ...echoedParams(job),
    status,
    text: null,
    words: null,
    confidence: null,
    audio_duration: null,
  } as Transcript;
}

/**
 * The finished transcript: `completed` with text, words (times in milliseconds), confidence and
 * duration (whole seconds, as AssemblyAI rounds it); or `error` when the audio is not one of this
 * fake's uploads, cannot be decoded, or the test forced an error.
 */
export function finishedTranscript(job: TranscriptJob): Transcript {
  const failed = (error: string) => ({ ...echoedParams(job), status: 'error', error }) as Transcript;
  if (job.forcedError) return failed(job.forcedError);
  if (!job.audio) {
    return failed(
      `Download error, unable to download ${job.params.audio_url}. Please make sure the file exists and is accessible from the internet.`,
    );
  }
  let decoded;
  try {
    decoded = decodeListenAudio(job.audio, {});
  } catch (error) {
    if (!(error instanceof AudioFormatError)) throw error;
    return failed(
      'Transcoding failed. File does not appear to contain audio. File type is application/octet-stream (data).',
    );
  }
  const spoken = readSpeechTranscriber(decoded, {});
  const formatted = job.params.punctuate !== false || job.params.format_text !== false;
  const words = timedWords(spoken, decoded.durationSeconds, formatted, job.params.speaker_labels === true);
  const text = words.map((w) => w.text).join(' ');
  return {
    ...echoedParams(job),
    status: 'completed',
    language_code: job.params.language_detection
      ? DETECTED_LANGUAGE
      : (job.params.language_code ?? DEFAULT_LANGUAGE),
    text,
    words,
    utterances:
      job.params.speaker_labels && words.length > 0
        ? [
            {
              speaker: 'A',
              text,
              start: words[0].start,
              end: words[words.length - 1].end,
              confidence: CONFIDENCE,
              words,
            },
          ]
        : null,
    confidence: words.length > 0 ? CONFIDENCE : 0,
    audio_duration: Math.round(decoded.durationSeconds),
    speech_model_used: job.params.speech_model ?? 'universal',
  } as Transcript;
}

// Loosely typed: the API echoes params (keyterms_prompt…) the SDK's Transcript type does not list.
function echoedParams(job: TranscriptJob): Record<string, unknown> {
  const p = job.params;
  return {
    id: job.id,
    audio_url: p.audio_url,
    language_code: p.language_code ?? (p.language_detection ? undefined : DEFAULT_LANGUAGE),
    language_detection: p.language_detection ?? false,
    speech_model: p.speech_model ?? null,
    punctuate: p.punctuate ?? true,
    format_text: p.format_text ?? true,
    speaker_labels: p.speaker_labels ?? false,
    keyterms_prompt: p.keyterms_prompt ?? [],
    word_boost: p.word_boost ?? [],
    acoustic_model: 'assemblyai_default',
    language_model: 'assemblyai_default',
    webhook_auth: false,
    auto_highlights: false,
    redact_pii: false,
    summarization: false,
  };
}

function timedWords(
  spoken: string,
  durationSeconds: number,
  formatted: boolean,
  diarize: boolean,
): TranscriptWord[] {
  const tokens = spoken.split(/\s+/).filter((token) => token.replace(/[^\p{L}\p{N}]/gu, '') !== '');
  const slotMs = tokens.length > 0 ? (durationSeconds * 1000) / tokens.length : 0;
  return tokens.map((token, i) => ({
    text: formatted ? token : token.toLowerCase().replace(/[^\p{L}\p{N}'-]/gu, ''),
    start: Math.round(i * slotMs),
    end: Math.round((i + 1) * slotMs),
    confidence: CONFIDENCE,
    speaker: diarize ? 'A' : null,
    channel: null,
  }));
}
