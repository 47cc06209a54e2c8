import { readFile } from 'node:fs/promises';
import { FfmpegDecoder, compressedFormatOf, inspectAudio, sniffCompressedFormat } from '@streamscribe/audio';
import type { CorpusItem } from '../corpus/read-corpus';
import type { CorpusTranscriber, Heard } from './evaluate-corpus';

/** The part of a provider adapter (`TranscriptionProvider`) the harness uses. */
export interface SpeechToText {
  readonly name: string;
  transcribe(request: {
    audio: Buffer;
    format: 'wav' | 'l16';
    sampleRate?: number;
    channels?: number;
  }): Promise<{ text: string }>;
}

/**
 * Calls a provider adapter directly, as its worker would: WAV goes as it is; compressed audio is
 * decoded first to 16 kHz mono l16, as the router decodes uploads, so a provider is scored on the
 * audio it would get in production.
 */
export class ProviderTranscriber implements CorpusTranscriber {
  readonly description: string;

  constructor(
    private readonly provider: SpeechToText,
    private readonly decoder: FfmpegDecoder,
  ) {
    this.description = `provider ${provider.name}`;
  }

  async transcribe(item: CorpusItem): Promise<Heard> {
    const audio = await readFile(item.audioPath);
    const compressed = compressedFormatOf(item.contentType);
    if (compressed === undefined) {
      const { durationSeconds } = inspectAudio(audio, item.contentType);
      const { text } = await this.provider.transcribe({ audio, format: 'wav' });
      return { text, audioSeconds: durationSeconds };
    }
    const decoded = await this.decoder.decode(audio, sniffCompressedFormat(audio) ?? compressed);
    const { text } = await this.provider.transcribe({
      audio: decoded.pcm,
      format: 'l16',
      sampleRate: decoded.sampleRate,
      channels: decoded.channels,
    });
    return { text, audioSeconds: decoded.durationSeconds };
  }
}
