import { readFile } from 'node:fs/promises';
import type { CorpusItem } from '../corpus/read-corpus';
import type { CorpusTranscriber, Heard } from './evaluate-corpus';

/**
 * Posts each file, as it is on disk, to a router's `POST /v1/transcriptions?wait=true`: the
 * router decodes, splits, routes (to `provider` when given) and stitches, so the score is the
 * whole system's.
 */
export class RouterTranscriber implements CorpusTranscriber {
  readonly description: string;

  constructor(
    private readonly baseUrl: string,
    private readonly provider: string | undefined,
    /** How long the router may hold each request. */
    private readonly timeoutMs: number,
    /** An API key with scope `transcribe` (every /v1 route needs one). */
    private readonly apiKey = '',
  ) {
    this.description = `router ${baseUrl}${provider ? ` (provider ${provider})` : ''}`;
  }

  async transcribe(item: CorpusItem): Promise<Heard> {
    const query = new URLSearchParams({ wait: 'true', timeoutMs: String(this.timeoutMs) });
    if (this.provider) query.set('provider', this.provider);
    const response = await fetch(`${this.baseUrl.replace(/\/+$/, '')}/v1/transcriptions?${query}`, {
      method: 'POST',
      headers: {
        'content-type': item.contentType,
        ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
      },
      body: await readFile(item.audioPath),
    });
    const body = (await response.json().catch(() => ({}))) as {
      message?: string;
      durationSeconds?: number;
      transcript?: { complete?: boolean; failedCount?: number; text?: string };
    };
    if (response.status === 202)
      throw new Error(`the router had not finished within ${this.timeoutMs} ms: raise --timeout-ms`);
    if (response.status !== 200)
      throw new Error(`the router answered ${response.status}: ${body.message ?? 'no message'}`);
    if (body.transcript?.failedCount)
      throw new Error(`${body.transcript.failedCount} chunk(s) failed; see the session's transcript`);
    return { text: body.transcript?.text ?? '', audioSeconds: body.durationSeconds ?? 0 };
  }
}
