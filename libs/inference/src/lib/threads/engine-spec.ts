import type { SessionSettings } from '../runtime/inference-device';
import type { WhisperDtype } from '../whisper/whisper-model-files';

/**
 * What an engine thread loads: plain data, because it crosses into the thread as workerData and
 * is loaded again, from the same spec, when a crashed thread is replaced.
 */
export type EngineSpec =
  | { kind: 'whisper'; dir: string; dtype: WhisperDtype; session: SessionSettings }
  | { kind: 'parakeet'; dir: string; quantized: boolean; session: SessionSettings };
