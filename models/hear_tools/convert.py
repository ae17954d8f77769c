"""convert-head: a released HEAR checkpoint (track_1.pth / track_2.pth) -> head-only bundle."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import torch

from .bundle import MAX_LENGTH_MISMATCH, SCORE_RANGE, FileMeta, label_entries, sha256_file, write_bundle
from .export import export_head
from .head import MIN_FRAMES, HearHead, load_checkpoint
from .ort import run_onnx
from .quantize import quantize_matmul_weights

HEAR_SAMPLE_RATE = 24000
HEAR_FRAME_RATE = 25
INT8_REFERENCE_FRAMES = 1500  # one minute at 25 Hz


def int8_deviation(head: HearHead, quantized: Path, frames: int = INT8_REFERENCE_FRAMES) -> float:
    """Max |int8 ONNX score - fp32 PyTorch score| on a seeded standard-normal input [1, frames, inputDim]."""
    features = np.random.default_rng(0).standard_normal((1, frames, head.cfg.input_dim_raw), dtype=np.float32)
    with torch.no_grad():
        expected = head(torch.from_numpy(features)).numpy()
    result = run_onnx(quantized, [{"features": features, "lengths": np.array([frames], dtype=np.int64)}], ["scores"])
    return float(np.abs(result.outputs[0]["scores"] - expected).max())


def write_head_bundle(
    head: HearHead,
    out: Path,
    *,
    track: int,
    bundle_id: str,
    name: str,
    version: str,
    license: str,
    provenance: str,
    int8: bool,
    proxy: bool = False,
    proxy_note: str | None = None,
    description: str | None = None,
) -> float | None:
    """Export `head` into a head-only bundle at `out`; returns the int8 deviation when quantised."""
    out.mkdir(parents=True, exist_ok=True)
    head_path = out / "head.onnx"
    deviation = None
    if int8:
        with tempfile.TemporaryDirectory(prefix="hear-convert-") as tmp:
            fp32 = Path(tmp) / "head-fp32.onnx"
            export_head(head, fp32)
            quantize_matmul_weights(fp32, head_path)
        deviation = int8_deviation(head, head_path)
        provenance += "; MatMul weights quantised to int8 (dynamic, per column)"
    else:
        export_head(head, head_path)
    manifest = {
        "id": bundle_id,
        "name": name,
        "version": version,
        **({"description": description} if description else {}),
        "task": {"track": track},
        "labels": label_entries(track),
        "scoreRange": SCORE_RANGE,
        "proxy": proxy,
        **({"proxyNote": proxy_note} if proxy_note else {}),
        "sampleRate": HEAR_SAMPLE_RATE,
        "frameRate": HEAR_FRAME_RATE,
        "input": "features",
        "sources": [],
        "scales": [],
        "streams": [],
        "maxLengthMismatch": MAX_LENGTH_MISMATCH,
        "head": {
            "file": "head.onnx",
            "inputDim": head.cfg.input_dim_raw,
            "minFrames": MIN_FRAMES,
            "precision": "int8" if int8 else "fp32",
            "config": head.cfg.to_json(),
        },
    }
    write_bundle(out, manifest, {"head.onnx": FileMeta(license, provenance)})
    return deviation


def convert_head(checkpoint: Path, track: int, out: Path, int8: bool, license: str, bundle_id: str | None,
                 version: str) -> float | None:
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out}: output folder is not empty")
    head = load_checkpoint(checkpoint, track)
    provenance = (
        f"HEAR Track {track} head converted from {checkpoint.name} (sha256 {sha256_file(checkpoint)}) "
        "by hear_tools convert-head, ONNX opset 17"
    )
    return write_head_bundle(
        head,
        out,
        track=track,
        bundle_id=bundle_id or f"hear-track{track}",
        name=f"HEAR Track {track} head",
        version=version,
        license=license,
        provenance=provenance,
        int8=int8,
        description="Head-only bundle: scores HEAR feature files "
                    "([1, T, 4096] .npy: musicfm@segment, muq@segment, musicfm@track, muq@track).",
    )
