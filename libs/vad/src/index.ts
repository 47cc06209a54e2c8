// Silero voice activity detection on onnxruntime-node: live segmentation and cuts at pauses.
export {};
