import { ProviderName } from '@streamscribe/contracts';
import { ProviderState } from './provider-state';
import { RoutingRequest, selectProvider } from './select-provider';

const noHints = { realTimeRequired: false, accuracyCritical: false, costSensitive: false };
const idle = (provider: ProviderName, overrides: Partial<ProviderState> = {}): ProviderState => ({
  provider,
  lag: 0,
  pending: 0,
  liveConsumers: 1,
  breaker: 'closed',
  ...overrides,
});
const allIdle = (overrides: Partial<Record<ProviderName, Partial<ProviderState>>> = {}): ProviderState[] =>
  (['deepgram', 'whisper', 'parakeet', 'assemblyai'] as const).map((p) => idle(p, overrides[p]));
const request = (overrides: Partial<RoutingRequest> = {}): RoutingRequest => ({
  fallback: [],
  hints: noHints,
  ...overrides,
});

type Row = [
  name: string,
  req: RoutingRequest,
  states: ProviderState[],
  provider: ProviderName,
  reason: string,
  probe?: boolean,
];

describe('selectProvider', () => {
  const rows: Row[] = [
    // The classic rules are the defaults' meaning: with nothing measured and equal load they still hold.
    [
      'nothing measured, equal load: deepgram (lowest prior latency)',
      request(),
      allIdle(),
      'deepgram',
      'expected_wait',
    ],
    [
      'real-time: deepgram',
      request({ hints: { ...noHints, realTimeRequired: true } }),
      allIdle(),
      'deepgram',
      'real_time',
    ],
    [
      'accuracy: whisper (lowest expected WER)',
      request({ hints: { ...noHints, accuracyCritical: true } }),
      allIdle(),
      'whisper',
      'accuracy',
    ],
    [
      'cost: whisper (cheapest)',
      request({ hints: { ...noHints, costSensitive: true } }),
      allIdle(),
      'whisper',
      'cost',
    ],
    [
      'explicit preference wins over hints and scores',
      request({ preferred: 'assemblyai', hints: { ...noHints, costSensitive: true } }),
      allIdle(),
      'assemblyai',
      'preferred',
    ],
    [
      'a session stays on its provider even when another is faster',
      request({ sessionProvider: 'assemblyai' }),
      allIdle(),
      'assemblyai',
      'session',
    ],
    // Expected wait: the queue over the fleet's slots times its service time, plus its own latency.
    [
      'a backlog moves auto traffic to an idle fleet',
      request(),
      allIdle({
        deepgram: { lag: 40, pending: 8 },
        whisper: { liveConsumers: 0 },
        parakeet: { liveConsumers: 0 },
      }),
      'assemblyai',
      'expected_wait',
    ],
    [
      'the same backlog over many consumers and slots is short',
      request(),
      allIdle({
        deepgram: { lag: 40, pending: 8, liveConsumers: 4, slotsPerConsumer: 8 },
        whisper: { liveConsumers: 0 },
        parakeet: { liveConsumers: 0 },
      }),
      'deepgram',
      'expected_wait',
    ],
    [
      'measured latency per audio second beats the prior: a slow deepgram loses',
      request({ requirements: { audioSeconds: 2 } }),
      allIdle({
        deepgram: { latencyPerAudioSecond: 0.8 },
        whisper: { liveConsumers: 0 },
        parakeet: { liveConsumers: 0 },
      }),
      'assemblyai',
      'expected_wait',
    ],
    [
      'measured service time scales the queue: a fast fleet with a queue beats a slow idle one',
      request(),
      allIdle({
        deepgram: { lag: 5, latencyPerAudioSecond: 0.02, serviceSeconds: 0.02 },
        assemblyai: { latencyPerAudioSecond: 0.5 },
        whisper: { liveConsumers: 0 },
        parakeet: { liveConsumers: 0 },
      }),
      'deepgram',
      'expected_wait',
    ],
    [
      'real-time skips providers that cannot stream',
      request({ hints: { ...noHints, realTimeRequired: true } }),
      allIdle({ deepgram: { liveConsumers: 0 } }),
      'assemblyai',
      'real_time',
    ],
    [
      'cost gives way when the cheap fleet is far behind',
      request({ hints: { ...noHints, costSensitive: true } }),
      allIdle({ whisper: { lag: 200 }, parakeet: { lag: 200 } }),
      'assemblyai',
      'cost',
    ],
    // Capabilities filter before anything is scored.
    [
      'language: parakeet is English only',
      request({ requirements: { language: 'de' } }),
      [idle('parakeet'), idle('whisper')],
      'whisper',
      'expected_wait',
    ],
    [
      'language: en-US is served by an English provider',
      request({ requirements: { language: 'en-US' } }),
      [idle('parakeet')],
      'parakeet',
      'expected_wait',
    ],
    [
      'diarization: only deepgram and assemblyai',
      request({ requirements: { diarization: true } }),
      [idle('whisper'), idle('assemblyai')],
      'assemblyai',
      'expected_wait',
    ],
    [
      'max length: whisper takes 30 s at most',
      request({ requirements: { audioSeconds: 45 } }),
      [idle('whisper'), idle('parakeet')],
      'parakeet',
      'expected_wait',
    ],
    [
      "a fleet's declared capabilities override the profile's",
      request({ requirements: { language: 'de' } }),
      [
        idle('parakeet', {
          capabilities: {
            languages: ['en', 'de'],
            diarization: false,
            wordTimestamps: true,
            streaming: false,
            maxAudioSeconds: 60,
          },
        }),
        idle('whisper', { lag: 50 }),
      ],
      'parakeet',
      'expected_wait',
    ],
    // Health: breakers and liveness.
    [
      'an open breaker is never chosen, even when preferred',
      request({ preferred: 'deepgram', fallback: ['assemblyai'] }),
      allIdle({ deepgram: { breaker: 'open' } }),
      'assemblyai',
      'fallback',
    ],
    [
      'an open breaker moves auto traffic',
      request(),
      allIdle({ deepgram: { breaker: 'open' } }),
      'parakeet',
      'expected_wait',
    ],
    [
      'a session leaves a provider whose breaker opened',
      request({ sessionProvider: 'deepgram' }),
      allIdle({ deepgram: { breaker: 'open' } }),
      'parakeet',
      'expected_wait',
    ],
    [
      'a half-open provider that scores best gets the chunk as its probe',
      request(),
      allIdle({ deepgram: { breaker: 'half_open' } }),
      'deepgram',
      'expected_wait',
      true,
    ],
    [
      'a session does not stick to a half-open provider',
      request({ sessionProvider: 'deepgram' }),
      allIdle({ deepgram: { breaker: 'half_open' }, parakeet: { lag: 1000 } }),
      'deepgram',
      'expected_wait',
      true,
    ],
    [
      'a refused probe excludes the provider for this chunk',
      request({ exclude: ['deepgram'] }),
      allIdle({ deepgram: { breaker: 'half_open' } }),
      'parakeet',
      'expected_wait',
    ],
    [
      'no live consumers: not chosen, even with the best score',
      request(),
      allIdle({ deepgram: { liveConsumers: 0 } }),
      'parakeet',
      'expected_wait',
    ],
    // Ties go to PROVIDERS order.
    [
      'ties break in provider order',
      request(),
      [idle('assemblyai', { latencyPerAudioSecond: 0.1 }), idle('whisper', { latencyPerAudioSecond: 0.1 })],
      'whisper',
      'expected_wait',
    ],
    [
      'near-ties (under a millisecond) too',
      request(),
      [
        idle('assemblyai', { latencyPerAudioSecond: 0.1 }),
        idle('whisper', { latencyPerAudioSecond: 0.1004 }),
      ],
      'whisper',
      'expected_wait',
    ],
  ];

  it.each(rows)('%s', (_name, req, states, provider, reason, probe = false) => {
    expect(selectProvider(req, states)).toMatchObject({ ok: true, provider, reason, probe });
  });

  it('reports the expected seconds it compared', () => {
    const decision = selectProvider(request(), [
      idle('deepgram', { lag: 9, latencyPerAudioSecond: 0.1 }),
      idle('assemblyai', { latencyPerAudioSecond: 0.3 }),
    ]);
    expect(decision.ok && decision.scores).toEqual({
      deepgram: expect.closeTo(9 * 0.1 + 0.1, 6),
      assemblyai: expect.closeTo(0.3, 6),
    });
  });

  it.each<[string, RoutingRequest, ProviderState[], number, RegExp]>([
    [
      'all providers down',
      request(),
      allIdle({
        deepgram: { liveConsumers: 0 },
        whisper: { liveConsumers: 0 },
        parakeet: { liveConsumers: 0 },
        assemblyai: { liveConsumers: 0 },
      }),
      503,
      /DEEPGRAM_API_KEY/,
    ],
    ['nothing in Redis at all', request(), [], 503, /no transcription worker is running/],
    [
      'every breaker open',
      request(),
      allIdle({
        deepgram: { breaker: 'open' },
        whisper: { breaker: 'open' },
        parakeet: { breaker: 'open' },
        assemblyai: { breaker: 'open' },
      }),
      503,
      /circuit breaker open/,
    ],
    [
      'preferred and fallbacks down',
      request({ preferred: 'whisper' }),
      [idle('deepgram')],
      503,
      // The group, not a stream: with partitions the fleet reads audio:stream:whisper:{k} for every k.
      /whisper_workers on its provider stream.*worker-whisper/,
    ],
    [
      'the only provider is half-open and its probe is taken',
      request({ exclude: ['deepgram'] }),
      [idle('deepgram', { breaker: 'half_open' })],
      503,
      /deepgram \(recovering: its one probe chunk is in flight\)/,
    ],
    [
      'no provider can do it',
      request({ requirements: { language: 'de', diarization: true, audioSeconds: 50_000 } }),
      allIdle(),
      422,
      /deepgram takes at most 14400 s.*whisper cannot diarize; parakeet does not transcribe language 'de'/,
    ],
  ])('refuses when %s', (_name, req, states, status, message) => {
    const decision = selectProvider(req, states);
    expect(decision).toMatchObject({ ok: false, status });
    expect(!decision.ok && decision.message).toMatch(message);
  });
});
