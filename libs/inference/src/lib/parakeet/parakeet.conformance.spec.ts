import { createLogger } from '@streamscribe/observability';
import { describeTranscriptionProvider, tinyModelDir, tinyParakeetText } from '@streamscribe/testing';
import { OnnxSessionFactory } from '../runtime/onnx-session.factory';
import { ParakeetEngine } from './parakeet-engine';
import { ParakeetProvider } from './parakeet.provider';

describeTranscriptionProvider('parakeet', {
  backend: 'model',
  start: async () => {
    const sessions = new OnnxSessionFactory(
      { device: 'cpu', intraOpThreads: 1, graphOptimization: 'all' },
      createLogger('test'),
    );
    const engine = await ParakeetEngine.load(tinyModelDir('parakeet'), sessions);
    // Calls through to the real model; records its runs, and plays a runtime fault when told to.
    const runs = jest.spyOn(engine, 'transcribeBatch');
    const provider = new ParakeetProvider(engine, {
      batch: { maxBatchSize: 4, maxWaitMs: 1 },
      maxAudioSeconds: 10,
    });
    return {
      provider,
      backendCalls: () => runs.mock.calls.length,
      // The tiny model's text depends only on the audio's length.
      expectedText: (_spoken, seconds) => tinyParakeetText(seconds),
      failNextCall: (error) => runs.mockRejectedValueOnce(error),
      reset: () => runs.mockClear(),
      close: async () => runs.mockRestore(),
    };
  },
});
