"""convert-head: a state dict in the released layout -> a head-only bundle that validates and matches PyTorch."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from conftest import needs_ort
from hear_tools.__main__ import main
from hear_tools.bundle import validate_bundle
from hear_tools.head import HeadConfig, HearHead
from hear_tools.ort import run_onnx

pytestmark = needs_ort


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A full-size Track 2 state dict saved the way a DataParallel run writes it (module. prefix)."""
    torch.manual_seed(5)
    head = HearHead(HeadConfig.for_track(2)).eval()
    path = tmp_path_factory.mktemp("ckpt") / "track_2.pth"
    torch.save({f"module.{k}": v for k, v in head.state_dict().items()}, path)
    return head, path


def score(folder, head, frames: int):
    x = np.random.default_rng(frames).standard_normal((1, frames, 4096), dtype=np.float32)
    got = run_onnx(folder / "head.onnx", [{"features": x, "lengths": np.array([frames], dtype=np.int64)}], ["scores"]).outputs[0]["scores"]
    with torch.no_grad():
        return got, head(torch.from_numpy(x)).numpy()


def test_convert_head_makes_a_valid_bundle_matching_pytorch(released, tmp_path, capsys):
    head, checkpoint = released
    out = tmp_path / "hear-track2"
    assert main(["convert-head", "--checkpoint", str(checkpoint), "--track", "2", "--out", str(out)]) == 0
    assert validate_bundle(out) == []
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["input"] == "features" and manifest["head"]["inputDim"] == 4096 and manifest["head"]["minFrames"] == 3
    assert [label["name"] for label in manifest["labels"]] == ["Coherence", "Musicality", "Memorability", "Clarity", "Naturalness"]
    assert "track_2.pth (sha256 " in manifest["files"][0]["provenance"]
    got, expected = score(out, head, 900)
    np.testing.assert_allclose(got, expected, atol=1e-4)


def test_convert_head_int8_reports_its_deviation(released, tmp_path, capsys):
    head, checkpoint = released
    out = tmp_path / "hear-track2-int8"
    assert main(["convert-head", "--checkpoint", str(checkpoint), "--track", "2", "--out", str(out), "--int8"]) == 0
    printed = capsys.readouterr().out
    deviation = float(printed.split("max |score - fp32 PyTorch| = ")[1].split()[0])
    assert 0 < deviation < 0.02
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["head"]["precision"] == "int8" and validate_bundle(out) == []
    got, expected = score(out, head, 300)
    assert np.abs(got - expected).max() < 0.02


def test_convert_head_refuses_the_wrong_track(released, tmp_path, capsys):
    _, checkpoint = released
    assert main(["convert-head", "--checkpoint", str(checkpoint), "--track", "1", "--out", str(tmp_path / "x")]) == 1
    assert "model.fc.weight (5, 4096) (expected (1, 4096))" in capsys.readouterr().err
