import { createSegmentingLiveTranscriber, loadWhisperProvider } from '@streamscribe/inference';
import { TranscriptionWorkerModule } from '@streamscribe/worker-runtime';
import { WhisperWorkerEnvironment } from './whisper-worker.environment';

export const WhisperWorkerModule = TranscriptionWorkerModule.forProvider({
  provider: 'whisper',
  environment: WhisperWorkerEnvironment,
  createProvider: (env) => loadWhisperProvider(env),
  // Live sessions: Silero VAD cuts utterances, this worker's model decodes them.
  createLiveTranscriber: (env, provider) => createSegmentingLiveTranscriber(env, provider),
});
