import { LiveAudioFormat, LiveWord, liveBytesPerSecond } from '@streamscribe/contracts';
import type { LiveProviderWord } from '@streamscribe/providers';

/**
 * A provider connection's clock against the session's: the connection's first byte is the
 * session's byte `originBytes` (where the worker replayed from), so a provider time t (seconds
 * from that byte) is t + originBytes / bytesPerSecond on the session's clock.
 */
export class SessionClock {
  readonly bytesPerSecond: number;
  /** Bytes of one sample frame (every channel): offsets stay on frame boundaries. */
  readonly frameBytes: number;
  readonly originSeconds: number;

  constructor(
    format: LiveAudioFormat,
    readonly originBytes: number,
  ) {
    this.bytesPerSecond = liveBytesPerSecond(format);
    this.frameBytes = (format.encoding === 'linear16' ? 2 : 1) * format.channels;
    this.originSeconds = originBytes / this.bytesPerSecond;
  }

  toSession(providerSeconds: number): number {
    return round6(providerSeconds + this.originSeconds);
  }

  word(w: LiveProviderWord): LiveWord {
    return { ...w, start: this.toSession(w.start), end: this.toSession(w.end) };
  }

  /** Session seconds → byte offset, down to a frame boundary. */
  bytesAt(sessionSeconds: number): number {
    const bytes =
      Math.floor((sessionSeconds * this.bytesPerSecond + 1e-6) / this.frameBytes) * this.frameBytes;
    return Math.max(0, bytes);
  }

  secondsAt(bytes: number): number {
    return round6(bytes / this.bytesPerSecond);
  }
}

/** Microsecond precision: re-anchored times do not carry float noise onto the wire. */
function round6(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
