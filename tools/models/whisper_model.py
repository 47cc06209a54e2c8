"""Whisper in the onnx-community export layout: `onnx/encoder_model.onnx` (input_features ->
last_hidden_state) and `onnx/decoder_model_merged.onnx` (input_ids, encoder_hidden_states,
past_key_values.{i}.{decoder,encoder}.{key,value}, use_cache_branch -> logits, present.*), with
the same tensor names, symbolic dims and dtypes as optimum's merged export."""
import numpy as np
from onnx import numpy_helper

from onnx_graph import BOOL, FLOAT, INT64, Graph, save_model, tensor


def build_encoder(dims, rng, path):
    d, heads, n_mels = dims["d_model"], dims["heads"], dims["n_mels"]
    head_dim = d // heads
    g = Graph(rng)
    h = g.op("Conv", ["input_features", g.weight((d, n_mels, 3), "conv1_w"), g.const(np.zeros(d), "conv1_b")], pads=[1, 1])
    h = g.gelu(h)
    h = g.op("Conv", [h, g.weight((d, d, 3), "conv2_w"), g.const(np.zeros(d), "conv2_b")], pads=[1, 1], strides=[2])
    h = g.op("Transpose", [g.gelu(h)], perm=[0, 2, 1])
    h = g.op("Add", [h, g.weight((dims["audio_ctx"], d), "enc_pos", std=0.1)])
    for layer in range(dims["encoder_layers"]):
        a = g.layer_norm(h, d, f"enc{layer}_ln1")
        q = g.split_heads(g.linear(a, d, d, f"enc{layer}_q"), heads, head_dim)
        k = g.split_heads(g.linear(a, d, d, f"enc{layer}_k", bias=False), heads, head_dim)
        v = g.split_heads(g.linear(a, d, d, f"enc{layer}_v"), heads, head_dim)
        h = g.op("Add", [h, g.linear(g.merge_heads(g.attend(q, k, v, head_dim), d), d, d, f"enc{layer}_o")])
        h = g.op("Add", [h, g.mlp(g.layer_norm(h, d, f"enc{layer}_ln2"), d, dims["ffn"], f"enc{layer}")])
    g.layer_norm(h, d, "enc_ln_post", out="last_hidden_state")
    save_model(
        g,
        [tensor("input_features", FLOAT, ["batch_size", "feature_size", "encoder_sequence_length"])],
        [tensor("last_hidden_state", FLOAT, ["batch_size", "encoder_sequence_length / 2", d])],
        path,
    )


