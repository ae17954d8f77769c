"""ONNX Runtime from Python, through Node (ort_run.cjs) and the repo's onnxruntime-node.

Debian 12 packages no Python onnxruntime and pip cannot reach PyPI here; the
product itself runs onnxruntime-node, so checking exports with it also checks
the runtime the users get.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("ort_run.cjs")


def unavailable_reason() -> str | None:
    """Why ONNX Runtime cannot run here, or None when it can."""
    if shutil.which("node") is None:
        return "node is not on PATH"
    if not (REPO_ROOT / "node_modules" / "onnxruntime-node").is_dir():
        return f"onnxruntime-node is not installed in {REPO_ROOT / 'node_modules'} (run npm ci)"
    return None


@dataclass
class OrtResult:
    outputs: list[dict[str, np.ndarray]]  # one dict per run
    run_ms: list[list[float]]  # per run, one time per repetition
    load_ms: float
    max_rss_mb: float  # peak resident memory of the Node process


def run_onnx(
    model: Path,
    runs: list[dict[str, np.ndarray]],
    output_names: list[str],
    threads: int = 1,
    warmup: int = 0,
    repeat: int = 1,
) -> OrtResult:
    reason = unavailable_reason()
    if reason:
        raise RuntimeError(f"cannot run ONNX Runtime: {reason}")
    with tempfile.TemporaryDirectory(prefix="hear-ort-") as tmp:
        tmpdir = Path(tmp)
        job_runs = []
        for i, feeds in enumerate(runs):
            inputs = {}
            for name, array in feeds.items():
                inputs[name] = str(tmpdir / f"in{i}_{name}.npy")
                np.save(inputs[name], np.ascontiguousarray(array))
            outputs = {name: str(tmpdir / f"out{i}_{name}.npy") for name in output_names}
            job_runs.append({"inputs": inputs, "outputs": outputs})
        job = {"model": str(Path(model).resolve()), "threads": threads, "warmup": warmup, "repeat": repeat,
               "runs": job_runs}
        (tmpdir / "job.json").write_text(json.dumps(job))
        proc = subprocess.run(
            ["node", str(RUNNER), str(tmpdir / "job.json")], capture_output=True, text=True, cwd=REPO_ROOT
        )
        if proc.returncode != 0:
            raise RuntimeError(f"onnxruntime-node failed on {model}: {proc.stderr.strip()}")
        report = json.loads(proc.stdout)
        outputs = [{name: np.load(path) for name, path in run["outputs"].items()} for run in job_runs]
    return OrtResult(
        outputs=outputs,
        run_ms=[run["ms"] for run in report["runs"]],
        load_ms=report["loadMs"],
        max_rss_mb=report["maxRssMB"],
    )
