import { ProviderError } from '@streamscribe/providers';
import { createLogger } from '@streamscribe/observability';
import {
  TINY_WHISPER_DETECTED_LANGUAGE,
  TINY_WHISPER_TEXT,
  speechPcm,
  speechWav,
  tinyModelDir,
} from '@streamscribe/testing';
import { OnnxSessionFactory } from '../runtime/onnx-session.factory';
import { WhisperEngine } from './whisper-engine';
import { WhisperProvider } from './whisper.provider';

describe('WhisperProvider on the tiny export', () => {
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
      batch: { maxBatchSize: 4, maxWaitMs: 5 },
    });
  });

  it('declares what it can do: the languages of the model, segment-based word times', () => {
    expect(provider.capabilities).toEqual({
      languages: ['en', 'de', 'fr', 'es'],
      diarization: false,
      wordTimestamps: true,
      streaming: false,
      maxAudioSeconds: 600,
    });
  });

  it('uses the request language hint (its primary subtag) over the configured one, or detects when asked', async () => {
    const hinted = await provider.transcribe({
      audio: speechWav('x', { durationSeconds: 1 }),
      format: 'wav',
      language: 'de-AT',
    });
    expect(hinted).toMatchObject({ text: TINY_WHISPER_TEXT, language: 'de', durationSeconds: 1 });
    const detected = await provider.transcribe({
      audio: speechPcm('x', { durationSeconds: 1 }),
      format: 'l16',
      sampleRate: 16000,
      options: { detectLanguage: true },
    });
    expect(detected.language).toBe(TINY_WHISPER_DETECTED_LANGUAGE);
    expect(detected.raw).toEqual({ segments: [{ start: 0, end: 1, text: TINY_WHISPER_TEXT }] });
  });

  it('classifies unreadable audio as a permanent provider error', async () => {
    const failure = provider.transcribe({
      audio: Buffer.from('not audio at all, not even close'),
      format: 'unknown',
    });
    await expect(failure).rejects.toBeInstanceOf(ProviderError);
    await expect(failure).rejects.toMatchObject({
      provider: 'whisper',
      kind: 'permanent',
      message: expect.stringMatching(/audio format unknown/),
    });
  });
});
