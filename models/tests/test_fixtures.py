"""Fixtures: the bundle's ONNX graphs reproduce the PyTorch goldens, regeneration reproduces the files,
and the reference pipeline follows the windowing, trimming and timeline rules."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch
from onnx import numpy_helper

from conftest import FIXTURES, needs_ort
from hear_tools.audio import read_wav16
from hear_tools.bundle import HEAR_SCALES
from hear_tools.fixtures import make_fixtures
from hear_tools.ort import run_onnx
from hear_tools.pipeline import PipelineError, concat_streams, segment_spans, window_bounds

SONGS = ["song-75s", "tail-30s", "short-8s", "blip-0.2s"]
SEGMENT, TRACK = HEAR_SCALES
ATOL = 1e-4


def golden(stem: str) -> dict:
    return json.loads((FIXTURES / "golden" / f"{stem}.json").read_text())


def onnx_pipeline(folder: Path, samples: np.ndarray) -> dict:
    """The engine's job done with the bundle's ONNX files: frames stages once per song, windows through sources
    (a framed source's with the window's rows of the song's frames), trim, concat, head, segments."""
    manifest = json.loads((folder / "manifest.json").read_text())
    sources = {s["id"]: s for s in manifest["sources"]}
    scales = {s["id"]: s for s in manifest["scales"]}
    hop = round(manifest["sampleRate"] / manifest["frameRate"])
    frames = {sid: run_onnx(folder / s["frames"]["file"], [{"waveform": samples[None]}], ["frames"])
              .outputs[0]["frames"] for sid, s in sources.items() if "frames" in s}

    def feeds(source: str, a: int, b: int) -> dict:
        rows = {"frames": frames[source][:, a // hop: a // hop + (b - a) // hop]} if source in frames else {}
        return {"waveform": samples[None, a:b], **rows}

    streams = []
    for stream in manifest["streams"]:
        bounds = window_bounds(len(samples), scales[stream["scale"]], manifest["sampleRate"])
        source = stream["source"]
        runs = [feeds(source, a, b) for a, b in bounds]
        outs = run_onnx(folder / sources[source]["file"], runs, ["features"]).outputs
        streams.append(np.concatenate([o["features"][0] for o in outs]))
    features = concat_streams([torch.from_numpy(s) for s in streams], manifest["maxLengthMismatch"]).numpy()
    spans = segment_spans(len(samples), manifest["sampleRate"], manifest["frameRate"], len(features), SEGMENT)
    spans = [s for s in spans if s[4] - s[3] >= manifest["head"]["minFrames"]]
    runs = [{"features": features[None, f0:f1], "lengths": np.array([f1 - f0], dtype=np.int64)} for _, _, _, f0, f1 in spans]
    runs.insert(0, {"features": features[None], "lengths": np.array([len(features)], dtype=np.int64)})
    scores = [o["scores"][0] for o in run_onnx(folder / manifest["head"]["file"], runs, ["scores"]).outputs]
    return {"streams": streams, "features": features, "scores": scores[0], "segments": list(zip(spans, scores[1:]))}


DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "hear-lite"


@needs_ort
@pytest.mark.parametrize("bundle,stem", [(FIXTURES / "tiny-hear", s) for s in SONGS] + [(DEFAULT_MODEL, "hear-lite-song-75s")])
def test_onnx_bundle_reproduces_the_pytorch_golden(bundle, stem):
    expected = golden(stem)
    assert expected["bundle"] == json.loads((bundle / "manifest.json").read_text())["id"]
    samples, rate = read_wav16(FIXTURES / expected["audio"])
    assert (rate, len(samples)) == (expected["sampleRate"], expected["samples"])
    got = onnx_pipeline(bundle, samples)
    for stream, want in zip(got["streams"], expected["streams"]):
        assert stream.shape == (want["frames"], want["dim"])
        np.testing.assert_allclose(stream[0], want["first"], atol=ATOL)
        np.testing.assert_allclose(stream[-1], want["last"], atol=ATOL)
        assert abs(stream.mean() - want["mean"]) < ATOL
    assert got["features"].shape == (expected["features"]["frames"], expected["features"]["dim"])
    np.testing.assert_allclose(got["scores"], expected["scores"], atol=ATOL)
    assert [(s[0], s[3], s[4]) for s, _ in got["segments"]] == [(s["index"], s["frameStart"], s["frameEnd"]) for s in expected["segments"]]
    for (_, scores), want in zip(got["segments"], expected["segments"]):
        np.testing.assert_allclose(scores, want["scores"], atol=ATOL)


@needs_ort
def test_onnx_head_only_bundle_reproduces_the_golden():
    expected = json.loads((FIXTURES / "golden" / "tiny-head.json").read_text())
    runs = []
    for case in expected["cases"]:
        array = np.load(FIXTURES / case["features"])
        assert list(array.shape) == case["shape"] and array.dtype.name == case["dtype"]
        array = array.reshape(1, -1, array.shape[-1]).astype(np.float32)
        runs.append({"features": array, "lengths": np.array([array.shape[1]], dtype=np.int64)})
    outputs = run_onnx(FIXTURES / "tiny-head" / "head.onnx", runs, ["scores"]).outputs
    for case, out in zip(expected["cases"], outputs):
        np.testing.assert_allclose(out["scores"][0], case["scores"], atol=ATOL)


def test_goldens_exercise_segments_tails_and_differing_scales():
    long = golden("song-75s")
    assert [(s["frameStart"], s["frameEnd"]) for s in long["segments"]] == [(0, 750), (750, 1500), (1500, 1875)]
    assert long["windows"]["segment"] == [[0, 720000], [720000, 1440000], [1440000, 1800000]]
    assert len({tuple(np.round(s["scores"], 3)) for s in long["segments"]}) == 3
    # segment and track scales see different context, so their features differ
    assert long["streams"][0]["first"] != long["streams"][2]["first"]
    assert long["streams"][1]["first"] != long["streams"][3]["first"]
    tail = golden("tail-30s")
    assert [s["frames"] for s in tail["streams"]] == [750, 750, 751, 751]
    assert tail["features"]["frames"] == 750 and len(tail["segments"]) == 1
    assert golden("blip-0.2s")["features"]["frames"] == 5


def test_window_bounds_drop_a_short_tail():
    rate = 24000
    assert window_bounds(720000 + 1024, SEGMENT, rate) == [(0, 720000)]
    assert window_bounds(720000 + 1025, SEGMENT, rate) == [(0, 720000), (720000, 721025)]
    assert window_bounds(1024, SEGMENT, rate) == []
    assert window_bounds(5000, TRACK, rate) == [(0, 5000)]


def test_streams_differing_by_more_than_the_allowed_mismatch_are_an_error():
    streams = [torch.zeros(100, 2), torch.zeros(96, 3)]
    assert concat_streams(streams, 4).shape == (96, 5)
    with pytest.raises(PipelineError, match="differ by more than 4"):
        concat_streams([torch.zeros(101, 2), torch.zeros(96, 3)], 4)


def test_segment_spans_follow_the_timeline_rule():
    # 61 s: the third segment is 1 s = 25 frames
    assert segment_spans(61 * 24000, 24000, 25, 1525, SEGMENT) == [
        (0, 0, 30, 0, 750),
        (1, 30, 60, 750, 1500),
        (2, 60, 61.0, 1500, 1525),
    ]
    # a tail of 0.05 s becomes a 1-frame segment, which the pipeline skips (fewer than 3 frames)
    assert segment_spans(int(60.05 * 24000), 24000, 25, 1501, SEGMENT)[-1] == (2, 60, 60.05, 1500, 1501)


def test_regeneration_reproduces_the_committed_fixtures(tmp_path):
    written = make_fixtures(tmp_path)
    assert written
    for path in written:
        rel = path.relative_to(tmp_path)
        committed = FIXTURES / rel
        assert committed.is_file(), f"{rel} is not committed"
        if committed.read_bytes() == path.read_bytes():
            continue
        # Another CPU may round a float differently; then the contents must still agree numerically.
        if path.suffix == ".wav":
            assert np.abs(read_wav16(path)[0] - read_wav16(committed)[0]).max() <= 1 / 32768, rel
        elif path.suffix == ".onnx":
            for a, b in zip(onnx.load(str(path)).graph.initializer, onnx.load(str(committed)).graph.initializer):
                np.testing.assert_allclose(numpy_helper.to_array(a), numpy_helper.to_array(b), atol=1e-6, err_msg=str(rel))
        elif path.suffix == ".npy":
            np.testing.assert_array_equal(np.load(path), np.load(committed), err_msg=str(rel))
        elif rel.parts[0] == "golden":
            assert_json_close(json.loads(path.read_text()), json.loads(committed.read_text()), str(rel))
        else:  # manifests may differ only in the hashes of the ONNX files checked above
            assert without_hashes(path) == without_hashes(committed), rel


def without_hashes(manifest_path: Path) -> dict:
    manifest = json.loads(manifest_path.read_text())
    return {**manifest, "files": [{**entry, "sha256": None} for entry in manifest["files"]]}


def assert_json_close(a, b, where: str) -> None:
    if isinstance(a, float) or isinstance(b, float):
        assert abs(a - b) <= 1e-5, where
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_json_close(a[key], b[key], f"{where}/{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_json_close(x, y, f"{where}/{i}")
    else:
        assert a == b, where
