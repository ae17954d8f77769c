"""C-Mixup with KDE partner sampling, as in the HEAR recipe.

For training example i a partner j is drawn with p(j | i) proportional to exp(-||y_i - y_j||^2 / (2 sigma^2))
over the whole training set (a Gaussian kernel density around y_i, sigma = 1), never j of the same song:
augmented and degraded copies share their song's id. One lambda ~ Beta(2, 2) per batch mixes the pooled
representations (the head's MQMHASTP output, before model.fc) and the labels, as the released HEAR code does.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

SIGMA = 1.0
BETA_ALPHA = 2.0


class PartnerSampler:
    """Draws C-Mixup partners; one row of probabilities is computed per draw (the full N x N matrix of a
    large corpus would not fit in memory)."""

    def __init__(self, labels: np.ndarray, song_ids: Sequence[str], sigma: float = SIGMA) -> None:
        self.labels = np.asarray(labels, dtype=np.float64)
        if self.labels.ndim != 2 or len(self.labels) != len(song_ids):
            raise ValueError(f"labels {self.labels.shape} and {len(song_ids)} song ids do not match")
        _, self.song = np.unique(np.asarray(song_ids), return_inverse=True)
        if self.song.max(initial=0) == 0:
            raise ValueError("C-Mixup needs at least two songs: every partner of a lone song is itself")
        self.sigma = sigma

    def probabilities(self, i: int) -> np.ndarray:
        d2 = np.sum((self.labels - self.labels[i]) ** 2, axis=1)
        weights = np.exp(-d2 / (2.0 * self.sigma ** 2))
        weights[self.song == self.song[i]] = 0.0
        total = weights.sum()
        if total == 0.0:  # every other song is so far away that the kernel underflows: take them uniformly
            weights = (self.song != self.song[i]).astype(np.float64)
            total = weights.sum()
        return weights / total

    def sample(self, i: int, rng: np.random.Generator) -> int:
        return int(rng.choice(len(self.labels), p=self.probabilities(i)))


def draw_lambda(rng: np.random.Generator) -> float:
    return float(rng.beta(BETA_ALPHA, BETA_ALPHA))


def mix(pooled: torch.Tensor, labels: torch.Tensor, partner_pooled: torch.Tensor, partner_labels: torch.Tensor,
        lam: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Convex combination of pooled representations [B, P] and of labels [B, D] with one lambda."""
    return lam * pooled + (1.0 - lam) * partner_pooled, lam * labels + (1.0 - lam) * partner_labels
