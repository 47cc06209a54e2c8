import type { TranscriptParams } from 'assemblyai';
import { randomUUID } from 'node:crypto';
import { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { assemblyAIErrorBody } from './fake-assemblyai/assemblyai-error-body';
import {
  finishedTranscript,
  pendingTranscript,
  statusAt,
  TranscriptJob,
} from './fake-assemblyai/transcript-job';
import { FailurePlan } from './fake-server/failure-plan';
import { InjectedFailure, playConnectionFailure } from './fake-server/injected-failure';
import { LatencyFor, LocalHttpServer, readBody } from './fake-server/local-http-server';
import { RecordedRequest, recordOf } from './fake-server/recorded-request';

export interface FakeAssemblyAIServerOptions {
  /** The only key accepted, as `Authorization: <apiKey>`. @defaultValue FakeAssemblyAIServer.DEFAULT_API_KEY */
  apiKey?: string;
  /** @defaultValue 0 (a free port) */
  port?: number;
}

/** The async API's endpoints, for failures aimed at one of them. */
export type AssemblyAIEndpoint = 'upload' | 'submit' | 'poll';

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
 */
export class FakeAssemblyAIServer {
  static readonly DEFAULT_API_KEY = 'fake-assemblyai-key';

  private readonly recorded: RecordedRequest[] = [];
  private readonly failures = {
    any: new FailurePlan(),
    upload: new FailurePlan(),
    submit: new FailurePlan(),
    poll: new FailurePlan(),
  };
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
  ) {}

  static async start(opts: FakeAssemblyAIServerOptions = {}): Promise<FakeAssemblyAIServer> {
    const fake = new FakeAssemblyAIServer(opts.apiKey ?? FakeAssemblyAIServer.DEFAULT_API_KEY);
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
    );
    return fake;
  }

  /** Base URL, `http://127.0.0.1:PORT`, for the SDK's `baseUrl`. */
  get url(): string {
    return this.http.url;
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
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record = recordOf(req, this.url);
    this.recorded.push(record);
    const body = await readBody(req);
    record.bodyLength = body.length;
    const endpoint = endpointOf(record);
    if (!endpoint) {
      const detail = `the fake AssemblyAI server serves POST /v2/upload, POST /v2/transcript and GET /v2/transcript/{id}, not ${record.method} ${record.path}`;
      return this.answer(res, record, 404, assemblyAIErrorBody(404, detail));
    }
    await this.http.sleep(typeof this.latency === 'function' ? this.latency(record) : this.latency);
    if (this.http.closed) return;

    const failure = this.failures[endpoint].next() ?? this.failures.any.next();
    if (failure) return this.play(failure, res, record);
    if (req.headers.authorization !== this.apiKey)
      return this.answer(res, record, 401, assemblyAIErrorBody(401));
    if (endpoint === 'upload') return this.upload(body, res, record);
    if (endpoint === 'submit') return this.submit(body, res, record);
    return this.poll(TRANSCRIPT_PATH.exec(record.path)?.[1] ?? '', res, record);
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
  return undefined;
}
