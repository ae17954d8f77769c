"""The HEAR head in PyTorch: released parameter layout, strict loading, masking."""

from __future__ import annotations

import re

import pytest
import torch
import torch.nn.functional as F

from hear_tools.head import CheckpointError, HeadConfig, HearHead, load_checkpoint, load_state, read_state_dict

TINY = HeadConfig(num_classes=5, input_dim_raw=48, input_dim=32, encoder_dim=32, ffd_hidden_size=64, pool_bottleneck=8)


def released_layout(num_classes: int) -> dict[str, tuple[int, ...]]:
    """Key -> shape of the released track_1.pth / track_2.pth state dicts (from the HEAR release)."""
    layout = {
        "mixed_win_downsample.weight": (2048, 4096),
        "mixed_win_downsample.bias": (2048,),
        "input_norm.weight": (2048,),
        "input_norm.bias": (2048,),
        "down_sample_conv.depthwise_conv.weight": (2048, 1, 3),
        "down_sample_conv.pointwise_conv.weight": (1024, 2048, 1),
        "down_sample_conv.residual_conv.weight": (1024, 2048, 1),
        "down_sample_conv.norm1.weight": (1024,),
        "down_sample_conv.norm1.bias": (1024,),
        "model.ln_ffd.weight": (1024,),
        "model.ln_ffd.bias": (1024,),
        "model.ffd.0.weight": (4096, 1024),
        "model.ffd.0.bias": (4096,),
        "model.ffd.3.weight": (1024, 4096),
        "model.ffd.3.bias": (1024,),
        "model.fc.weight": (num_classes, 4096),
        "model.fc.bias": (num_classes,),
    }
    for i in range(4):
        layout[f"model.attn.{i}.in_proj_weight"] = (3072, 1024)
        layout[f"model.attn.{i}.in_proj_bias"] = (3072,)
        layout[f"model.attn.{i}.out_proj.weight"] = (1024, 1024)
        layout[f"model.attn.{i}.out_proj.bias"] = (1024,)
    for q in range(2):
        for h in range(8):
            prefix = f"model.mqmhastp.n_query.{q}.heads_att_trans.{h}"
            layout[f"{prefix}.att_0.weight"] = (64, 128, 1)
            layout[f"{prefix}.att_0.bias"] = (64,)
            layout[f"{prefix}.att_1.weight"] = (128, 64, 1)
            layout[f"{prefix}.att_1.bias"] = (128,)
    return layout


@pytest.mark.parametrize("track,classes", [(1, 1), (2, 5)])
def test_full_size_head_has_the_released_keys_and_shapes(track, classes):
    state = HearHead(HeadConfig.for_track(track)).state_dict()
    assert {k: tuple(v.shape) for k, v in state.items()} == released_layout(classes)


def tiny_head(seed: int = 0) -> HearHead:
    torch.manual_seed(seed)
    return HearHead(TINY).eval()


def test_checkpoint_with_module_prefix_loads_strictly(tmp_path):
    source = tiny_head(1)
    path = tmp_path / "track_2.pth"
    torch.save({f"module.{k}": v for k, v in source.state_dict().items()}, path)
    loaded = HearHead(TINY)
    load_state(loaded, read_state_dict(path), str(path))
    x = torch.randn(1, 30, TINY.input_dim_raw)
    with torch.no_grad():
        assert torch.equal(loaded.eval()(x), source(x))


def test_load_errors_name_missing_unexpected_and_misshaped_keys():
    state = tiny_head().state_dict()
    del state["model.fc.bias"]
    state["model.extra.weight"] = torch.zeros(3)
    state["input_norm.weight"] = torch.zeros(7)
    with pytest.raises(CheckpointError) as err:
        load_state(HearHead(TINY), state, "ckpt.pth")
    message = str(err.value)
    assert message.startswith("ckpt.pth: ")
    assert "missing keys: model.fc.bias" in message
    assert "unexpected keys: model.extra.weight" in message
    assert "mis-shaped keys: input_norm.weight (7,) (expected (32,))" in message


def test_wrong_track_names_the_fc_shape(tmp_path):
    path = tmp_path / "track_1.pth"
    torch.save(HearHead(HeadConfig.for_track(1)).state_dict(), path)
    with pytest.raises(CheckpointError, match=re.escape("model.fc.weight (1, 4096) (expected (5, 4096))")):
        load_checkpoint(path, track=2)


def test_a_file_that_is_not_a_state_dict_is_refused(tmp_path):
    path = tmp_path / "bad.pth"
    torch.save({"epoch": 3}, path)
    with pytest.raises(CheckpointError, match="plain state dict"):
        load_checkpoint(path, track=2)
    path.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="not a loadable"):
        load_checkpoint(path, track=2)


def released_forward(head: HearHead, x: torch.Tensor) -> torch.Tensor:
    """Single-song inference as the released code computes it: nn modules called directly, nothing masked."""
    dsc, model = head.down_sample_conv, head.model
    h = head.input_norm(head.mixed_win_downsample(x)).transpose(1, 2)
    mixed = dsc.pointwise_conv(dsc.depthwise_conv(h)) + dsc.residual_conv(F.avg_pool1d(h, 3, 3))
    y = model.ffd(F.gelu(dsc.norm1(mixed.transpose(1, 2))))
    for mha in model.attn:
        y = y + mha(model.ln_ffd(y), model.ln_ffd(y), model.ln_ffd(y))[0]
    pooled = []
    for query in model.mqmhastp.n_query:
        for chunk, trans in zip(y.transpose(1, 2).chunk(8, dim=1), query.heads_att_trans):
            alpha = torch.softmax(trans(chunk), dim=-1)
            mean = (alpha * chunk).sum(2)
            std = ((alpha * chunk**2).sum(2) - mean**2).clamp(min=1e-7).sqrt()
            pooled.append(torch.cat([mean, std], dim=1))
    return torch.tanh(model.fc(torch.cat(pooled, dim=1))) * 2 + 3


@pytest.mark.parametrize("frames", [3, 4, 5, 100])
def test_unpadded_head_equals_the_released_computation(frames):
    head = tiny_head(2)
    x = torch.randn(1, frames, TINY.input_dim_raw)
    with torch.no_grad():
        torch.testing.assert_close(head(x), released_forward(head, x), atol=1e-5, rtol=0)


def test_padded_batch_scores_each_row_as_if_alone():
    head = tiny_head(3)
    lengths = [3, 4, 5, 7, 100, 101]
    rows = [torch.randn(n, TINY.input_dim_raw) for n in lengths]
    batch = torch.full((len(rows), max(lengths), TINY.input_dim_raw), 1e3)  # loud padding must not leak
    for i, row in enumerate(rows):
        batch[i, : len(row)] = row
    with torch.no_grad():
        together = head(batch, torch.tensor(lengths))
        alone = torch.cat([head(row[None]) for row in rows])
    torch.testing.assert_close(together, alone, atol=1e-5, rtol=0)
    assert ((together > 1) & (together < 5)).all()
