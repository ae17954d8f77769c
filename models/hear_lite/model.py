"""HEAR-Lite's architecture: the two sources at two scales feeding a narrow HEAR head.

Streams in HEAR's order (source A and B at the segment scale, then at the track scale), where `timbre`
stands where HEAR has MusicFM and `harmony` where it has MuQ. The head is hear_tools' HearHead (released
parameter names) at small widths; training uses its split at the pooled representation: `pooled()` returns
the MQMHASTP output before model.fc, which C-Mixup mixes, and `score()` finishes from there.
"""
from __future__ import annotations

import numpy as np
import torch

from hear_tools.bundle import HEAR_SCALES, MAX_LENGTH_MISMATCH
from hear_tools.head import HeadConfig
from hear_tools.pipeline import concat_streams, run_stream, song_frames

from .sources import HOP, SAMPLE_RATE, SOURCES

SOURCE_ORDER = ("timbre", "harmony")
STREAMS = [{"source": s, "scale": scale["id"]} for scale in HEAR_SCALES for s in SOURCE_ORDER]
INPUT_DIM = sum(SOURCES[s["source"]].dim for s in STREAMS)

# HEAR's layer structure (4 attention layers, 2 x 8 pooling heads) at narrow widths. Measured with torch on
# one core for a 3-minute song (4,500 frames): encoder 128 with 8 attention heads 2.2 s, encoder 64 with 4
# heads 0.36 s (the softmax over heads x T'^2 dominates), so 64 / 4 it is.
LITE_CONFIG = HeadConfig(num_classes=5, input_dim_raw=INPUT_DIM, input_dim=128, encoder_dim=64,
                         ffd_hidden_size=256, attn_layer_num=4, attn_heads=4, pool_queries=2, pool_heads=8,
                         pool_bottleneck=16)


def build_sources() -> dict[str, torch.nn.Module]:
    return {name: SOURCES[name]().eval() for name in SOURCE_ORDER}


@torch.no_grad()
def stream_features(sources: dict[str, torch.nn.Module], audio: np.ndarray) -> np.ndarray:
    """[T, INPUT_DIM] head input of one mono 24 kHz song, by the bundle's rules (hear_tools.pipeline)."""
    waveform = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32))
    scales = {scale["id"]: scale for scale in HEAR_SCALES}
    frames = {sid: song_frames(source, waveform) for sid, source in sources.items()}
    streams = [run_stream(sources[s["source"]], waveform, scales[s["scale"]], SAMPLE_RATE, frames[s["source"]], HOP)
               for s in STREAMS]
    return concat_streams(streams, MAX_LENGTH_MISMATCH).numpy()
