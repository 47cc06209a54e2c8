/** A stretch of speech, ms from the first sample of the audio it was found in. */
export interface SpeechSpan {
  startMs: number;
  endMs: number;
}

/** Finds where people speak in a whole buffer of audio (cuts at pauses, segmentation). */
export interface VoiceActivityDetector {
  /**
   * Speech spans of mono `samples` at `sampleRate` (any rate: resampled to 16 kHz), in order,
   * not overlapping; the gaps between them are the pauses.
   */
  speechSpans(samples: Float32Array, sampleRate: number): Promise<SpeechSpan[]>;
}

export const VOICE_ACTIVITY_DETECTOR = Symbol('VOICE_ACTIVITY_DETECTOR');
