import { randomBytes } from 'node:crypto';
import type { EncodedFields } from '@streamscribe/contracts';

export const AUDIO_FIELD = 'audio';
export const SENT_AT_FIELD = 'sent_at';

/**
 * Random audio buffers of one size, each holding 0x00 and 0xff, so a path that decoded them as
 * text would corrupt them (and be measured doing that work). Both paths cycle through the same set.
 */
export function randomAudio(bytes: number, count: number): Buffer[] {
  return Array.from({ length: count }, () => {
    const audio = randomBytes(bytes);
    audio[0] = 0x00;
    audio[audio.length - 1] = 0xff;
    return audio;
  });
}

/**
 * The fields of one bench entry. `sent_at` comes first so the raw loop finds its value at index 1
 * of the flat XREADGROUP reply; it is `performance.now()` of this process (producer and consumers
 * share it), taken just before the batch's pipeline is sent.
 */
export function chunkFields(audio: Buffer, sentAt: string): EncodedFields {
  return [SENT_AT_FIELD, sentAt, AUDIO_FIELD, audio];
}
