import type { TranscriptParams } from 'assemblyai';
import { randomUUID } from 'node:crypto';
import { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { assemblyAIErrorBody } from './fake-assemblyai/assemblyai-error-body';
import {
  FakeStreamingScript,
  RecordedStreamingConnection,
  StreamingSession,
} from './fake-assemblyai/streaming-session';
import {
  finishedTranscript,
  pendingTranscript,
  statusAt,
  TranscriptJob,
} from './fake-assemblyai/transcript-job';
import { FailurePlan } from './fake-server/failure-plan';
import { InjectedFailure, playConnectionFailure } from './fake-server/injected-failure';
import { LatencyFor, LocalHttpServer, LocalServerTls, readBody } from './fake-server/local-http-server';
import { RecordedRequest, recordOf } from './fake-server/recorded-request';

export interface FakeAssemblyAIServerOptions {
  /** The only key accepted, as `Authorization: <apiKey>`. @defaultValue FakeAssemblyAIServer.DEFAULT_API_KEY */
  apiKey?: string;
  /** @defaultValue 0 (a free port) */
  port?: number;
  /**
   * Serve HTTPS and WSS with this certificate (the SDK's streaming transcriber insists on
   * `wss://`; make one with createTestCertificates and trust its CA in the client).
   */
  tls?: LocalServerTls;
  /**
   * Audio messages outside this range of ms are refused with AssemblyAI's 3007, as the real
   * service does (50–1000 ms). @defaultValue { min: 50, max: 1000 }
   */
  streamingChunkMs?: { min: number; max: number };
}

/** The async API's endpoints, for failures aimed at one of them. */
export type AssemblyAIEndpoint = 'upload' | 'submit' | 'poll' | 'token';

const STREAMING_PATH = '/v3/ws';
const TOKEN_PATH = '/v3/token';
const STREAMING_ENCODINGS = new Set(['pcm_s16le', 'pcm_mulaw']);
/** AssemblyAI's default `min_turn_silence` (ms). */
const DEFAULT_MIN_TURN_SILENCE_MS = 400;

const SPEECH_MODELS = new Set(['best', 'nano', 'slam-1', 'universal']);
const KEYTERM_MODELS = new Set(['slam-1', 'universal']);
const TRANSCRIPT_PATH = /^\/v2\/transcript\/([^/]+)$/;
const UPLOAD_PATH = /^\/upload\/([^/]+)$/;

/**
 * A local stand-in for AssemblyAI's async transcription API, for tests that drive the real
 * `assemblyai` SDK against it (`baseUrl: fake.url`). It follows the public contract:
 * - `POST /v2/upload` takes the raw audio and answers `{ upload_url }`;
 * - `POST /v2/transcript` takes JSON params (`audio_url` required) and answers the transcript in
 *   status `queued`;
 * - `GET /v2/transcript/{id}` answers it `queued`, then `processing` (for `pollsPerStage` polls
 *   each), then `completed` (text, words in milliseconds, confidence, `audio_duration` in whole
 *   seconds, `language_code`) or `error` with its `error` message (audio not from an upload here,
 *   audio that does not decode, or `failTranscripts`).
 * Auth is the bare key in `Authorization` (401 otherwise); errors are `{ "error": "…" }`. The
 * transcript is the test speech in the audio (`speechWav`).
 *
 * Per request, in order: recorded, body read, latency waited, an injected failure played if one
 * is due (before authentication, as an outage or throttle would be), then the key checked.
 *
 * Universal-Streaming v3 on the same server: `GET /v3/token?expires_in_seconds=N` answers a
 * one-use temporary `{ token }`; the WebSocket `/v3/ws` takes the key in `Authorization` or a
 * token in `?token=`, `sample_rate`, `encoding` (pcm_s16le, pcm_mulaw), `min_turn_silence`,
 * `format_turns`, `speech_model`, `speaker_labels`, `session_heartbeat`, `keyterms_prompt` (JSON), and plays a StreamingSession (see
 * fake-assemblyai/streaming-session.ts): `Begin`, `Turn`s from the coded words of
 * spoken-words.ts, `Termination`. A bad key or token: `Error` frame 4001 then close 4001.
 * Each connection may be scripted (`scriptStreaming`): drop, stall, close with a code, refuse,
 * answer slowly.
 */
export class FakeAssemblyAIServer {
  static readonly DEFAULT_API_KEY = 'fake-assemblyai-key';

  private readonly recorded: RecordedRequest[] = [];
  private readonly failures = {
    any: new FailurePlan(),
    upload: new FailurePlan(),
    submit: new FailurePlan(),
    poll: new FailurePlan(),
    token: new FailurePlan(),
  };
  private readonly streamingRecords: RecordedStreamingConnection[] = [];
  private streamingScripts: FakeStreamingScript[] = [];
  private readonly tokens = new Set<string>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly uploads = new Map<string, Buffer>();
  private readonly jobs = new Map<string, TranscriptJob>();
  private transcriptErrors: string[] = [];
  private latency: LatencyFor<RecordedRequest> = 0;
  private pollsPerStage = 1;
  private reportedDuration?: number;
  private http!: LocalHttpServer;

  private constructor(
    /** The accepted API key. */
    readonly apiKey: string,
    private readonly chunkMs: { min: number; max: number },
  ) {}

  static async start(opts: FakeAssemblyAIServerOptions = {}): Promise<FakeAssemblyAIServer> {
    const fake = new FakeAssemblyAIServer(
      opts.apiKey ?? FakeAssemblyAIServer.DEFAULT_API_KEY,
      opts.streamingChunkMs ?? { min: 50, max: 1000 },
    );
    fake.http = await LocalHttpServer.listen(
      opts.port ?? 0,
      (req, res) => fake.handle(req, res),
      (res, error) => {
        if (res.headersSent || res.destroyed) return;
        fake.answer(
          res,
          undefined,
          500,
          assemblyAIErrorBody(500, `fake AssemblyAI server failed: ${String(error)}`),
        );
      },
      opts.tls,
    );
    fake.http.onUpgrade((req, socket, head) => fake.upgrade(req, socket, head));
    return fake;
  }

  /** Base URL, `http://127.0.0.1:PORT` (`https://` with `tls`), for the SDK's `baseUrl`. */
  get url(): string {
    return this.http.url;
  }

  /** The streaming endpoint, `wss://127.0.0.1:PORT/v3/ws` (`ws://` without `tls`). */
  get streamingUrl(): string {
    return `${this.url.replace(/^http/, 'ws')}${STREAMING_PATH}`;
  }

  /** Every streaming connection since start or the last `reset()`, oldest first. */
  get streamingConnections(): readonly RecordedStreamingConnection[] {
    return this.streamingRecords;
  }

  /** The next streaming connections play these scripts, one each, in order. */
  scriptStreaming(...scripts: FakeStreamingScript[]): void {
    this.streamingScripts.push(...scripts);
  }

  /** Every request received since start or the last `reset()`, oldest first; `json` holds a submit's params. */
  get requests(): readonly RecordedRequest[] {
    return this.recorded;
  }

  /** Fails the next `count` requests (to `endpoint`, or to any) with `failure`. */
  failNext(count: number, failure: InjectedFailure, endpoint?: AssemblyAIEndpoint): void {
    this.failures[endpoint ?? 'any'].failNext(count, failure);
  }

  /** Fails each request with probability `rate`, seeded as FakeDeepgramServer's is. */
  setFailureRate(rate: number, failures: readonly InjectedFailure[], seed: number): void {
    this.failures.any.setFailureRate(rate, failures, seed);
  }

  /** The next `count` submitted transcripts end in `status: error` with this message. */
  failTranscripts(count: number, error: string): void {
    for (let i = 0; i < count; i++) this.transcriptErrors.push(error);
  }

  /** Polls a transcript answers `queued`, then as many `processing`, before it is done. @defaultValue 1 */
  setPollsPerStage(polls: number): void {
    this.pollsPerStage = polls;
  }

  /** Reports this `audio_duration` on completed transcripts, as if AssemblyAI heard other audio; undefined restores the truth. */
  setReportedDuration(seconds: number | undefined): void {
    this.reportedDuration = seconds;
  }

  setLatency(latency: LatencyFor<RecordedRequest>): void {
    this.latency = latency;
  }

  /** Forgets requests, failures, latency, uploads and transcripts; the key and port stay. */
  reset(): void {
    this.recorded.length = 0;
    for (const plan of Object.values(this.failures)) plan.reset();
    this.transcriptErrors = [];
    this.uploads.clear();
    this.jobs.clear();
    this.latency = 0;
    this.pollsPerStage = 1;
    this.reportedDuration = undefined;
    this.streamingRecords.length = 0;
    this.streamingScripts = [];
    this.tokens.clear();
  }

  /** Closes the server and ends every streaming connection (as a crash would: no close frame). */
  close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    return this.http.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record = recordOf(req, this.url);
    this.recorded.push(record);
    const body = await readBody(req);
    record.bodyLength = body.length;
    const endpoint = endpointOf(record);
    if (!endpoint) {
      const detail = `the fake AssemblyAI server serves POST /v2/upload, POST /v2/transcript, GET /v2/transcript/{id}, GET /v3/token and WebSocket /v3/ws, not ${record.method} ${record.path}`;
      return this.answer(res, record, 404, assemblyAIErrorBody(404, detail));
    }
    await this.http.sleep(typeof this.latency === 'function' ? this.latency(record) : this.latency);
    if (this.http.closed) return;

    const failure = this.failures[endpoint].next() ?? this.failures.any.next();
    if (failure) return this.play(failure, res, record);
    if (req.headers.authorization !== this.apiKey)
      return this.answer(res, record, 401, assemblyAIErrorBody(401));
    if (endpoint === 'token') return this.token(record, res);
    if (endpoint === 'upload') return this.upload(body, res, record);
    if (endpoint === 'submit') return this.submit(body, res, record);
    return this.poll(TRANSCRIPT_PATH.exec(record.path)?.[1] ?? '', res, record);
  }

  /** `GET /v3/token`: a temporary token for one streaming connection. */
  private token(record: RecordedRequest, res: ServerResponse): void {
    const expires = Number(record.query['expires_in_seconds']);
    if (!Number.isInteger(expires) || expires < 1 || expires > 600)
      return this.answer(
        res,
        record,
        400,
        assemblyAIErrorBody(400, 'expires_in_seconds must be an integer between 1 and 600'),
      );
    const token = randomUUID();
    this.tokens.add(token);
    this.answer(res, record, 200, { token });
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', this.url);
    if (url.pathname !== STREAMING_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const query = Object.fromEntries(url.searchParams.entries());
    const record: RecordedStreamingConnection = {
      query,
      headers: req.headers,
      audioBytes: 0,
      audioMessages: 0,
      received: [],
      sent: [],
    };
    this.streamingRecords.push(record);
    const script = this.streamingScripts.shift() ?? {};
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      ws.on('close', (code, reason) => (record.ended ??= { code, reason: reason.toString('utf8') }));
      // Like AssemblyAI, credentials and parameters are judged after the upgrade: Error frame, close.
      const refusal = this.refusalOf(req, query);
      const session = new StreamingSession(
        ws,
        {
          encoding: query['encoding'] === 'pcm_mulaw' ? 'pcm_mulaw' : 'pcm_s16le',
          sampleRate: Number(query['sample_rate']),
          minTurnSilenceMs: Number(
            query['min_turn_silence'] ??
              query['min_end_of_turn_silence_when_confident'] ??
              DEFAULT_MIN_TURN_SILENCE_MS,
          ),
          formatTurns: query['format_turns'] === 'true',
          minChunkMs: this.chunkMs.min,
          maxChunkMs: this.chunkMs.max,
          speechModel: query['speech_model'] ?? 'universal-streaming-english',
          speakerLabels: query['speaker_labels'] === 'true',
          heartbeat: query['session_heartbeat'] === 'true',
        },
        refusal ? { ...script, refuse: refusal } : script,
        record,
      );
      session.begin();
    });
  }

  private refusalOf(
    req: IncomingMessage,
    query: Record<string, string>,
  ): { code: number; reason: string } | undefined {
    const token = query['token'];
    const authorized =
      token !== undefined ? this.tokens.delete(token) : req.headers.authorization === this.apiKey;
    if (!authorized) return { code: 4001, reason: 'Not Authorized' };
    const rate = Number(query['sample_rate']);
    if (!Number.isInteger(rate) || rate <= 0)
      return { code: 4000, reason: 'Sample rate must be a positive integer' };
    if (query['encoding'] !== undefined && !STREAMING_ENCODINGS.has(query['encoding']))
      return { code: 3006, reason: `Input validation error: unsupported encoding ${query['encoding']}` };
    const silence = query['min_turn_silence'];
    if (silence !== undefined && !(Number(silence) >= 0))
      return { code: 3006, reason: 'Input validation error: min_turn_silence must be a number' };
    return undefined;
  }

  private upload(body: Buffer, res: ServerResponse, record: RecordedRequest): void {
    if (body.length === 0)
      return this.answer(
        res,
        record,
        400,
        assemblyAIErrorBody(400, 'Upload failed: the request body is empty'),
      );
    const id = randomUUID();
    this.uploads.set(id, body);
    this.answer(res, record, 200, { upload_url: `${this.url}/upload/${id}` });
  }

  private submit(body: Buffer, res: ServerResponse, record: RecordedRequest): void {
    let params: TranscriptParams;
    try {
      params = JSON.parse(body.toString('utf8')) as TranscriptParams;
    } catch {
      return this.answer(res, record, 400, assemblyAIErrorBody(400, 'Request body is not valid JSON'));
    }
    record.json = params;
    if (typeof params.audio_url !== 'string' || params.audio_url === '') {
      return this.answer(res, record, 400, assemblyAIErrorBody(400, 'audio_url is required'));
    }
    if (params.speech_model && !SPEECH_MODELS.has(params.speech_model)) {
      return this.answer(
        res,
        record,
        400,
        assemblyAIErrorBody(400, `Invalid speech_model: ${params.speech_model}`),
      );
    }
    const model = params.speech_model ?? 'universal';
    if (params.keyterms_prompt?.length && !KEYTERM_MODELS.has(model)) {
      return this.answer(
        res,
        record,
        400,
        assemblyAIErrorBody(400, `keyterms_prompt is not supported for speech_model ${model}`),
      );
    }
    const uploadId = params.audio_url.startsWith(`${this.url}/upload/`)
      ? UPLOAD_PATH.exec(new URL(params.audio_url).pathname)?.[1]
      : undefined;
    const job: TranscriptJob = {
      id: randomUUID(),
      params,
      audio: uploadId === undefined ? undefined : this.uploads.get(uploadId),
      polls: 0,
      forcedError: this.transcriptErrors.shift(),
    };
    this.jobs.set(job.id, job);
    this.answer(res, record, 200, pendingTranscript(job, 'queued'));
  }

  private poll(id: string, res: ServerResponse, record: RecordedRequest): void {
    const job = this.jobs.get(id);
    if (!job) return this.answer(res, record, 404, assemblyAIErrorBody(404));
    job.polls++;
    const status = statusAt(job, this.pollsPerStage);
    if (status !== 'final') return this.answer(res, record, 200, pendingTranscript(job, status));
    const transcript = finishedTranscript(job);
    if (this.reportedDuration !== undefined && transcript.status === 'completed')
      transcript.audio_duration = this.reportedDuration;
    this.answer(res, record, 200, transcript);
  }

  private play(failure: InjectedFailure, res: ServerResponse, record: RecordedRequest): void {
    const http = playConnectionFailure(failure, res.socket, record);
    if (http)
      this.answer(res, record, http.status, http.body ?? assemblyAIErrorBody(http.status), http.headers);
  }

  private answer(
    res: ServerResponse,
    record: RecordedRequest | undefined,
    status: number,
    body: object,
    headers: OutgoingHttpHeaders = {},
  ): void {
    if (record) record.status = status;
    res.writeHead(status, { ...headers, 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

function endpointOf(record: RecordedRequest): AssemblyAIEndpoint | undefined {
  if (record.method === 'POST' && record.path === '/v2/upload') return 'upload';
  if (record.method === 'POST' && record.path === '/v2/transcript') return 'submit';
  if (record.method === 'GET' && TRANSCRIPT_PATH.test(record.path)) return 'poll';
  if (record.method === 'GET' && record.path === TOKEN_PATH) return 'token';
  return undefined;
}
