import type { WhisperWindow, WindowResult } from '../whisper/whisper-engine';
import type { WhisperModelFiles } from '../whisper/whisper-model-files';
import { WhisperSpecialTokens } from '../whisper/whisper-special-tokens';
import type { EngineThread } from './engine-thread';
import { ownedSamples } from './transferable-samples';

/**
 * Whisper in an engine thread, seen from the worker: the token table and window length come from
 * the model's JSON files read here (the provider needs them to choose languages and cut windows),
 * batches go to the thread.
 */
export class WhisperThreadEngine {
  readonly tokens: WhisperSpecialTokens;
  readonly windowSeconds: number;

  constructor(
    files: WhisperModelFiles,
    private readonly thread: EngineThread<WhisperWindow, WindowResult>,
  ) {
    this.tokens = new WhisperSpecialTokens(files.generation);
    this.windowSeconds = files.features.n_samples / files.features.sampling_rate;
  }

  transcribeBatch(windows: WhisperWindow[]): Promise<WindowResult[]> {
    const owned = windows.map((w) => ownedSamples(w.samples));
    return this.thread.run(
      windows.map((w, i) => ({ ...w, samples: owned[i].samples })),
      owned.map((o) => o.buffer),
    );
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
