"""HEAR-Lite's two frozen sources: waveform [batch, samples] at 24 kHz -> features [batch, frames, dim].

frames = floor(samples / 960) (25 Hz, the HEAR frame rate). No weights are learned: every constant (DFT
kernels, filterbanks, key profiles) is a buffer and the STFT is a strided Conv1d (torch 1.13 cannot export
aten::stft), so each graph is plain Conv/MatMul. Like HEAR's conformers, each source mixes in statistics of
the whole call (global context), so the 30 s segment scale and the whole-track scale see different
features.

- `timbre`: 48-band log-mel spectrum per frame (two 512-point windows per 40 ms frame, hop 20 ms) as the
  contrast to the call's mean spectrum, plus that mean, its spread and 8 structure numbers: 152 dims.
- `harmony`: chroma from a 341 ms analysis of the signal decimated to 1.5 kHz (80-700 Hz), the call's mean chroma, its
  correlation with the 24 Krumhansl-Kessler key profiles, 8-band onset strength (spectral flux at 100 Hz,
  averaged per frame) and the call's onset autocorrelation at 16 tempo lags (60-300 bpm): 72 dims.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from hear_tools.sources import hann, mel_filterbank

SAMPLE_RATE = 24000
HOP = 960  # samples per frame at 25 Hz
EPS = 1e-6


def dft_kernels(n_fft: int) -> torch.Tensor:
    """[2 * (n_fft // 2 + 1), 1, n_fft]: Hann-windowed cosine rows, then minus-sine rows."""
    t = np.arange(n_fft)
    k = np.arange(n_fft // 2 + 1)[:, None]
    w = hann(n_fft)
    rows = np.concatenate([np.cos(2 * np.pi * k * t / n_fft) * w, -np.sin(2 * np.pi * k * t / n_fft) * w])
    return torch.tensor(rows[:, None, :], dtype=torch.float32)


def power_frames(x: Tensor, kernels: Tensor, stride: int, count: Tensor) -> Tensor:
    """|DFT|^2 of `count` windows starting every `stride` samples: [B, bins, count]. x is [B, 1, n],
    zero-padded on the right so the last window exists."""
    spec = F.conv1d(F.pad(x, (0, kernels.shape[-1])), kernels, stride=stride)[:, :, :count]
    real, imag = spec.chunk(2, dim=1)
    return real * real + imag * imag


EDGE_FRAMES = 50          # 2 s: how a call starts and ends
SILENCE_NATS = 6.9        # 30 dB below the call's mean power (ln 1000)
REPEAT_LAGS = (50, 100, 200)  # 2, 4 and 8 s: self-similarity of the spectrum at these lags


class TimbreSource(nn.Module):
    """Feature layout: 0-47 log-mel minus the call mean, then the call's context: 48-95 mean log-mel, 96-143
    its standard deviation, 144-151 structure (loudness of the first and last 2 s against the mean, share
    of near-silent frames, mean and max spectral change between frames, spectral self-similarity at 2, 4
    and 8 s). The structure numbers let 30 s training crops know about loops, silences and cut endings."""

    dim = 152

    def __init__(self, n_fft: int = 512, n_mels: int = 48) -> None:
        super().__init__()
        self.n_fft = n_fft
        self.register_buffer("dft", dft_kernels(n_fft))
        self.register_buffer("mel", torch.tensor(mel_filterbank(n_mels, n_fft, SAMPLE_RATE), dtype=torch.float32))

    def forward(self, waveform: Tensor) -> Tensor:
        frames = waveform.shape[1] // HOP
        power = power_frames(waveform.unsqueeze(1), self.dft, HOP // 2, 2 * frames)
        power = power.reshape(power.shape[0], power.shape[1], -1, 2).mean(dim=3)  # two windows per frame
        mel = torch.matmul(self.mel, power)
        logmel = torch.log(mel + EPS)  # [B, mels, F]
        mean = logmel.mean(dim=2, keepdim=True)
        contrast = logmel - mean
        std = torch.sqrt((contrast * contrast).mean(dim=2, keepdim=True) + EPS)
        structure = self.structure(torch.log(mel.sum(dim=1) + EPS), contrast)
        context = torch.cat([mean, std, structure], dim=1).expand(-1, -1, logmel.shape[2])
        return (torch.cat([contrast, context], dim=1) * 0.25).transpose(1, 2)

    @staticmethod
    def structure(loudness: Tensor, contrast: Tensor) -> Tensor:
        """[B, 8, 1] whole-call structure numbers from frame loudness [B, F] and log-mel contrast [B, mels, F]."""
        level = loudness.mean(dim=1, keepdim=True)
        start = loudness[:, :EDGE_FRAMES].mean(dim=1, keepdim=True) - level
        end = loudness[:, -EDGE_FRAMES:].mean(dim=1, keepdim=True) - level
        silent = torch.sigmoid(2.0 * (level - SILENCE_NATS - loudness)).mean(dim=1, keepdim=True)
        change = F.pad((contrast[:, :, 1:] - contrast[:, :, :-1]).abs().mean(dim=1), (0, 1))
        steps = contrast.shape[2]
        unit = contrast / (contrast.norm(dim=1, keepdim=True) + EPS)
        padded = F.pad(unit, (0, max(REPEAT_LAGS)))  # calls shorter than a lag give 0 there
        repeats = [(padded[:, :, lag: lag + steps] * unit).sum(dim=1).mean(dim=1, keepdim=True) for lag in REPEAT_LAGS]
        numbers = [start * 0.2, end * 0.2, silent, change.mean(dim=1, keepdim=True), change.max(dim=1, keepdim=True).values * 0.2]
        return torch.cat(numbers + repeats, dim=1).unsqueeze(2)


def lowpass_kernel(cutoff: float, taps: int, rate: int) -> np.ndarray:
    n = np.arange(taps) - (taps - 1) / 2
    return 2 * cutoff / rate * np.sinc(2 * cutoff / rate * n) * np.hamming(taps)


def chroma_matrix(n_fft: int, rate: int, low: float = 80.0, high: float = 700.0) -> np.ndarray:
    """[12, bins]: each bin between `low` and `high` goes to its nearest pitch class (C = 0). The bins
    (2.9 Hz at 1.5 kHz / 512) are narrower than a semitone from 80 Hz up."""
    freqs = np.fft.rfftfreq(n_fft, 1 / rate)
    matrix = np.zeros((12, len(freqs)))
    for b, f in enumerate(freqs):
        if low <= f <= high:
            matrix[int(np.round(12 * np.log2(f / 261.6256))) % 12, b] = 1.0
    return matrix


# Krumhansl-Kessler probe-tone profiles, C major and C minor (published constants).
MAJOR_PROFILE = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
MINOR_PROFILE = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)


def key_profiles() -> np.ndarray:
    """[24, 12] centred, unit-norm rows: the 12 major then the 12 minor keys."""
    rows = [np.roll(p, k) for p in (MAJOR_PROFILE, MINOR_PROFILE) for k in range(12)]
    rows = np.array(rows) - np.mean(rows, axis=1, keepdims=True)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def band_matrix(n_fft: int, rate: int, edges=(0, 150, 400, 800, 1600, 3200, 6400, 9600, 12001)) -> np.ndarray:
    freqs = np.fft.rfftfreq(n_fft, 1 / rate)
    return np.stack([((freqs >= lo) & (freqs < hi)).astype(float) for lo, hi in zip(edges[:-1], edges[1:])])


# Onset autocorrelation at every lag from 20 to 100 frames of 100 Hz (300 to 60 bpm), reduced to its maximum
# in 16 log-spaced bins so that a tempo between two sampled lags is not missed.
TEMPO_LAGS = tuple(range(20, 101))
TEMPO_BINS = tuple(np.unique(np.round(np.geomspace(20, 101, 17)).astype(int)))


class HarmonySource(nn.Module):
    """Feature layout: 0-11 chroma, 12-19 band onsets, then the call's context: 20-31 mean chroma,
    32-55 key-profile correlations (C..B major, C..B minor), 56-71 tempo autocorrelation bins."""

    dim = 72

    def __init__(self) -> None:
        super().__init__()
        self.decimate = 16  # 24 kHz -> 1.5 kHz: pitch classes from the fundamentals and low harmonics
        self.register_buffer("antialias", torch.tensor(
            lowpass_kernel(700.0, 255, SAMPLE_RATE)[None, None, :], dtype=torch.float32))
        self.register_buffer("chroma_dft", dft_kernels(512))
        self.register_buffer("chroma", torch.tensor(chroma_matrix(512, SAMPLE_RATE // 16), dtype=torch.float32))
        self.register_buffer("keys", torch.tensor(key_profiles(), dtype=torch.float32))
        self.register_buffer("onset_dft", dft_kernels(256))
        self.register_buffer("bands", torch.tensor(band_matrix(256, SAMPLE_RATE), dtype=torch.float32))

    def forward(self, waveform: Tensor) -> Tensor:
        frames = waveform.shape[1] // HOP
        x = waveform.unsqueeze(1)
        low = F.conv1d(F.pad(x, (127, 127)), self.antialias, stride=self.decimate)
        chroma = torch.matmul(self.chroma, power_frames(low, self.chroma_dft, HOP // self.decimate, frames))
        chroma = chroma / (chroma.sum(dim=1, keepdim=True) + EPS)  # [B, 12, F]
        mean_chroma = chroma.mean(dim=2, keepdim=True)
        centred = mean_chroma - mean_chroma.mean(dim=1, keepdim=True)
        key = torch.matmul(self.keys, centred / (centred.norm(dim=1, keepdim=True) + EPS))  # [B, 24, 1]

        bands = torch.log(torch.matmul(self.bands, power_frames(x, self.onset_dft, HOP // 4, 4 * frames)) + EPS)
        flux = torch.relu(bands[:, :, 1:] - bands[:, :, :-1])
        flux = F.pad(flux, (1, 0))  # [B, 8, 4F] at 100 Hz
        onset = flux.reshape(flux.shape[0], flux.shape[1], -1, 4).mean(dim=3)  # [B, 8, F]
        envelope = flux.sum(dim=1)
        envelope = envelope - envelope.mean(dim=1, keepdim=True)
        energy = (envelope * envelope).mean(dim=1, keepdim=True) + EPS
        # Zero-padded so that calls shorter than a lag still give a (zero) correlation.
        padded = F.pad(envelope, (0, max(TEMPO_LAGS)))
        steps = envelope.shape[1]
        lags = torch.stack([(padded[:, lag: lag + steps] * envelope).mean(dim=1) for lag in TEMPO_LAGS], dim=1)
        tempo = torch.stack([lags[:, lo - 20: hi - 20].max(dim=1).values
                             for lo, hi in zip(TEMPO_BINS[:-1], TEMPO_BINS[1:])], dim=1)
        tempo = (tempo / energy).unsqueeze(2)  # [B, 16, 1]

        context = torch.cat([mean_chroma * 4, key, tempo], dim=1).expand(-1, -1, chroma.shape[2])
        out = torch.cat([chroma * 4, onset * 0.5, context], dim=1)
        return out.transpose(1, 2)


SOURCES = {"timbre": TimbreSource, "harmony": HarmonySource}
