import type { LiveSessionOptions } from '@streamscribe/contracts';
import { createLogger } from '@streamscribe/observability';
import { type LiveTranscriberEvent, SegmentingLiveTranscriber } from '@streamscribe/providers';
import { TINY_WHISPER_TEXT, tinyModelDir, twoUtterances } from '@streamscribe/testing';
import { OnnxSessionFactory } from '../runtime/onnx-session.factory';
import { WhisperEngine } from './whisper-engine';
import { WhisperProvider } from './whisper.provider';

const OPTIONS: LiveSessionOptions = {
  format: { encoding: 'linear16', sampleRate: 16000, channels: 1 },
  interimResults: true,
  endpointingMs: 10,
  vadEvents: false,
  keyterms: [],
  hints: { realTimeRequired: true, accuracyCritical: false, costSensitive: false },
};

describe('SegmentingLiveTranscriber over the tiny Whisper export (real VAD, real model)', () => {
  let provider: WhisperProvider;
  beforeAll(async () => {
    const engine = await WhisperEngine.load(
      tinyModelDir('whisper'),
      new OnnxSessionFactory(
        { device: 'cpu', intraOpThreads: 1, graphOptimization: 'all' },
        createLogger('test'),
      ),
    );
    provider = new WhisperProvider(engine, {
      language: 'en',
      task: 'transcribe',
      timestamps: true,
      batch: { maxBatchSize: 1, maxWaitMs: 0 },
    });
  });
  afterAll(() => provider.close?.());

  it("decodes each utterance the VAD cuts: one speech_final per utterance, words on the connection's clock", async () => {
    const live = new SegmentingLiveTranscriber(provider, { interimIntervalMs: 1500 });
    const events: LiveTranscriberEvent[] = [];
    const failures: Error[] = [];
    const connection = await live.open(OPTIONS, {
      onEvent: (e) => events.push(e),
      onFailure: (e) => failures.push(e),
    });
    const { pcm, utterances } = twoUtterances();
    for (let at = 0; at < pcm.length; at += 3200) connection.send(pcm.subarray(at, at + 3200));
    await connection.close();
    await live.close();
    expect(failures).toEqual([]);

    const transcripts = events.filter((e) => e.type === 'transcript');
    const spoken = transcripts.filter((e) => e.isFinal && e.words.length > 0);
    expect(spoken.map((f) => [f.transcript, f.speechFinal])).toEqual([
      [TINY_WHISPER_TEXT, true],
      [TINY_WHISPER_TEXT, true],
    ]);
    spoken.forEach((final, i) => {
      expect(final.start).toBeGreaterThan(utterances[i].startMs / 1000 - 0.3);
      expect(final.start).toBeLessThanOrEqual(utterances[i].startMs / 1000);
      expect(final.start + final.duration).toBeGreaterThanOrEqual(utterances[i].endMs / 1000);
      for (const word of final.words) {
        expect(word.start).toBeGreaterThanOrEqual(final.start);
        expect(word.end).toBeLessThanOrEqual(final.start + final.duration + 1e-9);
      }
    });
    expect(transcripts.some((e) => !e.isFinal && e.transcript === TINY_WHISPER_TEXT)).toBe(true);
  }, 60_000);
});
