"""HEAR-Lite's two frozen sources: waveform [batch, samples] at 24 kHz -> features [batch, frames, dim].

frames = floor(samples / 960) (25 Hz, the HEAR frame rate). No weights are learned: every constant (DFT
kernels, filterbanks, key profiles) is a buffer and the STFT is a strided Conv1d (torch 1.13 cannot export
aten::stft), so each graph is plain Conv/MatMul. ONNX's own STFT operator would not be faster: in
onnxruntime-node 1.30 on one core it took 16.6 ms where this Conv took 9.6 ms for the timbre source's
512-point DFTs of one 22.6 s piece (2026-11-27). Nor would a two-stage (Cooley-Tukey) split into
dilated Convs and a batched MatMul, a fifth of the multiplications: for 3 minutes on one core it took 99 ms
where the Conv took 62 (timbre's DFTs) and 85 where it took 41 (onsets), and saved 8 of 37 ms only for the
chroma's closely spaced windows (2026-11-27, medians of 15 runs): the Conv is one large GEMM. Like HEAR's
conformers, each source mixes in statistics of the whole call (global context), so the 30 s segment scale and
the whole-track scale see different features. The DFTs do not depend on the call, so each source is a
`FramedSource`: its frames stage runs once per song and both scales read it (one source's exported graphs on
one core, a 3-minute song: the DFTs were 61% of the sources' time when each scale computed its own).

- `timbre`: 48-band log-mel spectrum per frame (two 512-point windows per 40 ms frame, hop 20 ms) as the
  contrast to the call's mean spectrum, plus that mean, its spread, 8 structure numbers and 16 artefact
  numbers: 168 dims.
- `harmony`: chroma from a 341 ms analysis of the signal decimated to 1.5 kHz (80-700 Hz), the call's mean chroma, its
  correlation with the 24 Krumhansl-Kessler key profiles, 8-band onset strength (spectral flux at 100 Hz,
  averaged per frame), the call's onset autocorrelation at 16 tempo lags (60-300 bpm) and the song's form (how
  each second's harmony repeats elsewhere in the call, changes from the 4 s before, fits the call's key): 80 dims.
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


PIECES = 8  # a call's DFTs are computed in this many pieces: only one piece's spectrum is in memory at once


def traced(size) -> Tensor:
    """A size as a tensor: already one while torch.onnx traces (so the graph keeps it dynamic), an int in eager runs."""
    return size if isinstance(size, Tensor) else torch.tensor(size)


def piece_bounds(count, unit: int = 1) -> list[tuple[Tensor, Tensor]]:
    """[start, end) of PIECES consecutive pieces covering `count` items, each piece a multiple of `unit`
    items (the last ones shorter or empty)."""
    total = traced(count) * unit
    per = torch.div(traced(count) + PIECES - 1, PIECES, rounding_mode="floor") * unit
    return [(torch.minimum(k * per, total), torch.minimum((k + 1) * per, total)) for k in range(PIECES)]


def power_frames(x: Tensor, kernels: Tensor, stride: int, frames: Tensor, per_frame: int = 1,
                 reduce=lambda power: power) -> Tensor:
    """|DFT|^2 [B, bins, windows] of `frames * per_frame` windows every `stride` samples, passed through
    `reduce` and joined along the last axis. x is [B, 1, n], zero-padded on the right so the last window
    exists.

    The windows go through in PIECES pieces (of whole frames), each padded on its own: the same numbers as
    one pass, holding one piece's spectrum at a time and `reduce`'s smaller output of the rest. Measured
    for a 10-minute call, peak memory above the input: timbre 142 -> 90 MB, harmony 116 -> 27 MB (with
    `downsample`)."""
    width = kernels.shape[-1]
    parts = []
    for start, end in piece_bounds(frames, per_frame):
        piece = F.pad(x[:, :, start * stride: end * stride + width], (0, width))
        spec = F.conv1d(piece, kernels, stride=stride)[:, :, : end - start]
        real, imag = spec.chunk(2, dim=1)
        parts.append(reduce(real * real + imag * imag))
    return torch.cat(parts, dim=2)


def sample_pieces(x: Tensor) -> list[Tensor]:
    """x [B, n] as PIECES consecutive pieces, for elementwise work on a long call one piece at a time."""
    return [x[:, start:end] for start, end in piece_bounds(x.shape[1])]


def downsample(x: Tensor, kernel: Tensor, factor: int) -> Tensor:
    """conv1d(x zero-padded by taps // 2 on both sides, kernel, stride=factor) for x [B, 1, n], in PIECES
    pieces of output (each piece's input sliced and padded on its own) so that no padded copy of the whole
    call is made. Every piece after the first starts at least taps // 2 samples in (calls of 3 frames and
    more have 23 or more outputs per piece)."""
    taps = kernel.shape[-1]
    half = taps // 2
    outputs = torch.div(traced(x.shape[2]) - 1, factor, rounding_mode="floor") + 1
    parts = []
    for k, (start, end) in enumerate(piece_bounds(outputs)):
        first = start * factor - half if k else 0
        piece = F.pad(x[:, :, first: (end - 1) * factor + taps - half], (0 if k else half, taps))
        parts.append(F.conv1d(piece, kernel, stride=factor)[:, :, : end - start])
    return torch.cat(parts, dim=2)


class FramedSource(nn.Module):
    """A source in two stages: `frames(waveform)` [B, F, frames_dim], the per-frame work (the DFTs), runs once
    per song; `call(waveform, frames)` [B, F, dim] turns one call's samples and rows of them into features
    with the call's context. The pipeline gives each 30 s window its rows of the song's frames
    (hear_tools.pipeline.run_stream), so the two scales do not compute the DFTs twice."""

    dim: int
    frames_dim: int

    def forward(self, waveform: Tensor) -> Tensor:
        """Features of one call on its own (its frames computed from its samples alone): the whole-track call."""
        return self.call(waveform, self.frames(waveform))


EDGE_FRAMES = 50          # 2 s: how a call starts and ends
SILENCE_NATS = 6.9        # 30 dB below the call's mean power (ln 1000)
REPEAT_LAGS = (50, 100, 200)  # 2, 4 and 8 s: self-similarity of the spectrum at these lags
BIN_HZ = SAMPLE_RATE / 512    # 46.9 Hz: the timbre DFT's bin width
MID, HIGH, TOP = int(1000 / BIN_HZ), int(6000 / BIN_HZ), int(11500 / BIN_HZ)  # bins at 1, 6 and 11.5 kHz


class TimbreSource(FramedSource):
    """Feature layout: 0-47 log-mel minus the call mean, then the call's context: 48-95 mean log-mel, 96-143
    its standard deviation, 144-151 structure (loudness of the first and last 2 s against the mean, share
    of near-silent frames, mean and max spectral change between frames, spectral self-similarity at 2, 4
    and 8 s), 152-167 artefacts (`artefacts`). The structure numbers let 30 s training crops know about
    loops, silences and cut endings."""

    dim = 168
    frames_dim = 257

    def __init__(self, n_fft: int = 512, n_mels: int = 48) -> None:
        super().__init__()
        self.n_fft = n_fft
        self.register_buffer("dft", dft_kernels(n_fft))
        self.register_buffer("mel", torch.tensor(mel_filterbank(n_mels, n_fft, SAMPLE_RATE), dtype=torch.float32))

    def frames(self, waveform: Tensor) -> Tensor:
        """[B, F, 257]: the DFT power of each frame (its two windows' mean)."""
        frames = waveform.shape[1] // HOP
        pairs = lambda p: p.reshape(p.shape[0], p.shape[1], -1, 2).mean(dim=3)  # two windows per frame
        return power_frames(waveform.unsqueeze(1), self.dft, HOP // 2, frames, 2, pairs).transpose(1, 2)

    def call(self, waveform: Tensor, frames: Tensor) -> Tensor:
        """Features [B, F, 168] of one call: its waveform [B, n] and its rows of `frames`."""
        power = frames.transpose(1, 2)
        mel = torch.matmul(self.mel, power)
        logmel = torch.log(mel + EPS)  # [B, mels, F]
        mean = logmel.mean(dim=2, keepdim=True)
        contrast = logmel - mean
        std = torch.sqrt((contrast * contrast).mean(dim=2, keepdim=True) + EPS)
        loudness = torch.log(mel.sum(dim=1) + EPS)
        change = F.pad((contrast[:, :, 1:] - contrast[:, :, :-1]).abs().mean(dim=1), (0, 1))  # [B, F]
        structure = self.structure(loudness, contrast, change)
        artefacts = self.artefacts(waveform, power, loudness, change)
        context = torch.cat([mean, std, structure, artefacts], dim=1).expand(-1, -1, logmel.shape[2])
        return (torch.cat([contrast, context], dim=1) * 0.25).transpose(1, 2)

    @staticmethod
    def structure(loudness: Tensor, contrast: Tensor, change: Tensor) -> Tensor:
        """[B, 8, 1] whole-call structure numbers from frame loudness [B, F], log-mel contrast [B, mels, F]
        and the spectral change between frames [B, F]."""
        level = loudness.mean(dim=1, keepdim=True)
        start = loudness[:, :EDGE_FRAMES].mean(dim=1, keepdim=True) - level
        end = loudness[:, -EDGE_FRAMES:].mean(dim=1, keepdim=True) - level
        silent = torch.sigmoid(2.0 * (level - SILENCE_NATS - loudness)).mean(dim=1, keepdim=True)
        steps = contrast.shape[2]
        unit = contrast / (contrast.norm(dim=1, keepdim=True) + EPS)
        padded = F.pad(unit, (0, max(REPEAT_LAGS)))  # calls shorter than a lag give 0 there
        repeats = [(padded[:, :, lag: lag + steps] * unit).sum(dim=1).mean(dim=1, keepdim=True) for lag in REPEAT_LAGS]
        numbers = [start * 0.2, end * 0.2, silent, change.mean(dim=1, keepdim=True),
                   change.max(dim=1, keepdim=True).values * 0.2]
        return torch.cat(numbers + repeats, dim=1).unsqueeze(2)

    @staticmethod
    def artefacts(waveform: Tensor, power: Tensor, loudness: Tensor, change: Tensor) -> Tensor:
        """[B, 16, 1] whole-call numbers that move with the damage generated and processed audio shows, each
        in a way that does not depend much on the music: from the waveform [B, n], the DFT power
        [B, 257, F], frame loudness [B, F] and spectral change [B, F].

        0-1 the steepest fall of the call's mean spectrum over 280 Hz and over 1 kHz between 1 and 11.5
        kHz (band limits, codec low-pass); 2 share of 1-12 kHz bins 10 nats below the mean spectrum's peak
        (dead bands); 3 the bass below 140 Hz against 375-520 Hz; 4 the share of power above 6 kHz;
        5 share of 3-12 kHz cells 30 dB below their frame's mean there (codec holes); 6 flatness of the
        6-12 kHz spectrum (white noise 0.58); 7-8 the quietest 0.2 s above 6 kHz and overall against the
        mean (noise floor); 9 crest factor, 10 share of samples at the peak (clipping); 11-12 roughness of
        the mean spectrum, 1-6 and 6-11.5 kHz (comb filters, a robotic buzz); 13 frame-to-frame flicker of
        1-6 kHz bins (phase smearing); 14 loudness of the last 0.2 s against the mean (a dead stop);
        15 share of frames whose spectral change is an outlier (hard cuts).
        Hand-written because no library computes these inside an exportable graph."""
        logpower = torch.log(power + EPS)
        spectrum = logpower.mean(dim=2)  # [B, 257]
        band = spectrum[:, MID:TOP]
        cliffs = [(band[:, :-span] - band[:, span:]).max(dim=1, keepdim=True).values for span in (6, 21)]
        peak = spectrum.max(dim=1, keepdim=True).values
        dead = torch.sigmoid(4.0 * (peak - 10.0 - spectrum[:, MID:])).mean(dim=1, keepdim=True)
        bass = spectrum[:, 1:4].mean(dim=1, keepdim=True) - spectrum[:, 8:12].mean(dim=1, keepdim=True)
        high_share = torch.log(power[:, HIGH:].sum(dim=(1, 2)) / (power.sum(dim=(1, 2)) + EPS) + EPS).unsqueeze(1)

        upper = logpower[:, 64:]  # 3-12 kHz
        # log(mean(exp(upper)) + EPS) without the exp
        frame_mean = torch.log((power[:, 64:] + EPS).mean(dim=1, keepdim=True) + EPS)
        holes = torch.sigmoid(2.0 * (frame_mean - 3.4 - upper)).mean(dim=(1, 2)).unsqueeze(1)
        top = logpower[:, HIGH:]
        top_mean = torch.log((power[:, HIGH:] + EPS).mean(dim=1) + EPS)  # [B, F]
        flatness = (top_mean - top.mean(dim=1)).mean(dim=1, keepdim=True)
        smooth = lambda x: F.avg_pool1d(x.unsqueeze(1), 5, 1, padding=2, count_include_pad=False).squeeze(1)
        quietest = [smooth(x).min(dim=1, keepdim=True).values - x.mean(dim=1, keepdim=True)
                    for x in (top_mean, loudness)]

        samples = traced(waveform.shape[1])
        level = torch.sqrt(waveform.norm(dim=1, keepdim=True) ** 2 / samples + EPS * EPS)  # no squared copy
        peak_sample = torch.maximum(waveform.max(dim=1, keepdim=True).values, -waveform.min(dim=1, keepdim=True).values)
        crest = torch.log(peak_sample / level + EPS)
        at_peak = sum((p.abs() >= 0.995 * peak_sample).float().sum(dim=1, keepdim=True)
                      for p in sample_pieces(waveform)) / samples

        second = (spectrum[:, :-2] - 2 * spectrum[:, 1:-1] + spectrum[:, 2:]).abs()
        rough = [second[:, lo - 1: hi - 1].mean(dim=1, keepdim=True) for lo, hi in ((MID, HIGH), (HIGH, TOP))]
        mids = logpower[:, MID:HIGH]
        flicker = (mids[:, :, 1:] - mids[:, :, :-1]).abs().mean(dim=(1, 2)).unsqueeze(1)
        last = loudness[:, -5:].mean(dim=1, keepdim=True) - loudness.mean(dim=1, keepdim=True)
        z = (change - change.mean(dim=1, keepdim=True)) / (change.std(dim=1, keepdim=True) + EPS)
        cuts = torch.sigmoid(4.0 * (z - 4.0)).mean(dim=1, keepdim=True)
        # A call of one frame (a 30 s window's tail of 1025-1919 samples) has no frame pair: its flicker (a mean
        # over no pairs) and its cut share (through a deviation of one frame) would be NaN; neither changes, 0.
        pairs = traced(mids.shape[2]) > 1
        flicker, cuts = (torch.where(pairs, x, torch.zeros_like(x)) for x in (flicker, cuts))
        numbers = [cliffs[0] * 0.5, cliffs[1] * 0.25, dead, bass * 0.25, high_share * 0.25, holes * 4, flatness,
                   quietest[0] * 0.1, quietest[1] * 0.1, crest * 0.5, at_peak * 100, rough[0], rough[1], flicker,
                   last * 0.2, cuts * 20]
        return torch.cat(numbers, dim=1).unsqueeze(2)


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


def unit(x: Tensor) -> Tensor:
    """x scaled to unit length along axis 1 (zero stays zero)."""
    return x / (x.norm(dim=1, keepdim=True) + EPS)


BLOCK = 25     # frames per second: form is read per second of chroma
SPAN = 4       # seconds per passage: repeats are matched as 4 s sequences, changes as 4 s before against after
KEY_SPAN = 8   # seconds of chroma whose key is compared with the call's
FORM_DIMS = 8  # the harmony source's last columns: `form`'s 3 per frame and 5 per call


def form(chroma: Tensor) -> tuple[Tensor, Tensor]:
    """The song's form from chroma [B, 12, F]: per frame [B, 3, F] (repeat: how well the 4 s passage starting
    at this second matches one elsewhere in the call, order within it included; change: chroma of the next
    4 s against the last 4 s; key fit: the 8 s around it against the call's mean chroma) and the call's
    numbers [B, 5, 1] (mean repeat and its lower half's mean, mean change, mean key fit and its lower half's
    mean). Measured on 20 held-out tracks before training: a splice of another song lowers the lower-half
    repeat and the mean key fit in 19 of 20 tracks, a key jump the key fit (90%), removed repetition the repeat
    (100%); section order, bar shuffles, tempo jumps and cut endings barely move them.
    Hand-written: a self-similarity over the whole call, inside an exportable graph."""
    frames = chroma.shape[2]
    seconds = F.avg_pool1d(chroma, BLOCK, BLOCK, ceil_mode=True)  # [B, 12, N]; the last second may be short
    n = seconds.shape[2]
    shape = unit(seconds - seconds.mean(dim=1, keepdim=True))
    ahead = F.pad(shape, (0, SPAN - 1))
    passages = unit(torch.cat([ahead[:, :, k: k + n] for k in range(SPAN)], dim=1))  # [B, 48, N]
    similarity = torch.matmul(passages.transpose(1, 2), passages)  # [B, N, N]
    # Only passages inside the call are matched; the last SPAN - 1 seconds take the last whole passage's value.
    index = torch.arange(n)
    last = (n - SPAN).clamp(min=0) if isinstance(n, Tensor) else max(n - SPAN, 0)
    excluded = ((index[:, None] - index[None, :]).abs() < SPAN) | (index[None, :] > last)
    repeat = similarity.masked_fill(excluded, -1.0).max(dim=2).values.clamp(min=0.0)  # 0 in calls under 5 s
    repeat = repeat[:, index.clamp(max=last)]
    before = F.avg_pool1d(F.pad(shape, (SPAN, 0)), SPAN, 1)[:, :, :n]
    after = F.avg_pool1d(F.pad(shape, (0, SPAN)), SPAN, 1)[:, :, :n]
    change = 1.0 - (unit(before) * unit(after)).sum(dim=1)
    mean = seconds.mean(dim=2, keepdim=True)
    key = unit(mean - mean.mean(dim=1, keepdim=True))
    local = F.avg_pool1d(seconds, KEY_SPAN + 1, 1, padding=KEY_SPAN // 2, count_include_pad=False)
    fit = (unit(local - local.mean(dim=1, keepdim=True)) * key).sum(dim=1)

    def lower_half(x: Tensor) -> Tensor:
        low = (x <= x.mean(dim=1, keepdim=True) + EPS).float()  # + EPS: equal values may all sit above their mean
        return (x * low).sum(dim=1, keepdim=True) / low.sum(dim=1, keepdim=True)

    per_second = torch.stack([repeat, change, fit], dim=1)  # [B, 3, N]
    per_frame = per_second.unsqueeze(3).expand(-1, -1, -1, BLOCK).reshape(chroma.shape[0], 3, -1)[:, :, :frames]
    numbers = torch.cat([repeat.mean(dim=1, keepdim=True), lower_half(repeat), change.mean(dim=1, keepdim=True),
                         fit.mean(dim=1, keepdim=True), lower_half(fit)], dim=1)
    return per_frame, numbers.unsqueeze(2)


class HarmonySource(FramedSource):
    """Feature layout: 0-11 chroma, 12-19 band onsets, then the call's context: 20-31 mean chroma,
    32-55 key-profile correlations (C..B major, C..B minor), 56-71 tempo autocorrelation bins; then the
    song's form (`form`): 72-74 per frame (repeat, change, key fit), 75-79 the call's numbers."""

    dim = 80
    frames_dim = 44

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

    def frames(self, waveform: Tensor) -> Tensor:
        """[B, F, 44]: each frame's chroma (12, summing to 1) and the log power of the 8 onset bands at its
        four 100 Hz steps (32, step by step)."""
        frames = waveform.shape[1] // HOP
        x = waveform.unsqueeze(1)
        low = downsample(x, self.antialias, self.decimate)
        chroma = power_frames(low, self.chroma_dft, HOP // self.decimate, frames, 1,
                              lambda p: torch.matmul(self.chroma, p))
        chroma = chroma / (chroma.sum(dim=1, keepdim=True) + EPS)  # [B, 12, F]
        bands = torch.log(power_frames(x, self.onset_dft, HOP // 4, frames, 4,
                                       lambda p: torch.matmul(self.bands, p)) + EPS)  # [B, 8, 4F]
        steps = bands.transpose(1, 2).reshape(bands.shape[0], -1, 32)  # [B, F, 4 x 8]
        return torch.cat([chroma.transpose(1, 2), steps], dim=2)

    def call(self, waveform: Tensor, frames: Tensor) -> Tensor:
        """Features [B, F, 80] of one call from its rows of `frames` (the waveform is not needed again)."""
        chroma = frames[:, :, :12].transpose(1, 2)  # [B, 12, F]
        bands = frames[:, :, 12:].reshape(frames.shape[0], -1, 8).transpose(1, 2)  # [B, 8, 4F] at 100 Hz
        mean_chroma = chroma.mean(dim=2, keepdim=True)
        centred = mean_chroma - mean_chroma.mean(dim=1, keepdim=True)
        key = torch.matmul(self.keys, centred / (centred.norm(dim=1, keepdim=True) + EPS))  # [B, 24, 1]

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
        per_frame, numbers = form(chroma)
        out = torch.cat([chroma * 4, onset * 0.5, context, per_frame, numbers.expand(-1, -1, chroma.shape[2])], dim=1)
        return out.transpose(1, 2)


SOURCES = {"timbre": TimbreSource, "harmony": HarmonySource}