def build_merged_decoder(dims, rng, path, position_bias=None, next_token_bias=None, alignment=None):
    """position_bias: optional [max_target_positions, vocab] logits added by decoder position, so a
    test model decodes to a known token sequence whatever the (random) transformer says.
    next_token_bias: optional (index [vocab], rows [R, vocab]): rows[index[input token]] is added
    too, so what comes next can depend on the token before (as no position bias can).
    alignment: optional {"head": (layer, head), "spans": (starts, ends)}: the decoder also outputs
    cross_attentions.{layer} (the weights after the softmax, as onnx-community's *_timestamped
    exports do), and that head's attention at decoder position p is held to encoder frames
    [starts[p], ends[p]), so word times from the alignment are known."""
    d, heads, vocab = dims["d_model"], dims["heads"], dims["vocab"]
    head_dim = d // heads
    layers = dims["decoder_layers"]
    g = Graph(rng)
    first_past = "past_key_values.0.decoder.key"
    scalar = lambda x: g.op("Squeeze", [x, g.const([0], "axis0", np.int64)])  # noqa: E731
    past_len = scalar(g.op("Shape", [first_past], start=2, end=3))
    seq_len = scalar(g.op("Shape", ["input_ids"], start=1, end=2))
    total = g.op("Add", [past_len, seq_len])
    one = g.const(1, "one_i", np.int64)
    positions = g.op("Range", [past_len, total, one])
    key_positions = g.op("Range", [g.const(0, "zero_i", np.int64), total, one])
    allowed = g.op(
        "LessOrEqual",
        [g.op("Unsqueeze", [key_positions, g.const([0], "ax0", np.int64)]), g.op("Unsqueeze", [positions, g.const([1], "ax1", np.int64)])],
    )
    causal_mask = g.op("Where", [allowed, g.const(0.0, "zero_f"), g.const(-1e9, "neg_inf")])

    token_embedding = g.weight((vocab, d), "embed_tokens")
    h = g.op("Add", [g.op("Gather", [token_embedding, "input_ids"]), g.op("Gather", [g.weight((dims["text_ctx"], d), "embed_positions", std=0.01), positions])])
    for i in range(layers):
        a = g.layer_norm(h, d, f"dec{i}_ln1")
        q = g.split_heads(g.linear(a, d, d, f"dec{i}_q"), heads, head_dim)
        k_new = g.split_heads(g.linear(a, d, d, f"dec{i}_k", bias=False), heads, head_dim)
        v_new = g.split_heads(g.linear(a, d, d, f"dec{i}_v"), heads, head_dim)
        k = g.op("Concat", [f"past_key_values.{i}.decoder.key", k_new], [f"present.{i}.decoder.key"], axis=2)
        v = g.op("Concat", [f"past_key_values.{i}.decoder.value", v_new], [f"present.{i}.decoder.value"], axis=2)
        h = g.op("Add", [h, g.linear(g.merge_heads(g.attend(q, k, v, head_dim, causal_mask), d), d, d, f"dec{i}_o")])

        a = g.layer_norm(h, d, f"dec{i}_ln2")
        q = g.split_heads(g.linear(a, d, d, f"dec{i}_xq"), heads, head_dim)
        held = alignment is not None and alignment["head"][0] == i
        mask = alignment_mask(g, dims, positions, alignment) if held else None
        attended = cross_attention(g, i, q, d, heads, head_dim, mask, with_weights=alignment is not None)
        h = g.op("Add", [h, g.linear(attended, d, d, f"dec{i}_xo")])
        h = g.op("Add", [h, g.mlp(g.layer_norm(h, d, f"dec{i}_ln3"), d, dims["ffn"], f"dec{i}")])
    h = g.layer_norm(h, d, "dec_ln")
    logits = g.op("MatMul", [h, g.op("Transpose", [token_embedding], perm=[1, 0])], ["transformer_logits"])
    if position_bias is not None:
        logits = g.op("Add", [logits, g.op("Gather", [g.const(position_bias, "position_bias"), positions])], ["position_logits"])
    if next_token_bias is not None:
        index, rows = next_token_bias
        row_of_input = g.op("Gather", [g.const(index, "next_token_index", np.int64), "input_ids"])
        logits = g.op("Add", [logits, g.op("Gather", [g.const(rows, "next_token_rows"), row_of_input])], ["next_token_logits"])
    g.op("Identity", [logits], ["logits"])

    inputs = [
        tensor("input_ids", INT64, ["batch_size", "decoder_sequence_length"]),
        tensor("encoder_hidden_states", FLOAT, ["batch_size", "encoder_sequence_length / 2", d]),
    ]
    for i in range(layers):
        for kind, length in (("decoder", "past_decoder_sequence_length"), ("encoder", "encoder_sequence_length_out")):
            inputs += [tensor(f"past_key_values.{i}.{kind}.{part}", FLOAT, ["batch_size", heads, length, head_dim]) for part in ("key", "value")]
    inputs.append(tensor("use_cache_branch", BOOL, [1]))
    outputs = [tensor("logits", FLOAT, ["batch_size", "decoder_sequence_length", vocab])]
    for i in range(layers):
        outputs += [tensor(f"present.{i}.decoder.{part}", FLOAT, ["batch_size", heads, "past_decoder_sequence_length + 1", head_dim]) for part in ("key", "value")]
        outputs += [tensor(f"present.{i}.encoder.{part}", FLOAT, ["batch_size", heads, "encoder_sequence_length_out", head_dim]) for part in ("key", "value")]
    if alignment is not None:
        outputs += [tensor(f"cross_attentions.{i}", FLOAT, ["batch_size", heads, "decoder_sequence_length", "encoder_sequence_length_out"]) for i in range(layers)]
    save_model(g, inputs, outputs, path)


