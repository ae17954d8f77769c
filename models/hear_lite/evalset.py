"""The held-out evaluation set for `hear eval`: every validation example written as audio, with its proxy
targets as a SongEval metadata.jsonl (one "rater", the proxy), so the project's own CLI measures the bundle:

  hear eval --labels DIR/metadata.jsonl --model models/hear-lite [--system-key degradation]

FLAC keeps the files lossless at about half the size of WAV. Resumable: existing files are kept.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np

from .features import Example, example_audio
from .sources import SAMPLE_RATE
from .targets import DIMENSIONS


def file_name(ex: Example) -> str:
    return "audio/" + ex.key.replace("/", "__").replace("#", "--") + ".flac"


def write_flac(path: Path, audio: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = np.clip(np.round(audio * 32767.0), -32768, 32767).astype("<i2").tobytes()
    tmp = path.with_suffix(".part.flac")
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1",
                    "-i", "-", "-c:a", "flac", str(tmp)], input=pcm, check=True)
    tmp.rename(path)


def write_evalset(out: Path, examples: list[Example], wav_of: dict[str, Path], log=print) -> int:
    """Audio and metadata.jsonl of the validation examples; returns how many audio files were made."""
    held_out = [e for e in examples if e.split == "validation"]
    out.mkdir(parents=True, exist_ok=True)
    made = 0
    with open(out / "metadata.jsonl.part", "w") as meta:
        for ex in held_out:
            path = out / file_name(ex)
            if not path.exists():
                write_flac(path, example_audio(ex, wav_of))
                made += 1
                if made % 50 == 0:
                    log(f"evalset: {made} files made")
            meta.write(json.dumps({
                "file_name": file_name(ex),
                "annotation": [{"annotator": "proxy", **dict(zip(DIMENSIONS, ex.target))}],
                "package": ex.package, "tier": ex.tier, "degradation": ex.degradation, "severity": ex.severity,
            }) + "\n")
    (out / "metadata.jsonl.part").rename(out / "metadata.jsonl")
    return made
