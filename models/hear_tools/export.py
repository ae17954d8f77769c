"""ONNX export of heads and sources; every export checks itself against PyTorch.

The check runs ONNX Runtime (through Node) on the exported file and compares
with the PyTorch module, as optimum's exporters do, so a bad graph never
lands in a bundle.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper
from torch import nn

from .head import HeadEnsemble, HearHead
from .ort import run_onnx

OPSET = 17
# ONNX Runtime's contrib operators (com.microsoft.MultiHeadAttention), opset version 1.
ORT_DOMAIN = "com.microsoft"
PLACEHOLDER_DOMAIN = "hear"  # FusedAttention's placeholder node, rewritten by fuse_attention
HEAD_ATOL = 1e-4
SOURCE_ATOL = 1e-4


class ExportError(Exception):
    pass


@contextmanager
def quiet_exporter():
    """torch 1.13's exporter warns about prim::Constant shape inference and
    unfolded strided Slices on every export, and about the attention
    placeholder (no shape inference, old-style symbolic `g.op`, shapes read
    while tracing FusedAttention's PyTorch body, which the placeholder
    replaces); harmless here because each graph is checked against PyTorch."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The shape inference of prim::Constant")
        warnings.filterwarnings("ignore", message="Constant folding - Only steps=1")
        warnings.filterwarnings("ignore", message="The shape inference of hear::SelfAttention")
        warnings.filterwarnings("ignore", message="'torch.onnx._patch_torch._graph_op' is deprecated")
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning, message="Converting a tensor to a Python")
        yield


def export_head(head: HearHead | HeadEnsemble, path: Path, validate: bool = True) -> None:
    """Inputs `features` [batch, time, inputDim] float32 and `lengths` [batch] int64; output `scores`."""
    head.eval()
    example = (torch.zeros(2, 12, head.cfg.input_dim_raw), torch.tensor([12, 9], dtype=torch.int64))
    with torch.no_grad(), quiet_exporter():
        torch.onnx.export(
            head,
            example,
            str(path),
            input_names=["features", "lengths"],
            output_names=["scores"],
            dynamic_axes={"features": {0: "batch", 1: "time"}, "lengths": {0: "batch"}, "scores": {0: "batch"}},
            opset_version=OPSET,
            do_constant_folding=True,
            custom_opsets={PLACEHOLDER_DOMAIN: 1},
        )
    model = onnx.load(str(path))
    fused, layers = fuse_attention(model), sum(m.cfg.attn_layer_num for m in head.modules() if isinstance(m, HearHead))
    if fused != layers:
        raise ExportError(f"{path}: fused {fused} attention layers, the head has {layers}")
    # torch's shape inference cannot see through the placeholder, so the shapes it recorded after it
    # are symbolic: drop them (ONNX Runtime infers its own) and state the output's known width.
    del model.graph.value_info[:]
    scores_dims = model.graph.output[0].type.tensor_type.shape.dim
    scores_dims[1].Clear()
    scores_dims[1].dim_value = head.cfg.num_classes
    onnx.save(model, str(path))
    if validate:
        rng = np.random.default_rng(0)
        features = rng.standard_normal((2, 10, head.cfg.input_dim_raw), dtype=np.float32)
        lengths = np.array([10, 7], dtype=np.int64)
        check_head(head, path, [(features, lengths)])


