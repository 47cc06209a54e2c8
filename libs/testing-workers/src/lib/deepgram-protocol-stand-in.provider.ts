import type { ProviderName } from '@streamscribe/contracts';
import {
  DeepgramProvider,
  ProviderCapabilities,
  ProviderError,
  ProviderTranscript,
  TranscriptionProvider,
  TranscriptionRequest,
} from '@streamscribe/providers';

/**
 * TEST ONLY. A second (third…) provider fleet for routing, breaker and consensus tests while the
 * real AssemblyAI and Whisper workers are built elsewhere: it consumes the stream of the provider
 * it stands in for, but transcribes through the real Deepgram SDK against a local
 * `FakeDeepgramServer` of its own. Its results say which provider stream they served; nothing
 * about AssemblyAI's or Whisper's own API is exercised here, and it is never started outside tests.
 */
export class DeepgramProtocolStandIn implements TranscriptionProvider {
  readonly capabilities: ProviderCapabilities;
  private readonly deepgram: DeepgramProvider;

  constructor(
    readonly name: ProviderName,
    fake: { url: string; apiKey: string },
  ) {
    this.deepgram = new DeepgramProvider({
      apiKey: fake.apiKey,
      baseUrl: fake.url,
      model: 'nova-3',
      timeoutMs: 30_000,
      punctuate: true,
      smartFormat: false,
    });
    this.capabilities = this.deepgram.capabilities;
  }

  async transcribe(request: TranscriptionRequest): Promise<ProviderTranscript> {
    try {
      return await this.deepgram.transcribe(request);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      // Failures are this stand-in's, so breakers and error histories name the provider it serves.
      throw new ProviderError(error.message, {
        provider: this.name,
        kind: error.kind,
        statusCode: error.statusCode,
        retryAfterMs: error.retryAfterMs,
        requestId: error.requestId,
        cause: error,
      });
    }
  }
}
