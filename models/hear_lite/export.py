"""HEAR-Lite bundles: both sources and the trained head exported to ONNX (each export checked against
PyTorch by hear_tools.export) and written with hear_tools.bundle (hashed, validated)."""
from __future__ import annotations

import json
from pathlib import Path

from hear_tools.audio import read_wav16
from hear_tools.bundle import HEAR_SCALES, MAX_LENGTH_MISMATCH, SCORE_RANGE, FileMeta, label_entries, write_bundle
from hear_tools.export import export_framed_source, export_head
from hear_tools.fixtures import audio_golden, write_json
from hear_tools.head import MIN_FRAMES, HeadEnsemble, HearHead
from hear_tools.pipeline import run_audio

from .model import STREAMS, build_sources
from .sources import HOP, SAMPLE_RATE

PROXY_NOTE = ("HEAR-Lite learned targets set by the tier of its training music and by graded, "
              "controlled degradations (splices, tempo/key jumps, off-key layers, shuffled bars, loops, "
              "silences, vocoder artefacts, codecs, noise, clipping), not human ratings.")
SOURCE_DESCRIPTIONS = {
    "timbre": "48-band log-mel (two 512-point windows per 40 ms frame) minus the call mean, and the call's "
              "mean, spread, structure and artefact numbers (band limits, codec holes, noise floor, clipping, "
              "combs, cuts).",
    "harmony": "Chroma (1.5 kHz analysis), 8-band onsets, the call's mean chroma, key-profile correlations "
               "and onset autocorrelation at tempo lags, and its form: how each second's harmony repeats "
               "elsewhere, changes, and fits the call's key.",
}


def export_bundle(head: HearHead | HeadEnsemble, out: Path, *, bundle_id: str, name: str, version: str, provenance: str,
                  description: str, metrics: dict | None = None) -> dict:
    """Write the bundle folder `out` (must be empty or absent); returns the manifest written."""
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise FileExistsError(f"{out}: the bundle folder is not empty")
    sources = build_sources()
    files = {}
    for source_id, module in sources.items():
        export_framed_source(module, out / f"{source_id}-frames.onnx", out / f"{source_id}.onnx", SAMPLE_RATE)
        for stage in ("-frames", ""):
            files[f"{source_id}{stage}.onnx"] = FileMeta(
                "Apache-2.0", f"HEAR-Lite frozen DSP source, no learned weights (models/hear_lite/sources.py); "
                              f"STFT as Conv1d with fixed DFT kernels")
    export_head(head.eval(), out / "head.onnx")
    files["head.onnx"] = FileMeta("Apache-2.0", provenance)
    manifest = {
        "id": bundle_id,
        "name": name,
        "version": version,
        "description": description,
        "task": {"track": 2},
        "labels": label_entries(2),
        "scoreRange": SCORE_RANGE,
        "proxy": True,
        "proxyNote": PROXY_NOTE,
        "sampleRate": SAMPLE_RATE,
        "frameRate": SAMPLE_RATE / HOP,
        "input": "audio",
        "sources": [{"id": sid, "file": f"{sid}.onnx", "dim": module.dim,
                     "frames": {"file": f"{sid}-frames.onnx", "dim": module.frames_dim},
                     "description": SOURCE_DESCRIPTIONS[sid]} for sid, module in sources.items()],
        "scales": HEAR_SCALES,
        "streams": STREAMS,
        "maxLengthMismatch": MAX_LENGTH_MISMATCH,
        "head": {"file": "head.onnx", "inputDim": head.cfg.input_dim_raw, "minFrames": MIN_FRAMES,
                 "precision": "fp32",
                 "config": {**head.cfg.to_json(),
                            "members": len(head.members) if isinstance(head, HeadEnsemble) else 1}},
        **({"metrics": metrics} if metrics else {}),
    }
    return write_bundle(out, manifest, files)


GOLDEN_SONG = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "audio" / "song-75s.wav"


def write_golden(head: HearHead | HeadEnsemble, bundle: Path, out: Path) -> dict:
    """The PyTorch reference pipeline (hear_tools.pipeline) on the bundle's manifest, the PyTorch sources and
    the trained head, for the 75 s fixture song: what the engine's scores of the bundle must reproduce."""
    manifest = json.loads((bundle / "manifest.json").read_text())
    samples, _ = read_wav16(GOLDEN_SONG)
    scores = run_audio(manifest, build_sources(), head.eval(), samples)
    golden = audio_golden(GOLDEN_SONG.stem, manifest, samples, scores)
    write_json(out, golden)
    return golden
