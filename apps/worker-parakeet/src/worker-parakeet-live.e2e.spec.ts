import { describeSelfHostedLiveWorker, tinyModelDir } from '@streamscribe/testing';

describeSelfHostedLiveWorker({
  provider: 'parakeet',
  env: { PARAKEET_MODEL_DIR: tinyModelDir('parakeet') },
  expectTranscript: (transcript) => expect(transcript).toMatch(/^the quick/),
});
