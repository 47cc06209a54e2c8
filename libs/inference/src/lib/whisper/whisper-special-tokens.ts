import type { WhisperGenerationConfig } from './whisper-model-files';

/** Whisper's control tokens, read from generation_config.json. */
export class WhisperSpecialTokens {
  readonly endOfText: number;
  readonly startOfTranscript: number;
  readonly noTimestamps: number;
  /** `<|nospeech|>`, just before `<|notimestamps|>` in every Whisper vocabulary (as transformers assumes). */
  readonly noSpeech: number;
  /** `<|0.00|>`; each next id is 0.02 s later. */
  readonly timestampBegin: number;
  readonly transcribe?: number;
  readonly translate?: number;
  /** Language code (`en`) → token id. */
  readonly languages: ReadonlyMap<string, number>;
  readonly suppress: readonly number[];
  readonly beginSuppress: readonly number[];
  readonly maxInitialTimestampIndex: number;

  constructor(generation: WhisperGenerationConfig) {
    this.endOfText = generation.eos_token_id;
    this.startOfTranscript = generation.decoder_start_token_id;
    this.noTimestamps = generation.no_timestamps_token_id;
    this.noSpeech = generation.no_timestamps_token_id - 1;
    this.timestampBegin = generation.no_timestamps_token_id + 1;
    this.transcribe = generation.task_to_id?.['transcribe'];
    this.translate = generation.task_to_id?.['translate'];
    this.languages = new Map(
      Object.entries(generation.lang_to_id ?? {}).map(([token, id]) => [
        token.replace(/^<\|(.*)\|>$/, '$1'),
        id,
      ]),
    );
    this.suppress = generation.suppress_tokens ?? [];
    this.beginSuppress = generation.begin_suppress_tokens ?? [];
    this.maxInitialTimestampIndex = generation.max_initial_timestamp_index ?? 50;
  }

  isTimestamp(id: number): boolean {
    return id >= this.timestampBegin;
  }

  secondsOf(timestampId: number): number {
    return (timestampId - this.timestampBegin) * 0.02;
  }

  /** Whether the model can be told to transcribe this language (an English-only model knows none). */
  knows(language: string): boolean {
    return this.languages.has(language);
  }

  languageOf(id: number): string | undefined {
    for (const [code, languageId] of this.languages) if (languageId === id) return code;
    return undefined;
  }

  /** The decoder prompt: start, language (when multilingual), task, and no-timestamps unless asked for them. */
  prompt(language: string | undefined, task: 'transcribe' | 'translate', timestamps: boolean): number[] {
    const prompt = [this.startOfTranscript];
    if (language !== undefined && this.languages.size > 0) {
      const id = this.languages.get(language);
      if (id === undefined)
        throw new RangeError(
          `language '${language}' is not one this model knows (${[...this.languages.keys()].join(', ')})`,
        );
      prompt.push(id);
    }
    const taskId = task === 'translate' ? this.translate : this.transcribe;
    if (taskId !== undefined) prompt.push(taskId);
    if (!timestamps) prompt.push(this.noTimestamps);
    return prompt;
  }
}
