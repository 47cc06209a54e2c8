import { IsInt, IsNumber, Matches, Max, Min } from 'class-validator';
import {
  FASTER_WHISPER_DECODING,
  WhisperDecodingOptions,
} from '../whisper/decoding/whisper-decoding-options';

/** Whisper's decoding variables (defaults: faster-whisper's, as in docs/configuration.md). */
export interface WhisperDecodingSettings {
  WHISPER_BEAM_SIZE: number;
  WHISPER_BEAM_PATIENCE: number;
  WHISPER_LENGTH_PENALTY: number;
  WHISPER_TEMPERATURES: string;
  WHISPER_BEST_OF: number;
  WHISPER_COMPRESSION_RATIO_THRESHOLD: string;
  WHISPER_LOGPROB_THRESHOLD: string;
  WHISPER_NO_SPEECH_THRESHOLD: string;
  WHISPER_SAMPLING_SEED: number;
}

const NUMBER_OR_OFF = /^(off|-?\d+(\.\d+)?)$/;
const TEMPERATURE_LADDER = /^\d+(\.\d+)?(,\d+(\.\d+)?)*$/;

/**
 * Adds Whisper's decoding variables to a worker's settings class (a mixin, like
 * withInferenceSettings). Thresholds are strings because `off` turns one off (an empty variable
 * keeps the default, as everywhere).
 */
// TypeScript requires a mixin's base constructor to take `...args: any[]`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function withWhisperDecodingSettings<B extends new (...args: any[]) => object>(Base: B) {
  class WithWhisperDecodingSettings extends Base implements WhisperDecodingSettings {
    /** Beams per 30 s window at temperature 0; 1 decodes greedily. */
    @IsInt({ message: 'WHISPER_BEAM_SIZE must be an integer (1 decodes greedily)' })
    @Min(1)
    @Max(16)
    WHISPER_BEAM_SIZE = FASTER_WHISPER_DECODING.beamSize;

    @IsNumber({}, { message: 'WHISPER_BEAM_PATIENCE must be a number' })
    @Min(0.1)
    @Max(10)
    WHISPER_BEAM_PATIENCE = FASTER_WHISPER_DECODING.patience;

    @IsNumber(
      {},
      { message: 'WHISPER_LENGTH_PENALTY must be a number (1 ranks by mean log-probability, 0 by sum)' },
    )
    @Min(0)
    @Max(5)
    WHISPER_LENGTH_PENALTY = FASTER_WHISPER_DECODING.lengthPenalty;

    @Matches(TEMPERATURE_LADDER, {
      message:
        'WHISPER_TEMPERATURES must be a comma list of temperatures ≥ 0, such as 0,0.2,0.4,0.6,0.8,1 (0 alone turns the fallback off)',
    })
    WHISPER_TEMPERATURES = FASTER_WHISPER_DECODING.temperatures.join(',');

    @IsInt({ message: 'WHISPER_BEST_OF must be an integer' })
    @Min(1)
    @Max(16)
    WHISPER_BEST_OF = FASTER_WHISPER_DECODING.bestOf;

    @Matches(NUMBER_OR_OFF, {
      message: 'WHISPER_COMPRESSION_RATIO_THRESHOLD must be a number such as 2.4, or off',
    })
    WHISPER_COMPRESSION_RATIO_THRESHOLD = String(FASTER_WHISPER_DECODING.compressionRatioThreshold);

    @Matches(NUMBER_OR_OFF, { message: 'WHISPER_LOGPROB_THRESHOLD must be a number such as -1, or off' })
    WHISPER_LOGPROB_THRESHOLD = String(FASTER_WHISPER_DECODING.logProbThreshold);

    @Matches(NUMBER_OR_OFF, {
      message: 'WHISPER_NO_SPEECH_THRESHOLD must be a probability such as 0.6, or off',
    })
    WHISPER_NO_SPEECH_THRESHOLD = String(FASTER_WHISPER_DECODING.noSpeechThreshold);

    @IsInt({ message: 'WHISPER_SAMPLING_SEED must be an integer' })
    @Min(0)
    WHISPER_SAMPLING_SEED = FASTER_WHISPER_DECODING.seed;
  }
  return WithWhisperDecodingSettings;
}

export function whisperDecodingFrom(env: WhisperDecodingSettings): WhisperDecodingOptions {
  const threshold = (value: string) => (value === 'off' ? undefined : Number(value));
  return {
    beamSize: env.WHISPER_BEAM_SIZE,
    patience: env.WHISPER_BEAM_PATIENCE,
    lengthPenalty: env.WHISPER_LENGTH_PENALTY,
    temperatures: env.WHISPER_TEMPERATURES.split(',').map(Number),
    bestOf: env.WHISPER_BEST_OF,
    compressionRatioThreshold: threshold(env.WHISPER_COMPRESSION_RATIO_THRESHOLD),
    logProbThreshold: threshold(env.WHISPER_LOGPROB_THRESHOLD),
    noSpeechThreshold: threshold(env.WHISPER_NO_SPEECH_THRESHOLD),
    seed: env.WHISPER_SAMPLING_SEED,
  };
}
