"""A small graph builder over onnx.helper: named initializers, fresh value names, and the few
layers (linear, layer norm, GELU, attention) the Whisper and Parakeet test models are made of."""
import numpy as np
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


class Graph:
    def __init__(self, rng, prefix=""):
        self.rng = rng
        self.nodes = []
        self.initializers = []
        self.counter = 0
        self.prefix = prefix

    def name(self, hint):
        self.counter += 1
        return f"{self.prefix}{hint}_{self.counter}"

    def const(self, value, hint="const", dtype=np.float32):
        name = self.name(hint)
        self.initializers.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def weight(self, shape, hint, std=0.02):
        return self.const(self.rng.standard_normal(shape) * std, hint)

    def op(self, op_type, inputs, outputs=None, **attrs):
        outputs = outputs or [self.name(op_type.lower())]
        self.nodes.append(helper.make_node(op_type, inputs, outputs, name=self.name(op_type), **attrs))
        return outputs[0] if len(outputs) == 1 else outputs

    def linear(self, x, d_in, d_out, hint, bias=True, std=0.02):
        y = self.op("MatMul", [x, self.weight((d_in, d_out), f"{hint}_w", std)])
        return self.op("Add", [y, self.const(np.zeros(d_out), f"{hint}_b")]) if bias else y

    def layer_norm(self, x, dim, hint, out=None):
        return self.op(
            "LayerNormalization",
            [x, self.const(np.ones(dim), f"{hint}_g"), self.const(np.zeros(dim), f"{hint}_b")],
            [out] if out else None,
            axis=-1,
            epsilon=1e-5,
        )

    def gelu(self, x):
        """Exact GELU from Erf (the Gelu op arrived in opset 20)."""
        scaled = self.op("Mul", [x, self.const(1 / np.sqrt(2), "inv_sqrt2")])
        one_plus = self.op("Add", [self.op("Erf", [scaled]), self.const(1.0, "one")])
        return self.op("Mul", [self.op("Mul", [x, one_plus]), self.const(0.5, "half")])

    def split_heads(self, x, heads, head_dim):
        """[B, S, H*D] -> [B, H, S, D]"""
        shaped = self.op("Reshape", [x, self.const([0, 0, heads, head_dim], "heads_shape", np.int64)])
        return self.op("Transpose", [shaped], perm=[0, 2, 1, 3])

    def merge_heads(self, x, d_model):
        """[B, H, S, D] -> [B, S, H*D]"""
        back = self.op("Transpose", [x], perm=[0, 2, 1, 3])
        return self.op("Reshape", [back, self.const([0, 0, d_model], "model_shape", np.int64)])

    def attend(self, q, k, v, head_dim, mask=None, weights_out=None):
        """Scaled dot-product attention on [B, H, S, D] tensors; mask is additive; weights_out names
        the attention weights (after the softmax) so a graph can output them."""
        kt = self.op("Transpose", [k], perm=[0, 1, 3, 2])
        scores = self.op("Mul", [self.op("MatMul", [q, kt]), self.const(1 / np.sqrt(head_dim), "scale")])
        if mask is not None:
            scores = self.op("Add", [scores, mask])
        weights = self.op("Softmax", [scores], [weights_out] if weights_out else None, axis=-1)
        return self.op("MatMul", [weights, v])

    def mlp(self, x, d_model, d_ff, hint):
        hidden = self.gelu(self.linear(x, d_model, d_ff, f"{hint}_fc1"))
        return self.linear(hidden, d_ff, d_model, f"{hint}_fc2")

    def subgraph(self, name, outputs):
        """The nodes added so far as a branch graph (for If); initializers stay in the outer graph."""
        return helper.make_graph(self.nodes, name, [], outputs)


def tensor(name, elem_type, shape):
    return helper.make_tensor_value_info(name, elem_type, shape)


FLOAT = TensorProto.FLOAT
INT64 = TensorProto.INT64
INT32 = TensorProto.INT32
BOOL = TensorProto.BOOL


def save_model(graph, inputs, outputs, path, extra_initializers=()):
    import onnx

    model_graph = helper.make_graph(graph.nodes, path.stem, inputs, outputs, [*graph.initializers, *extra_initializers])
    model = helper.make_model(
        model_graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="streamscribe tools/models",
    )
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(path))
