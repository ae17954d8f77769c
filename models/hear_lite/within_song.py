"""A within-song ranking term: HEAR-Lite's one addition to the HEAR loss (the model card says why).

HEAR's ListMLE ranks every song of the batch against every other, so a cue that separates a song from its own
degraded copies counts no more than one that separates two unrelated songs of different tiers. HEAR-Lite's
proxy targets are mostly within-song contrasts (a song against its degraded copies), and its batches hold
GROUP_SIZE copies of each song cropped alike (train.song_batches). This term compares a song only with its own
copies: for every pair of copies of one song whose targets differ, a logistic loss on the gap between the means
of their five scores, softplus(-(s_higher - s_lower) / TAU). It is computed on unmixed scores (before
C-Mixup), because mixing a copy with another song's representation blurs the contrast it is meant to learn.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

# Of weights 1 and 0.3 (12 epochs, seeds 0 and 1 each), 0.3 kept the validation LCC of HEAR's loss alone (0.518
# and 0.511; weight 1: 0.474 and 0.440) and ranked the degradation check's pairs at least as well (86.9% and
# 85.9%; weight 1: 85.8% twice). HEAR-Lite's HISTORY.md, "Changes in 0.3.0".
WEIGHT = 0.3
TAU = 0.1             # score units: a gap of 0.1 on the 1-5 scale costs log(1 + e^-1) = 0.31
MIN_TARGET_GAP = 1e-6  # copies whose mean targets are closer count as ties and are not compared


def within_song_loss(scores: torch.Tensor, targets: torch.Tensor, songs: torch.Tensor,
                     tau: float = TAU) -> torch.Tensor:
    """scores, targets: [B, D]; songs: [B] integer song of each row. Mean over the ordered pairs (i, j) of
    one song with target mean i above j of softplus(-(score mean i - score mean j) / tau); 0 with no pair."""
    s, y = scores.mean(dim=1), targets.mean(dim=1)
    compared = (songs[:, None] == songs[None, :]) & (y[:, None] - y[None, :] > MIN_TARGET_GAP)
    pairs = F.softplus(-(s[:, None] - s[None, :]) / tau)[compared]
    return pairs.mean() if pairs.numel() else scores.new_zeros(())
