"""Tiny waveform -> frame-feature sources for the test fixtures.

Both stand in for HEAR's encoders (MusicFM, MuQ) at toy size: they take a mono
24 kHz waveform [batch, samples] and emit [batch, floor(samples / hop), dim]
with hop = sampleRate / frameRate = 960, so 30 s windows (720,000 samples)
give exactly 750 frames and concatenated windows match the whole track.
Each mixes in a statistic over the whole call (like a conformer's global
attention), so cutting the song into windows changes the features.

Every constant (DFT kernels, mel filterbank, band filters) is a buffer, so the
ONNX graph is plain Conv/MatMul: torch 1.13 cannot export aten::stft.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn


def hann(n: int) -> np.ndarray:
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)


def mel_filterbank(n_mels: int, n_fft: int, sample_rate: int) -> np.ndarray:
    """Triangular filters, equally spaced on the HTK mel scale from 0 Hz to Nyquist: [n_mels, n_fft // 2 + 1]."""
    def to_mel(hz: np.ndarray) -> np.ndarray:
        return 2595.0 * np.log10(1.0 + hz / 700.0)

    def to_hz(mel: np.ndarray) -> np.ndarray:
        return 700.0 * (10.0 ** (mel / 2595.0) - 1.0)

    bins = np.linspace(0, sample_rate / 2, n_fft // 2 + 1)
    edges = to_hz(np.linspace(0.0, to_mel(np.array(sample_rate / 2)), n_mels + 2))
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (bins[None, :] - lower) / (centre - lower)
    falling = (upper - bins[None, :]) / (upper - centre)
    return np.maximum(0.0, np.minimum(rising, falling))


class LogMelSource(nn.Module):
    """Log-mel spectrum per frame (STFT as a strided Conv1d), mean over the call removed, projected."""

    def __init__(self, sample_rate: int = 24000, hop: int = 960, n_fft: int = 256, n_mels: int = 16, dim: int = 16):
        super().__init__()
        if n_fft > hop:
            raise ValueError("n_fft must not exceed hop: each frame's window lies inside its hop")
        self.hop = hop
        self.n_fft = n_fft
        t = np.arange(n_fft)
        k = np.arange(n_fft // 2 + 1)[:, None]
        window = hann(n_fft)
        dft = np.concatenate([np.cos(2 * np.pi * k * t / n_fft) * window, -np.sin(2 * np.pi * k * t / n_fft) * window])
        self.register_buffer("dft", torch.tensor(dft[:, None, :], dtype=torch.float32))
        self.register_buffer("mel", torch.tensor(mel_filterbank(n_mels, n_fft, sample_rate), dtype=torch.float32))
        self.proj = nn.Linear(n_mels, dim)

    def forward(self, waveform: Tensor) -> Tensor:
        # Pad by one window and drop the last frame: floor(samples / hop) frames,
        # none of which reaches into the padding (n_fft <= hop).
        padded = F.pad(waveform.unsqueeze(1), (0, self.n_fft))
        spec = F.conv1d(padded, self.dft, stride=self.hop)[:, :, :-1]
        real, imag = spec.chunk(2, dim=1)
        power = real * real + imag * imag
        logmel = torch.log(torch.matmul(self.mel, power) + 1e-6)  # [B, n_mels, F]
        logmel = logmel - logmel.mean(dim=2, keepdim=True)
        return torch.tanh(self.proj(logmel.transpose(1, 2)))


def bandpass_kernel(low_hz: float, high_hz: float, taps: int, sample_rate: int) -> np.ndarray:
    """Windowed-sinc band-pass FIR (difference of two low-passes), Hann window."""
    n = np.arange(taps) - (taps - 1) / 2

    def lowpass(cut: float) -> np.ndarray:
        return 2 * cut / sample_rate * np.sinc(2 * cut / sample_rate * n)

    return (lowpass(high_hz) - lowpass(low_hz)) * np.hanning(taps)


class BandEnergySource(nn.Module):
    """Log energy in octave bands, its positive change (onsets) and its mean over the call, projected."""

    BAND_EDGES_HZ = (60.0, 150.0, 400.0, 1000.0, 2500.0, 6000.0, 11000.0)

    def __init__(self, sample_rate: int = 24000, hop: int = 960, taps: int = 63, dim: int = 8):
        super().__init__()
        self.hop = hop
        self.taps = taps
        edges = self.BAND_EDGES_HZ
        kernels = np.stack([bandpass_kernel(lo, hi, taps, sample_rate) for lo, hi in zip(edges[:-1], edges[1:])])
        self.register_buffer("bands", torch.tensor(kernels[:, None, :], dtype=torch.float32))
        self.proj = nn.Linear(3 * len(kernels), dim)

    def forward(self, waveform: Tensor) -> Tensor:
        filtered = F.conv1d(waveform.unsqueeze(1), self.bands, padding=self.taps // 2)  # same length
        energy = F.avg_pool1d(filtered * filtered, self.hop, self.hop)  # [B, bands, floor(N / hop)]
        log_energy = torch.log(energy + 1e-6)
        onset = torch.relu(torch.cat([torch.zeros_like(log_energy[:, :, :1]), log_energy[:, :, 1:] - log_energy[:, :, :-1]], dim=2))
        context = log_energy.mean(dim=2, keepdim=True).expand_as(log_energy)
        stacked = torch.cat([log_energy, onset, context], dim=1).transpose(1, 2)
        return torch.tanh(self.proj(stacked * 0.25))
