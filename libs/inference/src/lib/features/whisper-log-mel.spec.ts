import { WhisperFeatureExtractor } from '@huggingface/transformers';
import { WhisperFeatureConfig, WhisperLogMel } from './whisper-log-mel';

// The oracle: @huggingface/transformers' WhisperFeatureExtractor (a dev dependency only), an
// implementation independent of ours, fed the same audio.
const config = (featureSize: number): WhisperFeatureConfig => ({
  feature_size: featureSize,
  sampling_rate: 16000,
  hop_length: 160,
  n_fft: 400,
  n_samples: 480000,
  nb_max_frames: 3000,
});

function testAudio(seconds: number): Float32Array {
  // Chirp, a tone and deterministic noise: energy across the whole mel range.
  let seed = 42;
  return Float32Array.from({ length: Math.round(seconds * 16000) }, (_, i) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const t = i / 16000;
    return (
      0.3 * Math.sin(2 * Math.PI * (200 + 900 * t) * t) +
      0.1 * Math.sin(2 * Math.PI * 3000 * t) +
      0.05 * (seed / 2 ** 31 - 0.5)
    );
  });
}

async function oracle(samples: Float32Array, featureSize: number): Promise<Float32Array> {
  const extractor = new WhisperFeatureExtractor({
    ...config(featureSize),
    feature_extractor_type: 'WhisperFeatureExtractor',
  });
  const { input_features } = await extractor(samples);
  return input_features.data as Float32Array;
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe('WhisperLogMel', () => {
  it.each([80, 128])(
    'matches the transformers.js feature extractor within 1e-4 (%i mel bins)',
    async (bins) => {
      const samples = testAudio(bins === 80 ? 2.5 : 1);
      const ours = new WhisperLogMel(config(bins)).compute(samples);
      expect(ours.length).toBe(bins * 3000);
      expect(maxAbsDifference(ours, await oracle(samples, bins))).toBeLessThan(1e-4);
    },
  );

  it('keeps only the first n_samples of longer audio, as the oracle does', async () => {
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const short = { ...config(80), n_samples: 16000, nb_max_frames: 100 };
    const samples = testAudio(1.5);
    const extractor = new WhisperFeatureExtractor({
      ...short,
      feature_extractor_type: 'WhisperFeatureExtractor',
    });
    const { input_features } = await extractor(samples);
    expect(
      maxAbsDifference(new WhisperLogMel(short).compute(samples), input_features.data as Float32Array),
    ).toBeLessThan(1e-4);
  });
});
