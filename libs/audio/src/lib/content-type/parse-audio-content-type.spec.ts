import { AudioFormatError } from '../audio-format.error';
import { parseAudioContentType } from './parse-audio-content-type';

describe('parseAudioContentType', () => {
  it.each(['audio/wav', 'audio/wave', 'audio/x-wav', 'audio/vnd.wave', 'Audio/WAV', 'audio/wav; codecs=1'])(
    'accepts %s as WAV',
    (type) => {
      expect(parseAudioContentType(type)).toEqual({ format: 'wav' });
    },
  );

  it('reads audio/l16 parameters case-insensitively, with defaults', () => {
    expect(parseAudioContentType('audio/l16')).toEqual({ format: 'l16', sampleRate: 16000, channels: 1 });
    expect(parseAudioContentType('audio/L16; RATE=8000; Channels="2"')).toEqual({
      format: 'l16',
      sampleRate: 8000,
      channels: 2,
    });
    expect(parseAudioContentType('audio/l16;rate=44100')).toEqual({
      format: 'l16',
      sampleRate: 44100,
      channels: 1,
    });
  });

  it('rejects other types, naming the accepted ones', () => {
    for (const type of [undefined, '', 'audio/mpeg', 'application/octet-stream']) {
      expect(() => parseAudioContentType(type)).toThrow(AudioFormatError);
      expect(() => parseAudioContentType(type)).toThrow(
        /send audio\/wav .* or audio\/l16; rate=16000; channels=1/,
      );
    }
    expect(() => parseAudioContentType('audio/mpeg')).toThrow("unsupported Content-Type 'audio/mpeg'");
    expect(() => parseAudioContentType(undefined)).toThrow('missing Content-Type');
  });

  it('rejects l16 parameters that are not positive integers', () => {
    expect(() => parseAudioContentType('audio/l16; rate=abc')).toThrow(
      "audio/l16 rate must be a positive integer, got 'abc'",
    );
    expect(() => parseAudioContentType('audio/l16; channels=0')).toThrow(
      "audio/l16 channels must be a positive integer, got '0'",
    );
    expect(() => parseAudioContentType('audio/l16; rate=16000.5')).toThrow(AudioFormatError);
  });
});
