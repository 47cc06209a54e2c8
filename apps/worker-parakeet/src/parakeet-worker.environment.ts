import { IsIn, IsNotEmpty } from 'class-validator';
import { ParakeetSettings, withInferenceSettings, withLiveSegmentingSettings } from '@streamscribe/inference';
import { WorkerEnvironment } from '@streamscribe/worker-runtime';

export class ParakeetWorkerEnvironment
  extends withLiveSegmentingSettings(withInferenceSettings(WorkerEnvironment))
  implements ParakeetSettings
{
  override PORT = 9103;

  @IsNotEmpty({
    message:
      'PARAKEET_MODEL_DIR is required: run `npm run models:download -- parakeet-tdt-0.6b-v2` and set it to the folder it prints',
  })
  PARAKEET_MODEL_DIR = '';

  /** Use the export's int8 encoder and decoder (encoder-model.int8.onnx, decoder_joint-model.int8.onnx). */
  @IsIn([true, false], { message: 'PARAKEET_QUANTIZED must be true or false' })
  PARAKEET_QUANTIZED = false;
}
