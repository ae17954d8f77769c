"""The HEAR head: [batch, time, 4096] stream features -> scores in (1, 5).

Module and attribute names mirror the released HEAR state dict (track_1.pth /
track_2.pth), so a released checkpoint loads with strict key matching. The
forward pass adds what the released code leaves out for batched inference:
`lengths` (valid frames per row) so that a padded batch scores every row
exactly as if it were alone.

Padding rule. The time downsampling (kernel 3, stride 3, no padding) turns T
frames into floor(T / 3). A downsampled frame is valid only when all three of
its source frames are valid, i.e. the first floor(length / 3) frames. This is
what single-song inference (lengths == T) computes, so a song scores the same
padded or alone for every length, not only multiples of 3.
"""

from __future__ import annotations

import dataclasses
import math
from collections import OrderedDict
from pathlib import Path
from typing import Mapping

import torch
import torch.nn.functional as F
from torch import Tensor, nn

DOWNSAMPLE = 3  # kernel and stride of the released time downsampling
MIN_FRAMES = DOWNSAMPLE  # fewest input frames that leave one downsampled frame
POOL_MASK_VALUE = -1e4  # attention-pooling score of a padded frame before softmax


@dataclasses.dataclass(frozen=True)
class HeadConfig:
    """Widths of the head. Defaults are the released HEAR configuration."""

    num_classes: int = 5
    input_dim_raw: int = 4096  # 4 streams x 1024
    input_dim: int = 2048
    encoder_dim: int = 1024  # released name: transformer_encoder_input_dim / in_features
    ffd_hidden_size: int = 4096
    attn_layer_num: int = 4
    attn_heads: int = 8
    pool_queries: int = 2
    pool_heads: int = 8
    pool_bottleneck: int = 64

    def __post_init__(self) -> None:
        if self.encoder_dim % self.attn_heads or self.encoder_dim % self.pool_heads:
            raise ValueError(
                f"encoder_dim {self.encoder_dim} must divide by attn_heads {self.attn_heads} "
                f"and pool_heads {self.pool_heads}"
            )

    @classmethod
    def for_track(cls, track: int) -> "HeadConfig":
        if track not in (1, 2):
            raise ValueError(f"track must be 1 or 2, got {track}")
        return cls(num_classes=1 if track == 1 else 5)

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


class TimeDownsample(nn.Module):
    """Depthwise strided conv + pointwise conv, plus an average-pooled residual."""

    def __init__(self, dim_in: int, dim_out: int) -> None:
        super().__init__()
        self.depthwise_conv = nn.Conv1d(dim_in, dim_in, DOWNSAMPLE, DOWNSAMPLE, groups=dim_in, bias=False)
        self.pointwise_conv = nn.Conv1d(dim_in, dim_out, 1, bias=False)
        self.residual_conv = nn.Conv1d(dim_in, dim_out, 1, bias=False)
        self.norm1 = nn.LayerNorm(dim_out)

    def forward(self, x: Tensor) -> Tensor:
        """x [B, T, C] (padded frames already zero) -> [B, T // 3, dim_out]."""
        channels_first = x.transpose(1, 2)
        depthwise = self.depthwise_conv(channels_first).transpose(1, 2)
        pooled = F.avg_pool1d(channels_first, DOWNSAMPLE, DOWNSAMPLE).transpose(1, 2)
        # The 1x1 convs run as MatMuls on [B, T, C] (same weights, same result)
        # so the ONNX graph has MatMul nodes that int8 quantisation can rewrite.
        mixed = pointwise(depthwise, self.pointwise_conv) + pointwise(pooled, self.residual_conv)
        return F.gelu(self.norm1(mixed))


def pointwise(x: Tensor, conv: nn.Conv1d) -> Tensor:
    return torch.matmul(x, conv.weight.squeeze(-1).t())


