import { PROVIDERS, ProviderName } from '../providers';

/** The provider whose stream this is (`audio:stream:<provider>`, tagged or not), or undefined. */
export function providerOfStream(stream: string | undefined): ProviderName | undefined {
  const name = /^audio:stream:([a-z]+)(?::\{\d+\})?$/.exec(stream ?? '')?.[1];
  return PROVIDERS.includes(name as ProviderName) ? (name as ProviderName) : undefined;
}
