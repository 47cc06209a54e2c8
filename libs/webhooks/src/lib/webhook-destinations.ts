/**
 * The operator's allow-list of webhook destinations (WEBHOOK_ALLOWED_DESTINATIONS): a comma list
 * of origins (`https://hooks.example.com`, `http://127.0.0.1:4000`: scheme, host and port must all
 * match) or host patterns (`hooks.example.com`, `*.example.com`: https only, any port). Empty:
 * webhooks are disabled. The router fetches no URL that does not match.
 */
export class WebhookDestinations {
  private readonly origins: string[] = [];
  private readonly hosts: RegExp[] = [];

  constructor(list: string) {
    for (const raw of list
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)) {
      if (raw.includes('://')) this.origins.push(new URL(raw).origin);
      else this.hosts.push(hostPattern(raw.toLowerCase()));
    }
  }

  get enabled(): boolean {
    return this.origins.length + this.hosts.length > 0;
  }

  /** Why `url` may not be used (a sentence), or null when it may. */
  problem(url: string): string | null {
    if (!this.enabled) return 'webhooks are disabled on this server (WEBHOOK_ALLOWED_DESTINATIONS is empty)';
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'url must be an absolute http(s) URL';
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'url must be http(s)';
    if (parsed.username || parsed.password) return 'url must not carry credentials';
    if (this.origins.includes(parsed.origin)) return null;
    if (parsed.protocol === 'https:' && this.hosts.some((host) => host.test(parsed.hostname))) return null;
    return `destination ${parsed.origin} is not in the operator's allowed webhook destinations`;
  }
}

function hostPattern(pattern: string): RegExp {
  const escaped = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[a-z0-9-]+(?:\\.[a-z0-9-]+)*');
  return new RegExp(`^${escaped}$`);
}
