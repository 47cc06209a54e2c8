import { IsIn, IsInt, IsNotEmpty, IsUrl, Matches, Min } from 'class-validator';
import {
  DEEPGRAM_DEFAULT_BASE_URL,
  DEEPGRAM_LIVE_CLOSE_TIMEOUT_MS,
  DEEPGRAM_LIVE_KEEPALIVE_MS,
} from '@streamscribe/providers';
import { WorkerEnvironment } from '@streamscribe/worker-runtime';

export class DeepgramWorkerEnvironment extends WorkerEnvironment {
  override PORT = 9101;

  @IsNotEmpty({ message: 'DEEPGRAM_API_KEY is required: create a key at console.deepgram.com and export it' })
  DEEPGRAM_API_KEY = '';

  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'] },
    { message: 'DEEPGRAM_API_URL must be an http(s) URL' },
  )
  DEEPGRAM_API_URL = DEEPGRAM_DEFAULT_BASE_URL;

  @Matches(/^[a-z0-9._-]+$/i, { message: 'DEEPGRAM_MODEL must be a model name such as nova-3' })
  DEEPGRAM_MODEL = 'nova-3';

  /** BCP-47 language; empty means Deepgram detects it. */
  @Matches(/^([a-z]{2,3}(-[A-Za-z0-9]{2,8})*)?$/, {
    message: 'DEEPGRAM_LANGUAGE must be a BCP-47 tag such as en or en-US',
  })
  DEEPGRAM_LANGUAGE = '';

  @IsInt({ message: 'DEEPGRAM_TIMEOUT_MS must be an integer' })
  @Min(100)
  DEEPGRAM_TIMEOUT_MS = 30_000;

  @IsIn([true, false], { message: 'DEEPGRAM_SMART_FORMAT must be true or false' })
  DEEPGRAM_SMART_FORMAT = true;

  @IsIn([true, false], { message: 'DEEPGRAM_PUNCTUATE must be true or false' })
  DEEPGRAM_PUNCTUATE = true;

  @IsIn([true, false], { message: 'DEEPGRAM_DIARIZE must be true or false' })
  DEEPGRAM_DIARIZE = false;

  @IsIn([true, false], { message: 'DEEPGRAM_UTTERANCES must be true or false' })
  DEEPGRAM_UTTERANCES = false;

  /** Comma list of terms boosted on every request (keyterm on Nova-3, keywords before). */
  DEEPGRAM_KEYTERMS = '';

  /** Live sessions: a KeepAlive goes out after this long without audio (Deepgram closes after ~10 s). */
  @IsInt({ message: 'DEEPGRAM_LIVE_KEEPALIVE_MS must be an integer' })
  @Min(500)
  DEEPGRAM_LIVE_KEEPALIVE_MS = DEEPGRAM_LIVE_KEEPALIVE_MS;

  /** Live sessions: how long a CloseStream may take to bring Deepgram's last results and close. */
  @IsInt({ message: 'DEEPGRAM_LIVE_CLOSE_TIMEOUT_MS must be an integer' })
  @Min(100)
  DEEPGRAM_LIVE_CLOSE_TIMEOUT_MS = DEEPGRAM_LIVE_CLOSE_TIMEOUT_MS;
}
