// Silero voice activity detection on onnxruntime-node: live segmentation and cuts at pauses.
export {
  LinearResampler,
  VAD_SAMPLE_RATE,
  downmix,
  linear16ToFloat32,
  mulawToFloat32,
  resampleLinear,
} from './lib/pcm';
export {
  BUNDLED_VAD_MODEL_DIR,
  SILERO_MODEL_FILE,
  SileroVad,
  type SileroVadOptions,
  StreamingVad,
  VAD_FRAME_MS,
  VAD_WINDOW_SAMPLES,
  bundledSileroModel,
  type VadStreamOptions,
} from './lib/silero-vad';
export {
  type ResolvedSegmenterOptions,
  type SpeechEvent,
  SpeechSegmenter,
  type SpeechSegmenterOptions,
  resolveSegmenterOptions,
  spansOfFrames,
} from './lib/speech-segmenter';
export { type SpeechSpan, VOICE_ACTIVITY_DETECTOR, type VoiceActivityDetector } from './lib/speech-span';
export type { VadFrame } from './lib/vad-frame';
