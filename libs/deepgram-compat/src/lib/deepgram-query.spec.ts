import { parseDeepgramQuery } from './deepgram-query';

const parse = (query: string) => parseDeepgramQuery(new URLSearchParams(query));
const ok = (query: string) => {
  const outcome = parse(query);
  if (!outcome.ok) throw new Error(`refused: ${outcome.message}`);
  return outcome.request;
};
const refused = (query: string) => {
  const outcome = parse(query);
  if (outcome.ok) throw new Error(`accepted: ${query}`);
  return outcome.message;
};

describe('parseDeepgramQuery', () => {
  it("takes Deepgram's defaults when nothing is given", () => {
    expect(ok('').options).toEqual({
      format: { encoding: 'linear16', sampleRate: 16000, channels: 1 },
      interimResults: false,
      endpointingMs: 10,
      vadEvents: false,
      keyterms: [],
      hints: { realTimeRequired: true, accuracyCritical: false, costSensitive: false },
    });
  });

  it('reads the SDK-style query: a bare Deepgram model means Deepgram with that model', () => {
    const { options } = ok(
      'model=nova-3&encoding=mulaw&sample_rate=8000&channels=2&interim_results=true&endpointing=300&utterance_end_ms=1000&vad_events=true&language=en-US&punctuate=true&smart_format=false&diarize=true',
    );
    expect(options).toMatchObject({
      format: { encoding: 'mulaw', sampleRate: 8000, channels: 2 },
      interimResults: true,
      endpointingMs: 300,
      utteranceEndMs: 1000,
      vadEvents: true,
      language: 'en-US',
      punctuate: true,
      smartFormat: false,
      diarize: true,
      model: 'nova-3',
      provider: 'deepgram',
    });
    expect(ok('model=nova-2-general').options.provider).toBe('deepgram');
  });

  it('endpointing=false turns endpointing off', () => {
    expect(ok('endpointing=false').options.endpointingMs).toBe(false);
  });

  it('keyterm repeated or as the JSON list the SDK sends, deduplicated', () => {
    expect(ok('keyterm=Acme&keyterm=streamscribe&keyterm=Acme').options.keyterms).toEqual([
      'Acme',
      'streamscribe',
    ]);
    expect(ok(`keyterm=${encodeURIComponent('["a b","c"]')}`).options.keyterms).toEqual(['a b', 'c']);
    expect(refused(`keyterm=${encodeURIComponent('[1]')}`)).toMatch(/strings/);
  });

  it('model=auto or routing hints: we choose; provider= names one; fallback applies either way', () => {
    expect(ok('model=auto&costSensitive=true').options).toMatchObject({
      hints: { realTimeRequired: true, accuracyCritical: false, costSensitive: true },
    });
    expect(ok('model=auto').options.provider).toBeUndefined();
    expect(ok('provider=whisper&model=large-v3').options).toMatchObject({
      provider: 'whisper',
      model: 'large-v3',
    });
    expect(ok('model=nova-3&fallback=assemblyai,deepgram,whisper').options.fallback).toEqual([
      'assemblyai',
      'whisper',
    ]);
  });

  it('resume: session and resume_after', () => {
    expect(ok('session=abc-1&resume_after=1700000000000-3')).toMatchObject({
      resumeSession: 'abc-1',
      resumeAfter: '1700000000000-3',
    });
  });

  it.each([
    ['encoding=opus', /encoding/],
    ['sample_rate=abc', /sample_rate/],
    ['sample_rate=1000', /sample_rate/],
    ['channels=0', /channels/],
    ['interim_results=maybe', /interim_results/],
    ['utterance_end_ms=1000', /interim_results/],
    ['endpointing=-5', /endpointing/],
    ['model=large-v3', /not a Deepgram model/],
    ['provider=openai', /provider/],
    ['fallback=deepgram,nobody', /nobody/],
    ['language=en_US!', /language/],
    ['resume_after=1-0', /needs session/],
    ['session=abc&resume_after=yesterday', /event id/],
    ['session=a/b', /session/],
    ['encoding=linear16&encoding=mulaw', /more than once/],
  ])('refuses %s', (query, message) => {
    expect(refused(query)).toMatch(message);
  });
});