def self_attention(mha: nn.MultiheadAttention, x: Tensor, valid: Tensor) -> Tensor:
    """nn.MultiheadAttention's math on its own parameters, with padded keys masked.

    Written out (instead of calling the module) so that it never takes PyTorch's
    fused fast path, which does not export. The projections stay plain
    MatMul/Add in the graph (int8 quantisation rewrites their weights); the
    attention itself exports as one fused node (`FusedAttention`).
    """
    q, k, v = F.linear(x, mha.in_proj_weight, mha.in_proj_bias).chunk(3, dim=-1)
    if torch.onnx.is_in_onnx_export():
        mixed = FusedAttention.apply(q, k, v, valid, mha.num_heads)
    else:
        mixed = attention(q, k, v, valid, mha.num_heads)
    return mha.out_proj(mixed)


def attention(q: Tensor, k: Tensor, v: Tensor, valid: Tensor, heads: int) -> Tensor:
    """Scaled dot-product attention per head: q, k, v [B, T, D], valid [B, T] (False keys masked) -> [B, T, D]."""
    batch, frames, dim = q.shape
    head_dim = dim // heads
    q, k, v = (t.reshape(batch, frames, heads, head_dim).transpose(1, 2) for t in (q, k, v))
    logits = torch.matmul(q * (1.0 / math.sqrt(head_dim)), k.transpose(-1, -2))
    logits = logits.masked_fill(~valid[:, None, None, :], torch.finfo(logits.dtype).min)
    mixed = torch.matmul(torch.softmax(logits, dim=-1), v)
    return mixed.transpose(1, 2).reshape(batch, frames, dim)


class FusedAttention(torch.autograd.Function):
    """`attention` as one ONNX node, so ONNX Runtime never holds the [B, heads, T, T] scores.

    Written out as MatMul/Softmax/MatMul, ONNX Runtime materialises the scores:
    the fixture head (8 heads) peaked at 4.1 GB on a 10-minute song (15,000
    frames), 99 MB fused (onnxruntime-node 1.30, CPU, measured).
    The exporter emits a placeholder `hear::SelfAttention(q, k, v, key_mask)`
    (key_mask int32 [B, T], 1 = valid key) that `export.fuse_attention` turns
    into ONNX Runtime's com.microsoft.MultiHeadAttention. Used only while
    exporting: it has no backward.
    """

    @staticmethod
    def forward(ctx, q: Tensor, k: Tensor, v: Tensor, valid: Tensor, heads: int) -> Tensor:  # noqa: ARG004
        return attention(q, k, v, valid, heads)

    @staticmethod
    def symbolic(g, q, k, v, valid, heads: int):
        key_mask = g.op("Cast", valid, to_i=int(torch.onnx.TensorProtoDataType.INT32))
        return g.op("hear::SelfAttention", q, k, v, key_mask, num_heads_i=heads)


class AttentiveStatsPooling(nn.Module):
    """One query of MQMHASTP: per channel chunk, attention-weighted mean and std over time."""

    def __init__(self, dim: int, heads: int, bottleneck: int) -> None:
        super().__init__()
        chunk = dim // heads
        self.heads_att_trans = nn.ModuleList(
            nn.Sequential(
                OrderedDict(
                    att_0=nn.Conv1d(chunk, bottleneck, 1),
                    tanh0=nn.Tanh(),
                    att_1=nn.Conv1d(bottleneck, chunk, 1),
                )
            )
            for _ in range(heads)
        )

    def forward(self, x: Tensor, valid: Tensor) -> Tensor:
        """x [B, C, T], valid [B, T] -> [B, 2 * C] ([mean, std] per chunk)."""
        padded = ~valid[:, None, :]
        out = []
        for chunk, trans in zip(x.chunk(len(self.heads_att_trans), dim=1), self.heads_att_trans):
            alpha = torch.softmax(trans(chunk).masked_fill(padded, POOL_MASK_VALUE), dim=-1)
            mean = torch.sum(alpha * chunk, dim=2)
            var = torch.sum(alpha * chunk * chunk, dim=2) - mean * mean
            out.append(torch.cat((mean, torch.sqrt(var.clamp(min=1e-7))), dim=1))
        return torch.cat(out, dim=1)


