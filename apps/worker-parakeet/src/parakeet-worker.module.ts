import { createSegmentingLiveTranscriber, loadParakeetProvider } from '@streamscribe/inference';
import { TranscriptionWorkerModule } from '@streamscribe/worker-runtime';
import { ParakeetWorkerEnvironment } from './parakeet-worker.environment';

export const ParakeetWorkerModule = TranscriptionWorkerModule.forProvider({
  provider: 'parakeet',
  environment: ParakeetWorkerEnvironment,
  createProvider: (env) => loadParakeetProvider(env),
  // Live sessions: Silero VAD cuts utterances, this worker's model decodes them.
  createLiveTranscriber: (env, provider) => createSegmentingLiveTranscriber(env, provider),
});
