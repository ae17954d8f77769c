"""Training examples and their cached head inputs.

An example is one track of the corpus, for training augmented (augment.py, the recipe's probabilities), and
maybe degraded (targets.py says how and what it scores). A training song is augmented once, before any
degradation: all its copies, the clean one included, share one augmentation draw (song_augmented), so they
differ by their degradation alone. Its features, [T, INPUT_DIM] float16, are cached as
work/features/<track_id>/<k>.npy; extraction skips every example already cached, so it can be stopped and
resumed at will. The ablation without augmentation reads its training copies, unaugmented, from
a second cache, work/features-plain/ (validation copies are never augmented, so they are shared). The plan of
examples is a pure function of corpus.json and the seeds.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from . import augment, targets
from .audio import read_wav
from .model import build_sources, stream_features
from .sources import SAMPLE_RATE

DEGRADED_PER_TRACK = {"train": 5, "validation": 4}
MAX_SECONDS = 360.0  # longer tracks keep their first 6 minutes (feature cost and cache size)


@dataclass(frozen=True)
class Example:
    key: str              # <track_id>#<k>
    song_id: str          # the track's id: shared by all its copies (C-Mixup never pairs them)
    package: str
    split: str
    tier: str
    degradation: str
    severity: float
    augmented: bool
    seed: int
    donor: str | None     # track id of the second song of a cross-song splice
    target: tuple[float, ...]

    @property
    def cache_name(self) -> str:
        track, k = self.key.split("#")
        return f"{track}/{k}.npy"


def _seed(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")


def plan_examples(tracks: list[dict]) -> list[Example]:
    """Every example of every track: the clean track and its degraded copies, seeded by the track id; the
    track's tier (corpus.Track.tier) sets the clean targets."""
    by_split: dict[str, list[dict]] = {}
    for t in tracks:
        by_split.setdefault(t["split"], []).append(t)
    examples = []
    for t in tracks:
        rng = np.random.default_rng(_seed(t["track_id"]))
        same_split = sorted(by_split[t["split"]], key=lambda o: o["track_id"])  # independent of input order
        others = [o for o in same_split if o["package"] != t["package"]] or \
                 [o for o in same_split if o["track_id"] != t["track_id"]]
        for k, (name, severity) in enumerate(targets.sample_examples(rng, DEGRADED_PER_TRACK[t["split"]])):
            needs_donor = name != targets.CLEAN and targets.BY_NAME[name].needs_donor
            donor = others[int(rng.integers(len(others)))]["track_id"] if needs_donor and others else None
            if needs_donor and donor is None:
                continue
            examples.append(Example(
                key=f"{t['track_id']}#{k}", song_id=t["track_id"], package=t["package"], split=t["split"],
                tier=t.get("tier", "produced"), degradation=name, severity=severity, augmented=t["split"] == "train",
                seed=_seed(f"{t['track_id']}#{k}"), donor=donor,
                target=tuple(round(float(v), 4) for v in targets.target(t.get("tier", "produced"), name, severity))))
    return examples


def feature_path(work: Path, ex: Example) -> Path:
    return work / ("features" if ex.augmented or ex.split != "train" else "features-plain") / ex.cache_name


def without_augmentation(examples: list[Example]) -> list[Example]:
    """The same examples with augmentation off (the ablation's training copies)."""
    return [replace(e, augmented=False) for e in examples]


def song_augmented(audio: np.ndarray, song_id: str) -> np.ndarray:
    """The song's one augmentation draw (seeded by its id), shared by all its training copies.

    Before 0.4.0 each copy had its own draw, applied after its degradation: the clean copy, against which its
    song's copies are ranked, got noise and EQ that teach the head to forgive the mildest noise and band
    limits, and the draws after a degradation (resampling, filters, gain) wore away what it left, e.g. a
    clip's flat tops (HEAR-Lite's HISTORY.md, "Changes in 0.4.0")."""
    return augment.augment(audio, SAMPLE_RATE, np.random.default_rng(_seed(f"{song_id}#augment")))[0]


def example_audio(ex: Example, wav_of: dict[str, Path]) -> np.ndarray:
    """The example's waveform at 24 kHz: the track (first MAX_SECONDS), augmented with its song's draw if
    the example is, then degraded (a splice's donor augmented with the donor song's own draw)."""
    limit = int(MAX_SECONDS * SAMPLE_RATE)
    audio, rate = read_wav(wav_of[ex.song_id])
    if rate != SAMPLE_RATE:
        raise ValueError(f"{wav_of[ex.song_id]}: {rate} Hz, expected {SAMPLE_RATE}")
    audio = audio[:limit]
    donor = read_wav(wav_of[ex.donor])[0][:limit] if ex.donor else None
    if ex.augmented:
        audio = song_augmented(audio, ex.song_id)
        donor = song_augmented(donor, ex.donor) if donor is not None else None
    return targets.apply(audio, SAMPLE_RATE, ex.degradation, ex.severity, np.random.default_rng(ex.seed),
                         donor=donor)


def extract(work: Path, examples: list[Example], wav_of: dict[str, Path], log=print,
            shard: tuple[int, int] = (0, 1)) -> int:
    """Cache the features of every example not cached yet; returns how many were made. shard=(k, n): only
    the k-th of every n examples, so that n processes can share the work."""
    if not 0 <= shard[0] < shard[1]:
        raise ValueError(f"shard {shard[0]}/{shard[1]}: K must be 0 to N - 1 (K/N: every N-th example from the K-th)")
    sources = build_sources()
    made = 0
    # Copy k of every track before copy k + 1, tracks in a seeded order: a partial cache is a balanced sample.
    examples = sorted(examples, key=lambda e: (int(e.key.split("#")[1]), _seed(e.key)))
    for i, ex in enumerate(examples):
        path = feature_path(work, ex)
        if i % shard[1] != shard[0] or path.exists():
            continue
        feats = stream_features(sources, example_audio(ex, wav_of)).astype(np.float16)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part.npy")
        np.save(tmp, feats)
        tmp.rename(path)
        made += 1
        if made % 25 == 0:
            log(f"features: {i + 1}/{len(examples)} examples, {made} made this run")
    return made


def load_plan(work: Path) -> tuple[list[Example], dict[str, Path]]:
    """The plan for work/corpus.json (written to work/examples.json for the record) and the WAV paths."""
    corpus = json.loads((work / "corpus.json").read_text())
    examples = plan_examples(corpus["tracks"])
    (work / "examples.json").write_text(json.dumps([asdict(e) for e in examples], indent=0))
    return examples, {t["track_id"]: work / t["wav"] for t in corpus["tracks"]}