def alignment_mask(g, dims, positions, alignment):
    """[heads, S, audio_ctx] additive scores: 0 inside the alignment head's frame span for each
    decoder position, -20 outside (so its softmax is flat over the span); 0 for the other heads."""
    starts, ends = alignment["spans"]
    frames = g.op("Unsqueeze", [g.const(np.arange(dims["audio_ctx"]), "frames"), g.const([0], "ax0_frames", np.int64)])
    start = g.op("Unsqueeze", [g.op("Gather", [g.const(starts, "span_starts"), positions]), g.const([1], "ax1_start", np.int64)])
    end = g.op("Unsqueeze", [g.op("Gather", [g.const(ends, "span_ends"), positions]), g.const([1], "ax1_end", np.int64)])
    inside = g.op("And", [g.op("GreaterOrEqual", [frames, start]), g.op("Less", [frames, end])])
    box = g.op("Where", [inside, g.const(0.0, "inside"), g.const(-20.0, "outside")])
    head_mask = np.zeros((dims["heads"], 1, 1), dtype=np.float32)
    head_mask[alignment["head"][1]] = 1.0
    return g.op("Mul", [g.op("Unsqueeze", [box, g.const([0], "ax0_box", np.int64)]), g.const(head_mask, "head_mask")])


def cross_attention(g, layer, q, d, heads, head_dim, mask, with_weights):
    """The merged export's If over the cross-attention: without the cache, project
    encoder_hidden_states (both branches see the outer graph's weights), attend to them and output
    them as present.*.encoder.*; with it, attend to past_key_values.*.encoder.* where they are (no
    copy) and output constant empty tensors, as optimum's merged exports do — callers keep the first
    run's encoder keys/values (copying them every step would cost a batch's whole cross-attention
    cache per token). Returns the attention's output [B, S, d]; with_weights also outputs
    cross_attentions.{layer}, the weights after the softmax."""
    def attend(branch, k, v):
        weights = f"{branch.prefix}weights" if with_weights else None
        merged = branch.merge_heads(branch.attend(q, k, v, head_dim, mask, weights), d)
        return [merged] + ([weights] if with_weights else [])

    with_cache = Graph(g.rng, prefix=f"cached{layer}_")
    empty = np.zeros((1, heads, 0, head_dim), dtype=np.float32)
    past = [f"past_key_values.{layer}.encoder.{part}" for part in ("key", "value")]
    cached_attention = attend(with_cache, *past)
    cached = [cached_attention[0]]
    cached += [with_cache.op("Constant", [], value=numpy_helper.from_array(empty, f"cached{layer}_empty_{part}")) for part in ("key", "value")]
    cached += cached_attention[1:]
    fresh = Graph(g.rng, prefix=f"fresh{layer}_")
    projected = [
        fresh.split_heads(fresh.linear("encoder_hidden_states", d, d, f"dec{layer}_xk", bias=False), heads, head_dim),
        fresh.split_heads(fresh.linear("encoder_hidden_states", d, d, f"dec{layer}_xv"), heads, head_dim),
    ]
    fresh_attention = attend(fresh, *projected)
    computed = [fresh_attention[0], *projected, *fresh_attention[1:]]
    g.initializers += with_cache.initializers + fresh.initializers
    branch_outputs = lambda names: [tensor(n, FLOAT, None) for n in names]  # noqa: E731
    outputs = [f"cross_attended_{layer}", f"present.{layer}.encoder.key", f"present.{layer}.encoder.value"]
    outputs += [f"cross_attentions.{layer}"] if with_weights else []
    results = g.op(
        "If",
        ["use_cache_branch"],
        outputs,
        then_branch=with_cache.subgraph(f"with_past_{layer}", branch_outputs(cached)),
        else_branch=fresh.subgraph(f"without_past_{layer}", branch_outputs(computed)),
    )
    return results[0]
