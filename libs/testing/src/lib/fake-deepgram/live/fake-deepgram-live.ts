import { randomUUID } from 'node:crypto';
import { IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { deepgramErrorBody } from '../deepgram-error-body';
import { ListenQuery, queryFlag, queryValue } from '../listen-query';
import { uuidFrom } from '../listen-response';
import { queryObject } from '../../fake-server/recorded-request';
import { FakeLiveConnection, LiveConnectionRecord } from './fake-live-connection';
import { LiveFault } from './live-fault';
import { LiveRecognizer, LiveRecognizerSettings } from './live-recognizer';

const TOKEN_AUTH = /^token\s+(.+)$/i;
const UNNAMED_MODEL = 'base';
/** Deepgram closes a socket that received nothing (audio or a text message) for about 10 s. */
export const DEEPGRAM_LIVE_IDLE_TIMEOUT_MS = 10_000;
/** Deepgram's default `endpointing`: 10 ms of silence ends an utterance. */
const DEFAULT_ENDPOINTING_MS = 10;

export interface FakeDeepgramLiveOptions {
  apiKey: string;
  idleTimeoutMs: number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * The live half of the fake Deepgram server: the `/v1/listen` WebSocket upgrade. It checks the
 * key (`Authorization: Token <key>`, or the browser form `Sec-WebSocket-Protocol: token, <key>`),
 * validates the audio parameters (400 at the upgrade when they cannot describe raw audio), plays
 * the next scripted failure, and hands the socket to a `FakeLiveConnection`.
 */
export class FakeDeepgramLive {
  private readonly wss: WebSocketServer;
  private readonly queued: LiveFault[] = [];
  private readonly open = new Set<FakeLiveConnection>();
  private readonly requestIds = new WeakMap<IncomingMessage, string>();
  readonly connections: FakeLiveConnection[] = [];
  /** Every upgrade attempt, refused ones included. */
  readonly records: LiveConnectionRecord[] = [];
  delayMs = 0;
  idleTimeoutMs: number;

  constructor(private readonly options: FakeDeepgramLiveOptions) {
    this.idleTimeoutMs = options.idleTimeoutMs;
    this.wss = new WebSocketServer({
      noServer: true,
      // Deepgram answers the browser form by selecting `token`; ws clients insist on a selection.
      handleProtocols: (protocols) => (protocols.has('token') ? 'token' : false),
    });
    this.wss.on('headers', (headers, req) => headers.push(`dg-request-id: ${this.requestIds.get(req)}`));
  }

  /** Plays `fault` on each of the next `count` connections, after those already queued. */
  failNext(count: number, fault: LiveFault): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`failNextLive count must be a non-negative integer, got ${count}`);
    }
    for (let i = 0; i < count; i++) this.queued.push(fault);
  }

  reset(): void {
    this.queued.length = 0;
    this.connections.length = 0;
    this.records.length = 0;
    this.delayMs = 0;
    this.idleTimeoutMs = this.options.idleTimeoutMs;
  }

  /** Destroys every open live socket. */
  close(): void {
    for (const connection of this.open) connection.terminate();
    this.open.clear();
    this.wss.close();
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, baseUrl: string): void {
    const url = new URL(req.url ?? '/', baseUrl);
    const requestId = randomUUID();
    const record: LiveConnectionRecord = {
      query: queryObject(url.searchParams),
      headers: req.headers,
      requestId,
      time: Date.now(),
      status: 101,
      audioBytes: 0,
      audioFrames: 0,
      clientMessages: [],
      messages: [],
    };
    this.records.push(record);
    socket.on('error', () => undefined);
    if (url.pathname !== '/v1/listen') {
      return refuse(socket, record, 404, `the fake Deepgram server has no WebSocket at ${url.pathname}`);
    }
    const fault = this.queued.shift();
    record.fault = fault;
    if (fault?.kind === 'refuse') {
      record.faultPlayed = true;
      return refuse(socket, record, fault.status ?? 401);
    }
    if (!this.authorized(req)) return refuse(socket, record, 401);
    const settings = recognizerSettings(record.query, requestId);
    if (typeof settings === 'string') return refuse(socket, record, 400, settings);

    this.requestIds.set(req, requestId);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const model = queryValue(record.query, 'model') ?? UNNAMED_MODEL;
      const connection = new FakeLiveConnection(
        ws,
        record,
        new LiveRecognizer(settings),
        {
          idleTimeoutMs: this.idleTimeoutMs,
          delayMs: this.delayMs,
          metadata: {
            transaction_key: 'deprecated',
            request_id: requestId,
            created: new Date().toISOString(),
            channels: settings.channels,
            models: [uuidFrom(model)],
            model_info: { [uuidFrom(model)]: { name: model, version: 'fake', arch: model } },
          },
        },
        this.options.sleep,
      );
      this.connections.push(connection);
      this.open.add(connection);
      ws.on('close', () => this.open.delete(connection));
    });
  }

  private authorized(req: IncomingMessage): boolean {
    const header = TOKEN_AUTH.exec(req.headers.authorization ?? '')?.[1];
    if (header !== undefined) return header === this.options.apiKey;
    const protocols = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    const at = protocols.indexOf('token');
    return at >= 0 && protocols[at + 1] === this.options.apiKey;
  }
}

