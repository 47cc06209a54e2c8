"""The fp16 and int8 weight variants of a Whisper export, named as the onnx-community exports name
them (`onnx/encoder_model_fp16.onnx`, `onnx/decoder_model_merged_int8.onnx`), made from the fp32
files that whisper_model.py wrote, so they decode like them (up to rounding).

- fp16: every float tensor (weights, constants, graph inputs and outputs, If-branch outputs)
  becomes float16, values clipped to float16's range (the causal mask's -1e9 becomes -65504).
  ONNX Runtime runs it on CPU by casting around the kernels it lacks in float16.
- int8: onnxruntime.quantization.quantize_dynamic's layout for MatMul with a constant weight:
  DynamicQuantizeLinear on the activation (uint8), MatMulInteger with the weight as int8
  (symmetric, per tensor), then Cast and Mul by the two scales. Other ops stay float32."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

FLOAT16_MAX = float(np.finfo(np.float16).max)
SUFFIXES = {"fp16": "_fp16", "int8": "_int8"}


def write_variants(onnx_dir, names=("encoder_model", "decoder_model_merged"), dtypes=("fp16", "int8")):
    for name in names:
        for dtype in dtypes:
            model = onnx.load(str(onnx_dir / f"{name}.onnx"))
            (to_float16 if dtype == "fp16" else quantize_matmuls)(model)
            onnx.checker.check_model(model)
            onnx.save(model, str(onnx_dir / f"{name}{SUFFIXES[dtype]}.onnx"))


def to_float16(model):
    graph = model.graph
    for i, init in enumerate(graph.initializer):
        if init.data_type == TensorProto.FLOAT:
            graph.initializer[i].CopyFrom(half(init))
    for value in [*graph.input, *graph.output, *graph.value_info]:
        retype(value)
    for node in all_nodes(graph):
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.TENSOR and attr.t.data_type == TensorProto.FLOAT:
                attr.t.CopyFrom(half(attr.t))
            if attr.type == onnx.AttributeProto.GRAPH:
                for value in [*attr.g.input, *attr.g.output, *attr.g.value_info]:
                    retype(value)
        if node.op_type == "Cast":
            for attr in node.attribute:
                if attr.name == "to" and attr.i == TensorProto.FLOAT:
                    attr.i = TensorProto.FLOAT16


def half(tensor):
    values = np.clip(numpy_helper.to_array(tensor), -FLOAT16_MAX, FLOAT16_MAX).astype(np.float16)
    return numpy_helper.from_array(values, tensor.name)


def retype(value):
    if value.type.tensor_type.elem_type == TensorProto.FLOAT:
        value.type.tensor_type.elem_type = TensorProto.FLOAT16


def all_nodes(graph):
    for node in graph.node:
        yield node
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                yield from all_nodes(attr.g)


def quantize_matmuls(model):
    graph = model.graph
    weights = {init.name: init for init in graph.initializer}
    quantized = {}
    for owner in graphs(graph):
        rewritten = []
        for node in owner.node:
            weight = weights.get(node.input[1]) if node.op_type == "MatMul" else None
            if weight is None or len(weight.dims) != 2:
                rewritten.append(node)
                continue
            if weight.name not in quantized:
                quantized[weight.name] = quantize_weight(graph, weight)
            q_name, scale_name, zero_name = quantized[weight.name]
            x = node.input[0]
            prefix = f"{node.name}_quant"
            rewritten += [
                helper.make_node("DynamicQuantizeLinear", [x], [f"{prefix}_x", f"{prefix}_x_scale", f"{prefix}_x_zero"], name=f"{prefix}_dql"),
                helper.make_node("MatMulInteger", [f"{prefix}_x", q_name, f"{prefix}_x_zero", zero_name], [f"{prefix}_int32"], name=f"{prefix}_mmi"),
                helper.make_node("Cast", [f"{prefix}_int32"], [f"{prefix}_float"], name=f"{prefix}_cast", to=TensorProto.FLOAT),
                helper.make_node("Mul", [f"{prefix}_x_scale", scale_name], [f"{prefix}_scale"], name=f"{prefix}_scale_mul"),
                helper.make_node("Mul", [f"{prefix}_float", f"{prefix}_scale"], [node.output[0]], name=f"{prefix}_out"),
            ]
        del owner.node[:]
        owner.node.extend(rewritten)
    # The float weights that every MatMul now reads quantized are no longer needed.
    still_read = {name for owner in graphs(graph) for node in owner.node for name in node.input}
    kept = [init for init in graph.initializer if init.name in still_read or init.name not in quantized]
    del graph.initializer[:]
    graph.initializer.extend(kept)


def graphs(graph):
    yield graph
    for node in graph.node:
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                yield from graphs(attr.g)


def quantize_weight(graph, weight):
    values = numpy_helper.to_array(weight)
    scale = max(float(np.abs(values).max()) / 127.0, 1e-12)
    q = np.clip(np.round(values / scale), -127, 127).astype(np.int8)
    names = (f"{weight.name}_quantized", f"{weight.name}_scale", f"{weight.name}_zero_point")
    graph.initializer.extend([
        numpy_helper.from_array(q, names[0]),
        numpy_helper.from_array(np.array(scale, dtype=np.float32), names[1]),
        numpy_helper.from_array(np.array(0, dtype=np.int8), names[2]),
    ])
    return names
