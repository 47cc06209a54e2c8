import { TINY_WHISPER_TEXT, describeSelfHostedLiveWorker, tinyModelDir } from '@streamscribe/testing';

describeSelfHostedLiveWorker({
  provider: 'whisper',
  env: {
    WHISPER_MODEL_DIR: tinyModelDir('whisper'),
    WHISPER_LANGUAGE: 'en',
    INFERENCE_INTRA_OP_THREADS: '1',
  },
  expectTranscript: (transcript) => expect(transcript).toBe(TINY_WHISPER_TEXT),
});
