import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { DetectedWord, SpokenWordDetector } from '../live/spoken-words';

/**
 * What the next streaming connection does instead of (or on top of) answering normally. Failures
 * fire at a point in the audio: once `afterMs` of audio was heard, or once the word `onWord` was
 * heard whole (before its Turn is sent: a drop mid-utterance).
 */
export interface FakeStreamingScript {
  /** Answer every message this many ms late (order kept). */
  delayMs?: number;
  /** Fail at this point in the audio; absent with a failure: at once after `Begin`. */
  at?: { afterMs?: number; onWord?: string };
  /**
   * - `drop`: the TCP connection is destroyed (the client sees 1006);
   * - `stall`: the socket stays open, nothing more is answered;
   * - `{ code }`: an `Error` frame (`error_code`, `error`) then a close with that code (1011, or
   *   AssemblyAI's own: 3005 server error, 3008 session expired, 4029 rate limited…).
   */
  failure?: 'drop' | 'stall' | { code: number; reason?: string };
  /** Refuse the connection after the upgrade, as for a bad key: `Error` frame then close. */
  refuse?: { code: number; reason?: string };
}

/** One streaming connection, as the fake saw it. */
export interface RecordedStreamingConnection {
  /** The upgrade request's query parameters (the last value of each). */
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Session id sent in `Begin` (absent when refused). */
  sessionId?: string;
  audioBytes: number;
  audioMessages: number;
  /** Text messages the client sent, parsed. */
  received: Array<Record<string, unknown>>;
  /** Messages the fake sent, in order. */
  sent: Array<Record<string, unknown>>;
  /** How the connection ended, once it did: `dropped` for a destroyed socket. */
  ended?: { code: number; reason: string } | 'dropped';
}

export interface StreamingSessionSettings {
  encoding: 'pcm_s16le' | 'pcm_mulaw';
  sampleRate: number;
  /** Silence after the last word that ends a turn. */
  minTurnSilenceMs: number;
  formatTurns: boolean;
  /** Audio messages outside [min, max] ms are refused (AssemblyAI's 3007) when set. */
  minChunkMs: number;
  maxChunkMs: number;
  speechModel: string;
  /** `speaker_labels=true`: every word and turn is speaker A (the coded speech has one voice). */
  speakerLabels: boolean;
  /** `session_heartbeat=true`: a `Heartbeat` after each second of audio received (silence included). */
  heartbeat: boolean;
}

interface TurnWord {
  text: string;
  start: number;
  end: number;
}

const CHUNK_SLACK_MS = 0.5;

/**
 * One Universal-Streaming v3 session on the fake: `Begin`; `Turn` messages as coded words (see
 * spoken-words.ts) are heard — partial ones while a turn grows (heard words `word_is_final`, the
 * word being spoken not yet), `end_of_turn` once `min_turn_silence` of silence followed the last
 * word (and a second, formatted one with `format_turns`); `ForceEndpoint` ends the turn now;
 * `Terminate` ends the turn, answers `Termination`, closes 1000. Times are ms from the
 * connection's first audio byte. It answers as fast as audio arrives.
 */
export class StreamingSession {
  private readonly detector = new SpokenWordDetector();
  /** Detected, not yet heard to their end. */
  private pending: DetectedWord[] = [];
  private turn: TurnWord[] = [];
  private turnOrder = 0;
  private audioMs = 0;
  private heartbeats = 0;
  private sendChain: Promise<void> = Promise.resolve();
  private failed = false;
  private stalled = false;
  private readonly startedAt = Date.now();

  constructor(
    private readonly socket: WebSocket,
    private readonly settings: StreamingSessionSettings,
    private readonly script: FakeStreamingScript,
    readonly record: RecordedStreamingConnection,
  ) {}

