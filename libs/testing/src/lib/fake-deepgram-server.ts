import { AudioFormatError } from '@streamscribe/audio';
import { randomUUID } from 'node:crypto';
import { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { deepgramErrorBody } from './fake-deepgram/deepgram-error-body';
import { decodeListenAudio, readSpeechTranscriber, Transcriber } from './fake-deepgram/listen-audio';
import { queryValue } from './fake-deepgram/listen-query';
import { listenResponse } from './fake-deepgram/listen-response';
import { FakeLiveConnection, LiveConnectionRecord } from './fake-deepgram/live/fake-live-connection';
import { DEEPGRAM_LIVE_IDLE_TIMEOUT_MS, FakeDeepgramLive } from './fake-deepgram/live/fake-deepgram-live';
import { LiveFault } from './fake-deepgram/live/live-fault';
import { FailurePlan } from './fake-server/failure-plan';
import { InjectedFailure, playConnectionFailure } from './fake-server/injected-failure';
import { LatencyFor, LocalHttpServer, LocalServerTls, readBody } from './fake-server/local-http-server';
import { RecordedRequest, recordOf } from './fake-server/recorded-request';

export interface FakeDeepgramServerOptions {
  /** The only key accepted, as `Authorization: Token <apiKey>`. @defaultValue FakeDeepgramServer.DEFAULT_API_KEY */
  apiKey?: string;
  /** @defaultValue 0 (a free port) */
  port?: number;
  /**
   * Live sockets that receive nothing (audio or a text message) this long are closed with 1011
   * NET-0001, as Deepgram closes them. @defaultValue 10000
   */
  liveIdleTimeoutMs?: number;
  /** Serve HTTPS and WSS with this certificate (`createTestCertificates`) instead of HTTP and WS. */
  tls?: LocalServerTls;
}

/** Milliseconds to wait before answering, fixed or per request. */
export type Latency = LatencyFor<RecordedRequest>;

const LISTEN_PATH = '/v1/listen';
const TOKEN_AUTH = /^token\s+(.+)$/i;

/**
 * A local stand-in for Deepgram's pre-recorded API (`POST /v1/listen`) and its live streaming API
 * (the WebSocket upgrade of `GET /v1/listen`, same port: one `DEEPGRAM_API_URL` serves both), for
 * tests that drive the real `@deepgram/sdk` against it (`baseUrl: fake.url`). It follows the public contract: `Token`
 * auth (401 `INVALID_AUTH` otherwise; `Bearer` access tokens are not supported), options in the
 * query, audio in the body (WAV, or raw `encoding=linear16` with `sample_rate`), Deepgram's
 * response and error shapes, and a `dg-request-id` header on every answer. Undecodable audio gets
 * a 400. The transcript is the test speech in the audio (`speechWav`), empty when there is none,
 * unless `setTranscriber` says otherwise.
 *
 * Per request, in order: it is recorded, its body read (anything but `POST /v1/listen` then gets a
 * 404), the latency waited, an injected failure played if one is due (before authentication, as
 * an outage or throttle would be), then the key checked and the audio transcribed.
 */
export class FakeDeepgramServer {
  static readonly DEFAULT_API_KEY = 'fake-deepgram-key';

  private readonly recorded: RecordedRequest[] = [];
  private readonly failures = new FailurePlan();
  private latency: Latency = 0;
  private transcriber: Transcriber = readSpeechTranscriber;
  private http!: LocalHttpServer;
  private live!: FakeDeepgramLive;

  private constructor(
    /** The accepted API key. */
    readonly apiKey: string,
  ) {}

  static async start(opts: FakeDeepgramServerOptions = {}): Promise<FakeDeepgramServer> {
    const fake = new FakeDeepgramServer(opts.apiKey ?? FakeDeepgramServer.DEFAULT_API_KEY);
    fake.http = await LocalHttpServer.listen(
      opts.port ?? 0,
      (req, res) => fake.handle(req, res),
      (res, error) => fake.answerInternalError(res, error),
      opts.tls,
    );
    fake.live = new FakeDeepgramLive({
      apiKey: fake.apiKey,
      idleTimeoutMs: opts.liveIdleTimeoutMs ?? DEEPGRAM_LIVE_IDLE_TIMEOUT_MS,
      sleep: (ms) => fake.http.sleep(ms),
    });
    fake.http.onUpgrade((req, socket, head) => fake.live.upgrade(req, socket, head, fake.url));
    return fake;
  }

  /** Base URL, `http://127.0.0.1:PORT` (`https` with `tls`), for the SDK's `baseUrl`. */
  get url(): string {
    return this.http.url;
  }

  /** The live socket's base URL, `ws://127.0.0.1:PORT` (`wss` with `tls`; the SDK's `environment.production`). */
  get wsUrl(): string {
    return this.http.url.replace(/^http/, 'ws');
  }

  /** Every live connection accepted since start or the last `reset()`, oldest first. */
  get liveConnections(): readonly FakeLiveConnection[] {
    return this.live.connections;
  }

  /** Every live upgrade attempt (refused ones included), oldest first. */
  get liveRecords(): readonly LiveConnectionRecord[] {
    return this.live.records;
  }

  /** Plays `fault` on each of the next `count` live connections, after faults already queued. */
  failNextLive(count: number, fault: LiveFault): void {
    this.live.failNext(count, fault);
  }

  /** Holds every message of live connections opened from now on back `ms` (`slow` faults aside). */
  setLiveLatency(ms: number): void {
    this.live.delayMs = ms;
  }

  /** The idle close of live connections opened from now on (`reset()` restores the start option). */
  setLiveIdleTimeout(ms: number): void {
    this.live.idleTimeoutMs = ms;
  }

  /** Every request received since start or the last `reset()`, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.recorded;
  }

  /** Fails the next `count` listen requests with `failure`, after any failures already queued. */
  failNext(count: number, failure: InjectedFailure): void {
    this.failures.failNext(count, failure);
  }

  /**
   * Fails each listen request with probability `rate` (0..1, 0 turns it off) with one of
   * `failures`, chosen by a PRNG seeded with `seed`: the same requests fail on every run. Queued
   * `failNext` failures come first.
   */
  setFailureRate(rate: number, failures: readonly InjectedFailure[], seed: number): void {
    this.failures.setFailureRate(rate, failures, seed);
  }

  /** Waits this long (or as long as the function says for each request) before answering. */
  setLatency(latency: Latency): void {
    this.latency = latency;
  }

  /** Decides transcripts from now on; `undefined` restores the default (`readSpeech`). */
  setTranscriber(transcriber: Transcriber | undefined): void {
    this.transcriber = transcriber ?? readSpeechTranscriber;
  }

  /**
   * Forgets recorded requests and live connections, failures, latency and transcriber; the key and
   * port stay, and open live sockets stay open.
   */
  reset(): void {
    this.live.reset();
    this.recorded.length = 0;
    this.failures.reset();
    this.latency = 0;
    this.transcriber = readSpeechTranscriber;
  }

  /** Stops listening and destroys every connection, hanging and live ones included. Safe to call twice. */
  close(): Promise<void> {
    this.live.close();
    return this.http.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record = recordOf(req, this.url);
    this.recorded.push(record);
    const requestId = randomUUID();
    const body = await readBody(req);
    record.bodyLength = body.length;

    if (record.path !== LISTEN_PATH || record.method !== 'POST') {
      const detail = `the fake Deepgram server only serves POST ${LISTEN_PATH}, not ${record.method} ${record.path}`;
      return this.answer(res, record, requestId, 404, deepgramErrorBody(404, requestId, detail));
    }
    await this.http.sleep(typeof this.latency === 'function' ? this.latency(record) : this.latency);
    if (this.http.closed) return;

    const failure = this.failures.next();
    if (failure) return this.play(failure, res, record, requestId);
    if (!this.authorized(req.headers.authorization)) {
      return this.answer(res, record, requestId, 401, deepgramErrorBody(401, requestId));
    }
    if (
      record.query['keywords'] !== undefined &&
      (queryValue(record.query, 'model') ?? '').startsWith('nova-3')
    ) {
      const detail = 'Bad Request: Keywords are not supported for Nova-3 models. Use keyterm instead.';
      return this.answer(res, record, requestId, 400, deepgramErrorBody(400, requestId, detail));
    }
    let audio;
    try {
      audio = decodeListenAudio(body, record.query);
    } catch (error) {
      if (!(error instanceof AudioFormatError)) throw error;
      const detail = `Bad Request: failed to process audio: corrupt or unsupported data (${error.message})`;
      return this.answer(res, record, requestId, 400, deepgramErrorBody(400, requestId, detail));
    }
    const transcript = this.transcriber(audio, record.query);
    this.answer(
      res,
      record,
      requestId,
      200,
      listenResponse({ requestId, body, audio, query: record.query, transcript }),
    );
  }

  private authorized(authorization: string | undefined): boolean {
    return TOKEN_AUTH.exec(authorization ?? '')?.[1] === this.apiKey;
  }

  private play(
    failure: InjectedFailure,
    res: ServerResponse,
    record: RecordedRequest,
    requestId: string,
  ): void {
    const http = playConnectionFailure(failure, res.socket, record);
    if (!http) return;
    this.answer(
      res,
      record,
      requestId,
      http.status,
      http.body ?? deepgramErrorBody(http.status, requestId),
      http.headers,
    );
  }

  private answer(
    res: ServerResponse,
    record: RecordedRequest,
    requestId: string,
    status: number,
    body: object,
    headers: OutgoingHttpHeaders = {},
  ): void {
    record.status = status;
    res.writeHead(status, { ...headers, 'content-type': 'application/json', 'dg-request-id': requestId });
    res.end(JSON.stringify(body));
  }

  /** A bug in the fake or a throwing transcriber: answer 500 saying so, rather than hang the test. */
  private answerInternalError(res: ServerResponse, error: unknown): void {
    if (res.headersSent || res.destroyed) return;
    const requestId = randomUUID();
    const detail = `fake Deepgram server failed: ${error instanceof Error ? error.message : String(error)}`;
    res.writeHead(500, { 'content-type': 'application/json', 'dg-request-id': requestId });
    res.end(JSON.stringify(deepgramErrorBody(500, requestId, detail)));
  }
}
