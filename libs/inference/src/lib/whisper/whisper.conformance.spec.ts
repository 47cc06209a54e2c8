import { createLogger } from '@streamscribe/observability';
import { TINY_WHISPER_TEXT, describeTranscriptionProvider, tinyModelDir } from '@streamscribe/testing';
import { OnnxSessionFactory } from '../runtime/onnx-session.factory';
import { WhisperEngine } from './whisper-engine';
import { WhisperProvider } from './whisper.provider';

describeTranscriptionProvider('whisper', {
  backend: 'model',
  start: async () => {
    const sessions = new OnnxSessionFactory(
      { device: 'cpu', intraOpThreads: 1, graphOptimization: 'all' },
      createLogger('test'),
    );
    const engine = await WhisperEngine.load(tinyModelDir('whisper'), sessions);
    // Calls through to the real model; records its runs, and plays a runtime fault when told to.
    const runs = jest.spyOn(engine, 'transcribeBatch');
    // 45 s: two 30 s windows at the limit.
    const provider = new WhisperProvider(engine, {
      language: 'en',
      task: 'transcribe',
      timestamps: true,
      batch: { maxBatchSize: 4, maxWaitMs: 1 },
      maxAudioSeconds: 45,
    });
    return {
      provider,
      backendCalls: () => runs.mock.calls.length,
      // The tiny model says the same in every 30 s window, whatever it hears.
      expectedText: (_spoken, seconds) =>
        Array(Math.ceil(seconds / engine.windowSeconds))
          .fill(TINY_WHISPER_TEXT)
          .join(' '),
      failNextCall: (error) => runs.mockRejectedValueOnce(error),
      reset: () => runs.mockClear(),
      close: async () => runs.mockRestore(),
    };
  },
});