def fuse_attention(model: onnx.ModelProto) -> int:
    """Turn each hear::SelfAttention placeholder into com.microsoft.MultiHeadAttention; returns how many.

    With a key padding mask, ONNX Runtime's CPU kernel leaves its flash path and
    materialises the [B, heads, T, T] scores again (and WebGPU does not take a
    mask at all). So each attention becomes If(every key is valid): the
    unmasked fused op for unpadded input (every song scored alone, which is all
    the engine runs), the masked one (key_padding_mask [B, T] int32, 1 = valid)
    for padded batches.
    """
    graph = model.graph
    nodes = []
    all_valid: dict[str, str] = {}  # key mask -> bool scalar "no key is padding"
    fused = 0
    for node in graph.node:
        if node.domain != PLACEHOLDER_DOMAIN:
            nodes.append(node)
            continue
        if node.op_type != "SelfAttention" or len(node.input) != 4:
            raise ExportError(f"unexpected placeholder node {node.domain}::{node.op_type} with {len(node.input)} inputs")
        q, k, v, key_mask = node.input
        heads = next(helper.get_attribute_value(a) for a in node.attribute if a.name == "num_heads")
        if key_mask not in all_valid:
            smallest = f"{key_mask}_min"
            all_valid[key_mask] = f"{key_mask}_all_valid"
            nodes.append(helper.make_node("ReduceMin", [key_mask], [smallest], keepdims=0, name=f"{key_mask}_reduce"))
            nodes.append(helper.make_node("Cast", [smallest], [all_valid[key_mask]], to=TensorProto.BOOL, name=f"{key_mask}_cast"))
        out = node.output[0]

        def branch(suffix: str, inputs: list[str]) -> onnx.GraphProto:
            mha = helper.make_node("MultiHeadAttention", inputs, [f"{out}_{suffix}"], domain=ORT_DOMAIN, num_heads=heads, name=f"{node.name}_{suffix}")
            return helper.make_graph([mha], f"{node.name}_{suffix}", [], [helper.make_tensor_value_info(f"{out}_{suffix}", TensorProto.FLOAT, None)])

        # Input 3, the optional projection bias, stays empty: the projections added theirs (as Adds
        # that int8 quantisation leaves alone), and WebGPU's flash attention runs only without it.
        unpadded = branch("unpadded", [q, k, v])
        padded = branch("padded", [q, k, v, "", key_mask])
        nodes.append(helper.make_node("If", [all_valid[key_mask]], [out], then_branch=unpadded, else_branch=padded, name=node.name))
        fused += 1
    del graph.node[:]
    graph.node.extend(nodes)
    imports = [o for o in model.opset_import if o.domain not in (PLACEHOLDER_DOMAIN, ORT_DOMAIN)]
    del model.opset_import[:]
    model.opset_import.extend(imports)
    if fused:
        model.opset_import.append(helper.make_opsetid(ORT_DOMAIN, 1))
    return fused


def difference(path: Path, onnx_out: np.ndarray, torch_out: np.ndarray) -> float:
    """Max |ORT - PyTorch|. A NaN or inf fails outright: max() would pass over a NaN difference."""
    for runtime, out in (("ONNX Runtime", onnx_out), ("PyTorch", torch_out)):
        if not np.isfinite(out).all():
            raise ExportError(f"{path}: {runtime} returned {int((~np.isfinite(out)).sum())} NaN or infinite values")
    return float(np.abs(onnx_out - torch_out).max())


def check_head(head: HearHead | HeadEnsemble, path: Path, batches: list[tuple[np.ndarray, np.ndarray]], atol: float = HEAD_ATOL) -> float:
    """Max |ORT - PyTorch| over the batches; raises ExportError above atol."""
    result = run_onnx(path, [{"features": f, "lengths": n} for f, n in batches], ["scores"])
    worst = 0.0
    for (features, lengths), out in zip(batches, result.outputs):
        with torch.no_grad():
            expected = head(torch.from_numpy(features), torch.from_numpy(lengths)).numpy()
        worst = max(worst, difference(path, out["scores"], expected))
    if worst > atol:
        raise ExportError(f"{path}: ONNX Runtime differs from PyTorch by {worst:.3g} (> {atol})")
    return worst


def export_source(source: nn.Module, path: Path, sample_rate: int, validate: bool = True) -> None:
    """Input `waveform` [batch, samples] float32; output `features` [batch, frames, dim]."""
    source.eval()
    with torch.no_grad(), quiet_exporter():
        torch.onnx.export(
            source,
            (torch.zeros(1, sample_rate),),
            str(path),
            input_names=["waveform"],
            output_names=["features"],
            dynamic_axes={"waveform": {0: "batch", 1: "samples"}, "features": {0: "batch", 1: "frames"}},
            opset_version=OPSET,
            do_constant_folding=True,
        )
    if validate:
        rng = np.random.default_rng(0)
        waves = [rng.uniform(-0.5, 0.5, (1, n)).astype(np.float32) for n in (sample_rate // 10 + 7, 3 * sample_rate + 123)]
        check_source(source, path, waves)


def check_source(source: nn.Module, path: Path, waves: list[np.ndarray], atol: float = SOURCE_ATOL) -> float:
    result = run_onnx(path, [{"waveform": w} for w in waves], ["features"])
    worst = 0.0
    for wave, out in zip(waves, result.outputs):
        with torch.no_grad():
            expected = source(torch.from_numpy(wave)).numpy()
        if out["features"].shape != expected.shape:
            raise ExportError(f"{path}: ONNX output shape {out['features'].shape} != PyTorch {expected.shape}")
        worst = max(worst, difference(path, out["features"], expected))
    if worst > atol:
        raise ExportError(f"{path}: ONNX Runtime differs from PyTorch by {worst:.3g} (> {atol})")
    return worst
