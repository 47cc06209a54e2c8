import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { IDLE_CLOSE, INTERNAL_ERROR_CLOSE, isSocketFault, LiveFault, LiveTrigger } from './live-fault';
import { LiveMetadataMessage, LiveServerMessage } from './live-messages';
import { LiveRecognizer } from './live-recognizer';

/** What one live connection to the fake did, for assertions. */
export interface LiveConnectionRecord {
  /** Query parameters of the upgrade request; a repeated one becomes an array. */
  query: Record<string, string | string[]>;
  headers: IncomingHttpHeaders;
  /** The `dg-request-id` of the connection (also in every message's metadata). */
  requestId: string;
  /** When the upgrade arrived, epoch ms. */
  time: number;
  /** 101 once upgraded; the HTTP status when the upgrade was refused. */
  status: number;
  /** Audio bytes received (binary frames), answered or not. */
  audioBytes: number;
  audioFrames: number;
  /** Text frames the client sent, as received (`{"type":"KeepAlive"}`, …). */
  clientMessages: string[];
  /** Messages the fake sent, in order. */
  messages: LiveServerMessage[];
  /** The failure scripted for this connection, and whether it was played. */
  fault?: LiveFault;
  faultPlayed?: boolean;
  /** The close code and reason, and who closed; `dropped` when the fake destroyed the socket. */
  closeCode?: number;
  closeReason?: string;
  closedBy?: 'client' | 'server';
  dropped?: boolean;
}

export interface FakeLiveConnectionOptions {
  idleTimeoutMs: number;
  /** Milliseconds every message is held back (a `slow` fault overrides it). */
  delayMs: number;
  metadata: Omit<LiveMetadataMessage, 'type' | 'sha256' | 'duration'>;
}

/**
 * One accepted live socket of the fake Deepgram server: it feeds binary frames to the
 * recognizer, answers `KeepAlive`, `Finalize` and `CloseStream` (the last with `Metadata` and a
 * 1000 close), closes idle sockets with Deepgram's NET-0001 (1011), and plays the connection's
 * scripted failure. Tests can also fail it on demand (`drop`, `stall`, `closeWith`).
 */
export class FakeLiveConnection {
  private readonly audioHash = createHash('sha256');
  private idleTimer?: NodeJS.Timeout;
  private outbox: Promise<void> = Promise.resolve();
  private stalled = false;
  /** Set once the connection stops answering what arrives: closing, dropping or stalling. */
  private finished = false;
  private delayMs: number;

  constructor(
    private readonly ws: WebSocket,
    readonly record: LiveConnectionRecord,
    private readonly recognizer: LiveRecognizer,
    private readonly options: FakeLiveConnectionOptions,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    const fault = record.fault;
    this.delayMs = fault?.kind === 'slow' ? fault.delayMs : options.delayMs;
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    ws.on('close', (code, reason) => {
      clearTimeout(this.idleTimer);
      if (record.closeCode === undefined) {
        record.closeCode = code;
        record.closeReason = reason.toString();
        record.closedBy ??= 'client';
      }
    });
    ws.on('error', () => undefined);
    this.touch();
    if (fault && isSocketFault(fault) && !fault.at) this.play(fault);
  }

  /** Destroys the TCP connection without a close frame, once messages already queued are sent. */
  drop(): void {
    clearTimeout(this.idleTimer);
    this.finished = true;
    this.enqueue(() => this.terminate(), 0);
  }

  /** Answers nothing more once messages already queued are sent (and never closes for idleness). */
  stall(): void {
    clearTimeout(this.idleTimer);
    this.finished = true;
    this.enqueue(() => (this.stalled = true), 0);
  }

  /** Destroys the TCP connection now, whatever is queued. */
  terminate(): void {
    clearTimeout(this.idleTimer);
    this.stalled = true;
    if (this.ws.readyState === this.ws.CLOSED) return;
    this.record.dropped = true;
    this.record.closedBy = 'server';
    this.record.closeCode = 1006;
    this.ws.terminate();
  }

  /** Closes with a close frame now (after messages already queued). */
  closeWith(code: number, reason = ''): void {
    this.finished = true;
    clearTimeout(this.idleTimer);
    this.enqueue(() => this.closeNow(code, reason));
  }

  /** From now on, holds every message back `ms` (in order). */
  setDelay(ms: number): void {
    this.delayMs = ms;
  }

  /** Records everything that arrives; answers it only while the connection is neither finished nor stalled. */
  private receive(data: RawData, isBinary: boolean): void {
    const bytes = Buffer.isBuffer(data)
      ? data
      : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
    if (isBinary) {
      this.record.audioBytes += bytes.length;
      this.record.audioFrames++;
    } else {
      this.record.clientMessages.push(bytes.toString('utf8'));
    }
    if (this.stalled || this.finished) return;
    this.touch();
    if (!isBinary) return this.control(bytes.toString('utf8'));
    // Deepgram's older protocol: an empty binary frame means CloseStream.
    if (bytes.length === 0) return this.closeStream();
    this.audioHash.update(bytes);
    const { messages, words } = this.recognizer.push(bytes);
    const fault = this.record.fault;
    if (
      fault &&
      isSocketFault(fault) &&
      fault.at &&
      !this.record.faultPlayed &&
      this.triggered(fault.at, words)
    ) {
      return this.play(fault);
    }
    messages.forEach((message) => this.send(message));
  }

  private control(text: string): void {
    let type: unknown;
    try {
      type = (JSON.parse(text) as { type?: unknown }).type;
    } catch {
      return;
    }
    if (type === 'Finalize') this.recognizer.finalize().forEach((message) => this.send(message));
    else if (type === 'CloseStream') this.closeStream();
  }

  private closeStream(): void {
    this.recognizer.closeStream().forEach((message) => this.send(message));
    this.send({
      type: 'Metadata',
      ...this.options.metadata,
      sha256: this.audioHash.digest('hex'),
      duration: Math.round(this.recognizer.heardMs) / 1000,
    });
    this.closeWith(1000);
  }

  private triggered(at: LiveTrigger, words: { word: string }[]): boolean {
    if (at.afterAudioMs !== undefined && this.recognizer.heardMs >= at.afterAudioMs) return true;
    return at.word !== undefined && words.some((w) => w.word === at.word);
  }

  private play(fault: LiveFault): void {
    this.record.faultPlayed = true;
    if (fault.kind === 'drop') this.drop();
    else if (fault.kind === 'stall') this.stall();
    else if (fault.kind === 'close') {
      this.closeWith(fault.code ?? INTERNAL_ERROR_CLOSE.code, fault.reason ?? INTERNAL_ERROR_CLOSE.reason);
    }
  }

  private send(message: LiveServerMessage): void {
    this.enqueue(() => {
      if (this.stalled || this.ws.readyState !== this.ws.OPEN) return;
      this.record.messages.push(message);
      this.ws.send(JSON.stringify(message));
    });
  }

  /** Runs `action` after everything queued before it, `delay` late. */
  private enqueue(action: () => void, delay = this.delayMs): void {
    this.outbox = this.outbox.then(async () => {
      if (delay > 0) await this.sleep(delay);
      action();
    });
  }

  private closeNow(code: number, reason: string): void {
    if (this.stalled || this.ws.readyState !== this.ws.OPEN) return;
    this.record.closedBy = 'server';
    this.record.closeCode = code;
    this.record.closeReason = reason;
    this.ws.close(code, reason);
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(
      () => this.closeWith(IDLE_CLOSE.code, IDLE_CLOSE.reason),
      this.options.idleTimeoutMs,
    );
    this.idleTimer.unref();
  }
}