class MQMHASTP(nn.Module):
    def __init__(self, dim: int, queries: int, heads: int, bottleneck: int) -> None:
        super().__init__()
        self.n_query = nn.ModuleList(AttentiveStatsPooling(dim, heads, bottleneck) for _ in range(queries))

    def forward(self, x: Tensor, valid: Tensor) -> Tensor:
        return torch.cat([query(x, valid) for query in self.n_query], dim=-1)


class Scorer(nn.Module):
    """The released `model` submodule: FFN, 4 pre-norm attention layers sharing one LayerNorm, pooling, fc."""

    def __init__(self, cfg: HeadConfig) -> None:
        super().__init__()
        dim = cfg.encoder_dim
        self.attn = nn.ModuleList(
            nn.MultiheadAttention(dim, cfg.attn_heads, batch_first=True) for _ in range(cfg.attn_layer_num)
        )
        self.ln_ffd = nn.LayerNorm(dim)
        self.ffd = nn.Sequential(
            nn.Linear(dim, cfg.ffd_hidden_size), nn.ReLU(), nn.Dropout(0.0), nn.Linear(cfg.ffd_hidden_size, dim)
        )
        self.mqmhastp = MQMHASTP(dim, cfg.pool_queries, cfg.pool_heads, cfg.pool_bottleneck)
        self.fc = nn.Linear(dim * 2 * cfg.pool_queries, cfg.num_classes)

    def pool(self, x: Tensor, valid: Tensor) -> Tensor:
        x = self.ffd(x)
        for mha in self.attn:
            x = x + self_attention(mha, self.ln_ffd(x), valid)
        return self.mqmhastp(x.transpose(1, 2), valid)

    def score(self, pooled: Tensor) -> Tensor:
        return torch.tanh(self.fc(pooled)) * 2.0 + 3.0

    def forward(self, x: Tensor, valid: Tensor) -> Tensor:
        return self.score(self.pool(x, valid))


class HearHead(nn.Module):
    def __init__(self, cfg: HeadConfig = HeadConfig()) -> None:
        super().__init__()
        self.cfg = cfg
        self.mixed_win_downsample = nn.Linear(cfg.input_dim_raw, cfg.input_dim)
        self.input_norm = nn.LayerNorm(cfg.input_dim)
        self.down_sample_conv = TimeDownsample(cfg.input_dim, cfg.encoder_dim)
        self.model = Scorer(cfg)

    def forward(self, features: Tensor, lengths: Tensor | None = None) -> Tensor:
        """features [B, T, input_dim_raw] float32, lengths [B] int64 (default: all T) -> scores [B, n]."""
        return self.model(*self.encode(features, lengths))

    def pooled(self, features: Tensor, lengths: Tensor | None = None) -> Tensor:
        """The MQMHASTP output before model.fc: what HEAR's C-Mixup mixes (score() finishes from it)."""
        return self.model.pool(*self.encode(features, lengths))

    def score(self, pooled: Tensor) -> Tensor:
        return self.model.score(pooled)

    def encode(self, features: Tensor, lengths: Tensor | None) -> tuple[Tensor, Tensor]:
        """Downsampled frames [B, T // 3, encoder_dim] and which of them are valid."""
        if lengths is None:
            lengths = torch.full(features.shape[:1], features.shape[1], dtype=torch.int64)
        frame_valid = torch.arange(features.shape[1])[None, :] < lengths[:, None]
        x = self.input_norm(self.mixed_win_downsample(features))
        # Zero padded frames: the strided depthwise conv would otherwise mix them in.
        x = self.down_sample_conv(x * frame_valid.unsqueeze(-1).to(x.dtype))
        down_lengths = torch.div(lengths, DOWNSAMPLE, rounding_mode="floor")
        down_valid = torch.arange(x.shape[1])[None, :] < down_lengths[:, None]
        return x, down_valid


