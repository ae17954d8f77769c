"""Each augmentation measured on tones and noise; the plan's probabilities checked statistically."""
import numpy as np
import pytest

from hear_lite import augment as A

from .conftest import RATE, best_lag, peak_frequency, rms_db, tone


def cents(f1: float, f0: float) -> float:
    return 1200 * np.log2(f1 / f0)


@pytest.mark.parametrize("shift_cents", [10.0, -7.0])
def test_pitch_shift_measured_in_cents(shift_cents):
    x = tone(440.0, 3.0)
    y = A.pitch_shift(x, RATE, shift_cents)
    assert len(y) == len(x)
    mid = slice(RATE // 2, 5 * RATE // 2)
    assert cents(peak_frequency(y[mid], RATE), peak_frequency(x[mid], RATE)) == pytest.approx(shift_cents, abs=1.0)


def test_time_stretch_changes_length_not_pitch():
    x = tone(440.0, 4.0)
    y = A.time_stretch(x, RATE, 1.01)
    assert len(y) / len(x) == pytest.approx(1 / 1.01, abs=2e-3)
    mid = slice(RATE // 2, 3 * RATE)
    assert abs(cents(peak_frequency(y[mid], RATE), 440.0)) < 1.0


@pytest.mark.parametrize("seconds", [0.25, -0.5, 0.5])
def test_time_shift_in_samples(seconds):
    x = np.random.default_rng(1).standard_normal(2 * RATE).astype(np.float32)
    y = A.time_shift(x, RATE, seconds)
    assert len(y) == len(x)
    assert best_lag(x, y, RATE) == int(round(seconds * RATE))
    zeros = y[: int(seconds * RATE)] if seconds > 0 else y[int(seconds * RATE):]
    assert np.all(zeros == 0)


@pytest.mark.parametrize("db", [-2.0, 1.3])
def test_gain_in_db(db):
    x = tone(1000.0, 1.0)
    assert rms_db(A.gain(x, RATE, db)) - rms_db(x) == pytest.approx(db, abs=1e-4)


def steady_gain_db(fn, freq, sr, *args):
    x = tone(freq, 2.0, sr)
    y = fn(x, sr, *args)
    tail = slice(sr, 2 * sr)  # past the filter's transient
    return rms_db(y[tail]) - rms_db(x[tail])


@pytest.mark.parametrize("cutoff", [80.0, 120.0])
def test_high_pass_minus_3db_point(cutoff):
    assert steady_gain_db(A.high_pass, cutoff, RATE, cutoff) == pytest.approx(-3.01, abs=0.1)
    assert steady_gain_db(A.high_pass, 10 * cutoff, RATE, cutoff) == pytest.approx(0.0, abs=0.05)
    assert steady_gain_db(A.high_pass, cutoff / 4, RATE, cutoff) < -45  # 4th order: 24 dB per octave


@pytest.mark.parametrize("cutoff", [15000.0, 18000.0])
def test_low_pass_minus_3db_point_at_48k(cutoff):
    assert steady_gain_db(A.low_pass, cutoff, 48000, cutoff) == pytest.approx(-3.01, abs=0.1)
    assert steady_gain_db(A.low_pass, 1000.0, 48000, cutoff) == pytest.approx(0.0, abs=0.05)


def test_low_pass_is_identity_above_nyquist_at_24k():
    x = tone(11000.0, 0.5)
    assert np.array_equal(A.low_pass(x, RATE, 15000.0), x)


@pytest.mark.parametrize("band", range(7))
def test_eq_band_gain_measured_at_its_center(band):
    gains = [0.0] * 7
    gains[band] = 3.0 if band % 2 else -3.0
    measured = steady_gain_db(A.eq, A.EQ_CENTERS_HZ[band], RATE, tuple(gains))
    assert measured == pytest.approx(gains[band], abs=0.05)


def test_eq_all_bands_flat_when_gains_zero():
    assert steady_gain_db(A.eq, 700.0, RATE, (0.0,) * 7) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("snr", [30.0, 50.0])
def test_noise_snr_measured(snr):
    x = tone(440.0, 2.0)
    y = A.noise(x, RATE, snr, np.random.default_rng(3))
    assert rms_db(x) - rms_db(y - x) == pytest.approx(snr, abs=0.1)


def test_plan_probabilities_and_ranges():
    rng = np.random.default_rng(7)
    draws = 4000
    counts = {a.name: 0 for a in A.AUGMENTATIONS}
    for _ in range(draws):
        plan = A.sample_plan(rng)
        assert [n for n, _ in plan] == [a.name for a in A.AUGMENTATIONS if a.name in dict(plan)]
        for name, value in plan:
            counts[name] += 1
            spec = next(a for a in A.AUGMENTATIONS if a.name == name)
            values = value if isinstance(value, tuple) else (value,)
            assert all(spec.low <= v <= spec.high for v in values)
    for a in A.AUGMENTATIONS:
        sd = np.sqrt(draws * a.probability * (1 - a.probability))
        assert abs(counts[a.name] - draws * a.probability) < 4 * sd, a.name


def test_published_table():
    table = {a.name: (a.probability, a.low, a.high) for a in A.AUGMENTATIONS}
    assert table == {
        "time_stretch": (0.4, 0.99, 1.01), "time_shift": (0.4, -0.5, 0.5), "pitch_shift": (0.5, -10.0, 10.0),
        "gain": (0.9, -2.0, 2.0), "high_pass": (0.3, 80.0, 120.0), "low_pass": (0.3, 15000.0, 18000.0),
        "eq": (0.3, -3.0, 3.0), "noise": (0.25, 30.0, 50.0)}


def test_augment_is_reproducible_from_the_seed(song):
    a, plan_a = A.augment(song, RATE, np.random.default_rng(11))
    b, plan_b = A.augment(song, RATE, np.random.default_rng(11))
    assert plan_a == plan_b and np.array_equal(a, b)
