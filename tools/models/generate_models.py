#!/usr/bin/python3
"""Generates ONNX models in the public Whisper and Parakeet TDT export layouts.

  /usr/bin/python3 tools/models/generate_models.py tiny [--out tools/models/tiny]
      The committed test models: a few hundred KB, deterministic (fixed seeds), decoding to known
      text (see TINY_WHISPER_TEXT / TINY_PARAKEET_CHAIN and libs/testing's tiny-models.ts).
  /usr/bin/python3 tools/models/generate_models.py whisper-base --out DIR [--dtypes fp16,int8]
      Whisper-base dimensions with random weights (~290 MB): for benchmarks, never committed.
      --dtypes adds those weight variants (dtype_variants.py); the tiny Whisper always has both.

Needs numpy and onnx (Debian: apt-get install python3-onnx python3-numpy)."""
import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import dtype_variants  # noqa: E402
import parakeet_model  # noqa: E402
import whisper_model  # noqa: E402

LANGUAGES = ["en", "de", "fr", "es"]
# The tiny Whisper's words, as byte-level BPE tokens: multi-byte UTF-8 (é) spans two tokens.
TINY_WHISPER_WORDS = ["Ġhello", "Ġworld", "Ġfrom", "Ġstream", "scribe", "Ġcaf"]
TINY_WHISPER_TEXT = " hello world from streamscribe café"
# Greedy TDT follows this chain, one token per 4 encoder frames (0.32 s), then blanks.
TINY_PARAKEET_CHAIN = ["▁the", "▁qu", "ick", "▁brown", "▁fox", "▁jump", "s", "▁over", "▁a", "▁lazy", "▁dog"]
PARAKEET_DURATIONS = [0, 1, 2, 3, 4]


