import type { SubtitleCue } from './subtitle-cues';

/** The speaker label a cue's text starts with, when its words are diarized. */
function speakerLabel(cue: SubtitleCue): string {
  return cue.speaker === undefined ? '' : `Speaker ${cue.speaker}`;
}

/** SubRip: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, speakers as a `[Speaker N]` prefix. */
export function formatSrt(cues: SubtitleCue[]): string {
  return cues
    .map((cue, i) => {
      const label = speakerLabel(cue);
      const lines = label ? [`[${label}] ${cue.lines[0]}`, ...cue.lines.slice(1)] : cue.lines;
      return `${i + 1}\n${timestamp(cue.start, ',')} --> ${timestamp(cue.end, ',')}\n${lines.join('\n')}\n`;
    })
    .join('\n');
}

/** WebVTT: `HH:MM:SS.mmm` cue timings, speakers as voice spans (`<v Speaker N>`). */
export function formatVtt(cues: SubtitleCue[]): string {
  const body = cues
    .map((cue) => {
      const label = speakerLabel(cue);
      const text = cue.lines.map(escapeVtt).join('\n');
      return `${timestamp(cue.start, '.')} --> ${timestamp(cue.end, '.')}\n${label ? `<v ${label}>${text}` : text}\n`;
    })
    .join('\n');
  return body ? `WEBVTT\n\n${body}` : 'WEBVTT\n';
}

/** Cue text may not hold `-->` or raw `<`/`&` in WebVTT. */
function escapeVtt(line: string): string {
  return line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function timestamp(seconds: number, millisSeparator: ',' | '.'): string {
  const totalMs = Math.max(0, Math.round(seconds * 1000));
  const ms = totalMs % 1000;
  const s = Math.floor(totalMs / 1000) % 60;
  const m = Math.floor(totalMs / 60_000) % 60;
  const h = Math.floor(totalMs / 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(h)}:${two(m)}:${two(s)}${millisSeparator}${String(ms).padStart(3, '0')}`;
}
