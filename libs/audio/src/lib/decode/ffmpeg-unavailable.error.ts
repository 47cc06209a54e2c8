/**
 * ffmpeg could not be started, so compressed audio cannot be decoded here. Not the audio's fault:
 * the same bytes decode on a machine that has ffmpeg; WAV and raw l16 need none.
 */
export class FfmpegUnavailableError extends Error {
  constructor(ffmpegPath: string, cause: string) {
    super(
      `compressed audio needs ffmpeg, which could not be started from '${ffmpegPath}' (${cause}): install it (Debian/Ubuntu: apt-get install ffmpeg) or set FFMPEG_PATH to its location, or send WAV or audio/l16 instead`,
    );
    this.name = 'FfmpegUnavailableError';
  }
}
