import { FakeAssemblyAIServer, describeTranscriptionProvider } from '@streamscribe/testing';
import { AssemblyAIProvider } from './assemblyai.provider';

describeTranscriptionProvider('assemblyai', {
  backend: 'http',
  start: async () => {
    const fake = await FakeAssemblyAIServer.start();
    const provider = new AssemblyAIProvider({
      apiKey: fake.apiKey,
      baseUrl: fake.url,
      speechModel: 'universal',
      pollingIntervalMs: 5,
      pollingTimeoutMs: 10_000,
      requestTimeoutMs: 1000,
      punctuate: true,
      formatText: true,
      speakerLabels: false,
      keyterms: [],
      maxAudioSeconds: 60,
    });
    return {
      provider,
      backendCalls: () => fake.requests.length,
      expectedText: (spoken) => spoken,
      // The first call of a transcription is its upload.
      failNextCall: (failure) => fake.failNext(1, failure, 'upload'),
      reset: () => fake.reset(),
      close: () => fake.close(),
    };
  },
});
