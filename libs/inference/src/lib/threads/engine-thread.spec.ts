import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ProviderError } from '@streamscribe/providers';
import { TINY_WHISPER_TEXT, tinyModelDir, tinyParakeetText } from '@streamscribe/testing';
import type { ParakeetResult } from '../parakeet/parakeet-engine';
import type { SessionSettings } from '../runtime/inference-device';
import type { WhisperWindow, WindowResult } from '../whisper/whisper-engine';
import { loadWhisperModelFiles } from '../whisper/whisper-model-files';
import { WhisperProvider } from '../whisper/whisper.provider';
import { EngineThread } from './engine-thread';
import { sourceThreadEntry } from './engine-thread-entry';
import { EngineThreadExitedError } from './engine-thread-exited.error';
import { WhisperThreadEngine } from './whisper-thread-engine';

// Real worker threads loading the committed tiny models through the SWC register hook: each start
// costs a second or two on a busy 2-core machine.
jest.setTimeout(60_000);

/** A window this long makes crash-on-marker.thread-fixture.ts end its thread. */
const CRASH_MARKER_SAMPLES = 12_345;

const cpu: SessionSettings = { device: 'cpu', intraOpThreads: 1, graphOptimization: 'all' };

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write: (chunk, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()),
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

const window = (samples: Float32Array): WhisperWindow => ({
  samples,
  offsetSeconds: 0,
  language: 'en',
  task: 'transcribe',
  timestamps: false,
});

describe('EngineThread', () => {
  it('runs Whisper in a worker thread: loads, warms up, says so, and decodes a batch to the known text', async () => {
    const { log, lines } = capturedLogger();
    const thread = await EngineThread.start<WhisperWindow, WindowResult>(
      { kind: 'whisper', dir: tinyModelDir('whisper'), dtype: 'fp32', session: cpu },
      log,
    );
    try {
      expect(thread.activeDevice).toBe('cpu');
      expect(lines.find((l) => l['msg'] === 'model loaded and warmed up')).toMatchObject({
        device: 'cpu',
        modelDir: tinyModelDir('whisper'),
      });
      const results = await thread.run([window(new Float32Array(16000)), window(new Float32Array(40000))]);
      expect(results.map((r) => r.text)).toEqual([TINY_WHISPER_TEXT, TINY_WHISPER_TEXT]);
    } finally {
      await thread.close();
    }
  });

  it('runs Parakeet in a worker thread', async () => {
    const { log } = capturedLogger();
    const thread = await EngineThread.start<Float32Array, ParakeetResult>(
      { kind: 'parakeet', dir: tinyModelDir('parakeet'), quantized: false, session: cpu },
      log,
    );
    try {
      const [result] = await thread.run([new Float32Array(32000).fill(0.01)]);
      expect(result.text).toBe(tinyParakeetText(2));
    } finally {
      await thread.close();
    }
  });

  it("rejects its start with the thread's load error, by name and message", async () => {
    const { log } = capturedLogger();
    const start = EngineThread.start(
      { kind: 'whisper', dir: tinyModelDir('whisper'), dtype: 'fp32', session: { ...cpu, device: 'cuda' } },
      log,
    );
    await expect(start).rejects.toMatchObject({
      name: 'CudaUnavailableError',
      message: expect.stringMatching(
        /^INFERENCE_DEVICE=cuda but ONNX Runtime's CUDA execution provider did not load/,
      ),
    });
  });

  it('after close, refuses batches saying the worker is shutting down', async () => {
    const { log } = capturedLogger();
    const thread = await EngineThread.start<Float32Array, ParakeetResult>(
      { kind: 'parakeet', dir: tinyModelDir('parakeet'), quantized: false, session: cpu },
      log,
    );
    await thread.close();
    await thread.close();
    await expect(thread.run([new Float32Array(100)])).rejects.toThrow(/closed: the worker is shutting down/);
  });

  it('a thread that dies mid-batch fails that batch retryably, and a fresh thread serves the next one', async () => {
    const { log, lines } = capturedLogger();
    const dir = tinyModelDir('whisper');
    const thread = await EngineThread.start<WhisperWindow, WindowResult>(
      { kind: 'whisper', dir, dtype: 'fp32', session: cpu },
      log,
      sourceThreadEntry(join(__dirname, 'crash-on-marker.thread-fixture.ts')),
    );
    const provider = new WhisperProvider(new WhisperThreadEngine(loadWhisperModelFiles(dir), thread), {
      language: 'en',
      task: 'transcribe',
      timestamps: false,
      batch: { maxBatchSize: 4, maxWaitMs: 50 },
    });
    try {
      const pcm = (samples: number) => ({
        audio: Buffer.alloc(samples * 2, 1),
        format: 'l16' as const,
        sampleRate: 16000,
      });
      // Two chunks in one batch; the marker in one of them kills the thread.
      const outcomes = await Promise.allSettled([
        provider.transcribe(pcm(CRASH_MARKER_SAMPLES)),
        provider.transcribe(pcm(16000)),
      ]);
      for (const outcome of outcomes) {
        expect(outcome.status).toBe('rejected');
        const error = (outcome as PromiseRejectedResult).reason as ProviderError;
        expect(error).toBeInstanceOf(ProviderError);
        expect(error).toMatchObject({
          kind: 'retryable',
          message: expect.stringMatching(/inference thread stopped \(exit code 70\).*restarted/),
        });
        expect(error.cause).toBeInstanceOf(EngineThreadExitedError);
      }
      expect(lines.find((l) => l['msg'] === 'inference thread stopped; starting a new one')).toMatchObject({
        reason: 'exit code 70',
      });
      await expect(provider.transcribe(pcm(16000))).resolves.toMatchObject({ text: TINY_WHISPER_TEXT });
      expect(lines.filter((l) => l['msg'] === 'model loaded and warmed up')).toHaveLength(2);
    } finally {
      await provider.close();
    }
  });
});
