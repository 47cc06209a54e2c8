// The body of an engine thread: loads the model named by workerData (an EngineSpec), warms it up,
// then runs each batch the host posts, one at a time. ONNX Runtime, log-mel features and decoding
// all run here, so the worker's own event loop only posts audio and receives text.
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { createLogger } from '@streamscribe/observability';
import { ParakeetEngine } from '../parakeet/parakeet-engine';
import { OnnxSessionFactory } from '../runtime/onnx-session.factory';
import { WhisperEngine } from '../whisper/whisper-engine';
import type { EngineSpec } from './engine-spec';
import { RunBatch, ThreadReply, toThreadError } from './engine-thread-messages';

interface BatchEngine {
  warmUp(): Promise<void>;
  transcribeBatch(items: never[]): Promise<unknown[]>;
}

function load(spec: EngineSpec, sessions: OnnxSessionFactory): Promise<BatchEngine> {
  return spec.kind === 'whisper'
    ? WhisperEngine.load(spec.dir, sessions, spec.dtype)
    : ParakeetEngine.load(spec.dir, sessions, spec.quantized);
}

async function serve(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('engine-thread.main runs inside a worker thread (EngineThread starts it)');
  const post = (reply: ThreadReply) => port.postMessage(reply);
  const spec = workerData as EngineSpec;
  const sessions = new OnnxSessionFactory(
    spec.session,
    createLogger('inference').child({ provider: spec.kind, threadId }),
  );
  const started = performance.now();
  let engine: BatchEngine;
  try {
    engine = await load(spec, sessions);
    await engine.warmUp();
  } catch (error) {
    // No message listener is left behind: the thread ends once this is posted.
    post({ type: 'load-failed', error: toThreadError(error) });
    return;
  }
  post({
    type: 'ready',
    device: sessions.activeDevice ?? 'cpu',
    loadMs: Math.round(performance.now() - started),
  });
  let queue = Promise.resolve();
  port.on('message', ({ id, items }: RunBatch) => {
    queue = queue.then(() =>
      engine.transcribeBatch(items as never[]).then(
        (outputs) => post({ type: 'done', id, outputs }),
        (error: unknown) => post({ type: 'failed', id, error: toThreadError(error) }),
      ),
    );
  });
}

void serve();
