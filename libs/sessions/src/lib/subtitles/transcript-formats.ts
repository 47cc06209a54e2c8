import type { Transcript } from '../transcript';
import { subtitleCues } from './subtitle-cues';
import { formatSrt, formatVtt } from './subtitle-formats';

/** What `GET /v1/sessions/{id}/transcript?format=` can give besides JSON. */
export const TRANSCRIPT_TEXT_FORMATS = ['srt', 'vtt', 'text'] as const;
export type TranscriptTextFormat = (typeof TRANSCRIPT_TEXT_FORMATS)[number];

/** A transcript as subtitles (cues on the session's clock) or plain text, with its media type. */
export function transcriptAs(
  transcript: Transcript,
  format: TranscriptTextFormat,
): { contentType: string; body: string } {
  switch (format) {
    case 'srt':
      return {
        contentType: 'application/x-subrip; charset=utf-8',
        body: formatSrt(subtitleCues(transcript)),
      };
    case 'vtt':
      return { contentType: 'text/vtt; charset=utf-8', body: formatVtt(subtitleCues(transcript)) };
    case 'text':
      return {
        contentType: 'text/plain; charset=utf-8',
        body: transcript.text ? `${transcript.text}\n` : '',
      };
  }
}