  begin(): void {
    if (this.script.refuse) {
      const { code, reason } = this.script.refuse;
      this.sendNow({ type: 'Error', error_code: code, error: reason ?? 'Not Authorized' });
      this.closeWith(code, reason ?? 'Not Authorized');
      return;
    }
    this.record.sessionId = randomUUID();
    this.send({ type: 'Begin', id: this.record.sessionId, expires_at: Math.floor(Date.now() / 1000) + 3600 });
    this.socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    if (this.script.failure && !this.script.at) this.fail();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.failed) return;
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    if (isBinary) return this.onAudio(buffer);
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(buffer.toString('utf8')) as Record<string, unknown>;
    } catch {
      return this.error(3006, 'Input validation error: message is not JSON');
    }
    this.record.received.push(message);
    if (this.stalled) return;
    switch (message['type']) {
      case 'ForceEndpoint':
        return this.endTurn();
      case 'Terminate':
        return this.terminate();
      case 'UpdateConfiguration':
        if (typeof message['min_turn_silence'] === 'number')
          this.settings.minTurnSilenceMs = message['min_turn_silence'];
        return;
      case 'KeepAlive':
        return;
      default:
        return this.error(3006, `Input validation error: unknown message type ${String(message['type'])}`);
    }
  }

  private onAudio(audio: Buffer): void {
    this.record.audioBytes += audio.length;
    this.record.audioMessages++;
    if (this.stalled) return;
    const pcm = this.settings.encoding === 'pcm_mulaw' ? mulawToPcm(audio) : audio;
    const ms = (pcm.length / 2 / this.settings.sampleRate) * 1000;
    if (ms < this.settings.minChunkMs - CHUNK_SLACK_MS || ms > this.settings.maxChunkMs + CHUNK_SLACK_MS) {
      return this.error(
        3007,
        `Input duration violation: ${ms.toFixed(1)} ms. Expected between ${this.settings.minChunkMs} and ${this.settings.maxChunkMs} ms`,
      );
    }
    // Words are coded at 16 kHz; at other rates they cannot be "heard", only counted as audio.
    const detected = this.settings.sampleRate === 16_000 ? this.detector.push(pcm) : [];
    this.audioMs += ms;
    this.pending.push(...detected);
    const at = this.script.at;
    const heard = this.pending.filter((w) => w.endMs <= this.audioMs + CHUNK_SLACK_MS);
    this.pending = this.pending.filter((w) => !heard.includes(w));
    if (this.script.failure && at) {
      const due =
        (at.afterMs !== undefined && this.audioMs >= at.afterMs) ||
        (at.onWord !== undefined && [...heard, ...detected].some((w) => w.word === at.onWord));
      if (due) return this.fail();
    }
    this.turn.push(
      ...heard.map((w) => ({ text: w.word, start: Math.round(w.startMs), end: Math.round(w.endMs) })),
    );
    // A partial whenever a word starts or is heard whole.
    if (heard.length || detected.length) this.sendTurn(false);
    const lastEnd = this.turn.at(-1)?.end;
    if (
      lastEnd !== undefined &&
      this.pending.length === 0 &&
      this.audioMs - lastEnd >= this.settings.minTurnSilenceMs
    )
      this.endTurn();
    if (this.settings.heartbeat && Math.floor(this.audioMs / 1000) > this.heartbeats) {
      this.heartbeats = Math.floor(this.audioMs / 1000);
      const wallMs = Date.now() - this.startedAt;
      this.send({
        type: 'Heartbeat',
        total_audio_received_ms: Math.round(this.audioMs),
        total_duration_ms: wallMs,
        realtime_factor: wallMs > 0 ? this.audioMs / wallMs : 0,
        max_speech_probability: this.turn.length || this.pending.length ? 0.9 : 0.05,
      });
    }
  }

  /** Ends the current turn (if it has words): `end_of_turn`, then the formatted copy. */
  private endTurn(): void {
    if (this.turn.length === 0) return;
    this.sendTurn(true);
    if (this.settings.formatTurns) this.sendTurn(true, true);
    this.turn = [];
    this.turnOrder++;
  }

  private sendTurn(endOfTurn: boolean, formatted = false): void {
    const words = this.turn.map((w, i) => ({
      text: formatted ? formatWord(w.text, i, this.turn.length) : w.text,
      start: w.start,
      end: w.end,
      confidence: 0.98,
      word_is_final: true,
      ...(this.settings.speakerLabels ? { speaker: 'A' } : {}),
    }));
    // While a turn grows, the word being spoken shows as not final (and not in the transcript).
    const speaking = endOfTurn ? undefined : this.pending.find((w) => w.startMs <= this.audioMs);
    const shown = speaking
      ? [
          ...words,
          {
            text: speaking.word,
            start: Math.round(speaking.startMs),
            end: Math.round(Math.min(speaking.endMs, this.audioMs)),
            confidence: 0.5,
            word_is_final: false,
          },
        ]
      : words;
    this.send({
      type: 'Turn',
      turn_order: this.turnOrder,
      turn_is_formatted: formatted,
      end_of_turn: endOfTurn,
      transcript: words.map((w) => w.text).join(' '),
      end_of_turn_confidence: endOfTurn ? 1 : 0.1,
      words: shown,
      ...(this.settings.speakerLabels ? { speaker_label: 'A' } : {}),
    });
  }

  private terminate(): void {
    // Words whose audio was cut short at the end still count as heard.
    this.turn.push(
      ...this.pending
        .filter((w) => w.startMs < this.audioMs)
        .map((w) => ({ text: w.word, start: Math.round(w.startMs), end: Math.round(w.endMs) })),
    );
    this.pending = [];
    this.endTurn();
    this.send({
      type: 'Termination',
      audio_duration_seconds: Math.round(this.audioMs / 1000),
      session_duration_seconds: Math.round((Date.now() - this.startedAt) / 1000),
    });
    void this.sendChain.then(() => this.closeWith(1000, ''));
  }

  private fail(): void {
    const failure = this.script.failure;
    if (!failure) return;
    if (failure === 'stall') {
      this.stalled = true;
      return;
    }
    this.failed = true;
    if (failure === 'drop') {
      this.record.ended = 'dropped';
      // The TCP connection ends without a close frame once what was sent is flushed (terminate()
      // would also lose the Turns already written): the client sees 1006.
      void this.sendChain.then(() => {
        const raw = (this.socket as unknown as { _socket?: Duplex })._socket;
        if (raw) raw.end();
        else this.socket.terminate();
      });
      return;
    }
    this.error(failure.code, failure.reason ?? 'Server error');
  }

  private error(code: number, message: string): void {
    this.failed = true;
    this.sendNow({ type: 'Error', error_code: code, error: message });
    this.closeWith(code, message.slice(0, 120));
  }

  private closeWith(code: number, reason: string): void {
    this.record.ended ??= { code, reason };
    this.socket.close(code, reason);
  }

  /** Sends after the scripted delay, in order. */
  private send(message: Record<string, unknown>): void {
    const delay = this.script.delayMs ?? 0;
    if (delay <= 0) return this.sendNow(message);
    this.sendChain = this.sendChain.then(
      () => new Promise<void>((resolve) => setTimeout(() => (this.sendNow(message), resolve()), delay)),
    );
  }

  private sendNow(message: Record<string, unknown>): void {
    if (this.socket.readyState !== this.socket.OPEN || (this.failed && message['type'] !== 'Error')) return;
    this.record.sent.push(message);
    this.socket.send(JSON.stringify(message));
  }
}

function formatWord(text: string, index: number, count: number): string {
  const cased = index === 0 ? text.charAt(0).toUpperCase() + text.slice(1) : text;
  return index === count - 1 ? `${cased}.` : cased;
}

/** G.711 µ-law bytes to 16-bit little-endian PCM. */
export function mulawToPcm(mulaw: Buffer): Buffer {
  const pcm = Buffer.alloc(mulaw.length * 2);
  for (let i = 0; i < mulaw.length; i++) {
    const u = ~mulaw[i] & 0xff;
    const exponent = (u >> 4) & 0x07;
    const magnitude = ((((u & 0x0f) << 3) + 0x84) << exponent) - 0x84;
    pcm.writeInt16LE(u & 0x80 ? -magnitude : magnitude, i * 2);
  }
  return pcm;
}
