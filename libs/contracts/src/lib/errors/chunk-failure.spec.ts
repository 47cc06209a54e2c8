import { chunkFailureForClient } from './chunk-failure';

describe('chunkFailureForClient', () => {
  it.each([
    [
      'every provider in the chain tried it (deepgram, whisper); last error: deepgram:502 req=9f1c-77 upstream exploded',
      'transcription_failed',
    ],
    [
      'no live worker for the untried providers (assemblyai, whisper); last error: deepgram:401 req=x',
      'no_provider_available',
    ],
    [
      'no live worker for the untried providers (whisper); last error: deepgram:400 req=x bad audio',
      'audio_rejected',
    ],
    [
      'every provider in the chain tried it (deepgram, whisper); last error: whisper:permanent whisper: audio format unknown',
      'audio_rejected',
    ],
    ['no consensus provider answered within the timeout (deepgram, whisper)', 'consensus_timeout'],
    ['malformed stream entry: missing field audio', 'invalid_chunk'],
    [undefined, 'transcription_failed'],
  ])('%s → %s, with none of the reason in the message', (reason, code) => {
    const failure = chunkFailureForClient(reason);
    expect(failure.code).toBe(code);
    for (const detail of ['req=', '502', '401', 'deepgram', 'whisper', 'exploded'])
      expect(failure.message).not.toContain(detail);
  });
});
