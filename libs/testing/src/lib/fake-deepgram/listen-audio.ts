import { AudioFormatError, parseWav, SampleEncoding } from '@streamscribe/audio';
import { readSpeech } from '../test-speech';
import { ListenQuery, queryValue } from './listen-query';

/** The audio of a `/v1/listen` request, decoded. */
export interface ListenAudio {
  encoding: SampleEncoding;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  durationSeconds: number;
  /** Interleaved samples. */
  samples: Buffer;
}

/** Words a transcriber heard where it heard them, in seconds from the start of the request's audio. */
export interface HeardWords {
  words: Array<{ word: string; start: number; end: number }>;
}

/**
 * Decides the transcript of a request's audio: its text (words are then spread evenly over the
 * audio), or the words with their times.
 */
export type Transcriber = (audio: ListenAudio, query: ListenQuery) => string | HeardWords;

/** The default transcriber: the test speech (`speechWav`) in the first channel, else nothing. */
export const readSpeechTranscriber = (audio: ListenAudio, _query?: ListenQuery): string =>
  audio.encoding === 'pcm' && audio.bitsPerSample === 16 ? (readSpeech(firstChannel16(audio)) ?? '') : '';

const RAW_ENCODING = 'linear16';

/**
 * Decodes the body the way Deepgram does for the formats the fake knows: with `encoding` set it
 * is raw audio (only `linear16` here) described by `sample_rate` (required) and `channels`
 * (default 1); without it, a container (only WAV here).
 *
 * @throws AudioFormatError for audio the fake cannot decode (the server answers 400).
 */
export function decodeListenAudio(body: Buffer, query: ListenQuery): ListenAudio {
  if (body.length === 0) throw new AudioFormatError('the request body is empty');
  const encoding = queryValue(query, 'encoding');
  if (encoding === undefined) {
    const wav = parseWav(body);
    return { ...wav, samples: body.subarray(wav.dataOffset, wav.dataOffset + wav.dataLength) };
  }
  if (encoding !== RAW_ENCODING) {
    throw new AudioFormatError(
      `the fake decodes raw audio only as encoding=${RAW_ENCODING}, got encoding=${encoding}`,
    );
  }
  const sampleRate = positiveInteger(query, 'sample_rate', undefined);
  const channels = positiveInteger(query, 'channels', 1);
  const frameBytes = 2 * channels;
  if (body.length % frameBytes !== 0) {
    throw new AudioFormatError(
      `linear16 body of ${body.length} bytes is not a whole number of ${frameBytes}-byte frames`,
    );
  }
  return {
    encoding: 'pcm',
    sampleRate,
    channels,
    bitsPerSample: 16,
    durationSeconds: body.length / frameBytes / sampleRate,
    samples: body,
  };
}

function positiveInteger(query: ListenQuery, name: string, fallback: number | undefined): number {
  const raw = queryValue(query, name);
  if (raw === undefined && fallback !== undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new AudioFormatError(
      `encoding=${RAW_ENCODING} needs ${name} as a positive integer, got ${raw ?? 'none'}`,
    );
  }
  return value;
}

function firstChannel16(audio: ListenAudio): Buffer {
  if (audio.channels === 1) return audio.samples;
  const frameBytes = 2 * audio.channels;
  const mono = Buffer.alloc(audio.samples.length / audio.channels);
  for (let frame = 0; frame * frameBytes < audio.samples.length; frame++) {
    mono.writeInt16LE(audio.samples.readInt16LE(frame * frameBytes), frame * 2);
  }
  return mono;
}
