import { validateEnvironment } from '@streamscribe/config';
import { FASTER_WHISPER_DECODING } from '../whisper/decoding/whisper-decoding-options';
import { whisperDecodingFrom, withWhisperDecodingSettings } from './with-whisper-decoding-settings';

class DecodingEnvironment extends withWhisperDecodingSettings(class {}) {}

describe('Whisper decoding settings', () => {
  it("defaults to faster-whisper's decoding: beam 5, the temperature ladder and its thresholds", () => {
    expect(whisperDecodingFrom(validateEnvironment(DecodingEnvironment, {}))).toEqual(
      FASTER_WHISPER_DECODING,
    );
  });

  it('reads beam size, length penalty, a ladder, and off for a threshold', () => {
    const env = validateEnvironment(DecodingEnvironment, {
      WHISPER_BEAM_SIZE: '1',
      WHISPER_LENGTH_PENALTY: '0.5',
      WHISPER_TEMPERATURES: '0,0.5,1',
      WHISPER_LOGPROB_THRESHOLD: '-0.8',
      WHISPER_COMPRESSION_RATIO_THRESHOLD: 'off',
      WHISPER_SAMPLING_SEED: '42',
    });
    expect(whisperDecodingFrom(env)).toEqual({
      ...FASTER_WHISPER_DECODING,
      beamSize: 1,
      lengthPenalty: 0.5,
      temperatures: [0, 0.5, 1],
      logProbThreshold: -0.8,
      compressionRatioThreshold: undefined,
      seed: 42,
    });
  });

  it('names every bad variable and what it should be', () => {
    expect(() =>
      validateEnvironment(DecodingEnvironment, {
        WHISPER_BEAM_SIZE: '0',
        WHISPER_TEMPERATURES: '0;0.2',
        WHISPER_NO_SPEECH_THRESHOLD: 'never',
        WHISPER_LENGTH_PENALTY: 'long',
      }),
    ).toThrow(
      /WHISPER_BEAM_SIZE="?0"?: [\s\S]*WHISPER_LENGTH_PENALTY="long": .*WHISPER_LENGTH_PENALTY must be a number[\s\S]*WHISPER_TEMPERATURES="0;0.2": WHISPER_TEMPERATURES must be a comma list[\s\S]*WHISPER_NO_SPEECH_THRESHOLD="never": .*or off/,
    );
  });
});
