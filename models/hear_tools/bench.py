"""bench-head: latency and peak memory of a full-size HEAR head (random weights), one thread each.

ONNX Runtime runs in Node (onnxruntime-node, as the product does), fp32 and
int8; PyTorch runs fp32 in a child process so that its peak RSS is its own.
"""

from __future__ import annotations

import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from .export import export_head
from .head import HeadConfig, HearHead
from .ort import REPO_ROOT, run_onnx
from .quantize import quantize_matmul_weights


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def torch_worker(state_path: str, features_path: str, repeat: int) -> None:
    """Child process: time the PyTorch head on one thread, print JSON with times and peak RSS."""
    torch.set_num_threads(1)
    head = HearHead(HeadConfig.for_track(2)).eval()
    head.load_state_dict(torch.load(state_path))
    features = torch.from_numpy(np.load(features_path))
    times = []
    with torch.no_grad():
        head(features)  # warm-up
        for _ in range(repeat):
            start = time.perf_counter()
            scores = head(features)
            times.append((time.perf_counter() - start) * 1000)
    np.save(features_path + ".scores.npy", scores.numpy())
    print(json.dumps({"ms": times, "maxRssMB": peak_rss_kb() / 1024}))


def peak_rss_kb() -> int:
    """Peak resident memory of this process: VmHWM on Linux (getrusage's ru_maxrss
    survives fork + exec and would report the parent's peak)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def bench_head(frames: int = 4500, repeat: int = 3) -> dict:
    torch.manual_seed(0)
    head = HearHead(HeadConfig.for_track(2)).eval()
    features = np.random.default_rng(0).standard_normal((1, frames, head.cfg.input_dim_raw), dtype=np.float32)
    feeds = {"features": features, "lengths": np.array([frames], dtype=np.int64)}
    results = []
    with tempfile.TemporaryDirectory(prefix="hear-bench-") as tmp:
        folder = Path(tmp)
        fp32, int8 = folder / "head.onnx", folder / "head-int8.onnx"
        export_head(head, fp32)
        quantize_matmul_weights(fp32, int8)
        state, feats = folder / "state.pth", folder / "features.npy"
        torch.save(head.state_dict(), state)
        np.save(feats, features)
        proc = subprocess.run(
            [sys.executable, "-c",
             f"from hear_tools.bench import torch_worker; torch_worker({str(state)!r}, {str(feats)!r}, {repeat})"],
            capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], check=True,
        )
        worker = json.loads(proc.stdout)
        reference = np.load(str(feats) + ".scores.npy")
        for precision, path in (("fp32", fp32), ("int8", int8)):
            run = run_onnx(path, [feeds], ["scores"], threads=1, warmup=1, repeat=repeat)
            results.append(
                {
                    "runtime": "onnxruntime-node",
                    "precision": precision,
                    "medianMs": statistics.median(run.run_ms[0]),
                    "minMs": min(run.run_ms[0]),
                    "loadMs": run.load_ms,
                    "peakRssMB": run.max_rss_mb,
                    "modelMB": path.stat().st_size / 2**20,
                    "maxScoreDeviation": float(np.abs(run.outputs[0]["scores"] - reference).max()),
                }
            )
        results.append(
            {
                "runtime": "pytorch",
                "precision": "fp32",
                "medianMs": statistics.median(worker["ms"]),
                "minMs": min(worker["ms"]),
                "peakRssMB": worker["maxRssMB"],
                "maxScoreDeviation": 0.0,
            }
        )
    ort_version = json.loads((REPO_ROOT / "node_modules" / "onnxruntime-node" / "package.json").read_text())["version"]
    return {
        "frames": frames,
        "track": 2,
        "parameters": sum(p.numel() for p in head.parameters()),
        "threads": 1,
        "repeat": repeat,
        "cpu": cpu_name(),
        "versions": {"torch": torch.__version__, "onnxruntime-node": ort_version},
        "results": results,
    }


def format_table(report: dict) -> str:
    lines = [
        f"HEAR head, Track 2, {report['parameters'] / 1e6:.1f}M parameters, T = {report['frames']} frames, "
        f"{report['threads']} thread, median of {report['repeat']} ({report['cpu']})",
        f"{'runtime':<18}{'precision':<10}{'median ms':>10}{'min ms':>10}{'peak RSS MB':>13}{'max |dev|':>11}",
    ]
    for r in report["results"]:
        lines.append(
            f"{r['runtime']:<18}{r['precision']:<10}{r['medianMs']:>10.0f}{r['minMs']:>10.0f}"
            f"{r['peakRssMB']:>13.0f}{r['maxScoreDeviation']:>11.2g}"
        )
    return "\n".join(lines)
