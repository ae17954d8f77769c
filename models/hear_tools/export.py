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
import torch
from torch import nn

from .head import HearHead
from .ort import run_onnx

OPSET = 17
HEAD_ATOL = 1e-4
SOURCE_ATOL = 1e-4


class ExportError(Exception):
    pass


@contextmanager
def quiet_exporter():
    """torch 1.13's exporter warns about prim::Constant shape inference and
    unfolded strided Slices on every export; harmless here because each graph
    is checked against PyTorch."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The shape inference of prim::Constant")
        warnings.filterwarnings("ignore", message="Constant folding - Only steps=1")
        yield


def export_head(head: HearHead, path: Path, validate: bool = True) -> None:
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
        )
    if validate:
        rng = np.random.default_rng(0)
        features = rng.standard_normal((2, 10, head.cfg.input_dim_raw), dtype=np.float32)
        lengths = np.array([10, 7], dtype=np.int64)
        check_head(head, path, [(features, lengths)])


def check_head(head: HearHead, path: Path, batches: list[tuple[np.ndarray, np.ndarray]], atol: float = HEAD_ATOL) -> float:
    """Max |ORT - PyTorch| over the batches; raises ExportError above atol."""
    result = run_onnx(path, [{"features": f, "lengths": n} for f, n in batches], ["scores"])
    worst = 0.0
    for (features, lengths), out in zip(batches, result.outputs):
        with torch.no_grad():
            expected = head(torch.from_numpy(features), torch.from_numpy(lengths)).numpy()
        worst = max(worst, float(np.abs(out["scores"] - expected).max()))
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
        worst = max(worst, float(np.abs(out["features"] - expected).max()))
    if worst > atol:
        raise ExportError(f"{path}: ONNX Runtime differs from PyTorch by {worst:.3g} (> {atol})")
    return worst
