/** Query parameters of a `/v1/listen` request, as the fake records them. */
export type ListenQuery = Record<string, string | string[]>;

/** A parameter's value (the first, when repeated). */
export function queryValue(query: ListenQuery, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A boolean feature flag, which Deepgram's clients send as `true`/`false`. */
export function queryFlag(query: ListenQuery, name: string): boolean {
  return queryValue(query, name) === 'true';
}
