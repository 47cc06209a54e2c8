import { monoFloats } from '@streamscribe/audio';
import { espeakRecording, longUtterance, utteranceMs } from '@streamscribe/testing';
import { SileroVad } from '@streamscribe/vad';
import { LazySileroPauseFinder } from './pause-finder';

const shape = { sampleRate: 16_000, channels: 1, bitsPerSample: 16, encoding: 'pcm' as const };

describe('LazySileroPauseFinder', () => {
  it('finds unbroken espeak-ng speech as one span with the real Silero model', async () => {
    const plan = longUtterance(12_000, 1000);
    const recording = espeakRecording([plan], 1000 + utteranceMs(plan) + 1000);
    const vad = await SileroVad.load();
    const direct = await vad.speechSpans(monoFloats(recording.pcm, shape), 16_000);
    const spans = await new LazySileroPauseFinder().speechSpans(monoFloats(recording.pcm, shape), 16_000);
    expect(spans).toEqual(direct);
    expect(spans.length).toBe(1);
  });
});

describe('LazySileroPauseFinder when the model fails', () => {
  it('judges the audio all speech (a forced, overlapped cut) rather than failing the upload', async () => {
    const finder = new LazySileroPauseFinder(() => Promise.reject(new Error('no model')));
    expect(await finder.speechSpans(new Float32Array(16_000), 16_000)).toEqual([{ startMs: 0, endMs: 1000 }]);
  });
});
