"""C-Mixup partner sampling against the analytic distribution; ListMLE against a hand-computed case."""
import numpy as np
import pytest
import torch
from scipy import stats

from hear_lite import cmixup, recipe


def test_partner_distribution_matches_kde_chi_square():
    labels = np.array([[4.0, 4.0], [3.5, 4.2], [2.0, 2.5], [4.1, 3.9], [3.0, 3.0], [4.0, 4.0]])
    songs = ["a", "b", "c", "d", "e", "a"]  # row 5 is a copy of song a
    sampler = cmixup.PartnerSampler(labels, songs)
    p = sampler.probabilities(0)
    # Analytic: exp(-d^2 / 2) over the other songs' rows, normalised.
    d2 = np.array([np.sum((labels[j] - labels[0]) ** 2) for j in range(6)])
    w = np.exp(-d2 / 2) * np.array([0, 1, 1, 1, 1, 0])
    np.testing.assert_allclose(p, w / w.sum(), rtol=1e-12)
    rng = np.random.default_rng(0)
    draws = 20000
    counts = np.bincount([sampler.sample(0, rng) for _ in range(draws)], minlength=6)
    assert counts[0] == 0 and counts[5] == 0, "never the same song, never its copy"
    valid = p > 0
    chi2, pvalue = stats.chisquare(counts[valid], draws * p[valid])
    assert pvalue > 0.001, (counts, draws * p)


def test_partner_falls_back_to_uniform_when_kernel_underflows():
    labels = np.array([[1.0] * 5, [5.0] * 5, [5.0] * 5]) * np.array([1, 1, 1, 1, 1]) * 30
    sampler = cmixup.PartnerSampler(labels, ["x", "y", "z"])
    np.testing.assert_allclose(sampler.probabilities(0), [0, 0.5, 0.5])


def test_lone_song_is_refused():
    with pytest.raises(ValueError, match="two songs"):
        cmixup.PartnerSampler(np.ones((3, 5)), ["s", "s", "s"])


def test_lambda_follows_beta_2_2():
    rng = np.random.default_rng(1)
    lambdas = [cmixup.draw_lambda(rng) for _ in range(5000)]
    assert stats.kstest(lambdas, stats.beta(2, 2).cdf).pvalue > 0.001


def test_mix_is_convex_in_pooled_and_labels():
    a, b = torch.ones(2, 4), torch.zeros(2, 4)
    ya, yb = torch.full((2, 5), 5.0), torch.full((2, 5), 1.0)
    pooled, labels = cmixup.mix(a, ya, b, yb, 0.25)
    assert torch.allclose(pooled, torch.full((2, 4), 0.25)) and torch.allclose(labels, torch.full((2, 5), 2.0))


def test_list_mle_hand_computed():
    # Dimension 0: targets (3, 1, 2) order the rows 0, 2, 1; their scores are 0.5, 0.0, 1.0:
    #   [ln(e^.5 + e^0 + e^1) - .5] + [ln(e^0 + e^1) - 0] + [ln(e^1) - 1]
    #   = (1.6802697 - 0.5) + 1.3132617 + 0 = 2.4935314
    # Dimension 1: targets (1, 2, 3), equal scores 0: ln 3 + ln 2 + 0 = 1.7917595
    # Mean over the two dimensions: 2.1426454
    scores = torch.tensor([[0.5, 0.0], [1.0, 0.0], [0.0, 0.0]])
    targets = torch.tensor([[3.0, 1.0], [1.0, 2.0], [2.0, 3.0]])
    assert recipe.list_mle(scores, targets).item() == pytest.approx(2.1426454, abs=1e-6)


def test_list_mle_prefers_the_right_order():
    targets = torch.tensor([[5.0], [4.0], [3.0], [2.0]])
    good = recipe.list_mle(torch.tensor([[3.0], [2.0], [1.0], [0.0]]), targets)
    bad = recipe.list_mle(torch.tensor([[0.0], [1.0], [2.0], [3.0]]), targets)
    assert good < bad


def test_hear_loss_is_smooth_l1_plus_weighted_list_mle():
    scores = torch.tensor([[3.0, 2.0], [4.5, 1.0], [2.0, 3.5]])
    targets = torch.tensor([[3.2, 2.0], [4.0, 1.5], [2.5, 3.0]])
    # SmoothL1, beta .5: |d| < .5 -> .5 d^2 / .5 = d^2, else |d| - .25. Differences:
    # .2 -> .04, 0 -> 0, .5 -> .25, .5 -> .25, .5 -> .25, .5 -> .25; mean = 1.04 / 6
    expected = 1.04 / 6 + 0.05 * recipe.list_mle(scores, targets).item()
    assert recipe.hear_loss(scores, targets, recipe.BETA_RANK[2]).item() == pytest.approx(expected, abs=1e-6)


def test_optimizer_as_published():
    opt = recipe.make_optimizer([torch.nn.Parameter(torch.zeros(1))])
    group = opt.param_groups[0]
    assert isinstance(opt, torch.optim.Adam) and group["lr"] == 1e-5 and group["weight_decay"] == 1e-3
    assert (recipe.BATCH_SIZE, recipe.ACCUMULATION_STEPS) == (8, 4)
