import { AudioFormatError } from '@streamscribe/audio';
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { deepgramErrorBody } from './fake-deepgram/deepgram-error-body';
import { decodeListenAudio, readSpeechTranscriber, Transcriber } from './fake-deepgram/listen-audio';
import { listenResponse } from './fake-deepgram/listen-response';
import { FailurePlan } from './fake-server/failure-plan';
import { InjectedFailure } from './fake-server/injected-failure';
import { queryObject, RecordedRequest } from './fake-server/recorded-request';

export interface FakeDeepgramServerOptions {
  /** The only key accepted, as `Authorization: Token <apiKey>`. @defaultValue FakeDeepgramServer.DEFAULT_API_KEY */
  apiKey?: string;
  /** @defaultValue 0 (a free port) */
  port?: number;
}

/** Milliseconds to wait before answering, fixed or per request. */
export type Latency = number | ((request: RecordedRequest) => number);

const HOST = '127.0.0.1';
const LISTEN_PATH = '/v1/listen';
const TOKEN_AUTH = /^token\s+(.+)$/i;

/**
 * A local stand-in for Deepgram's pre-recorded API (`POST /v1/listen`), for tests that drive the
 * real `@deepgram/sdk` against it (`baseUrl: fake.url`). It follows the public contract: `Token`
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
  private readonly sleeping = new Set<() => void>();
  private latency: Latency = 0;
  private transcriber: Transcriber = readSpeechTranscriber;
  private closing?: Promise<void>;

  private constructor(
    private readonly server: Server,
    /** The accepted API key. */
    readonly apiKey: string,
    /** Base URL, `http://127.0.0.1:PORT`, for the SDK's `baseUrl`. */
    readonly url: string,
  ) {}

  static async start(opts: FakeDeepgramServerOptions = {}): Promise<FakeDeepgramServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const fake = new FakeDeepgramServer(
      server,
      opts.apiKey ?? FakeDeepgramServer.DEFAULT_API_KEY,
      `http://${HOST}:${port}`,
    );
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      fake.handle(req, res).catch((error: unknown) => fake.answerInternalError(res, error));
    });
    return fake;
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

  /** Forgets recorded requests, failures, latency and transcriber; the key and port stay. */
  reset(): void {
    this.recorded.length = 0;
    this.failures.reset();
    this.latency = 0;
    this.transcriber = readSpeechTranscriber;
  }

  /** Stops listening and destroys every connection, hanging ones included. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const wake of this.sleeping) wake();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const record: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: queryObject(url.searchParams),
      headers: req.headers,
      bodyLength: 0,
      time: Date.now(),
    };
    this.recorded.push(record);
    const requestId = randomUUID();
    const body = await readBody(req);
    record.bodyLength = body.length;

    if (record.path !== LISTEN_PATH || record.method !== 'POST') {
      const detail = `the fake Deepgram server only serves POST ${LISTEN_PATH}, not ${record.method} ${record.path}`;
      return this.answer(res, record, requestId, 404, deepgramErrorBody(404, requestId, detail));
    }
    await this.wait(record);
    if (this.closing) return;

    const failure = this.failures.next();
    if (failure) return this.play(failure, res, record, requestId);
    if (!this.authorized(req.headers.authorization)) {
      return this.answer(res, record, requestId, 401, deepgramErrorBody(401, requestId));
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

  private async wait(record: RecordedRequest): Promise<void> {
    const ms = typeof this.latency === 'function' ? this.latency(record) : this.latency;
    if (!(ms > 0)) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleeping.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleeping.add(wake);
    });
  }

  private play(
    failure: InjectedFailure,
    res: ServerResponse,
    record: RecordedRequest,
    requestId: string,
  ): void {
    if ('kind' in failure) {
      record.dropped = failure.kind;
      // A hang needs nothing more: the response is never written, and close() ends the socket.
      if (failure.kind === 'reset') res.socket?.destroy();
      return;
    }
    const headers: OutgoingHttpHeaders =
      failure.retryAfterSeconds === undefined ? {} : { 'retry-after': String(failure.retryAfterSeconds) };
    this.answer(
      res,
      record,
      requestId,
      failure.status,
      failure.body ?? deepgramErrorBody(failure.status, requestId),
      headers,
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

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
