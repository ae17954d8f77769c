"""The within-song ranking term against a hand-computed case: pairs only inside one song, ties skipped."""
import math

import pytest
import torch

from hear_lite.within_song import TAU, within_song_loss


def test_hand_computed_pairs_of_one_song_only():
    # Song 0: rows 0 and 1, target means 4.0 > 3.0, score means 3.5 < 3.7: softplus(0.2 / 0.1) = ln(1 + e^2).
    # Song 1: rows 2 and 3, target means 2.0 < 2.5, score means 3.0 > 2.9: softplus(0.1 / 0.1) = ln(1 + e).
    # Across songs (row 0's 4.0 against row 2's 2.0, ...) nothing is compared. Mean of the two pairs.
    scores = torch.tensor([[3.4, 3.6], [3.7, 3.7], [3.0, 3.0], [2.8, 3.0]])
    targets = torch.tensor([[4.0, 4.0], [3.5, 2.5], [2.0, 2.0], [2.5, 2.5]])
    songs = torch.tensor([0, 0, 1, 1])
    expected = (math.log(1 + math.e ** 2) + math.log(1 + math.e)) / 2
    assert TAU == 0.1
    assert within_song_loss(scores, targets, songs).item() == pytest.approx(expected, abs=1e-6)


def test_ties_and_lone_copies_give_zero():
    scores = torch.tensor([[1.0], [5.0], [3.0]])
    targets = torch.tensor([[3.0], [3.0], [1.0]])
    assert within_song_loss(scores, targets, torch.tensor([0, 0, 1])).item() == 0.0


def test_gradient_lifts_the_copy_with_the_higher_target():
    scores = torch.tensor([[3.0], [3.0]], requires_grad=True)
    within_song_loss(scores, torch.tensor([[4.0], [2.0]]), torch.tensor([7, 7])).backward()
    assert scores.grad[0, 0] < 0 < scores.grad[1, 0]  # descent raises row 0 and lowers row 1
