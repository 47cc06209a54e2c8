import { createLogger } from '@streamscribe/observability';
import type { TranscriptionProvider } from '@streamscribe/providers';
import { OnnxSessionFactory } from '../runtime/onnx-session.factory';
import { ParakeetEngine } from '../parakeet/parakeet-engine';
import { ParakeetProvider } from '../parakeet/parakeet.provider';
import { WhisperEngine } from '../whisper/whisper-engine';
import type { WhisperDtype } from '../whisper/whisper-model-files';
import { WhisperProvider } from '../whisper/whisper.provider';
import { InferenceSettings, batchOptionsFrom, sessionSettingsFrom } from './with-inference-settings';
import { WhisperDecodingSettings, whisperDecodingFrom } from './with-whisper-decoding-settings';

export interface WhisperSettings extends InferenceSettings, WhisperDecodingSettings {
  WHISPER_MODEL_DIR: string;
  WHISPER_MODEL_DTYPE: WhisperDtype;
  WHISPER_LANGUAGE: string;
  WHISPER_TASK: 'transcribe' | 'translate';
  WHISPER_TIMESTAMPS: boolean;
}

export interface ParakeetSettings extends InferenceSettings {
  PARAKEET_MODEL_DIR: string;
  PARAKEET_QUANTIZED: boolean;
}

/**
 * Loads the model and warms it up before returning, so a worker that says it is ready (and
 * answers /health/ready) has paid for session creation and the first run already.
 */
async function loadWarm<E extends { warmUp(): Promise<void> }>(provider: string, dir: string, load: (sessions: OnnxSessionFactory) => Promise<E>, settings: InferenceSettings): Promise<E> {
  const log = createLogger('inference').child({ provider });
  const sessions = new OnnxSessionFactory(sessionSettingsFrom(settings), log);
  const started = performance.now();
  const engine = await load(sessions);
  await engine.warmUp();
  log.info({ modelDir: dir, device: sessions.activeDevice, ms: Math.round(performance.now() - started) }, 'model loaded and warmed up');
  return engine;
}

export async function loadWhisperProvider(env: WhisperSettings): Promise<TranscriptionProvider> {
  const engine = await loadWarm('whisper', env.WHISPER_MODEL_DIR, (s) => WhisperEngine.load(env.WHISPER_MODEL_DIR, s, env.WHISPER_MODEL_DTYPE), env);
  return new WhisperProvider(engine, {
    language: env.WHISPER_LANGUAGE || undefined,
    task: env.WHISPER_TASK,
    timestamps: env.WHISPER_TIMESTAMPS,
    decoding: whisperDecodingFrom(env),
    batch: batchOptionsFrom(env),
  });
}

export async function loadParakeetProvider(env: ParakeetSettings): Promise<TranscriptionProvider> {
  const engine = await loadWarm('parakeet', env.PARAKEET_MODEL_DIR, (s) => ParakeetEngine.load(env.PARAKEET_MODEL_DIR, s, env.PARAKEET_QUANTIZED), env);
  return new ParakeetProvider(engine, { batch: batchOptionsFrom(env) });
}
