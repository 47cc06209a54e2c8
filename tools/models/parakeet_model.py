"""Parakeet TDT in the istupakov/parakeet-tdt-0.6b-v2-onnx layout: `nemo128.onnx` (waveforms,
waveforms_lens -> features, features_lens), `encoder-model.onnx` (audio_signal, length ->
outputs, encoded_lengths) and `decoder_joint-model.onnx` (encoder_outputs, targets,
target_length, input_states_1, input_states_2 -> outputs, prednet_lengths, output_states_1,
output_states_2), with the public exports' names, dtypes and layouts (channels first)."""
import numpy as np

from onnx_graph import FLOAT, INT32, INT64, Graph, save_model, tensor

HOP = 160
WINDOW = 400
SUBSAMPLING = 8


def build_preprocessor(dims, rng, path):
    """A learned filterbank standing in for NeMo's log-mel: one frame per 10 ms hop, centred
    windows, so features_lens = waveforms_lens // 160 + 1 as NeMo computes it."""
    g = Graph(rng)
    mels = dims["features"]
    wave = g.op("Unsqueeze", ["waveforms", g.const([1], "ax1", np.int64)])
    filtered = g.op("Conv", [wave, g.weight((mels, 1, WINDOW), "filterbank", std=0.05)], strides=[HOP], pads=[WINDOW // 2, WINDOW // 2])
    power = g.op("Add", [g.op("Mul", [filtered, filtered]), g.const(1e-5, "eps")])
    lens = g.op("Add", [g.op("Div", ["waveforms_lens", g.const(HOP, "hop", np.int64)]), g.const(1, "one", np.int64)], ["features_lens"])
    # Frames past an item's length are zero, as NeMo pads them: a batch item's features then
    # match the same audio alone.
    frames = g.op("Squeeze", [g.op("Shape", [power], start=2, end=3), g.const([0], "ax0", np.int64)])
    frame_index = g.op("Unsqueeze", [g.op("Range", [g.const(0, "zero", np.int64), frames, g.const(1, "step", np.int64)]), g.const([0], "ax0_again", np.int64)])
    valid = g.op("Less", [frame_index, g.op("Unsqueeze", [lens, g.const([1], "ax1_again", np.int64)])])  # [B, T]
    mask = g.op("Unsqueeze", [g.op("Cast", [valid], to=1), g.const([1], "ax1_mask", np.int64)])  # [B, 1, T]
    g.op("Mul", [g.op("Log", [power]), mask], ["features"])
    save_model(
        g,
        [tensor("waveforms", FLOAT, ["batch_size", "samples"]), tensor("waveforms_lens", INT64, ["batch_size"])],
        [tensor("features", FLOAT, ["batch_size", mels, "frames"]), tensor("features_lens", INT64, ["batch_size"])],
        path,
    )


def build_encoder(dims, rng, path):
    """8x subsampling (ceil(frames / 8) outputs, as the FastConformer's three stride-2 convs give)."""
    g = Graph(rng)
    d = dims["encoder_dim"]
    conv = g.op(
        "Conv",
        ["audio_signal", g.weight((d, dims["features"], SUBSAMPLING), "subsample", std=0.05), g.const(np.zeros(d), "subsample_b")],
        strides=[SUBSAMPLING],
        pads=[0, SUBSAMPLING - 1],
    )
    g.op("Tanh", [conv], ["outputs"])
    minus_one = g.op("Sub", ["length", g.const(1, "one", np.int64)])
    g.op("Add", [g.op("Div", [minus_one, g.const(SUBSAMPLING, "factor", np.int64)]), g.const(1, "one_again", np.int64)], ["encoded_lengths"])
    save_model(
        g,
        [tensor("audio_signal", FLOAT, ["batch_size", dims["features"], "frames"]), tensor("length", INT64, ["batch_size"])],
        [tensor("outputs", FLOAT, ["batch_size", d, "encoded_frames"]), tensor("encoded_lengths", INT64, ["batch_size"])],
        path,
    )


def build_decoder_joint(dims, rng, path, next_token, duration_index):
    """Prediction network (state update from the previous token) plus joint. next_token[target]
    and duration_index bias the joint so greedy TDT decoding follows a known token chain, one
    token per `durations[duration_index]` encoder frames; the random part stays small."""
    g = Graph(rng)
    d, state, vocab, n_durations = dims["encoder_dim"], dims["state"], dims["vocab"], dims["durations"]
    width = vocab + n_durations
    embedded = g.op("Gather", [g.weight((vocab, state), "embed", std=0.5), "targets"])  # [B, 1, S]
    step_input = g.op("Transpose", [embedded], perm=[1, 0, 2])  # [1, B, S]
    state1 = g.op("Tanh", [g.op("Add", ["input_states_1", step_input])], ["output_states_1"])
    g.op("Add", [g.op("Mul", ["input_states_2", g.const(0.5, "decay")]), state1], ["output_states_2"])
    top_state = g.op("Unsqueeze", [g.op("Gather", [state1, g.const(1, "top", np.int64)], axis=0), g.const([1], "ax1", np.int64)])
    frame = g.op("Transpose", ["encoder_outputs"], perm=[0, 2, 1])  # [B, 1, D]
    hidden = g.op("Tanh", [g.op("Add", [g.linear(frame, d, state, "joint_enc"), g.linear(top_state, state, state, "joint_pred")])])
    joint = g.linear(hidden, state, width, "joint_out", std=0.02)  # [B, 1, V + durations]
    chain = np.zeros((vocab, width), dtype=np.float32)
    chain[np.arange(vocab), next_token] = 10.0
    token_bias = g.op("Gather", [g.const(chain, "next_token_bias"), "targets"])  # [B, 1, V + durations]
    duration_bias = np.zeros(width, dtype=np.float32)
    duration_bias[vocab + duration_index] = 10.0
    biased = g.op("Add", [g.op("Add", [joint, token_bias]), g.const(duration_bias, "duration_bias")])
    g.op("Unsqueeze", [biased, g.const([2], "ax2", np.int64)], ["outputs"])
    g.op("Identity", ["target_length"], ["prednet_lengths"])
    states = lambda name: tensor(name, FLOAT, [2, "batch_size", state])  # noqa: E731
    save_model(
        g,
        [
            tensor("encoder_outputs", FLOAT, ["batch_size", d, "encoded_frames"]),
            tensor("targets", INT32, ["batch_size", "target_length"]),
            tensor("target_length", INT32, ["batch_size"]),
            states("input_states_1"),
            states("input_states_2"),
        ],
        [
            tensor("outputs", FLOAT, ["batch_size", "encoded_frames", "target_length", width]),
            tensor("prednet_lengths", INT32, ["batch_size"]),
            states("output_states_1"),
            states("output_states_2"),
        ],
        path,
    )