class HeadEnsemble(nn.Module):
    """Heads of one shape trained apart (other seeds or crops), scoring as the mean of their scores: one graph,
    the same inputs and output as one head. The training runs' spread is as large as the differences
    between recipes, and averaging evens it out (HEAR-Lite's HISTORY.md, "Changes in 0.4.0").
    `columns`, one list per member, names the inputs each member reads (heads trained on fewer features);
    the ensemble's inputs are then 0 .. the largest column. By default every member reads every input."""

    def __init__(self, members: list[HearHead], columns: list[list[int]] | None = None) -> None:
        super().__init__()
        shape = lambda cfg: {**cfg.to_json(), "input_dim_raw": None}
        if not members or any(shape(m.cfg) != shape(members[0].cfg) for m in members):
            raise ValueError("an ensemble needs at least one head, all of one configuration")
        if columns is None:
            columns = [list(range(m.cfg.input_dim_raw)) for m in members]
        if len(columns) != len(members) or any(len(c) != m.cfg.input_dim_raw for c, m in zip(columns, members)):
            raise ValueError("an ensemble's members need one column per input of each")
        self.members = nn.ModuleList(members)
        self.cfg = dataclasses.replace(members[0].cfg, input_dim_raw=max(max(c) for c in columns) + 1)
        everything = list(range(self.cfg.input_dim_raw))
        for k, c in enumerate(columns):  # None where a member reads every input in order: no Gather in the graph
            self.register_buffer(f"columns_{k}", None if c == everything else torch.tensor(c, dtype=torch.int64),
                                 persistent=False)

    def forward(self, features: Tensor, lengths: Tensor | None = None) -> Tensor:
        scores = []
        for k, member in enumerate(self.members):
            columns = getattr(self, f"columns_{k}")
            scores.append(member(features if columns is None else features.index_select(2, columns), lengths))
        return torch.stack(scores).mean(dim=0)


class CheckpointError(Exception):
    """A checkpoint that does not fit the head; the message names the file and the keys."""


def read_state_dict(path: Path) -> dict[str, Tensor]:
    """Load a released state dict (plain dict of tensors, keys maybe prefixed `module.`)."""
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many kinds for a bad file
        raise CheckpointError(f"{path}: not a loadable PyTorch state dict ({err})") from err
    if not isinstance(obj, Mapping) or not all(isinstance(v, Tensor) for v in obj.values()):
        raise CheckpointError(f"{path}: expected a plain state dict of tensors, got {type(obj).__name__}")
    state = dict(obj)
    if state and all(key.startswith("module.") for key in state):
        state = {key[len("module."):]: value for key, value in state.items()}
    return state


def load_state(head: HearHead, state: Mapping[str, Tensor], origin: str) -> None:
    """Strict load: every missing, unexpected or mis-shaped key is named in the error."""
    expected = head.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    misshaped = [
        f"{key} {tuple(state[key].shape)} (expected {tuple(expected[key].shape)})"
        for key in expected
        if key in state and state[key].shape != expected[key].shape
    ]
    problems = []
    if missing:
        problems.append("missing keys: " + ", ".join(missing))
    if unexpected:
        problems.append("unexpected keys: " + ", ".join(unexpected))
    if misshaped:
        problems.append("mis-shaped keys: " + ", ".join(misshaped))
    if problems:
        raise CheckpointError(f"{origin}: does not match the HEAR head ({head.cfg.num_classes} outputs): "
                              + "; ".join(problems))
    head.load_state_dict(state, strict=True)


def load_checkpoint(path: Path, track: int) -> HearHead:
    head = HearHead(HeadConfig.for_track(track))
    load_state(head, read_state_dict(path), str(path))
    return head.eval()
