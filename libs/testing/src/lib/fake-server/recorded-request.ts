import { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** One request a fake provider server received, and what it did with it. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Query parameters; a repeated one (`keyterm=a&keyterm=b`) becomes an array. */
  query: Record<string, string | string[]>;
  headers: IncomingHttpHeaders;
  /** Bytes of request body received. */
  bodyLength: number;
  /** When the request arrived, in epoch milliseconds. */
  time: number;
  /** The status answered; undefined while pending, and for a reset or hang. */
  status?: number;
  /** A JSON body the fake parsed (AssemblyAI's transcript params), for asserting options. */
  json?: unknown;
  /** Set when an injected reset or hang replaced the answer. */
  dropped?: 'reset' | 'hang';
}

export function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  return query;
}

/** A fresh record of a request as it arrives (its body length is filled in once read). */
export function recordOf(req: IncomingMessage, baseUrl: string): RecordedRequest {
  const url = new URL(req.url ?? '/', baseUrl);
  return {
    method: req.method ?? '',
    path: url.pathname,
    query: queryObject(url.searchParams),
    headers: req.headers,
    bodyLength: 0,
    time: Date.now(),
  };
}
