"""Signals shared by the tests: pure tones and a short synthetic piece of music at 24 kHz."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

RATE = 24000


def tone(freq: float, seconds: float, sr: int = RATE, amp: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def peak_frequency(x: np.ndarray, sr: int) -> float:
    """Frequency of the strongest spectral peak: Hann window, 16x zero padding, parabolic interpolation."""
    n = len(x)
    spec = np.abs(np.fft.rfft(x * np.hanning(n), 16 * n))
    k = int(np.argmax(spec))
    a, b, c = np.log(spec[k - 1: k + 2])
    return (k + 0.5 * (a - c) / (a - 2 * b + c)) * sr / (16 * n)


def best_lag(x: np.ndarray, y: np.ndarray, max_lag: int) -> int:
    """Samples by which y lags x: the peak of their cross-correlation within +-max_lag."""
    corr = signal.correlate(y, x, mode="full", method="fft")[len(x) - 1 - max_lag: len(x) + max_lag]
    return int(np.argmax(corr)) - max_lag


def rms_db(x: np.ndarray) -> float:
    return 10 * np.log10(np.mean(np.square(x, dtype=np.float64)))


def synthetic_song(seconds: float = 8.0, sr: int = RATE, seed: int = 0, modulate: bool = False) -> np.ndarray:
    """A little I-V-vi-IV piece: harmonic chords, a bass line and a kick on every beat at 120 bpm.

    The 8 s progression repeats; with `modulate` each pass is 3 semitones higher, so no bar repeats."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * sr)) / sr
    roots = [261.63, 392.00, 440.00, 349.23]  # C G A F
    out = np.zeros_like(t)
    for i, root in enumerate(roots * int(np.ceil(seconds / 8))):
        if modulate:
            root *= 2 ** (3 * (i // 4) / 12)
        span = (t >= 2 * i) & (t < 2 * i + 2)
        for ratio in (1.0, 1.26, 1.5):
            for h in range(1, 5):
                out[span] += 0.05 / h * np.sin(2 * np.pi * root * ratio * h * t[span])
        out[span] += 0.15 * np.sin(2 * np.pi * root / 4 * t[span])
    beat = (t % 0.5)
    out += 0.3 * np.exp(-beat * 30) * np.sin(2 * np.pi * 60 * beat)
    out += 0.002 * rng.standard_normal(len(t))
    return (out / np.max(np.abs(out)) * 0.7).astype(np.float32)


@pytest.fixture
def song() -> np.ndarray:
    return synthetic_song()
