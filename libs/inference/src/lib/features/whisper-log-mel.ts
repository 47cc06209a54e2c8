import { RealFft } from './fft';
import { SparseFilter, melFilterBank, sparseFilters } from './mel-filter-bank';

/** The fields of a Whisper `preprocessor_config.json` the features depend on. */
export interface WhisperFeatureConfig {
  feature_size: number;
  sampling_rate: number;
  hop_length: number;
  n_fft: number;
  n_samples: number;
  nb_max_frames: number;
}

/**
 * Whisper's log-mel spectrogram, in memory: the audio padded (or cut) to n_samples, a centred
 * (reflect-padded) periodic-Hann STFT, power spectrum, Slaney mel filters, log10 floored at 1e-10,
 * clamped to 8 below its maximum, then (x + 4) / 4. Returns [feature_size × nb_max_frames],
 * row-major by mel bin, as the encoder's input_features expects.
 */
export class WhisperLogMel {
  private readonly fft: RealFft;
  private readonly window: Float64Array;
  private readonly filters: SparseFilter[];

  constructor(readonly config: WhisperFeatureConfig) {
    this.fft = new RealFft(config.n_fft);
    this.window = Float64Array.from(
      { length: config.n_fft },
      (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / config.n_fft),
    );
    this.filters = sparseFilters(
      melFilterBank({ sampleRate: config.sampling_rate, nFft: config.n_fft, melBins: config.feature_size }),
    );
  }

  get frames(): number {
    return this.config.nb_max_frames;
  }

  compute(samples: Float32Array): Float32Array {
    const { n_fft: nFft, hop_length: hop, n_samples: nSamples, feature_size: bins } = this.config;
    const frames = this.config.nb_max_frames;
    const padded = reflectPad(samples, nSamples, nFft / 2);
    const frame = new Float64Array(nFft);
    const power = new Float64Array(nFft / 2 + 1);
    const logMel = new Float64Array(bins * frames);
    let max = -Infinity;
    for (let f = 0; f < frames; f++) {
      const start = f * hop;
      for (let i = 0; i < nFft; i++) frame[i] = padded[start + i] * this.window[i];
      this.fft.powerSpectrum(frame, power);
      for (let m = 0; m < bins; m++) {
        const { from, weights } = this.filters[m];
        let energy = 0;
        for (let k = 0; k < weights.length; k++) energy += weights[k] * power[from + k];
        const value = Math.log10(Math.max(energy, 1e-10));
        logMel[m * frames + f] = value;
        if (value > max) max = value;
      }
    }
    const out = new Float32Array(bins * frames);
    const floor = max - 8;
    for (let i = 0; i < out.length; i++) out[i] = (Math.max(logMel[i], floor) + 4) / 4;
    return out;
  }
}

/** The first `length` samples (zero-padded), with `pad` reflected samples each side (numpy 'reflect'). */
function reflectPad(samples: Float32Array, length: number, pad: number): Float64Array {
  const body = new Float64Array(length);
  body.set(samples.subarray(0, Math.min(samples.length, length)));
  const out = new Float64Array(length + 2 * pad);
  out.set(body, pad);
  for (let i = 0; i < pad; i++) {
    out[pad - 1 - i] = body[i + 1];
    out[pad + length + i] = body[length - 2 - i];
  }
  return out;
}
