import { DetectedWord, SpokenWordDetector } from '../../live/spoken-words';
import { LiveResultMetadata, LiveServerMessage, LiveWordMessage, liveSeconds } from './live-messages';
import { mulawToLinear16 } from './mulaw';

export interface LiveRecognizerSettings {
  encoding: 'linear16' | 'mulaw';
  sampleRate: number;
  channels: number;
  interimResults: boolean;
  /** Silence after the last word that ends an utterance (`speech_final`); false: never. */
  endpointingMs: number | false;
  utteranceEndMs?: number;
  vadEvents: boolean;
  /** `punctuate` or `smart_format`: words carry `punctuated_word`, the transcript keeps the text as written. */
  punctuated: boolean;
  diarize: boolean;
  metadata: LiveResultMetadata;
}

/** Audio without words that Deepgram answers with an empty final. */
const SILENCE_FINAL_MS = 1000;
/** With endpointing off, words are finalized once a segment is this long and no word is cut. */
const UNENDPOINTED_SEGMENT_MS = 3000;
/** Audio is judged in steps this long, so one large frame still splits at the right pauses. */
const STEP_MS = 10;
const CONFIDENCE = 0.99;
/** The coded words of `spokenScript` are 16 kHz mono 16-bit samples. */
const DETECTOR_RATE = 16_000;

/**
 * The recognition behind the fake's live socket, fed the connection's audio in order: it finds the
 * coded words (`spokenScript`) and answers as Deepgram's live API would, as fast as the audio
 * arrives. Interim results as words complete (with `interim_results`); a final with
 * `speech_final` once `endpointing` ms of silence followed the last word; an empty final for each
 * second of audio without words; `SpeechStarted` (with `vad_events`) at a word after silence;
 * `UtteranceEnd` once `utterance_end_ms` passed after the last word. Times count from the
 * connection's first byte. Words are found in 16 kHz mono audio only (linear16, or mulaw decoded);
 * the quantization of mulaw garbles coded words, so mulaw speech comes back as silence.
 */
export class LiveRecognizer {
  private readonly detector = new SpokenWordDetector();
  private readonly bytesPerSecond: number;
  private readonly frameBytes: number;
  private bytes = 0;
  /** Where the audio not yet covered by a final starts. */
  private segmentStartMs = 0;
  /** Words found since the last final, complete or not. */
  private pending: DetectedWord[] = [];
  private interimWordCount = 0;
  private lastWordEndMs?: number;
  private utteranceEndSent = true;
  private inSpeech = false;
  /** Audio bytes held back until a whole sample frame can be judged. */
  private carry = Buffer.alloc(0);
  /** Words found in audio received but not yet reached by the steps of `push`. */
  private readonly upcoming: DetectedWord[] = [];
  private readonly stepBytes: number;

  constructor(private readonly settings: LiveRecognizerSettings) {
    const sampleBytes = settings.encoding === 'linear16' ? 2 : 1;
    this.frameBytes = sampleBytes * settings.channels;
    this.bytesPerSecond = settings.sampleRate * this.frameBytes;
    const frames = Math.round((settings.sampleRate * STEP_MS) / 1000);
    this.stepBytes = Math.max(1, frames) * this.frameBytes;
  }

  /** Milliseconds of audio received. */
  get heardMs(): number {
    return (this.bytes * 1000) / this.bytesPerSecond;
  }

  /**
   * Takes a binary frame; returns the messages it causes and the words it revealed. The frame is
   * searched for words once, then judged in `STEP_MS` steps, a word joining the utterance when
   * the step reaches its start.
   */
  push(audio: Buffer): { messages: LiveServerMessage[]; words: DetectedWord[] } {
    const messages: LiveServerMessage[] = [];
    const words: DetectedWord[] = [];
    const data = this.carry.length ? Buffer.concat([this.carry, audio]) : audio;
    const whole = data.length - (data.length % this.frameBytes);
    this.carry = Buffer.from(data.subarray(whole));
    this.upcoming.push(...this.detect(data.subarray(0, whole)));
    const end = this.bytes + whole;
    while (this.bytes < end) {
      this.bytes = Math.min(end, this.bytes + this.stepBytes);
      while (this.upcoming.length > 0 && this.upcoming[0].startMs < this.heardMs) {
        const word = this.upcoming.shift() as DetectedWord;
        words.push(word);
        this.pending.push(word);
        if (this.settings.vadEvents && !this.inSpeech) {
          messages.push({ type: 'SpeechStarted', channel: [0], timestamp: liveSeconds(word.startMs) });
        }
        this.inSpeech = true;
      }
      this.judge(messages);
    }
    return { messages, words };
  }

