"""The eight data-level augmentations of the HEAR recipe, with the published ranges and probabilities.

Each augmentation is applied independently with its probability p and a parameter drawn uniformly from its
range (hear-reference.md, "The training recipe"). An augmented copy keeps its song id: C-Mixup never pairs
it with its own song (cmixup.py).

Sample rate: the corpus and the sources work at 24 kHz, where Nyquist is 12 kHz. The published low-pass
cutoffs (15-18 kHz) are above it: everything they would remove is already removed by the resampler, so at
24 kHz the low-pass is the identity (`low_pass` returns its input when the cutoff is at or above 0.95 x
Nyquist). At source rates (44.1/48 kHz) it filters as published; tests measure it at 48 kHz.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

from .audio import sox_effect


@dataclass(frozen=True)
class Augmentation:
    name: str
    probability: float
    low: float
    high: float


# Order of application; names double as the keys of a plan.
AUGMENTATIONS = (
    Augmentation("time_stretch", 0.4, 0.99, 1.01),      # rate; > 1 is faster (shorter)
    Augmentation("time_shift", 0.4, -0.5, 0.5),         # seconds; > 0 delays
    Augmentation("pitch_shift", 0.5, -10.0, 10.0),      # cents
    Augmentation("gain", 0.9, -2.0, 2.0),               # dB
    Augmentation("high_pass", 0.3, 80.0, 120.0),        # cutoff Hz
    Augmentation("low_pass", 0.3, 15000.0, 18000.0),    # cutoff Hz
    Augmentation("eq", 0.3, -3.0, 3.0),                 # dB per band, one draw per band
    Augmentation("noise", 0.25, 30.0, 50.0),            # SNR dB
)

# Seven peaking bands about 1.3 octaves apart, all below 12 kHz so they exist at 24 kHz too.
EQ_CENTERS_HZ = (60.0, 150.0, 380.0, 950.0, 2400.0, 5000.0, 10000.0)
EQ_Q = 1.0
FILTER_ORDER = 4  # Butterworth; -3 dB at the cutoff by construction


def sample_plan(rng: np.random.Generator) -> list[tuple[str, object]]:
    """Which augmentations run on one copy, with their parameters, in the order they are applied."""
    plan: list[tuple[str, object]] = []
    for aug in AUGMENTATIONS:
        if rng.random() >= aug.probability:
            continue
        if aug.name == "eq":
            plan.append((aug.name, tuple(rng.uniform(aug.low, aug.high, len(EQ_CENTERS_HZ)))))
        else:
            plan.append((aug.name, float(rng.uniform(aug.low, aug.high))))
    return plan


def time_stretch(audio: np.ndarray, sr: int, rate: float) -> np.ndarray:
    """Change the tempo by `rate` without changing pitch (sox WSOLA `tempo -m`, tuned for music)."""
    return sox_effect(audio, sr, ["tempo", "-m", f"{rate:.6f}"])


def time_shift(audio: np.ndarray, sr: int, seconds: float) -> np.ndarray:
    """Delay (> 0) or advance (< 0) by whole samples, zero-filled, same length.

    Zero fill instead of wrap-around: wrapping would splice the ending onto the start, which is one of the
    Coherence degradations this model must learn to punish.
    """
    shift = int(round(seconds * sr))
    out = np.zeros_like(audio)
    if abs(shift) >= len(audio):
        return out
    if shift >= 0:
        out[shift:] = audio[:len(audio) - shift]
    else:
        out[:shift] = audio[-shift:]
    return out


def pitch_shift(audio: np.ndarray, sr: int, cents: float) -> np.ndarray:
    """Shift pitch by `cents` keeping the duration (sox `pitch`: resampling plus WSOLA)."""
    shifted = sox_effect(audio, sr, ["pitch", f"{cents:.4f}"])
    out = np.zeros_like(audio)
    n = min(len(audio), len(shifted))
    out[:n] = shifted[:n]
    return out


def gain(audio: np.ndarray, sr: int, db: float) -> np.ndarray:
    return (audio * np.float32(10.0 ** (db / 20.0))).astype(np.float32)


def high_pass(audio: np.ndarray, sr: int, cutoff: float) -> np.ndarray:
    sos = signal.butter(FILTER_ORDER, cutoff, btype="highpass", fs=sr, output="sos")
    return signal.sosfilt(sos, audio).astype(np.float32)


def low_pass(audio: np.ndarray, sr: int, cutoff: float) -> np.ndarray:
    """Butterworth low-pass; the identity when the cutoff is at or above 0.95 x Nyquist (see module doc)."""
    if cutoff >= 0.95 * sr / 2:
        return audio.astype(np.float32, copy=True)
    sos = signal.butter(FILTER_ORDER, cutoff, btype="lowpass", fs=sr, output="sos")
    return signal.sosfilt(sos, audio).astype(np.float32)


def peaking_sos(sr: int, center: float, db: float, q: float = EQ_Q) -> np.ndarray:
    """One peaking-EQ biquad (RBJ Audio EQ Cookbook) as an SOS row; scipy has no peaking-EQ designer."""
    a = 10.0 ** (db / 40.0)
    w0 = 2.0 * np.pi * center / sr
    alpha = np.sin(w0) / (2.0 * q)
    b = np.array([1 + alpha * a, -2 * np.cos(w0), 1 - alpha * a])
    den = np.array([1 + alpha / a, -2 * np.cos(w0), 1 - alpha / a])
    return np.concatenate([b / den[0], den / den[0]])[None, :]


def eq(audio: np.ndarray, sr: int, gains_db: tuple[float, ...]) -> np.ndarray:
    """Seven peaking bands in cascade; bands at or above 0.9 x Nyquist are left out."""
    rows = [peaking_sos(sr, f, g) for f, g in zip(EQ_CENTERS_HZ, gains_db) if f < 0.9 * sr / 2]
    return signal.sosfilt(np.concatenate(rows), audio).astype(np.float32)


def noise(audio: np.ndarray, sr: int, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    """Add white Gaussian noise at `snr_db` relative to the mean power of the whole signal."""
    power = float(np.mean(np.square(audio, dtype=np.float64)))
    sigma = np.sqrt(power / 10.0 ** (snr_db / 10.0))
    return (audio + rng.normal(0.0, sigma, len(audio))).astype(np.float32)


def apply_plan(audio: np.ndarray, sr: int, plan: list[tuple[str, object]], rng: np.random.Generator) -> np.ndarray:
    out = audio.astype(np.float32, copy=True)
    for name, value in plan:
        if name == "noise":
            out = noise(out, sr, value, rng)
        else:
            out = _BY_NAME[name](out, sr, value)
    return out


def augment(audio: np.ndarray, sr: int, rng: np.random.Generator) -> tuple[np.ndarray, list[tuple[str, object]]]:
    """One augmented copy and the plan that made it."""
    plan = sample_plan(rng)
    return apply_plan(audio, sr, plan, rng), plan


_BY_NAME = {"time_stretch": time_stretch, "time_shift": time_shift, "pitch_shift": pitch_shift, "gain": gain,
            "high_pass": high_pass, "low_pass": low_pass, "eq": eq}
