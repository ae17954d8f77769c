"""Reference inference pipeline in PyTorch: sources -> scales -> concat and trim -> head.

Independent of the ONNX files: it runs the PyTorch modules the bundle was
exported from, and follows the manifest's rules exactly as the engine must:

- Window scale: window k covers samples [k*hop, min(N, k*hop + window)); a
  window shorter than minTailSamples is dropped; each window runs through the
  source alone; features are concatenated in time. Track scale: one pass.
  A framed source (manifest `frames`) runs its frames stage once over the
  song, and each window's run (the track's too) takes its samples and its
  rows of those frames (song_frames, run_stream).
- Streams (source x scale, manifest order) whose frame counts differ by more
  than maxLengthMismatch are an error; otherwise all are trimmed to the
  shortest and concatenated on the feature axis.
- Timeline: segment i spans seconds [i*hop, min(i*hop + window, duration)],
  duration = N / sampleRate, for every i with i*hop < duration, using the
  first window scale; its frames are [floor(start * frameRate),
  min(T, floor(end * frameRate))) of the trimmed matrix; the head scores those
  frames alone; segments with fewer than head.minFrames frames are skipped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from .head import MIN_FRAMES, HearHead


class PipelineError(Exception):
    pass


@dataclass
class Segment:
    index: int
    start: float  # seconds
    end: float
    frame_start: int
    frame_end: int
    scores: list[float]


@dataclass
class Stream:
    source: str
    scale: str
    features: Tensor  # [frames, dim], before trimming


@dataclass
class Result:
    streams: list[Stream]
    features: Tensor  # [T, inputDim], trimmed and concatenated
    scores: list[float]
    segments: list[Segment]


def window_bounds(samples: int, scale: dict, sample_rate: int) -> list[tuple[int, int]]:
    if scale["kind"] == "track":
        return [(0, samples)]
    window = round(scale["windowSeconds"] * sample_rate)
    hop = round(scale["hopSeconds"] * sample_rate)
    bounds = [(start, min(samples, start + window)) for start in range(0, samples, hop)]
    return [(start, end) for start, end in bounds if end - start >= scale["minTailSamples"]]


def song_frames(source: nn.Module, waveform: Tensor) -> Tensor | None:
    """A framed source's frames stage over the whole mono song [N]: [1, frames, dim]; None for other sources."""
    return source.frames(waveform[None]) if hasattr(source, "frames") else None


def run_stream(source: nn.Module, waveform: Tensor, scale: dict, sample_rate: int, frames: Tensor | None = None,
               hop: int = 0) -> Tensor:
    """Features [frames, dim] of one source over one scale of a mono waveform [N]. A framed source's calls
    take their rows of the song's `frames` (song_frames; a window starting at sample s and n samples long
    has rows [s / hop, s / hop + n // hop)) instead of computing them again."""
    bounds = window_bounds(waveform.shape[0], scale, sample_rate)
    if not bounds:
        raise PipelineError(f"audio of {waveform.shape[0]} samples is shorter than one {scale['id']} window")
    if frames is None:
        return torch.cat([source(waveform[None, start:end])[0] for start, end in bounds], dim=0)
    if any(start % hop for start, _ in bounds):
        raise PipelineError(f"{scale['id']} windows do not start on whole frames of {hop} samples")
    rows = [frames[:, start // hop: start // hop + (end - start) // hop] for start, end in bounds]
    return torch.cat([source.call(waveform[None, start:end], r)[0] for (start, end), r in zip(bounds, rows)], dim=0)


def concat_streams(streams: list[Tensor], max_mismatch: int) -> Tensor:
    lengths = [s.shape[0] for s in streams]
    if max(lengths) - min(lengths) > max_mismatch:
        raise PipelineError(f"stream lengths {lengths} differ by more than {max_mismatch} frames")
    shortest = min(lengths)
    return torch.cat([s[:shortest] for s in streams], dim=1)


def score_frames(head: HearHead, features: Tensor) -> list[float]:
    """Scores of one song's frames [T, D], unpadded."""
    if features.shape[0] < MIN_FRAMES:
        raise PipelineError(f"{features.shape[0]} frames; the head needs at least {MIN_FRAMES}")
    return head(features[None])[0].tolist()


def segment_spans(samples: int, sample_rate: int, frame_rate: float, frames: int,
                  scale: dict) -> list[tuple[int, float, float, int, int]]:
    """(index, start s, end s, first frame, end frame) of every timeline segment, before skipping short ones."""
    duration = samples / sample_rate
    spans = []
    index = 0
    while index * scale["hopSeconds"] < duration:
        start = index * scale["hopSeconds"]
        end = min(start + scale["windowSeconds"], duration)
        spans.append((index, start, end, math.floor(start * frame_rate), min(frames, math.floor(end * frame_rate))))
        index += 1
    return spans


@torch.no_grad()
def run_audio(manifest: dict, sources: dict[str, nn.Module], head: HearHead, samples: np.ndarray) -> Result:
    """The whole pipeline on a mono float32 waveform at manifest['sampleRate']."""
    waveform = torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32))
    rate = manifest["sampleRate"]
    scales = {scale["id"]: scale for scale in manifest["scales"]}
    frames = {sid: song_frames(source, waveform) for sid, source in sources.items()}
    hop = round(rate / manifest["frameRate"])
    streams = [
        Stream(s["source"], s["scale"],
               run_stream(sources[s["source"]], waveform, scales[s["scale"]], rate, frames[s["source"]], hop))
        for s in manifest["streams"]
    ]
    features = concat_streams([s.features for s in streams], manifest["maxLengthMismatch"])
    scores = score_frames(head, features)
    segments = []
    timeline = next((scale for scale in manifest["scales"] if scale["kind"] == "window"), None)
    if timeline is not None:
        spans = segment_spans(len(samples), rate, manifest["frameRate"], features.shape[0], timeline)
        for index, start, end, f0, f1 in spans:
            if f1 - f0 >= MIN_FRAMES:
                segments.append(Segment(index, start, end, f0, f1, score_frames(head, features[f0:f1])))
    return Result(streams, features, scores, segments)


@torch.no_grad()
def run_features(head: HearHead, features: np.ndarray) -> list[float]:
    """Head-only bundle: scores of a feature file's array ([1, T, D] or [T, D], any float dtype)."""
    array = np.asarray(features)
    if array.ndim == 3:
        if array.shape[0] != 1:
            raise PipelineError(f"feature array of shape {array.shape}: batch must be 1")
        array = array[0]
    if array.ndim != 2:
        raise PipelineError(f"feature array of shape {array.shape}: expected [1, T, D] or [T, D]")
    return score_frames(head, torch.from_numpy(array.astype(np.float32)))
