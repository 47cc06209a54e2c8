import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** Largest page of `GET /v1/sessions/{id}/transcript`; also the most chunks sent whole without paging. */
export const TRANSCRIPT_PAGE_MAX = 1000;
/** Page size when `after` is given without `limit`. */
export const TRANSCRIPT_PAGE_DEFAULT = 100;

const toInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

/** What a transcript can be read as: JSON (paged), SubRip or WebVTT subtitles, plain text. */
export const TRANSCRIPT_FORMATS = ['json', 'srt', 'vtt', 'text'] as const;

/** `GET /v1/sessions/{id}/transcript?after=&limit=&format=` */
export class TranscriptPageQuery {
  /** `json` (default, paged); `srt`, `vtt` and `text` give the whole transcript. */
  @IsOptional()
  @IsIn(TRANSCRIPT_FORMATS, { message: `format must be one of: ${TRANSCRIPT_FORMATS.join(', ')}` })
  format?: (typeof TRANSCRIPT_FORMATS)[number];

  /**
   * The `next` cursor of the previous page: a seq (chunks after it), or `~<chunkId>` among the
   * chunks without seq (the classic producer's, which come last).
   */
  @IsOptional()
  @Matches(/^(\d{1,10}|~[^\s:{}~]{1,200})$/, {
    message: 'after must be a seq number (or the next cursor of the previous page)',
  })
  after?: string;

  @IsOptional()
  @Transform(toInteger)
  @IsInt({ message: 'limit must be an integer' })
  @Min(1, { message: `limit must be 1 to ${TRANSCRIPT_PAGE_MAX}` })
  @Max(TRANSCRIPT_PAGE_MAX, { message: `limit must be 1 to ${TRANSCRIPT_PAGE_MAX}` })
  limit?: number;
}