  /** `Finalize`: a final of everything heard so far, marked `from_finalize`. */
  finalize(): LiveServerMessage[] {
    return [this.final({ speechFinal: false, fromFinalize: true })];
  }

  /** `CloseStream`: a final of what is left, when anything is. */
  closeStream(): LiveServerMessage[] {
    if (this.pending.length === 0 && this.heardMs <= this.segmentStartMs) return [];
    return [this.final({ speechFinal: this.pending.length > 0, fromFinalize: false })];
  }

  private detect(slice: Buffer): DetectedWord[] {
    const { encoding, sampleRate, channels } = this.settings;
    if (sampleRate !== DETECTOR_RATE || channels !== 1) return [];
    return this.detector.push(encoding === 'mulaw' ? mulawToLinear16(slice) : slice);
  }

  private judge(messages: LiveServerMessage[]): void {
    const heard = this.heardMs;
    const complete = this.pending.filter((w) => w.endMs <= heard);
    const cut = complete.length < this.pending.length;
    if (this.settings.interimResults && complete.length > this.interimWordCount) {
      this.interimWordCount = complete.length;
      messages.push(this.results(complete, this.segmentStartMs, heard, { isFinal: false }));
    }
    const lastEnd = complete.length > 0 ? complete[complete.length - 1].endMs : undefined;
    const { endpointingMs, utteranceEndMs } = this.settings;
    if (lastEnd !== undefined && !cut) {
      if (endpointingMs !== false && heard - lastEnd >= Math.max(endpointingMs, STEP_MS)) {
        messages.push(this.final({ speechFinal: true, fromFinalize: false }));
        this.inSpeech = false;
      } else if (endpointingMs === false && heard - this.segmentStartMs >= UNENDPOINTED_SEGMENT_MS) {
        messages.push(this.final({ speechFinal: false, fromFinalize: false }));
      }
    } else if (this.pending.length === 0 && heard - this.segmentStartMs >= SILENCE_FINAL_MS) {
      messages.push(this.final({ speechFinal: false, fromFinalize: false }));
      this.inSpeech = false;
    }
    if (
      utteranceEndMs !== undefined &&
      !this.utteranceEndSent &&
      this.lastWordEndMs !== undefined &&
      this.pending.length === 0 &&
      heard - this.lastWordEndMs >= utteranceEndMs
    ) {
      this.utteranceEndSent = true;
      this.inSpeech = false;
      messages.push({
        type: 'UtteranceEnd',
        channel: [0, 1],
        last_word_end: liveSeconds(this.lastWordEndMs),
      });
    }
  }

  /**
   * A final of every pending word, covering the audio heard so far. A word cut by the end of that
   * audio (a `Finalize` mid-word) is included whole, ending after the final does: its start has
   * passed, so no later result repeats it, and a final never covers audio not yet sent.
   */
  private final(flags: { speechFinal: boolean; fromFinalize: boolean }): LiveServerMessage {
    const words = this.pending;
    const end = this.heardMs;
    const message = this.results(words, this.segmentStartMs, end, { isFinal: true, ...flags });
    if (words.length > 0) {
      this.lastWordEndMs = words[words.length - 1].endMs;
      this.utteranceEndSent = false;
    }
    this.pending = [];
    this.interimWordCount = 0;
    this.segmentStartMs = end;
    return message;
  }

  private results(
    words: DetectedWord[],
    startMs: number,
    endMs: number,
    flags: { isFinal: boolean; speechFinal?: boolean; fromFinalize?: boolean },
  ): LiveServerMessage {
    const { punctuated, diarize } = this.settings;
    const wire: LiveWordMessage[] = words.map((w) => ({
      word: w.word.toLowerCase().replace(/[^\p{L}\p{N}'-]/gu, ''),
      start: liveSeconds(w.startMs),
      end: liveSeconds(w.endMs),
      confidence: CONFIDENCE,
      ...(punctuated ? { punctuated_word: w.word } : {}),
      ...(diarize ? { speaker: 0 } : {}),
    }));
    const transcript = wire.map((w) => w.punctuated_word ?? w.word).join(' ');
    return {
      type: 'Results',
      channel_index: [0, 1],
      start: liveSeconds(startMs),
      duration: Math.round((liveSeconds(endMs) - liveSeconds(startMs)) * 1000) / 1000,
      is_final: flags.isFinal,
      speech_final: flags.speechFinal ?? false,
      from_finalize: flags.fromFinalize ?? false,
      channel: { alternatives: [{ transcript, confidence: wire.length > 0 ? CONFIDENCE : 0, words: wire }] },
      metadata: this.settings.metadata,
    };
  }
}
