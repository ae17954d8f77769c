"""Dynamic int8 quantisation of an ONNX graph's MatMul weights.

onnxruntime's Python quantiser (quantize_dynamic) would do this, but Debian 12
packages no Python onnxruntime and PyPI is out of reach, so the rewrite is
done here with the onnx package. It emits the same standard pattern ONNX
Runtime's quantiser emits, which ORT fuses at load time into its fast
DynamicQuantizeMatMul kernel:

    x -> DynamicQuantizeLinear -> (x_u8, x_scale, x_zero)
    MatMulInteger(x_u8, W_s8, x_zero, 0) -> Cast(float) -> Mul(x_scale * w_scale) -> y

Weights are quantised symmetrically per output column (scale = max|w| / 127,
zero point 0); activations per tensor (uint8, asymmetric) at run time.
MatMuls between two activations (attention logits) stay float.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def quantize_matmul_weights(src: Path, dst: Path) -> int:
    """Write the quantised graph to dst; returns how many MatMuls were rewritten."""
    model = onnx.load(str(src))
    graph = model.graph
    initializers = {init.name: init for init in graph.initializer}
    quantized_inputs: dict[str, tuple[str, str, str]] = {}  # activation name -> (u8, scale, zero point)
    new_nodes = []
    used_weights = set()
    rewritten = 0
    for node in graph.node:
        weight = initializers.get(node.input[1]) if node.op_type == "MatMul" else None
        if weight is None or len(weight.dims) != 2 or weight.data_type != TensorProto.FLOAT:
            new_nodes.append(node)
            continue
        activation = node.input[0]
        if activation not in quantized_inputs:
            names = (f"{activation}_u8", f"{activation}_scale", f"{activation}_zero")
            new_nodes.append(helper.make_node("DynamicQuantizeLinear", [activation], list(names),
                                              name=f"{activation}_dql"))
            quantized_inputs[activation] = names
        x_u8, x_scale, x_zero = quantized_inputs[activation]
        w = numpy_helper.to_array(weight).astype(np.float32)
        w_scale = np.abs(w).max(axis=0) / 127.0
        w_scale[w_scale == 0] = 1.0
        w_q = np.clip(np.round(w / w_scale), -127, 127).astype(np.int8)
        base = weight.name
        graph.initializer.extend(
            [
                numpy_helper.from_array(w_q, f"{base}_s8"),
                numpy_helper.from_array(w_scale.astype(np.float32), f"{base}_wscale"),
                numpy_helper.from_array(np.zeros(w.shape[1], dtype=np.int8), f"{base}_wzero"),
            ]
        )
        out = node.output[0]
        new_nodes.extend(
            [
                helper.make_node("MatMulInteger", [x_u8, f"{base}_s8", x_zero, f"{base}_wzero"], [f"{out}_i32"],
                                 name=f"{node.name}_int8"),
                helper.make_node("Cast", [f"{out}_i32"], [f"{out}_f32"], to=TensorProto.FLOAT,
                                 name=f"{node.name}_cast"),
                helper.make_node("Mul", [x_scale, f"{base}_wscale"], [f"{out}_scale"], name=f"{node.name}_scale"),
                helper.make_node("Mul", [f"{out}_f32", f"{out}_scale"], [out], name=f"{node.name}_rescale"),
            ]
        )
        used_weights.add(base)
        rewritten += 1
    still_used = {name for node in new_nodes for name in node.input}
    kept = [init for init in graph.initializer if init.name not in used_weights or init.name in still_used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    del graph.node[:]
    graph.node.extend(new_nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))
    return rewritten
