import { DeepgramClient } from '@deepgram/sdk';
import type { LiveSessionOptions } from '@streamscribe/contracts';
import type { LiveConnection, LiveConnectionHandlers, LiveTranscriber } from '../live/live-transcriber';
import { DeepgramLiveConnection, DeepgramListenSocket } from './deepgram-live.connection';
import {
  DEEPGRAM_LIVE_CLOSE_TIMEOUT_MS,
  DEEPGRAM_LIVE_CONNECT_TIMEOUT_MS,
  DEEPGRAM_LIVE_KEEPALIVE_MS,
  DeepgramLiveOptions,
  deepgramLiveEnvironment,
} from './deepgram-live.options';

type ConnectArgs = Parameters<DeepgramClient['listen']['v1']['connect']>[0];

/**
 * Deepgram live transcription through the official SDK's streaming client (v5,
 * `listen.v1.connect`), one socket per assignment of a live session. The SDK's reconnects are
 * off: the worker replays the session's audio from what is finalized, on this provider or the
 * next. Failures are classified for the worker: a refused key (401/403) or a 1008 close is
 * `permanent`; drops (1006), 1011 closes, 5xx and unreachable sockets are `retryable`, with the
 * close code on the error.
 */
export class DeepgramLiveTranscriber implements LiveTranscriber {
  readonly name = 'deepgram' as const;
  private readonly client: DeepgramClient;

  constructor(private readonly options: DeepgramLiveOptions) {
    this.client = new DeepgramClient({
      apiKey: options.apiKey,
      environment: deepgramLiveEnvironment(options.baseUrl),
    });
  }

  async open(session: LiveSessionOptions, handlers: LiveConnectionHandlers): Promise<LiveConnection> {
    const model = this.modelFor(session);
    const language = session.language ?? this.options.language;
    const socket: DeepgramListenSocket = await this.client.listen.v1.connect({
      ...this.queryFor(session, model, language),
      reconnectAttempts: 0,
      shouldReconnect: () => false,
      connectionTimeoutInSeconds: (this.options.connectTimeoutMs ?? DEEPGRAM_LIVE_CONNECT_TIMEOUT_MS) / 1000,
    });
    return DeepgramLiveConnection.open(socket, handlers, {
      keepAliveMs: this.options.keepAliveMs ?? DEEPGRAM_LIVE_KEEPALIVE_MS,
      closeTimeoutMs: this.options.closeTimeoutMs ?? DEEPGRAM_LIVE_CLOSE_TIMEOUT_MS,
      model,
      language,
    });
  }

  /** The session's model when it is Deepgram's (no other provider named), else the worker's. */
  private modelFor(session: LiveSessionOptions): string {
    const ours = session.provider === undefined || session.provider === 'deepgram';
    return (ours ? session.model : undefined) ?? this.options.model;
  }

  /** The session's options over the worker's settings, as Deepgram's live query parameters. */
  private queryFor(session: LiveSessionOptions, model: string, language: string | undefined): ConnectArgs {
    const { format } = session;
    const terms = [...(this.options.keyterms ?? []), ...session.keyterms];
    const flag = (value: boolean) => (value ? 'true' : 'false');
    return {
      model,
      encoding: format.encoding,
      sample_rate: String(format.sampleRate),
      channels: String(format.channels),
      interim_results: flag(session.interimResults),
      endpointing: session.endpointingMs === false ? 'false' : String(session.endpointingMs),
      ...(session.utteranceEndMs === undefined ? {} : { utterance_end_ms: String(session.utteranceEndMs) }),
      vad_events: flag(session.vadEvents),
      punctuate: flag(session.punctuate ?? this.options.punctuate),
      smart_format: flag(session.smartFormat ?? this.options.smartFormat),
      ...(session.diarize ? { diarize: 'true' } : {}),
      ...(language ? { language } : {}),
      // Nova-3 takes `keyterm` and rejects `keywords`; older models only know `keywords`.
      ...(terms.length === 0 ? {} : model.startsWith('nova-3') ? { keyterm: terms } : { keywords: terms }),
    };
  }
}
