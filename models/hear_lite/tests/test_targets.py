"""Every degradation: severity 0 is the input, more severity changes more; the target rules are consistent."""
import numpy as np
import pytest
from scipy import signal

from hear_lite import degrade, targets

from .conftest import RATE, best_lag, synthetic_song

SONG = synthetic_song(24.0, modulate=True)  # no bar repeats, so every reordering is audible
REPEATING = synthetic_song(24.0)  # its 8 s progression three times: what repetition removal needs
DONOR = synthetic_song(24.0, seed=5)[::-1].copy()  # another "song": the same material played backwards


def change(x: np.ndarray, y: np.ndarray) -> float:
    """Mean absolute log-spectrogram difference, y cut or zero-padded to x's length."""
    y = np.pad(y, (0, max(0, len(x) - len(y))))[: len(x)]
    spec = lambda a: np.log(1e-4 + np.abs(signal.stft(a, RATE, nperseg=1024)[2]))
    return float(np.mean(np.abs(spec(x) - spec(y))))


def degraded(song, name, severity, seed=0):
    return targets.apply(song, RATE, name, severity, np.random.default_rng(seed), donor=DONOR)


@pytest.mark.parametrize("name", [d.name for d in targets.DEGRADATIONS])
def test_severity_zero_is_identity_and_more_severity_changes_more(name):
    song = REPEATING if name == "repetition_removed" else SONG
    assert change(song, degraded(song, name, 0.0)) < 1e-3
    mean_change = lambda s: np.mean([change(song, degraded(song, name, s, seed)) for seed in range(2)])
    half, full = mean_change(0.5), mean_change(1.0)
    assert half > 0.02, f"{name} at severity 0.5 barely changes the audio ({half:.4f})"
    assert full > half, f"{name}: severity 1 ({full:.4f}) should change more than 0.5 ({half:.4f})"


def test_bar_length_of_the_synthetic_song():
    # 120 bpm kick: a beat is 0.5 s, a bar 2 s (onset frames of 512 samples: within one frame per beat).
    assert degrade.bar_seconds(SONG, RATE) == pytest.approx(2.0, abs=4 * 512 / RATE)


def test_reordering_breaks_more_of_the_order_as_severity_rises():
    # Bar shuffles and section order play units in the order _move_some gives: the share of neighbours that
    # still follow each other must fall with severity (a rotation by one unit would keep 23 of 24).
    def kept(severity):
        orders = [degrade._move_some([(0, 0)] * 24, severity, np.random.default_rng(seed)) for seed in range(20)]
        assert all(sorted(o) == list(range(24)) for o in orders)
        return np.mean([np.mean([b == a + 1 for a, b in zip(o, o[1:])]) for o in orders])
    assert kept(0.0) == 1.0
    assert kept(0.25) > kept(0.5) > kept(1.0)
    assert kept(1.0) < 0.15


def test_repetition_removed_drops_repeated_bars_only():
    # The piece repeats its 8 s progression three times: severity 1 keeps about one pass of each bar.
    out = degrade.repetition_removed(REPEATING, RATE, 1.0, np.random.default_rng(0))
    assert len(out) < 0.5 * len(REPEATING)
    assert len(degrade.repetition_removed(SONG, RATE, 1.0, np.random.default_rng(0))) == len(SONG)


def test_targets_follow_the_rules():
    assert targets.DIMENSIONS == ("Coherence", "Musicality", "Memorability", "Clarity", "Naturalness")
    np.testing.assert_allclose(targets.target("produced"), targets.TIER_BASE["produced"])
    for tier in targets.TIER_BASE:
        for d in targets.DEGRADATIONS:
            assert all(v >= 0 for v in d.drop)
            scores = [targets.target(tier, d.name, s) for s in (0.0, *targets.SEVERITIES)]
            assert all(np.all(a >= b) for a, b in zip(scores, scores[1:]))
            assert np.all(scores[-1] >= 1.0) and np.all(scores[-1] <= 5.0)
    # The tiers are ordered on every dimension: produced > midi > mma.
    bases = [np.asarray(targets.TIER_BASE[t]) for t in ("produced", "midi", "mma")]
    assert np.all(bases[0] > bases[1]) and np.all(bases[1] > bases[2])


def test_each_dimension_has_its_own_worst_families():
    drops = np.array([d.drop for d in targets.DEGRADATIONS])
    worst = {targets.DIMENSIONS[k]: targets.DEGRADATIONS[int(np.argmax(drops[:, k]))].name for k in range(5)}
    assert worst == {"Coherence": "splice_across_songs", "Musicality": "off_key_layer",
                     "Memorability": "repetition_removed", "Clarity": "short_loop", "Naturalness": "robotic"}


def test_sample_examples_starts_clean_and_draws_listed_families():
    examples = targets.sample_examples(np.random.default_rng(0), 6)
    assert examples[0] == (targets.CLEAN, 0.0) and len(examples) == 7
    assert all(name in targets.BY_NAME and s in targets.SEVERITIES for name, s in examples[1:])


def test_low_bitrate_keeps_the_song_in_place():
    """The MP3 copy is the codec's damage alone: same length, no shift (LAME's 1,105-sample delay dropped)."""
    copy = degraded(SONG, "low_bitrate", 0.25)  # 64 kbps
    assert len(copy) == len(SONG)
    assert best_lag(SONG, copy, 2000) == 0
    snr_db = 10 * np.log10(np.sum(SONG ** 2) / np.sum((copy - SONG) ** 2))
    assert snr_db > 15
