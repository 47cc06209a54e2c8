import type { LiveEvent, LiveSessionOptions } from '@streamscribe/contracts';
import {
  deepgramFailover,
  deepgramMetadata,
  deepgramResults,
  deepgramSpeechStarted,
  deepgramUtteranceEnd,
  modelUuid,
} from './deepgram-messages';

const OPTIONS: LiveSessionOptions = {
  format: { encoding: 'linear16', sampleRate: 16000, channels: 1 },
  interimResults: true,
  endpointingMs: 10,
  vadEvents: true,
  keyterms: [],
  hints: { realTimeRequired: true, accuracyCritical: false, costSensitive: false },
};

describe('LiveEvent → Deepgram messages', () => {
  it("a results event is Deepgram's Results, with our streamscribe stamp", () => {
    const event: LiveEvent = {
      type: 'results',
      epoch: 2,
      provider: 'assemblyai',
      isFinal: true,
      speechFinal: false,
      fromFinalize: true,
      start: 1.23456,
      duration: 0.5,
      transcript: 'Hello.',
      confidence: 0.9,
      words: [{ word: 'hello', punctuatedWord: 'Hello.', start: 1.23456, end: 1.7, confidence: 0.9 }],
      model: 'universal',
    };
    expect(deepgramResults(event, '5-0', 'sess', OPTIONS)).toEqual({
      type: 'Results',
      channel_index: [0, 1],
      duration: 0.5,
      start: 1.235,
      is_final: true,
      speech_final: false,
      from_finalize: true,
      channel: {
        alternatives: [
          {
            transcript: 'Hello.',
            confidence: 0.9,
            words: [{ word: 'hello', punctuated_word: 'Hello.', start: 1.235, end: 1.7, confidence: 0.9 }],
          },
        ],
      },
      metadata: {
        request_id: 'sess',
        model_info: { name: 'universal', version: 'assemblyai', arch: 'assemblyai' },
        model_uuid: modelUuid('universal'),
      },
      streamscribe: { provider: 'assemblyai', epoch: 2, event_id: '5-0', session_id: 'sess' },
    });
  });

  it('SpeechStarted, UtteranceEnd, Failover and Metadata', () => {
    const stamp = { epoch: 3, provider: 'deepgram' as const };
    expect(deepgramSpeechStarted({ ...stamp, type: 'speech_started', timestamp: 2.5 })).toEqual({
      type: 'SpeechStarted',
      channel: [0],
      timestamp: 2.5,
    });
    expect(deepgramUtteranceEnd({ ...stamp, type: 'utterance_end', lastWordEnd: 3.1 })).toEqual({
      type: 'UtteranceEnd',
      channel: [0, 1],
      last_word_end: 3.1,
    });
    expect(
      deepgramFailover(
        {
          ...stamp,
          type: 'failover',
          from: 'whisper',
          code: 'provider_stalled',
          reason: 'quiet',
          resumeFrom: 4,
        },
        '9-1',
        's',
      ),
    ).toEqual({
      type: 'Failover',
      from: 'whisper',
      to: 'deepgram',
      reason: 'provider_stalled',
      message: 'quiet',
      resume_from: 4,
      streamscribe: { provider: 'deepgram', epoch: 3, event_id: '9-1', session_id: 's' },
    });
    const metadata = deepgramMetadata({
      sessionId: 's',
      created: 0,
      duration: 12.3456,
      options: { ...OPTIONS, model: 'nova-3' },
      providers: ['deepgram'],
    });
    expect(metadata).toMatchObject({ type: 'Metadata', request_id: 's', duration: 12.346, channels: 1 });
    expect(metadata.models).toEqual([modelUuid('nova-3')]);
    expect(metadata.created).toBe('1970-01-01T00:00:00.000Z');
  });
});
