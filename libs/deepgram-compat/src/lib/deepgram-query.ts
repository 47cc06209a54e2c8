import {
  LIVE_ENCODINGS,
  LiveEncoding,
  LiveSessionOptions,
  ProviderName,
  RoutingHints,
  isProviderName,
  parseProviderList,
} from '@streamscribe/contracts';

/** What a Deepgram-style `/v1/listen` query asks for: the session's options, and a resume. */
export interface DeepgramListenRequest {
  options: LiveSessionOptions;
  /** `session=`: resume this live session instead of starting one. */
  resumeSession?: string;
  /** `resume_after=`: the last event id the client has (only with `session=`). */
  resumeAfter?: string;
}

export type DeepgramQueryOutcome =
  { ok: true; request: DeepgramListenRequest } | { ok: false; message: string };

/**
 * Deepgram's model names (`nova-3`, `nova-2-general`, `nova-3-medical`, `enhanced`, `base`, …): a
 * bare one means Deepgram with that model.
 */
const DEEPGRAM_MODEL = /^(nova(-[0-9]+)?|enhanced|base|flux)(-[a-z0-9]+)*$/;
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const EVENT_ID = /^[0-9]+-[0-9]+$/;
const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$|^multi$/;

class QueryError extends Error {}

/**
 * Parses Deepgram's live query parameters (encoding, sample_rate, channels, interim_results,
 * endpointing, utterance_end_ms, vad_events, language, keyterm (repeatable), model, punctuate,
 * smart_format, diarize) and ours (provider, fallback, realTimeRequired, accuracyCritical,
 * costSensitive, session, resume_after). Unknown parameters are ignored, as Deepgram does with
 * features this service does not offer; a value it cannot use is an error (HTTP 400 at upgrade).
 */
export function parseDeepgramQuery(params: URLSearchParams): DeepgramQueryOutcome {
  try {
    return { ok: true, request: parse(params) };
  } catch (error) {
    if (error instanceof QueryError) return { ok: false, message: error.message };
    throw error;
  }
}

