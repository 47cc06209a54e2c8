import { newChunkEntry } from '@streamscribe/contracts';
import { encodeWav } from '@streamscribe/audio';
import { chunkAudioSeconds } from './chunk-audio-seconds';

const hints = { realTimeRequired: false, accuracyCritical: false, costSensitive: false };

describe('chunkAudioSeconds', () => {
  it('measures a chunk in audio seconds, WAV or raw PCM', () => {
    const chunk = (audio: Buffer, format: 'wav' | 'l16', sampleRate?: number) =>
      newChunkEntry({
        sessionId: 's',
        chunkId: 'c',
        seq: 0,
        audio,
        audioFormat: format,
        sampleRate,
        hints,
        fallbackProviders: [],
      });
    expect(
      chunkAudioSeconds(chunk(encodeWav(Buffer.alloc(32_000), { sampleRate: 16_000, channels: 1 }), 'wav')),
    ).toBeCloseTo(1);
    expect(chunkAudioSeconds(chunk(Buffer.alloc(16_000), 'l16', 16_000))).toBeCloseTo(0.5);
    expect(chunkAudioSeconds(chunk(Buffer.from('not audio'), 'wav'))).toBe(0);
  });
});
