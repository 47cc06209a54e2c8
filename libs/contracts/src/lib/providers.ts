/** The transcription providers this fabric routes between, as the classic wire format names them. */
export const PROVIDERS = ['deepgram', 'whisper', 'parakeet', 'assemblyai'] as const;

export type ProviderName = (typeof PROVIDERS)[number];

export function isProviderName(value: string): value is ProviderName {
  return (PROVIDERS as readonly string[]).includes(value);
}

/**
 * Parses a comma list of provider names (the classic `fallback_providers` format).
 * Empty items are skipped, so `""` and `"deepgram,"` are fine; unknown names are reported
 * together so a caller can say exactly what was wrong.
 */
export function parseProviderList(value: string | undefined): {
  providers: ProviderName[];
  unknown: string[];
} {
  const providers: ProviderName[] = [];
  const unknown: string[] = [];
  for (const raw of (value ?? '').split(',')) {
    const name = raw.trim().toLowerCase();
    if (!name) continue;
    if (isProviderName(name)) {
      if (!providers.includes(name)) providers.push(name);
    } else {
      unknown.push(raw.trim());
    }
  }
  return { providers, unknown };
}
