/** The parts of a Hugging Face `tokenizer.json` that decoding needs. */
export interface TokenizerJson {
  model: { type: string; vocab: Record<string, number> };
  added_tokens?: { id: number; content: string; special?: boolean }[];
}

/**
 * Decodes token ids of a byte-level BPE vocabulary (GPT-2, Whisper): each token is a string of
 * stand-in characters for bytes, so decoding maps the characters back to bytes and reads the
 * bytes as UTF-8 (a character may span tokens). Merges only matter for encoding, which
 * transcription never does.
 */
export class ByteLevelBpeDecoder {
  private readonly tokens = new Map<number, string>();
  private readonly special = new Set<number>();
  private readonly byteOf = byteDecoder();

  constructor(json: TokenizerJson) {
    if (json.model?.type !== 'BPE')
      throw new Error(`tokenizer.json model type is ${json.model?.type}; Whisper needs BPE`);
    for (const [token, id] of Object.entries(json.model.vocab)) this.tokens.set(id, token);
    for (const added of json.added_tokens ?? []) {
      this.tokens.set(added.id, added.content);
      this.special.add(added.id);
    }
  }

  /** The id of an added token such as `<|en|>`, or undefined. */
  idOf(content: string): number | undefined {
    for (const id of this.special) if (this.tokens.get(id) === content) return id;
    return undefined;
  }

  tokenOf(id: number): string | undefined {
    return this.tokens.get(id);
  }

  /** Text of the ids, skipping added (special and timestamp) tokens and ids outside the vocabulary. */
  decode(ids: readonly number[]): string {
    const bytes: number[] = [];
    for (const id of ids) {
      if (this.special.has(id)) continue;
      for (const ch of this.tokens.get(id) ?? '') {
        const byte = this.byteOf.get(ch);
        if (byte !== undefined) bytes.push(byte);
      }
    }
    return Buffer.from(bytes).toString('utf8');
  }
}

/** The inverse of GPT-2's bytes_to_unicode: printable bytes stand for themselves, the rest for 256+n. */
function byteDecoder(): Map<string, number> {
  const printable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const map = new Map<string, number>();
  let extra = 0;
  for (let b = 0; b < 256; b++) map.set(String.fromCharCode(printable(b) ? b : 256 + extra++), b);
  return map;
}
