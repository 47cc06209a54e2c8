import { promptKeywords } from './openai-transcriptions.controller';
import { parseOpenAiModel } from './openai-model';

describe('parseOpenAiModel', () => {
  it.each(['auto', 'whisper-1', 'gpt-4o-transcribe', 'gpt-4o-mini-transcribe', 'AUTO'])(
    '%s means our policy',
    (model) => {
      expect(parseOpenAiModel(model)).toEqual({ ok: true, routing: { kind: 'auto' } });
    },
  );

  it('maps a provider and provider/model onto that provider', () => {
    expect(parseOpenAiModel('deepgram')).toEqual({
      ok: true,
      routing: { kind: 'provider', provider: 'deepgram' },
    });
    expect(parseOpenAiModel('whisper/base')).toEqual({
      ok: true,
      routing: { kind: 'provider', provider: 'whisper', model: 'base' },
    });
  });

  it('maps consensus:a,b,c onto consensus', () => {
    expect(parseOpenAiModel('consensus:deepgram,assemblyai,whisper')).toEqual({
      ok: true,
      routing: { kind: 'consensus', providers: 'deepgram,assemblyai,whisper' },
    });
  });

  it('refuses an empty or unknown model', () => {
    expect(parseOpenAiModel(undefined)).toMatchObject({ ok: false });
    expect(parseOpenAiModel('gpt-5')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not known/),
    });
  });
});

describe('promptKeywords', () => {
  it('keeps a comma list and turns free text into distinct words', () => {
    expect(promptKeywords('Kubernetes, Redis ,  ')).toBe('Kubernetes,Redis');
    expect(promptKeywords('Talk about Redis and redis streams.')).toBe('Talk,about,Redis,and,streams');
  });
});
