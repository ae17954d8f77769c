"""The HEAR training recipe's loss and optimiser, hyperparameters as published (hear-reference.md).

Loss: SmoothL1 (beta 0.5) + beta_rank * ListMLE, ListMLE ranking the songs of the batch on each dimension.
Optimiser: Adam, lr 1e-5, weight decay 1e-3 (Adam's L2 form, as torch.optim.Adam applies it), batch 8,
gradients accumulated over 4 batches; the released code also clips the gradient norm at 1.0 and halves the
learning rate on a plateau of 400 steps.
"""
from __future__ import annotations

from typing import Iterable

import torch
import torch.nn.functional as F

SMOOTH_L1_BETA = 0.5
BETA_RANK = {1: 0.15, 2: 0.05}  # Track 1 (Musicality), Track 2 (five dimensions)
LEARNING_RATE = 1e-5
WEIGHT_DECAY = 1e-3
BATCH_SIZE = 8
ACCUMULATION_STEPS = 4
EPOCHS = 60
GRAD_CLIP_NORM = 1.0
PLATEAU_FACTOR = 0.5
PLATEAU_PATIENCE = 400
MIN_LEARNING_RATE = 1e-8


def list_mle(scores: torch.Tensor, targets: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """ListMLE over the batch, per dimension, averaged over dimensions.

    scores, targets: [B, D]. For each dimension the batch is ordered by target (descending) and the loss is
    the negative log-likelihood of that order under the Plackett-Luce model of the scores:
    sum_k [log sum_{m >= k} exp(s_m) - s_k]. Ties in the targets are broken by a random permutation.
    """
    order = torch.randperm(scores.shape[0], generator=generator)
    s, t = scores[order].t(), targets[order].t()  # [D, B]
    ranked = torch.gather(s, 1, torch.sort(t, dim=1, descending=True, stable=True).indices)
    tail_logsumexp = torch.logcumsumexp(ranked.flip(1), dim=1).flip(1)
    return (tail_logsumexp - ranked).sum(dim=1).mean()


def hear_loss(scores: torch.Tensor, targets: torch.Tensor, beta_rank: float,
              generator: torch.Generator | None = None) -> torch.Tensor:
    regression = F.smooth_l1_loss(scores, targets, beta=SMOOTH_L1_BETA)
    return regression + beta_rank * list_mle(scores, targets, generator)


def make_optimizer(parameters: Iterable[torch.nn.Parameter], lr: float = LEARNING_RATE) -> torch.optim.Adam:
    return torch.optim.Adam(parameters, lr=lr, weight_decay=WEIGHT_DECAY)


def make_scheduler(optimizer: torch.optim.Optimizer) -> torch.optim.lr_scheduler.ReduceLROnPlateau:
    return torch.optim.lr_scheduler.ReduceLROnPlateau(
        optimizer, mode="min", factor=PLATEAU_FACTOR, patience=PLATEAU_PATIENCE, min_lr=MIN_LEARNING_RATE)
