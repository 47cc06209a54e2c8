/** Silero's verdict on one window of audio: times in ms from the stream's first sample. */
export interface VadFrame {
  startMs: number;
  endMs: number;
  /** Probability that the window holds speech, 0..1. */
  probability: number;
}
