"""The official SongEval metrics, for model selection during training (the model card's numbers come from
the project's `hear eval`): per dimension Pearson LCC, Spearman SRCC, Kendall tau-b KTAU (0 when either side
is constant or the result is NaN) and TTA, the F1 of `score >= threshold` on both sides."""
from __future__ import annotations

import math

import numpy as np
from scipy import stats

from .targets import DIMENSIONS

THRESHOLDS = {"Coherence": 4.0, "Musicality": 4.0, "Memorability": 3.75, "Clarity": 3.75, "Naturalness": 4.0}


def _safe(value: float) -> float:
    return 0.0 if value is None or math.isnan(value) else float(value)


def top_tier_f1(pred: np.ndarray, truth: np.ndarray, threshold: float) -> float:
    p, t = pred >= threshold, truth >= threshold
    tp, fp, fn = np.sum(p & t), np.sum(p & ~t), np.sum(~p & t)
    precision, recall = tp / (tp + fp + 1e-8), tp / (tp + fn + 1e-8)
    return float(2 * precision * recall / (precision + recall + 1e-8))


def evaluate(pred: np.ndarray, truth: np.ndarray) -> dict[str, dict[str, float]]:
    """pred, truth [N, 5] in DIMENSIONS order -> {dimension or 'mean': {LCC, SRCC, KTAU, TTA}}, 3 decimals."""
    results = {}
    for k, name in enumerate(DIMENSIONS):
        p, t = pred[:, k], truth[:, k]
        constant = np.ptp(p) == 0 or np.ptp(t) == 0
        results[name] = {
            "LCC": 0.0 if constant else _safe(stats.pearsonr(p, t)[0]),
            "SRCC": 0.0 if constant else _safe(stats.spearmanr(p, t)[0]),
            "KTAU": 0.0 if constant else _safe(stats.kendalltau(p, t)[0]),
            "TTA": top_tier_f1(p, t, THRESHOLDS[name]),
        }
    results["mean"] = {m: float(np.mean([results[d][m] for d in DIMENSIONS])) for m in ("LCC", "SRCC", "KTAU", "TTA")}
    return {d: {m: round(v, 3) for m, v in r.items()} for d, r in results.items()}
