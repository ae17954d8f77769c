"""Tiny waveform -> frame-feature sources for the test fixtures.

Both stand in for HEAR's encoders (MusicFM, MuQ) at toy size: they take a mono
24 kHz waveform [batch, samples] (at least one hop) and emit
[batch, floor(samples / hop), dim] with hop = sampleRate / frameRate = 960,
so 30 s windows (720,000 samples) give exactly 750 frames and concatenated
windows match the whole track. Each mixes in a statistic over the whole call
(like a conformer's global attention), so cutting the song into windows
changes the features.

Every constant (DFT kernels, mel filterbank, probe tones) is a buffer, so the
ONNX graph is plain Conv/MatMul: torch 1.13 cannot export aten::stft. Both
read the waveform only through one strided Conv1d (stride = hop) and never
pad, copy or filter it at the full sample rate: the track scale runs a whole
song in one call, and a full-rate intermediate of a 10-minute song is 58 MB
per channel.
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
        # One window at the start of each hop (n_fft <= hop, so never past the end): the conv gives
        # floor((N - n_fft) / hop) + 1 windows, one more than floor(N / hop) when the last partial
        # hop holds a whole window; that one is dropped.
        spec = F.conv1d(waveform.unsqueeze(1), self.dft, stride=self.hop)[:, :, : waveform.shape[1] // self.hop]
        real, imag = spec.chunk(2, dim=1)
        power = real * real + imag * imag
        logmel = torch.log(torch.matmul(self.mel, power) + 1e-6)  # [B, n_mels, F]
        logmel = logmel - logmel.mean(dim=2, keepdim=True)
        return torch.tanh(self.proj(logmel.transpose(1, 2)))


def probe_tones(edges_hz: tuple[float, ...], per_band: int, length: int,
                sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Hann-windowed cosine and sine probes at `per_band` log-spaced frequencies inside each band.

    Returns kernels [2 * bands * per_band, length] (all cosines, then all sines), scaled so that a
    full-scale sine at a probe's frequency has power cos^2 + sin^2 = 1 there, and a band matrix
    [bands, bands * per_band] that averages each band's probe powers.
    """
    bands = len(edges_hz) - 1
    freqs = np.array([lo * (hi / lo) ** ((i + 0.5) / per_band)
                      for lo, hi in zip(edges_hz[:-1], edges_hz[1:]) for i in range(per_band)])
    t = np.arange(length) / sample_rate
    window = hann(length) / (hann(length).sum() / 2)  # |probe . sin(2 pi f t)| = 1 at a probe frequency
    phase = 2 * np.pi * freqs[:, None] * t[None, :]
    kernels = np.concatenate([np.cos(phase) * window, np.sin(phase) * window])
    average = np.kron(np.eye(bands), np.full((1, per_band), 1.0 / per_band))
    return kernels, average


class BandEnergySource(nn.Module):
    """Log energy in octave bands per frame, its positive change (onsets) and its mean over the call, projected.

    A band's energy in a frame is the mean power of the frame at a few probe frequencies inside the
    band (a sparse DFT of the frame's own hop of samples), so the whole source is one Conv1d with
    kernel = stride = hop: its memory grows with frames, not samples (a full-rate band-pass filter
    bank over a 10-minute track held 0.7 GB).
    """

    BAND_EDGES_HZ = (60.0, 150.0, 400.0, 1000.0, 2500.0, 6000.0, 11000.0)
    PROBES_PER_BAND = 4

    def __init__(self, sample_rate: int = 24000, hop: int = 960, dim: int = 8):
        super().__init__()
        self.hop = hop
        kernels, average = probe_tones(self.BAND_EDGES_HZ, self.PROBES_PER_BAND, hop, sample_rate)
        self.register_buffer("probes", torch.tensor(kernels[:, None, :], dtype=torch.float32))
        self.register_buffer("average", torch.tensor(average, dtype=torch.float32))
        self.proj = nn.Linear(3 * len(average), dim)

    def forward(self, waveform: Tensor) -> Tensor:
        responses = F.conv1d(waveform.unsqueeze(1), self.probes, stride=self.hop)  # [B, 2 * probes, floor(N / hop)]
        cos, sin = responses.chunk(2, dim=1)
        energy = torch.matmul(self.average, cos * cos + sin * sin)  # [B, bands, F]
        log_energy = torch.log(energy + 1e-6)
        onset = torch.relu(torch.cat([torch.zeros_like(log_energy[:, :, :1]),
                                      log_energy[:, :, 1:] - log_energy[:, :, :-1]], dim=2))
        context = log_energy.mean(dim=2, keepdim=True).expand_as(log_energy)
        stacked = torch.cat([log_energy, onset, context], dim=1).transpose(1, 2)
        return torch.tanh(self.proj(stacked * 0.25))
