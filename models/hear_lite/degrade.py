"""Controlled degradations that mimic how generated songs fail; each is f(audio, sr, severity, rng) -> audio.

Severity runs from 0 (the input, unchanged or within rounding) to 1 (the strongest version). Which dimension
each one hurts, and by how much, is written down in targets.py; this module only makes the audio.
Degradations that reorder or cut the music work on bars estimated from the onset envelope (`bar_seconds`).
"""
from __future__ import annotations

import numpy as np
from scipy import signal

from .audio import mp3_roundtrip, sox_effect


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)) + 1e-12))


def _match_rms(y: np.ndarray, reference: np.ndarray) -> np.ndarray:
    return (y * (_rms(reference) / _rms(y))).astype(np.float32)


def _segments(n: int, count: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """`count` + 1 contiguous segments covering [0, n) with random interior boundaries."""
    cuts = np.sort(rng.choice(np.arange(1, n), size=count, replace=False)) if count else np.array([], int)
    edges = [0, *cuts.tolist(), n]
    return list(zip(edges[:-1], edges[1:]))


def bar_seconds(audio: np.ndarray, sr: int) -> float:
    """Four beats, the beat period taken from the autocorrelation of the spectral-flux onset envelope
    (60-180 bpm). Hand-written: librosa is not available to the Debian torch interpreter."""
    hop = 512
    _, _, spec = signal.stft(audio, sr, nperseg=2048, noverlap=2048 - hop, boundary=None)
    mag = np.log1p(100 * np.abs(spec))
    flux = np.maximum(np.diff(mag, axis=1), 0).sum(axis=0)
    flux = flux - flux.mean()
    ac = np.correlate(flux, flux, mode="full")[len(flux) - 1:]
    frame_s = hop / sr
    lags = np.arange(len(ac))
    window = (lags * frame_s >= 60 / 180) & (lags * frame_s <= 1.0)
    if not window.any():
        return 2.0
    beat = lags[window][np.argmax(ac[window])] * frame_s
    return 4 * beat


def _bars(audio: np.ndarray, sr: int) -> list[tuple[int, int]]:
    step = max(1, int(round(bar_seconds(audio, sr) * sr)))
    return [(s, min(s + step, len(audio))) for s in range(0, len(audio), step)]


# ---- Coherence ----

def splice_across_songs(audio, sr, severity, rng, donor: np.ndarray):
    """Replace 50% x severity of the track by pieces of another song, hard cuts at random places."""
    if severity <= 0:
        return audio.copy()
    out = audio.copy()
    pieces = 1 + int(round(4 * severity))
    length = int(0.5 * severity * len(audio) / pieces)
    for _ in range(pieces):
        at = int(rng.integers(0, max(1, len(audio) - length)))
        src = int(rng.integers(0, max(1, len(donor) - length)))
        piece = donor[src: src + length]
        out[at: at + len(piece)] = _match_rms(piece, audio[at: at + len(piece)]) if len(piece) else piece
    return out


def tempo_jumps(audio, sr, severity, rng):
    """Alternate segments play up to 25% faster or slower, joined with hard cuts."""
    if severity <= 0:
        return audio.copy()
    parts = []
    for k, (a, b) in enumerate(_segments(len(audio), 1 + int(round(3 * severity)), rng)):
        if k % 2:
            rate = 1 + 0.25 * severity * rng.choice([-1, 1])
            parts.append(sox_effect(audio[a:b], sr, ["tempo", "-m", f"{rate:.4f}"]))
        else:
            parts.append(audio[a:b])
    return np.concatenate(parts).astype(np.float32)


def key_jumps(audio, sr, severity, rng):
    """Alternate segments jump up or down by up to 5 semitones (500 cents x severity), abruptly."""
    if severity <= 0:
        return audio.copy()
    out = audio.copy()
    for k, (a, b) in enumerate(_segments(len(audio), 1 + int(round(3 * severity)), rng)):
        if k % 2:
            shifted = sox_effect(audio[a:b], sr, ["pitch", f"{500 * severity * rng.choice([-1, 1]):.2f}"])
            out[a: a + min(b - a, len(shifted))] = shifted[: b - a]
    return out


# ---- Musicality ----

def _layer(audio, sr, cents, level):
    shifted = sox_effect(audio, sr, ["pitch", f"{cents:.2f}"])
    layer = np.zeros_like(audio)
    layer[: min(len(audio), len(shifted))] = shifted[: len(audio)]
    return _match_rms(audio + level * layer, audio)


def detuned_layer(audio, sr, severity, rng):
    """A copy detuned by up to 50 cents layered on top (level up to 0.8)."""
    if severity <= 0:
        return audio.copy()
    return _layer(audio, sr, 50 * severity * rng.choice([-1, 1]), 0.8 * severity)


def off_key_layer(audio, sr, severity, rng):
    """A copy a semitone or a tritone away layered on top (level up to 0.8): wrong notes everywhere."""
    if severity <= 0:
        return audio.copy()
    return _layer(audio, sr, float(rng.choice([100, -100, 600])), 0.8 * severity)


def rhythmic_jitter(audio, sr, severity, rng):
    """Every 125 ms slice is read from up to 60 ms x severity earlier or later: timing falls apart."""
    slice_len = int(0.125 * sr)
    max_offset = int(0.06 * severity * sr)
    out = audio.copy()
    if max_offset == 0:
        return out
    for start in range(0, len(audio), slice_len):
        end = min(start + slice_len, len(audio))
        src = int(np.clip(start + rng.integers(-max_offset, max_offset + 1), 0, len(audio) - (end - start)))
        out[start:end] = audio[src: src + end - start]
    return out


def distortion(audio, sr, severity, rng):
    """tanh overdrive with up to 36 dB of drive, blended in with the severity, loudness kept."""
    if severity <= 0:
        return audio.copy()
    drive = 10 ** (36 * severity / 20)
    shaped = _match_rms(np.tanh(drive * audio), audio)
    return ((1 - severity) * audio + severity * shaped).astype(np.float32)


# ---- Memorability ----

def _move_some(units: list[tuple[int, int]], severity: float, rng: np.random.Generator) -> list[int]:
    """A play order in which round(severity x count) units, at least two, trade places along one random cycle
    (each one moves, to a random place among them); severity 0 keeps the order. The cycle is random, not the
    chosen units in their own order: that would shift each by one place, and at severity 1 play the whole
    track rotated by one unit, nearly unchanged."""
    order = list(range(len(units)))
    count = min(len(units), max(2, int(round(severity * len(units)))))
    if severity <= 0 or len(units) < 2:
        return order
    chosen = rng.choice(len(units), size=count, replace=False).tolist()  # in random order: the cycle
    for i, j in zip(chosen, chosen[1:] + chosen[:1]):
        order[i] = j
    return order


def bar_shuffle(audio, sr, severity, rng):
    """A share (severity) of the bars trade places: motifs are broken up."""
    bars = _bars(audio, sr)
    return np.concatenate([audio[slice(*bars[i])] for i in _move_some(bars, severity, rng)]).astype(np.float32)


def _bar_chroma(audio: np.ndarray, bars: list[tuple[int, int]], sr: int) -> np.ndarray:
    """Pitch-class profile of each bar (magnitude spectrum 55 Hz - 5 kHz folded onto 12 semitones), centred
    and normalised so that a dot product is a Pearson correlation."""
    n = min(b - a for a, b in bars)
    freqs = np.fft.rfftfreq(n, 1 / sr)
    band = (freqs >= 55) & (freqs <= 5000)
    pitch_class = np.round(12 * np.log2(freqs[band] / 440.0)).astype(int) % 12
    prof = np.stack([np.bincount(pitch_class, np.abs(np.fft.rfft(audio[a: a + n]))[band], 12) for a, _ in bars])
    prof -= prof.mean(axis=1, keepdims=True)
    return prof / (np.linalg.norm(prof, axis=1, keepdims=True) + 1e-9)


def repetition_removed(audio, sr, severity, rng, similarity: float = 0.9):
    """Bars that repeat an earlier bar (pitch-class profiles correlating >= `similarity`) are dropped with
    probability severity: the hooks and refrains that make a song memorable are gone."""
    bars = [b for b in _bars(audio, sr) if b[1] - b[0] > 0]
    if len(bars) < 3 or severity <= 0:
        return audio.copy()
    full = bars[:-1]
    prof = _bar_chroma(audio, full, sr)
    sims = prof @ prof.T
    keep = []
    for i, bar in enumerate(full):
        repeated = i > 0 and np.max(sims[i, :i]) >= similarity
        if not (repeated and rng.random() < severity):
            keep.append(bar)
    keep.append(bars[-1])
    return np.concatenate([audio[a:b] for a, b in keep]).astype(np.float32)


# ---- Clarity of structure ----

def short_loop(audio, sr, severity, rng, loop_seconds: float = 4.0):
    """The last `severity` share of the track becomes one 4 s loop repeated: no development, no ending."""
    n_loop = int(loop_seconds * sr)
    start = int(round((1 - severity) * len(audio)))
    if severity <= 0 or len(audio) < 2 * n_loop:
        return audio.copy()
    src = int(rng.integers(0, max(1, min(start, len(audio) - n_loop))))
    loop = audio[src: src + n_loop]
    tail = np.tile(loop, int(np.ceil((len(audio) - start) / n_loop)))[: len(audio) - start]
    return np.concatenate([audio[:start], tail]).astype(np.float32)


def section_order(audio, sr, severity, rng, section_bars: int = 4):
    """Sections of four bars, a share (severity) of them in another order: parts out of place."""
    step = max(1, int(round(section_bars * bar_seconds(audio, sr) * sr)))
    sections = [(s, min(s + step, len(audio))) for s in range(0, len(audio), step)]
    order = _move_some(sections, severity, rng)
    return np.concatenate([audio[slice(*sections[i])] for i in order]).astype(np.float32)


def cut_ending(audio, sr, severity, rng):
    """The track stops dead: up to 40% x severity of its end removed, no fade."""
    cut = int(0.4 * severity * len(audio) * rng.uniform(0.75, 1.0))
    return audio[: len(audio) - cut].copy() if cut else audio.copy()


def long_silences(audio, sr, severity, rng):
    """Up to four gaps of up to 6 s of silence inserted at random places, hard cuts."""
    if severity <= 0:
        return audio.copy()
    gaps = 1 + int(round(3 * severity))
    at = np.sort(rng.integers(0, len(audio), gaps))
    gap = np.zeros(int(6 * severity * sr), dtype=np.float32)
    parts, prev = [], 0
    for a in at:
        parts += [audio[prev:a], gap]
        prev = a
    parts.append(audio[prev:])
    return np.concatenate(parts).astype(np.float32)


# ---- Naturalness ----

STFT_SIZE = 1024
STFT_HOP = 256


def _stft(audio, sr):
    return signal.stft(audio, sr, nperseg=STFT_SIZE, noverlap=STFT_SIZE - STFT_HOP)[2]


def _istft(spec, sr, n):
    y = signal.istft(spec, sr, nperseg=STFT_SIZE, noverlap=STFT_SIZE - STFT_HOP)[1][:n]
    out = np.zeros(n, dtype=np.float32)
    out[: len(y)] = y
    return out


def phase_smear(audio, sr, severity, rng):
    """Vocoder-style smearing: every STFT bin's phase jittered by up to pi x severity."""
    if severity <= 0:
        return audio.copy()
    spec = _stft(audio, sr)
    jitter = np.exp(1j * np.pi * severity * rng.uniform(-1, 1, spec.shape))
    return _match_rms(_istft(spec * jitter, sr, len(audio)), audio)


def robotic(audio, sr, severity, rng):
    """Robotisation: STFT phases reset every frame (a buzz at the frame rate), blended in with the severity."""
    if severity <= 0:
        return audio.copy()
    robot = _match_rms(_istft(np.abs(_stft(audio, sr)), sr, len(audio)), audio)
    return ((1 - severity) * audio + severity * robot).astype(np.float32)


def metallic(audio, sr, severity, rng):
    """A resonant comb (5-15 ms delay, feedback up to 0.85): the metallic ring of a bad vocoder."""
    if severity <= 0:
        return audio.copy()
    delay = int(rng.uniform(0.005, 0.015) * sr)
    a = np.zeros(delay + 1)
    a[0], a[delay] = 1.0, -0.85 * severity
    return _match_rms(signal.lfilter([1.0], a, audio), audio)


# ---- All dimensions ----

MP3_BITRATES = (128, 96, 64, 48, 32, 24, 16, 8)


def low_bitrate(audio, sr, severity, rng):
    """MP3 round trip from 128 kbps (severity ~0) down to 8 kbps (severity 1)."""
    if severity <= 0:
        return audio.copy()
    rate = MP3_BITRATES[int(round(severity * (len(MP3_BITRATES) - 1)))]
    return mp3_roundtrip(audio, sr, rate)


def band_limit(audio, sr, severity, rng):
    """Telephone-like band: low-pass from 11 kHz down to 2 kHz, high-pass from 20 Hz up to 400 Hz."""
    if severity <= 0:
        return audio.copy()
    low = 11000 * (2000 / 11000) ** severity
    high = 20 * (400 / 20) ** severity
    sos = signal.butter(6, [high, min(low, 0.45 * sr)], btype="bandpass", fs=sr, output="sos")
    return signal.sosfilt(sos, audio).astype(np.float32)


def added_noise(audio, sr, severity, rng):
    """White noise from 60 dB SNR (severity ~0) down to 5 dB SNR (severity 1)."""
    if severity <= 0:
        return audio.copy()
    snr = 60 - 55 * severity
    sigma = _rms(audio) / 10 ** (snr / 20)
    return (audio + rng.normal(0, sigma, len(audio))).astype(np.float32)


def clipping(audio, sr, severity, rng):
    """Up to 24 dB of gain into a hard clip at the original peak, loudness kept."""
    if severity <= 0:
        return audio.copy()
    peak = float(np.max(np.abs(audio))) or 1.0
    clipped = np.clip(audio * 10 ** (24 * severity / 20), -peak, peak)
    return _match_rms(clipped, audio)