/** The recognizer's settings from the query, or what is wrong with it (Deepgram answers 400). */
function recognizerSettings(query: ListenQuery, requestId: string): LiveRecognizerSettings | string {
  const encoding = queryValue(query, 'encoding') ?? 'linear16';
  if (encoding !== 'linear16' && encoding !== 'mulaw') {
    return `Bad Request: the fake Deepgram live socket takes encoding=linear16 or mulaw, not ${encoding}`;
  }
  const sampleRate = Number(queryValue(query, 'sample_rate') ?? (query['encoding'] ? NaN : 16_000));
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    return 'Bad Request: sample_rate must be set (a positive integer) when encoding is set';
  }
  const channels = Number(queryValue(query, 'channels') ?? 1);
  if (!Number.isInteger(channels) || channels <= 0) return 'Bad Request: channels must be a positive integer';
  const endpointing = queryValue(query, 'endpointing');
  const endpointingMs = endpointing === 'false' ? false : Number(endpointing ?? DEFAULT_ENDPOINTING_MS);
  if (endpointingMs !== false && !(Number.isInteger(endpointingMs) && endpointingMs >= 0)) {
    return 'Bad Request: endpointing must be false or a whole number of milliseconds';
  }
  const utteranceEnd = queryValue(query, 'utterance_end_ms');
  const utteranceEndMs = utteranceEnd === undefined ? undefined : Number(utteranceEnd);
  if (utteranceEndMs !== undefined && !(Number.isInteger(utteranceEndMs) && utteranceEndMs >= 0)) {
    return 'Bad Request: utterance_end_ms must be a whole number of milliseconds';
  }
  const model = queryValue(query, 'model') ?? UNNAMED_MODEL;
  if (query['keywords'] !== undefined && model.startsWith('nova-3')) {
    return 'Bad Request: Keywords are not supported for Nova-3 models. Use keyterm instead.';
  }
  return {
    encoding,
    sampleRate,
    channels,
    interimResults: queryFlag(query, 'interim_results'),
    endpointingMs,
    utteranceEndMs,
    vadEvents: queryFlag(query, 'vad_events'),
    punctuated: queryFlag(query, 'punctuate') || queryFlag(query, 'smart_format'),
    diarize: queryFlag(query, 'diarize'),
    metadata: {
      request_id: requestId,
      model_info: { name: model, version: 'fake', arch: model },
      model_uuid: uuidFrom(model),
    },
  };
}

/** Answers the upgrade with an HTTP error and Deepgram's error body, then ends the socket. */
function refuse(socket: Duplex, record: LiveConnectionRecord, status: number, detail?: string): void {
  record.status = status;
  const body = JSON.stringify(deepgramErrorBody(status, record.requestId, detail));
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
      'content-type: application/json',
      `content-length: ${Buffer.byteLength(body)}`,
      `dg-request-id: ${record.requestId}`,
      'connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}
