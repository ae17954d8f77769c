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
from torch import Tensor, nn

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
            raise ExportError(f"unexpected placeholder node {node.domain}::{node.op_type} "
                              f"with {len(node.input)} inputs")
        q, k, v, key_mask = node.input
        heads = next(helper.get_attribute_value(a) for a in node.attribute if a.name == "num_heads")
        if key_mask not in all_valid:
            smallest = f"{key_mask}_min"
            all_valid[key_mask] = f"{key_mask}_all_valid"
            nodes.append(helper.make_node("ReduceMin", [key_mask], [smallest], keepdims=0, name=f"{key_mask}_reduce"))
            nodes.append(helper.make_node("Cast", [smallest], [all_valid[key_mask]], to=TensorProto.BOOL,
                                          name=f"{key_mask}_cast"))
        out = node.output[0]

        def branch(suffix: str, inputs: list[str]) -> onnx.GraphProto:
            mha = helper.make_node("MultiHeadAttention", inputs, [f"{out}_{suffix}"], domain=ORT_DOMAIN,
                                   num_heads=heads, name=f"{node.name}_{suffix}")
            output = helper.make_tensor_value_info(f"{out}_{suffix}", TensorProto.FLOAT, None)
            return helper.make_graph([mha], f"{node.name}_{suffix}", [], [output])

        # Input 3, the optional projection bias, stays empty: the projections added theirs (as Adds
        # that int8 quantisation leaves alone), and WebGPU's flash attention runs only without it.
        unpadded = branch("unpadded", [q, k, v])
        padded = branch("padded", [q, k, v, "", key_mask])
        nodes.append(helper.make_node("If", [all_valid[key_mask]], [out], then_branch=unpadded, else_branch=padded,
                                      name=node.name))
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


def check_head(head: HearHead | HeadEnsemble, path: Path, batches: list[tuple[np.ndarray, np.ndarray]],
               atol: float = HEAD_ATOL) -> float:
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


def export_graph(module: nn.Module, example: tuple[Tensor, ...], path: Path, inputs: list[str], output: str,
                 axes: dict[str, dict[int, str]], width: int | None = None) -> None:
    """Export with torch.onnx; `width` states the output's last dim where torch's shape inference leaves it
    symbolic (a Transpose or Concat at the end), so that bundle validation can check it."""
    module.eval()
    with torch.no_grad(), quiet_exporter():
        torch.onnx.export(module, example, str(path), input_names=inputs, output_names=[output], dynamic_axes=axes,
                          opset_version=OPSET, do_constant_folding=True)
    if width is not None:
        model = onnx.load(str(path))
        last = model.graph.output[0].type.tensor_type.shape.dim[-1]
        last.Clear()
        last.dim_value = width
        onnx.save(model, str(path))


WAVEFORM_AXES = {"waveform": {0: "batch", 1: "samples"}}


def export_source(source: nn.Module, path: Path, sample_rate: int, validate: bool = True) -> None:
    """Input `waveform` [batch, samples] float32; output `features` [batch, frames, dim]."""
    export_graph(source, (torch.zeros(1, sample_rate),), path, ["waveform"], "features",
                 {**WAVEFORM_AXES, "features": {0: "batch", 1: "frames"}})
    if validate:
        check_source(source, path, validation_waves(sample_rate))


def validation_waves(sample_rate: int) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [rng.uniform(-0.5, 0.5, (1, n)).astype(np.float32) for n in (sample_rate // 10 + 7, 3 * sample_rate + 123)]


class SourceStage(nn.Module):
    """One stage of a framed source, `frames` or `call`, as the module to export."""

    def __init__(self, source: nn.Module, stage: str) -> None:
        super().__init__()
        self.source, self.stage = source, stage

    def forward(self, *inputs: Tensor) -> Tensor:
        return getattr(self.source, self.stage)(*inputs)


def export_framed_source(source: nn.Module, frames_path: Path, call_path: Path, sample_rate: int,
                         validate: bool = True) -> None:
    """A framed source (`frames(waveform)` once per song, `call(waveform, frames)` per window on the window's
    rows) as two graphs: `waveform` [batch, samples] -> `frames` [batch, frames, source.frames_dim], and
    `waveform` and `frames` -> `features` [batch, frames, source.dim]. A call graph that does not read the
    waveform still takes it, so every framed source is fed alike."""
    frames_axes = {"frames": {0: "batch", 1: "frames"}}
    wave = torch.zeros(1, sample_rate)
    export_graph(SourceStage(source, "frames"), (wave,), frames_path, ["waveform"], "frames",
                 {**WAVEFORM_AXES, **frames_axes}, source.frames_dim)
    with torch.no_grad():
        example = (wave, source.frames(wave))
    export_graph(SourceStage(source, "call"), example, call_path, ["waveform", "frames"], "features",
                 {**WAVEFORM_AXES, **frames_axes, "features": {0: "batch", 1: "frames"}}, source.dim)
    model = onnx.load(str(call_path))
    if "waveform" not in [i.name for i in model.graph.input]:
        model.graph.input.insert(0, helper.make_tensor_value_info("waveform", TensorProto.FLOAT, ["batch", "samples"]))
        onnx.save(model, str(call_path))
    if validate:
        waves = validation_waves(sample_rate)
        check_graph(SourceStage(source, "frames"), frames_path, [{"waveform": w} for w in waves], "frames")
        with torch.no_grad():
            runs = [{"waveform": w, "frames": source.frames(torch.from_numpy(w)).numpy()} for w in waves]
        check_graph(SourceStage(source, "call"), call_path, runs, "features")


def check_source(source: nn.Module, path: Path, waves: list[np.ndarray], atol: float = SOURCE_ATOL) -> float:
    return check_graph(source, path, [{"waveform": w} for w in waves], "features", atol)


def check_graph(module: nn.Module, path: Path, runs: list[dict[str, np.ndarray]], output: str,
                atol: float = SOURCE_ATOL) -> float:
    """Max |ORT - PyTorch| of `output` over the runs (module called on each run's inputs in order), relative to
    the output's largest magnitude where that is above 1 (a frames stage's DFT power runs into the
    hundreds); raises ExportError on a shape difference or above atol."""
    result = run_onnx(path, runs, [output])
    worst = 0.0
    for feeds, out in zip(runs, result.outputs):
        with torch.no_grad():
            expected = module(*(torch.from_numpy(a) for a in feeds.values())).numpy()
        if out[output].shape != expected.shape:
            raise ExportError(f"{path}: ONNX output shape {out[output].shape} != PyTorch {expected.shape}")
        scale = max(1.0, float(np.abs(expected).max()))
        worst = max(worst, difference(path, out[output], expected) / scale)
    if worst > atol:
        raise ExportError(f"{path}: ONNX Runtime differs from PyTorch by {worst:.3g} (> {atol})")
    return worst
