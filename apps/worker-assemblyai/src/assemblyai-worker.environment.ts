import { IsIn, IsInt, IsNotEmpty, IsUrl, Matches, Max, Min } from 'class-validator';
import { ASSEMBLYAI_DEFAULT_BASE_URL } from '@streamscribe/providers';
import { WorkerEnvironment } from '@streamscribe/worker-runtime';

export class AssemblyAIWorkerEnvironment extends WorkerEnvironment {
  override PORT = 9104;

  @IsNotEmpty({
    message: 'ASSEMBLYAI_API_KEY is required: copy your key from the AssemblyAI dashboard and export it',
  })
  ASSEMBLYAI_API_KEY = '';

  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'] },
    { message: 'ASSEMBLYAI_BASE_URL must be an http(s) URL' },
  )
  ASSEMBLYAI_BASE_URL = ASSEMBLYAI_DEFAULT_BASE_URL;

  @Matches(/^[a-z0-9._-]+$/i, {
    message: 'ASSEMBLYAI_SPEECH_MODEL must be a model name such as universal, slam-1 or nano',
  })
  ASSEMBLYAI_SPEECH_MODEL = 'universal';

  /** BCP-47 or AssemblyAI's code (en_us); empty means language detection. */
  @Matches(/^([a-z]{2,3}([-_][A-Za-z0-9]{2,8})*)?$/, {
    message: 'ASSEMBLYAI_LANGUAGE must be a language code such as en, en_us or de',
  })
  ASSEMBLYAI_LANGUAGE = '';

  @IsInt({ message: 'ASSEMBLYAI_POLLING_INTERVAL_MS must be an integer' })
  @Min(50)
  @Max(60_000)
  ASSEMBLYAI_POLLING_INTERVAL_MS = 1000;

  @IsInt({ message: 'ASSEMBLYAI_POLLING_TIMEOUT_MS must be an integer' })
  @Min(100)
  ASSEMBLYAI_POLLING_TIMEOUT_MS = 120_000;

  @IsInt({ message: 'ASSEMBLYAI_REQUEST_TIMEOUT_MS must be an integer' })
  @Min(100)
  ASSEMBLYAI_REQUEST_TIMEOUT_MS = 30_000;

  @IsIn([true, false], { message: 'ASSEMBLYAI_PUNCTUATE must be true or false' })
  ASSEMBLYAI_PUNCTUATE = true;

  @IsIn([true, false], { message: 'ASSEMBLYAI_FORMAT_TEXT must be true or false' })
  ASSEMBLYAI_FORMAT_TEXT = true;

  @IsIn([true, false], { message: 'ASSEMBLYAI_SPEAKER_LABELS must be true or false' })
  ASSEMBLYAI_SPEAKER_LABELS = false;

  /** Comma list of terms boosted on every request. */
  ASSEMBLYAI_KEYTERMS = '';

  /** Live sessions: the v3 WebSocket URL; empty derives it from ASSEMBLYAI_BASE_URL. */
  @Matches(/^(wss:\/\/\S+)?$/, { message: 'ASSEMBLYAI_STREAMING_URL must be a wss:// URL (or empty)' })
  ASSEMBLYAI_STREAMING_URL = '';

  /** Live sessions: streaming `speech_model`; empty picks by language (universal-streaming-english / -multilingual). */
  @Matches(/^[a-z0-9._-]*$/i, {
    message: 'ASSEMBLYAI_STREAMING_MODEL must be a model name such as universal-streaming-english',
  })
  ASSEMBLYAI_STREAMING_MODEL = '';
}
