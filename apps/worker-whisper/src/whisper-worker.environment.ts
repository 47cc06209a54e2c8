import { IsIn, IsNotEmpty, Matches } from 'class-validator';
import {
  WHISPER_DTYPE_SUFFIXES,
  WhisperDtype,
  WhisperSettings,
  withInferenceSettings,
  withLiveSegmentingSettings,
  withWhisperDecodingSettings,
} from '@streamscribe/inference';
import { WorkerEnvironment } from '@streamscribe/worker-runtime';

const DTYPES = Object.keys(WHISPER_DTYPE_SUFFIXES);

export class WhisperWorkerEnvironment
  extends withLiveSegmentingSettings(withWhisperDecodingSettings(withInferenceSettings(WorkerEnvironment)))
  implements WhisperSettings
{
  override PORT = 9102;

  @IsNotEmpty({
    message:
      'WHISPER_MODEL_DIR is required: run `npm run models:download -- whisper-base` and set it to the folder it prints',
  })
  WHISPER_MODEL_DIR = '';

  /** Which weights of the export: fp32 is onnx/*_model.onnx, q8 *_quantized.onnx, and so on. */
  @IsIn(DTYPES, { message: `WHISPER_MODEL_DTYPE must be one of ${DTYPES.join(', ')}` })
  WHISPER_MODEL_DTYPE: WhisperDtype = 'fp32';

  /** Language code to force (en, de, …); empty detects it per 30 s window. */
  @Matches(/^([a-z]{2,3}|haw)?$/, {
    message: 'WHISPER_LANGUAGE must be a language code such as en, or empty to detect it',
  })
  WHISPER_LANGUAGE = '';

  @IsIn(['transcribe', 'translate'], { message: 'WHISPER_TASK must be transcribe or translate (to English)' })
  WHISPER_TASK: 'transcribe' | 'translate' = 'transcribe';

  /** Segment timestamps from the model; word times follow them. */
  @IsIn([true, false], { message: 'WHISPER_TIMESTAMPS must be true or false' })
  WHISPER_TIMESTAMPS = false;
}