def bytes_to_unicode():
    """GPT-2's reversible byte -> printable character map, which byte-level BPE vocabularies use."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    chars = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(printable, map(chr, chars)))


def whisper_tokenizer(words):
    byte_chars = bytes_to_unicode()
    vocab = {byte_chars[b]: i for i, b in enumerate(sorted(byte_chars))}
    merges = []
    for word in words:
        piece = word[0]
        for ch in word[1:]:
            merges.append(f"{piece} {ch}")
            piece += ch
            vocab.setdefault(piece, len(vocab))
    return vocab, merges


def whisper_specials(base):
    names = ["<|endoftext|>", "<|startoftranscript|>", *[f"<|{lang}|>" for lang in LANGUAGES]]
    names += ["<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nospeech|>", "<|notimestamps|>"]
    names += [f"<|{i * 0.02:.2f}|>" for i in range(1501)]
    return {name: base + i for i, name in enumerate(names)}


def write_json(path, value):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def write_whisper(out, dims, rng, tiny, timestamped=False):
    vocab, merges = whisper_tokenizer(TINY_WHISPER_WORDS if tiny else [])
    specials = whisper_specials(len(vocab) if tiny else 50257)
    dims = {**dims, "vocab": dims.get("vocab") or len(vocab) + len(specials)}
    ids = lambda names: [specials[n] for n in names]  # noqa: E731
    lang_to_id = {f"<|{lang}|>": specials[f"<|{lang}|>"] for lang in LANGUAGES}
    write_json(out / "config.json", {
        "model_type": "whisper", "d_model": dims["d_model"], "encoder_layers": dims["encoder_layers"],
        "decoder_layers": dims["decoder_layers"], "encoder_attention_heads": dims["heads"],
        "decoder_attention_heads": dims["heads"], "encoder_ffn_dim": dims["ffn"], "decoder_ffn_dim": dims["ffn"],
        "num_mel_bins": dims["n_mels"], "vocab_size": dims["vocab"], "max_source_positions": dims["audio_ctx"],
        "max_target_positions": dims["text_ctx"], "decoder_start_token_id": specials["<|startoftranscript|>"],
        "eos_token_id": specials["<|endoftext|>"], "pad_token_id": specials["<|endoftext|>"],
    })
    write_json(out / "generation_config.json", {
        "begin_suppress_tokens": ids(["<|endoftext|>"]), "bos_token_id": specials["<|endoftext|>"],
        "decoder_start_token_id": specials["<|startoftranscript|>"], "eos_token_id": specials["<|endoftext|>"],
        "forced_decoder_ids": [[1, None], [2, specials["<|transcribe|>"]]], "is_multilingual": True,
        "lang_to_id": lang_to_id, "max_initial_timestamp_index": 50, "max_length": dims["text_ctx"],
        "no_timestamps_token_id": specials["<|notimestamps|>"], "pad_token_id": specials["<|endoftext|>"],
        "prev_sot_token_id": specials["<|startofprev|>"], "return_timestamps": False,
        "suppress_tokens": ids(["<|startoflm|>", "<|startofprev|>", "<|nospeech|>"]),
        "task_to_id": {"transcribe": specials["<|transcribe|>"], "translate": specials["<|translate|>"]},
        **({"alignment_heads": [list(TINY_ALIGNMENT_HEAD)]} if timestamped else {}),
    })
    write_json(out / "preprocessor_config.json", {
        "chunk_length": 30, "feature_extractor_type": "WhisperFeatureExtractor", "feature_size": dims["n_mels"],
        "hop_length": 160, "n_fft": 400, "n_samples": 480000, "nb_max_frames": 3000, "padding_side": "right",
        "padding_value": 0.0, "processor_class": "WhisperProcessor", "return_attention_mask": False, "sampling_rate": 16000,
    })
    added = [{"id": i, "content": name, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": not name[2].isdigit()} for name, i in specials.items()]
    write_json(out / "tokenizer.json", {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "vocab": vocab, "merges": merges},
    })
    bias = tiny_whisper_position_bias(dims, vocab, specials) if tiny else None
    next_bias = tiny_whisper_next_token_bias(dims, specials) if tiny else None
    whisper_model.build_encoder(dims, rng, out / "onnx" / "encoder_model.onnx")
    alignment = {"head": TINY_ALIGNMENT_HEAD, "spans": tiny_whisper_alignment_spans(dims)} if timestamped else None
    whisper_model.build_merged_decoder(dims, rng, out / "onnx" / "decoder_model_merged.onnx", bias, next_bias, alignment)


def tiny_whisper_position_bias(dims, vocab, specials):
    """Decoder position -> (first choice, second choice). Position 0 favours <|fr|> (what language
    detection must report); after the 3- or 4-token prompt the words follow; the closing
    timestamp <|1.00|> wins unless timestamps are suppressed, and then <|endoftext|> does."""
    byte_chars = bytes_to_unicode()
    words = [vocab[w] for w in TINY_WHISPER_WORDS] + [vocab[byte_chars[b]] for b in "é".encode()]
    plan = {0: ["<|fr|>"], 1: ["<|transcribe|>"], 2: ["<|0.00|>", "<|notimestamps|>"]}
    for offset, token in enumerate(words):
        plan[3 + offset] = [token]
    plan[3 + len(words)] = ["<|1.00|>", "<|endoftext|>"]
    plan[4 + len(words)] = ["<|endoftext|>"]
    bias = np.zeros((dims["text_ctx"], dims["vocab"]), dtype=np.float32)
    for position, choices in plan.items():
        for rank, token in enumerate(choices):
            bias[position, specials.get(token, token) if isinstance(token, str) else token] = 10.0 - 5.0 * rank
    bias[4 + len(words):, specials["<|endoftext|>"]] = 10.0
    # The beam-search trap (see tiny_whisper_next_token_bias): <|0.98|> a close second to <|1.00|>.
    bias[3 + len(words), specials["<|0.98|>"]] = 9.7
    return bias


def tiny_whisper_next_token_bias(dims, specials):
    """Logits added by the current input token, so the tiny Whisper's beam search and greedy
    decoding differ in a known way (with timestamps): after <|1.00|>, <|endoftext|> (10) has a
    rival, <|1.50|> (9.5), so the closing <|1.00|> then <|endoftext|> is the greedy path but not the
    likeliest; after <|0.98|>, <|endoftext|> is certain, so beam search ends the segment at 0.98 s.
    Returns (token -> row index, rows [R, vocab]); row 0 adds nothing."""
    follow = {"<|1.00|>": {"<|1.50|>": 9.5}, "<|0.98|>": {"<|endoftext|>": 20.0}}
    index = np.zeros(dims["vocab"], dtype=np.int64)
    rows = np.zeros((len(follow) + 1, dims["vocab"]), dtype=np.float32)
    for row, (previous, logits) in enumerate(follow.items(), start=1):
        index[specials[previous]] = row
        for token, logit in logits.items():
            rows[row, specials[token]] = logit
    return index, rows


# The timestamped tiny Whisper's alignment head, and the encoder frame (0.02 s each) where the
# decoder position predicting each text token starts attending: hello 0.00 s, world 0.40, from
# 0.70, stream 0.90, scribe 1.10, caf 1.30, the two bytes of é 1.46 and 1.62; end-of-text 1.78.
TINY_ALIGNMENT_HEAD = (1, 0)
TINY_ALIGNMENT_STARTS = [0, 20, 35, 45, 55, 65, 73, 81, 89]


def tiny_whisper_alignment_spans(dims):
    """Decoder position -> [start, end) frames; text tokens are predicted from position 3 on (the
    timestamped prompt's <|0.00|> comes from position 2), end-of-text from position 11 or 12."""
    starts = np.zeros(dims["text_ctx"], dtype=np.float32)
    ends = np.full(dims["text_ctx"], 20, dtype=np.float32)
    bounds = TINY_ALIGNMENT_STARTS + [dims["audio_ctx"]]
    for k, (start, end) in enumerate(zip(bounds, bounds[1:])):
        starts[3 + k], ends[3 + k] = start, end
    starts[3 + len(TINY_ALIGNMENT_STARTS):] = TINY_ALIGNMENT_STARTS[-1]
    ends[3 + len(TINY_ALIGNMENT_STARTS):] = dims["audio_ctx"]
    return starts, ends


def write_parakeet(out, rng):
    vocab = ["<unk>", *TINY_PARAKEET_CHAIN, "<blk>"]
    blank = len(vocab) - 1
    (out / "vocab.txt").parent.mkdir(parents=True, exist_ok=True)
    (out / "vocab.txt").write_text("".join(f"{token} {i}\n" for i, token in enumerate(vocab)))
    write_json(out / "config.json", {"model_type": "nemo-conformer-tdt", "features_size": 128, "subsampling_factor": 8})
    dims = {"features": 128, "encoder_dim": 16, "state": 8, "vocab": len(vocab), "durations": len(PARAKEET_DURATIONS)}
    next_token = np.full(len(vocab), blank, dtype=np.int32)
    next_token[blank] = 1
    for i in range(1, len(TINY_PARAKEET_CHAIN)):
        next_token[i] = i + 1
    parakeet_model.build_preprocessor(dims, rng, out / "nemo128.onnx")
    parakeet_model.build_encoder(dims, rng, out / "encoder-model.onnx")
    parakeet_model.build_decoder_joint(dims, rng, out / "decoder_joint-model.onnx", next_token, PARAKEET_DURATIONS.index(4))


TINY_WHISPER = {"d_model": 16, "heads": 2, "encoder_layers": 1, "decoder_layers": 2, "ffn": 32, "n_mels": 80, "audio_ctx": 1500, "text_ctx": 64}
WHISPER_BASE = {"d_model": 512, "heads": 8, "encoder_layers": 6, "decoder_layers": 6, "ffn": 2048, "n_mels": 80, "audio_ctx": 1500, "text_ctx": 448, "vocab": 51865}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["tiny", "whisper-base"])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--dtypes", default="", help="whisper-base: comma list of weight variants to add (fp16, int8)")
    args = parser.parse_args()
    dtypes = [d for d in args.dtypes.split(",") if d]
    unknown = [d for d in dtypes if d not in dtype_variants.SUFFIXES]
    if unknown:
        parser.error(f"--dtypes: {', '.join(unknown)} not one of {', '.join(dtype_variants.SUFFIXES)}")
    if args.kind == "tiny":
        out = args.out or Path(__file__).parent / "tiny"
        write_whisper(out / "whisper", TINY_WHISPER, np.random.default_rng(5), tiny=True)
        dtype_variants.write_variants(out / "whisper" / "onnx")
        write_whisper(out / "whisper-timestamped", TINY_WHISPER, np.random.default_rng(5), tiny=True, timestamped=True)
        write_parakeet(out / "parakeet", np.random.default_rng(7))
    else:
        if not args.out:
            parser.error("whisper-base needs --out DIR (it is ~290 MB: keep it out of the repository)")
        if not (args.out / "onnx" / "decoder_model_merged.onnx").exists():
            write_whisper(args.out, WHISPER_BASE, np.random.default_rng(11), tiny=False)
        dtype_variants.write_variants(args.out / "onnx", dtypes=dtypes)
    print(f"wrote {args.kind} models to {args.out or out}")


if __name__ == "__main__":
    main()
