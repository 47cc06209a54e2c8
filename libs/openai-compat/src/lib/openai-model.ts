import { PROVIDERS, ProviderName } from '@streamscribe/contracts';

/** How the OpenAI `model` field maps onto our routing. */
export type OpenAiRouting =
  | { kind: 'auto' }
  | { kind: 'provider'; provider: ProviderName; model?: string }
  | { kind: 'consensus'; providers: string };

export type OpenAiModelOutcome = { ok: true; routing: OpenAiRouting } | { ok: false; message: string };

/** OpenAI's own model names: the client asked for "a transcription", so our policy picks. */
const OPENAI_MODELS = /^(whisper-1|gpt-4o(-mini)?-transcribe([-.\w]*)?|gpt-4o-transcribe-diarize)$/i;

/**
 * `auto` (or an OpenAI model name such as `whisper-1`, `gpt-4o-transcribe`): our routing policy.
 * A provider (`deepgram`), or `provider/model` (`deepgram/nova-3`, `whisper/base`): that provider.
 * `consensus:deepgram,assemblyai,whisper`: every listed provider, words voted on.
 */
export function parseOpenAiModel(model: string | undefined): OpenAiModelOutcome {
  const value = (model ?? '').trim();
  if (value === '') return { ok: false, message: "model is required: use 'auto', a provider or 'whisper-1'" };
  if (value.toLowerCase() === 'auto' || OPENAI_MODELS.test(value))
    return { ok: true, routing: { kind: 'auto' } };
  const consensus = /^consensus:(.+)$/i.exec(value);
  if (consensus) return { ok: true, routing: { kind: 'consensus', providers: consensus[1] } };
  const [name, ...rest] = value.split('/');
  const provider = name.toLowerCase();
  if (!(PROVIDERS as readonly string[]).includes(provider))
    return {
      ok: false,
      message: `model '${value.slice(0, 80)}' is not known: use 'auto', 'whisper-1', a provider (${PROVIDERS.join(', ')}), 'provider/model' or 'consensus:a,b'`,
    };
  const submodel = rest.join('/');
  return {
    ok: true,
    routing: {
      kind: 'provider',
      provider: provider as ProviderName,
      ...(submodel ? { model: submodel } : {}),
    },
  };
}
