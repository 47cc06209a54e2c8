import { createLogger } from '@streamscribe/observability';
import type { TranscriptionProvider } from '@streamscribe/providers';
import { loadParakeetModelFiles } from '../parakeet/parakeet-model-files';
import type { ParakeetResult } from '../parakeet/parakeet-engine';
import { ParakeetProvider } from '../parakeet/parakeet.provider';
import type { EngineSpec } from '../threads/engine-spec';
import { EngineThread } from '../threads/engine-thread';
import { ownedSamples } from '../threads/transferable-samples';
import { WhisperThreadEngine } from '../threads/whisper-thread-engine';
import type { WhisperWindow, WindowResult } from '../whisper/whisper-engine';
import { WhisperDtype, loadWhisperModelFiles } from '../whisper/whisper-model-files';
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
 * Starts the engine thread, which loads the model and warms it up before this resolves, so a
 * worker that says it is ready (and answers /health/ready) has paid for session creation and the
 * first run already.
 */
function startEngineThread<I, O>(spec: EngineSpec): Promise<EngineThread<I, O>> {
  return EngineThread.start<I, O>(spec, createLogger('inference').child({ provider: spec.kind }));
}

export async function loadWhisperProvider(env: WhisperSettings): Promise<TranscriptionProvider> {
  // Read here first: a directory that lacks files fails the start at once, naming them.
  const files = loadWhisperModelFiles(env.WHISPER_MODEL_DIR, env.WHISPER_MODEL_DTYPE);
  const thread = await startEngineThread<WhisperWindow, WindowResult>({
    kind: 'whisper',
    dir: env.WHISPER_MODEL_DIR,
    dtype: env.WHISPER_MODEL_DTYPE,
    session: sessionSettingsFrom(env),
  });
  return new WhisperProvider(new WhisperThreadEngine(files, thread), {
    language: env.WHISPER_LANGUAGE || undefined,
    task: env.WHISPER_TASK,
    timestamps: env.WHISPER_TIMESTAMPS,
    decoding: whisperDecodingFrom(env),
    batch: batchOptionsFrom(env),
  });
}

export async function loadParakeetProvider(env: ParakeetSettings): Promise<TranscriptionProvider> {
  loadParakeetModelFiles(env.PARAKEET_MODEL_DIR, env.PARAKEET_QUANTIZED);
  const thread = await startEngineThread<Float32Array, ParakeetResult>({
    kind: 'parakeet',
    dir: env.PARAKEET_MODEL_DIR,
    quantized: env.PARAKEET_QUANTIZED,
    session: sessionSettingsFrom(env),
  });
  const transcribeBatch = (waveforms: Float32Array[]) => {
    const owned = waveforms.map(ownedSamples);
    return thread.run(
      owned.map((o) => o.samples),
      owned.map((o) => o.buffer),
    );
  };
  return new ParakeetProvider(
    { transcribeBatch, close: () => thread.close() },
    { batch: batchOptionsFrom(env) },
  );
}
