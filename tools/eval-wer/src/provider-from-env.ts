import { IsIn, IsInt, IsNotEmpty, IsUrl, Min } from 'class-validator';
import { validateEnvironment } from '@streamscribe/config';
import {
  WHISPER_DTYPE_SUFFIXES,
  WhisperDtype,
  loadParakeetProvider,
  loadWhisperProvider,
  withInferenceSettings,
  withWhisperDecodingSettings,
} from '@streamscribe/inference';
import {
  ASSEMBLYAI_DEFAULT_BASE_URL,
  AssemblyAIProvider,
  DEEPGRAM_DEFAULT_BASE_URL,
  DeepgramProvider,
  TranscriptionProvider,
} from '@streamscribe/providers';

// The same variable names and defaults as each provider's worker, so one environment serves both.

class DeepgramSettings {
  @IsNotEmpty({
    message:
      'DEEPGRAM_API_KEY is required for --provider deepgram: create a key at console.deepgram.com and export it',
  })
  DEEPGRAM_API_KEY = '';

  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'] },
    { message: 'DEEPGRAM_API_URL must be an http(s) URL' },
  )
  DEEPGRAM_API_URL = DEEPGRAM_DEFAULT_BASE_URL;

  DEEPGRAM_MODEL = 'nova-3';

  @IsInt({ message: 'DEEPGRAM_TIMEOUT_MS must be an integer' })
  @Min(100)
  DEEPGRAM_TIMEOUT_MS = 120_000;
}

class AssemblyAISettings {
  @IsNotEmpty({
    message:
      'ASSEMBLYAI_API_KEY is required for --provider assemblyai: copy it from assemblyai.com/app and export it',
  })
  ASSEMBLYAI_API_KEY = '';

  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'] },
    { message: 'ASSEMBLYAI_BASE_URL must be an http(s) URL' },
  )
  ASSEMBLYAI_BASE_URL = ASSEMBLYAI_DEFAULT_BASE_URL;

  ASSEMBLYAI_SPEECH_MODEL = 'universal';
}

const DTYPES = Object.keys(WHISPER_DTYPE_SUFFIXES);

class WhisperSettings extends withWhisperDecodingSettings(withInferenceSettings(class {})) {
  @IsNotEmpty({
    message:
      'WHISPER_MODEL_DIR is required for --provider whisper: run `npm run models:download -- whisper-base` and set it to the folder it prints',
  })
  WHISPER_MODEL_DIR = '';

  @IsIn(DTYPES, { message: `WHISPER_MODEL_DTYPE must be one of ${DTYPES.join(', ')}` })
  WHISPER_MODEL_DTYPE: WhisperDtype = 'fp32';

  /** Empty detects the language per window. */
  WHISPER_LANGUAGE = '';
  WHISPER_TASK = 'transcribe' as const;
  WHISPER_TIMESTAMPS = false;
}

class ParakeetSettings extends withInferenceSettings(class {}) {
  @IsNotEmpty({
    message:
      'PARAKEET_MODEL_DIR is required for --provider parakeet: run `npm run models:download -- parakeet-tdt-0.6b-v2` and set it to the folder it prints',
  })
  PARAKEET_MODEL_DIR = '';

  @IsIn([true, false], { message: 'PARAKEET_QUANTIZED must be true or false' })
  PARAKEET_QUANTIZED = false;
}

export const PROVIDER_NAMES = ['deepgram', 'assemblyai', 'whisper', 'parakeet'] as const;

/** The provider adapter a worker of that provider would run, configured from the same variables. */
export async function providerFromEnv(
  name: string,
  env: Record<string, string | undefined>,
): Promise<TranscriptionProvider> {
  switch (name) {
    case 'deepgram': {
      const s = validateEnvironment(DeepgramSettings, env);
      return new DeepgramProvider({
        apiKey: s.DEEPGRAM_API_KEY,
        baseUrl: s.DEEPGRAM_API_URL,
        model: s.DEEPGRAM_MODEL,
        timeoutMs: s.DEEPGRAM_TIMEOUT_MS,
        punctuate: true,
        smartFormat: true,
      });
    }
    case 'assemblyai': {
      const s = validateEnvironment(AssemblyAISettings, env);
      return new AssemblyAIProvider({
        apiKey: s.ASSEMBLYAI_API_KEY,
        baseUrl: s.ASSEMBLYAI_BASE_URL,
        speechModel: s.ASSEMBLYAI_SPEECH_MODEL,
        pollingIntervalMs: 1000,
        pollingTimeoutMs: 600_000,
        requestTimeoutMs: 60_000,
        punctuate: true,
        formatText: true,
        speakerLabels: false,
        keyterms: [],
      });
    }
    case 'whisper':
      return loadWhisperProvider(validateEnvironment(WhisperSettings, env));
    case 'parakeet':
      return loadParakeetProvider(validateEnvironment(ParakeetSettings, env));
    default:
      throw new Error(`--provider must be one of ${PROVIDER_NAMES.join(', ')}, got '${name}'`);
  }
}
