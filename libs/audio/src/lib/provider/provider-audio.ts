import { AudioFormatError } from '../audio-format.error';
import { encodeWav } from '../wav/encode-wav';
import { parseWav } from '../wav/parse-wav';
import { assertAcceptableAudio } from '../validate/validate-audio';

/** How a chunk's audio is declared on its stream entry (contracts' `AudioFormat`). */
export type DeclaredAudioFormat = 'wav' | 'l16' | 'unknown';

export interface DeclaredAudio {
  audio: Buffer;
  format: DeclaredAudioFormat;
  /** Required for `l16`; a WAV header carries its own. */
  sampleRate?: number;
  /** For `l16`. @defaultValue 1 */
  channels?: number;
}

/** What goes over the wire to a provider. */
export interface ProviderAudio {
  body: Buffer;
  contentType: string;
  /** Measured from the audio itself; undefined for a container this system does not parse. */
  durationSeconds?: number;
}

const L16_BYTES_PER_SAMPLE = 2;

/**
 * Validates a chunk's audio before anything is sent (the same rules the router applies,
 * `assertAcceptableAudio`), and shapes it for an HTTP provider:
 * - `wav` is parsed (a truncated or malformed header throws here, not at the provider) and passed
 *   through unchanged, since every provider reads WAV natively;
 * - `l16` (raw signed 16-bit little-endian PCM) must be whole frames and have a sample rate; it is
 *   wrapped in a WAV header so the provider never guesses its layout;
 * - `unknown` (the classic producer writes whatever it recorded: mp3, ogg, flac …) is passed through
 *   as-is for the provider to sniff; its duration comes from the provider.
 *
 * @throws AudioFormatError naming what is wrong with the audio.
 */
export function prepareProviderAudio(declared: DeclaredAudio): ProviderAudio {
  if (declared.audio.length === 0) throw new AudioFormatError('audio is empty');
  if (declared.format === 'wav') {
    const wav = parseWav(declared.audio);
    if (wav.dataLength === 0) throw new AudioFormatError('WAV holds no samples (empty data chunk)');
    assertAcceptableAudio(wav);
    return { body: declared.audio, contentType: 'audio/wav', durationSeconds: wav.durationSeconds };
  }
  if (declared.format === 'l16') {
    const channels = declared.channels ?? 1;
    const sampleRate = declared.sampleRate;
    if (sampleRate === undefined || !Number.isInteger(sampleRate) || sampleRate < 1) {
      throw new AudioFormatError(`l16 audio needs a positive integer sample rate, got ${String(sampleRate)}`);
    }
    const frame = L16_BYTES_PER_SAMPLE * channels;
    if (declared.audio.length % frame !== 0) {
      throw new AudioFormatError(
        `l16 audio of ${declared.audio.length} bytes is not a whole number of ${frame}-byte frames (${channels} channel(s))`,
      );
    }
    const durationSeconds = declared.audio.length / frame / sampleRate;
    assertAcceptableAudio({ sampleRate, channels, bitsPerSample: 16, encoding: 'pcm', durationSeconds });
    return {
      body: encodeWav(declared.audio, { sampleRate, channels }),
      contentType: 'audio/wav',
      durationSeconds,
    };
  }
  return { body: declared.audio, contentType: 'application/octet-stream' };
}