function parse(params: URLSearchParams): DeepgramListenRequest {
  const one = (name: string): string | undefined => {
    const values = params.getAll(name);
    if (values.length > 1 && new Set(values).size > 1)
      throw new QueryError(`${name} was given more than once`);
    const value = values[0]?.trim();
    return value === '' ? undefined : value;
  };
  const flag = (name: string, fallback: boolean): boolean => {
    const value = one(name);
    if (value === undefined) return fallback;
    if (/^(true|1)$/i.test(value)) return true;
    if (/^(false|0)$/i.test(value)) return false;
    throw new QueryError(`${name} must be true or false, got '${value}'`);
  };
  const optionalFlag = (name: string): boolean | undefined =>
    one(name) === undefined ? undefined : flag(name, false);
  const integer = (name: string, min: number, max: number): number | undefined => {
    const value = one(name);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!/^[0-9]+$/.test(value) || n < min || n > max)
      throw new QueryError(`${name} must be a whole number from ${min} to ${max}, got '${value}'`);
    return n;
  };

  const encoding = (one('encoding') ?? 'linear16').toLowerCase();
  if (!(LIVE_ENCODINGS as readonly string[]).includes(encoding))
    throw new QueryError(`encoding must be one of ${LIVE_ENCODINGS.join(', ')}, got '${encoding}'`);
  const sampleRate = integer('sample_rate', 8000, 48_000) ?? 16_000;
  const channels = integer('channels', 1, 8) ?? 1;

  const endpointingValue = one('endpointing');
  let endpointingMs: number | false = 10;
  if (endpointingValue !== undefined) {
    if (/^false$/i.test(endpointingValue)) endpointingMs = false;
    else if (/^true$/i.test(endpointingValue)) endpointingMs = 10;
    else endpointingMs = integer('endpointing', 0, 60_000) as number;
  }
  const interimResults = flag('interim_results', false);
  const utteranceEndMs = integer('utterance_end_ms', 1000, 60_000);
  if (utteranceEndMs !== undefined && !interimResults)
    throw new QueryError('utterance_end_ms needs interim_results=true');

  const language = one('language');
  if (language !== undefined && !LANGUAGE.test(language))
    throw new QueryError(`language must be a BCP-47 tag such as en or en-US, got '${language}'`);

  const keyterms = keytermsOf(params.getAll('keyterm'));

  let provider: ProviderName | undefined;
  const providerValue = one('provider')?.toLowerCase();
  if (providerValue !== undefined && providerValue !== 'auto') {
    if (!isProviderName(providerValue))
      throw new QueryError(
        `provider must be deepgram, assemblyai, whisper, parakeet or auto, got '${providerValue}'`,
      );
    provider = providerValue;
  }
  let model = one('model');
  if (model !== undefined && model.toLowerCase() === 'auto') model = undefined;
  if (model !== undefined && provider === undefined) {
    if (!DEEPGRAM_MODEL.test(model))
      throw new QueryError(
        `model '${model}' is not a Deepgram model name; name the provider (provider=) for another provider's model, or use model=auto`,
      );
    provider = 'deepgram';
  }

  const fallbackValue = one('fallback');
  let fallback: ProviderName[] | undefined;
  if (fallbackValue !== undefined) {
    const { providers, unknown } = parseProviderList(fallbackValue);
    if (unknown.length > 0) throw new QueryError(`fallback names unknown providers: ${unknown.join(', ')}`);
    fallback = providers.filter((p) => p !== provider);
  }

  const hints: RoutingHints = {
    realTimeRequired: flag('realTimeRequired', true),
    accuracyCritical: flag('accuracyCritical', false),
    costSensitive: flag('costSensitive', false),
  };

  const resumeSession = one('session');
  if (resumeSession !== undefined && !SESSION_ID.test(resumeSession))
    throw new QueryError('session must be 1-128 letters, digits, dots, dashes or underscores');
  const resumeAfter = one('resume_after');
  if (resumeAfter !== undefined) {
    if (resumeSession === undefined) throw new QueryError('resume_after needs session=');
    if (!EVENT_ID.test(resumeAfter))
      throw new QueryError(`resume_after must be an event id such as 1700000000000-0`);
  }

  const options: LiveSessionOptions = {
    format: { encoding: encoding as LiveEncoding, sampleRate, channels },
    interimResults,
    endpointingMs,
    vadEvents: flag('vad_events', false),
    keyterms,
    hints,
    ...(utteranceEndMs !== undefined ? { utteranceEndMs } : {}),
    ...(language !== undefined ? { language } : {}),
    ...definedFlag('punctuate', optionalFlag('punctuate')),
    ...definedFlag('smartFormat', optionalFlag('smart_format')),
    ...definedFlag('diarize', optionalFlag('diarize')),
    ...(model !== undefined ? { model } : {}),
    ...(provider !== undefined ? { provider } : {}),
    ...(fallback !== undefined ? { fallback } : {}),
  };
  return {
    options,
    ...(resumeSession !== undefined ? { resumeSession } : {}),
    ...(resumeAfter !== undefined ? { resumeAfter } : {}),
  };
}

function definedFlag<K extends string>(key: K, value: boolean | undefined): Partial<Record<K, boolean>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, boolean>);
}

/**
 * `keyterm` repeated (`?keyterm=a&keyterm=b`, Deepgram's form) or as the JSON array the SDK sends
 * when given a list (`?keyterm=["a","b"]`).
 */
function keytermsOf(values: string[]): string[] {
  const terms: string[] = [];
  for (const raw of values) {
    const value = raw.trim();
    if (value.startsWith('[')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        throw new QueryError('keyterm looks like a JSON list but is not one');
      }
      if (!Array.isArray(parsed) || parsed.some((t) => typeof t !== 'string'))
        throw new QueryError('keyterm as a JSON list must hold strings');
      terms.push(...(parsed as string[]).map((t) => t.trim()).filter((t) => t !== ''));
    } else if (value !== '') terms.push(value);
  }
  if (terms.length > 100) throw new QueryError('at most 100 keyterm values');
  if (terms.some((t) => t.length > 100)) throw new QueryError('a keyterm is at most 100 characters');
  return [...new Set(terms)];
}
