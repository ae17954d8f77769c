"""The degradation check of the model card: on held-out tracks, does the model score the clean track above
its degraded versions, and do scores fall as the severity rises?

For every whole track and degradation family the track is degraded at each severity of targets.SEVERITIES and
scored (the mean of the five dimensions). Reported per family: the share of (track, severity) pairs where the
clean track scores higher (also per severity), and the mean over tracks of the Spearman correlation between
severity (0 for the clean track) and score, negated so that "scores fall with severity" is positive. Goals
(issue 4): at least 90% of pairs and a mean Spearman of at least 0.8 for every family.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
from scipy import stats

from . import targets
from .audio import read_wav

PAIR_GOAL = 0.9
SPEARMAN_GOAL = 0.8


def held_out_tracks(tracks: list[dict], count: int, skip: int = 0) -> list[dict]:
    """The check's tracks: `count` produced tracks of the validation split (packages never trained on) in the
    order of their sha256 (fixed by their content), after the first `skip`. The first 20 have been checked for
    every version; a later slice is a fresh set that no decision has seen."""
    held_out = sorted((t for t in tracks if t["split"] == "validation" and t["tier"] == "produced"),
                      key=lambda t: t["sha256"])
    return held_out[skip: skip + count]


def track_audio(work: Path, tracks: list[dict], seconds: float | None = None) -> list[np.ndarray]:
    """The check's waveforms (the corpus's 24 kHz copies): whole tracks, or their first `seconds`. A cut track stops
    dead, which is the cut_ending damage itself: the checks of 0.6.0 and before scored the first 180 s, so the
    "clean" copy of every longer track was already cut (model card, "Degradation check")."""
    waveforms = [read_wav(work / t["wav"]) for t in tracks]
    return [audio if seconds is None else audio[: int(seconds * rate)] for audio, rate in waveforms]


def degradation_check(score: Callable[[np.ndarray], np.ndarray], tracks: list[np.ndarray], sr: int,
                      seed: int = 0, families: list[str] | None = None) -> dict[str, dict]:
    """score(audio) -> five scores. tracks: held-out waveforms (the next track is a splice's donor)."""
    report = {}
    clean = [float(np.mean(score(t))) for t in tracks]
    for family in [targets.BY_NAME[f] for f in families] if families else targets.DEGRADATIONS:
        above, rhos = [], []
        for i, audio in enumerate(tracks):
            rng = np.random.default_rng([seed, i])
            donor = tracks[(i + 1) % len(tracks)]
            scores = [clean[i]]
            for severity in targets.SEVERITIES:
                degraded = targets.apply(audio, sr, family.name, severity, rng, donor=donor)
                scores.append(float(np.mean(score(degraded))))
            above.append([clean[i] > s for s in scores[1:]])
            rho = 0.0 if np.ptp(scores) == 0 else stats.spearmanr([0.0, *targets.SEVERITIES], scores)[0]
            rhos.append(-float(rho))
        by_severity = np.mean(above, axis=0)
        report[family.name] = {"pairs_clean_above": round(float(np.mean(above)), 3),
                               "spearman_fall": round(float(np.mean(rhos)), 3),
                               "pairs_by_severity": {str(s): round(float(v), 3)
                                                     for s, v in zip(targets.SEVERITIES, by_severity)}}
    return report


def clean_above_degraded(scores: np.ndarray, examples: list) -> dict[str, float]:
    """The check's pair test on already scored examples (features.Example, e.g. the validation copies):
    per family and overall, the share of degraded copies whose own song's clean copy scores higher (mean of
    the five dimensions). Training logs it every epoch."""
    mean = np.asarray(scores).mean(axis=1)
    clean = {e.song_id: mean[i] for i, e in enumerate(examples) if e.degradation == targets.CLEAN}
    above: dict[str, list[bool]] = {}
    for i, e in enumerate(examples):
        if e.degradation != targets.CLEAN and e.song_id in clean:
            above.setdefault(e.degradation, []).append(bool(clean[e.song_id] > mean[i]))
    report = {name: round(float(np.mean(v)), 3) for name, v in sorted(above.items())}
    report["all"] = round(float(np.mean([x for v in above.values() for x in v])), 3) if above else float("nan")
    return report


def goals_met(result: dict) -> tuple[bool, bool]:
    """One family's result against the two goals: (pairs, Spearman)."""
    return result["pairs_clean_above"] >= PAIR_GOAL, result["spearman_fall"] >= SPEARMAN_GOAL


def verdict(report: dict[str, dict]) -> list[str]:
    """The families that miss a goal, with the numbers; empty when every family meets both."""
    return [f"{name}: clean above in {r['pairs_clean_above']:.0%} of pairs (goal {PAIR_GOAL:.0%}), "
            f"Spearman {r['spearman_fall']:.2f} (goal {SPEARMAN_GOAL})"
            for name, r in report.items() if not all(goals_met(r))]
