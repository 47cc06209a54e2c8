/**
 * A live session's audio log (`KeyScheme.liveAudioLogKey`): one entry per binary frame, in the
 * order the client sent them, and one per control message in the same order, so a worker that
 * replays the log sees exactly what the client sent.
 *
 * - audio: `o` (byte offset of the frame's first byte in the session's audio), `a` (the bytes);
 * - control: `o` (the offset when it arrived: every byte before it was sent first), `c`
 *   (`finalize` or `close`).
 */
export const LIVE_AUDIO_FIELDS = {
  offset: 'o',
  audio: 'a',
  control: 'c',
} as const;

export const LIVE_CONTROLS = ['finalize', 'close'] as const;
export type LiveControl = (typeof LIVE_CONTROLS)[number];

export type LiveLogEntry =
  | { kind: 'audio'; id: string; offset: number; audio: Buffer }
  | { kind: 'control'; id: string; offset: number; control: LiveControl };

/** Decodes an audio-log entry read with a Buffer reply (`xrangeBuffer`, `xreadBuffer`). */
export function decodeLiveLogEntry(id: string, fields: Buffer[]): LiveLogEntry | undefined {
  let offset: number | undefined;
  let audio: Buffer | undefined;
  let control: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i].toString();
    if (name === LIVE_AUDIO_FIELDS.offset) offset = Number(fields[i + 1].toString());
    else if (name === LIVE_AUDIO_FIELDS.audio) audio = fields[i + 1];
    else if (name === LIVE_AUDIO_FIELDS.control) control = fields[i + 1].toString();
  }
  if (offset === undefined || !Number.isSafeInteger(offset) || offset < 0) return undefined;
  if (audio) return { kind: 'audio', id, offset, audio };
  if (control && (LIVE_CONTROLS as readonly string[]).includes(control))
    return { kind: 'control', id, offset, control: control as LiveControl };
  return undefined;
}
