"""The CI smoke path: the whole training pipeline on a tiny synthetic corpus, for a few steps.

Synthetic songs (hear_tools.audio) stand in for the Debian corpus: three "packages", one held out. The
examples are planned, degraded, augmented and featurised exactly as in real training; the head trains for
a few epochs; the loss must fall; the bundle is exported (every ONNX graph checked against PyTorch) and
validated. The learning rate is raised to 1e-3 here only so that a few dozen steps move the loss.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import torch

from hear_tools.audio import Section, render_song

from . import features
from .audio import write_wav16
from .export import export_bundle
from .sources import SAMPLE_RATE
from .train import TrainConfig, train

SONG_SECONDS = 20
PACKAGES = {"synth-a": "train", "synth-b": "train", "synth-c": "validation"}


def synthetic_corpus(work: Path, songs_per_package: int = 4) -> list[dict]:
    tracks = []
    for p, (package, split) in enumerate(PACKAGES.items()):
        for s in range(songs_per_package):
            seed = 100 * p + s
            sections = [Section(SONG_SECONDS / 2, 57 + seed % 7, pad=True, bass=True, drums=s % 2 == 0),
                        Section(SONG_SECONDS / 2, 57 + seed % 7, melody=True, bass=True, arpeggio=True)]
            audio = render_song(sections, SAMPLE_RATE, 100 + 10 * s, seed).astype(np.float32)
            track_id = f"{package}/song{s}"
            wav = work / "wav24" / f"{track_id}.wav"
            write_wav16(wav, audio / (np.max(np.abs(audio)) + 1e-9) * 0.7, SAMPLE_RATE)
            tracks.append({"track_id": track_id, "package": package, "split": split,
                           "duration": len(audio) / SAMPLE_RATE, "wav": str(wav.relative_to(work))})
    (work / "corpus.json").write_text(json.dumps({"tracks": tracks}))
    return tracks


def run(out: Path, log=print) -> dict:
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory(prefix="hear-lite-smoke-") as tmp:
        work = Path(tmp)
        synthetic_corpus(work)
        examples, wav_of = features.load_plan(work)
        features.extract(work, examples, wav_of, log)
        train_ex = [e for e in examples if e.split == "train"]
        val_ex = [e for e in examples if e.split == "validation"]
        cfg = TrainConfig(epochs=12, lr=1e-3, crop_frames=250, val_frames=500, log_every=1000)
        state = train(work, work / "run", train_ex, val_ex, cfg, log)
        epochs = [json.loads(line) for line in (work / "run/log.jsonl").read_text().splitlines()]
        first, last = state["initial_fit"], epochs[-1]["fit"]
        log(f"smoke: training fit (SmoothL1, unmixed) {first:.4f} before, {last:.4f} after {state['step']} steps")
        if not last < 0.8 * first:
            raise RuntimeError(f"smoke: the loss did not fall ({first:.4f} -> {last:.4f})")
        best = torch.load(work / "run/best.pt")
        from .train import make_head
        head = make_head(np.array(best["columns"]))
        head.load_state_dict(best["head"])
        manifest = export_bundle(head, out, bundle_id="hear-lite-smoke", name="HEAR-Lite smoke test",
                                 version="0.0.0", provenance="hear_lite smoke: a few steps on synthetic songs",
                                 description="CI smoke bundle; its scores mean nothing.")
    log(f"smoke: bundle written and validated at {out}")
    return {"first_loss": first, "last_loss": last, "manifest": manifest}
