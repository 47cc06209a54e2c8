import { FakeDeepgramServer, describeTranscriptionProvider } from '@streamscribe/testing';
import { DeepgramProvider } from './deepgram.provider';

describeTranscriptionProvider('deepgram', {
  backend: 'http',
  start: async () => {
    const fake = await FakeDeepgramServer.start();
    const provider = new DeepgramProvider({
      apiKey: fake.apiKey,
      baseUrl: fake.url,
      model: 'nova-3',
      // The 'hang' case waits it out; 2 s leaves the other cases room on a loaded CI machine.
      timeoutMs: 2000,
      punctuate: true,
      smartFormat: true,
      maxAudioSeconds: 60,
    });
    return {
      provider,
      backendCalls: () => fake.requests.length,
      expectedText: (spoken) => spoken,
      failNextCall: (failure) => fake.failNext(1, failure),
      reset: () => fake.reset(),
      close: () => fake.close(),
    };
  },
});
