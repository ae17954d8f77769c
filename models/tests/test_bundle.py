"""Bundle validation: the committed fixtures pass; every broken rule is refused with a message naming it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import onnx
import pytest

from conftest import FIXTURES
from hear_tools.__main__ import main
from hear_tools.bundle import MANIFEST, sha256_file, validate_bundle


@pytest.fixture
def bundle(tmp_path) -> Path:
    folder = tmp_path / "tiny-hear"
    shutil.copytree(FIXTURES / "tiny-hear", folder)
    return folder


def edit(folder: Path, change) -> None:
    path = folder / MANIFEST
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


def only_problem(folder: Path) -> str:
    problems = validate_bundle(folder)
    assert len(problems) == 1, problems
    return problems[0]


@pytest.mark.parametrize("name", ["tiny-hear", "tiny-head"])
def test_committed_fixture_bundles_are_valid(name, capsys):
    assert validate_bundle(FIXTURES / name) == []
    assert main(["validate", str(FIXTURES / name)]) == 0
    assert "valid" in capsys.readouterr().out


def test_missing_file(bundle, capsys):
    (bundle / "bands.onnx").unlink()
    assert only_problem(bundle) == f"{bundle / 'bands.onnx'}: listed in the manifest but missing"
    assert main(["validate", str(bundle)]) == 1
    assert "missing" in capsys.readouterr().err


def test_hash_mismatch(bundle):
    data = bytearray((bundle / "head.onnx").read_bytes())
    data[-1] ^= 1
    (bundle / "head.onnx").write_bytes(bytes(data))
    assert "sha256" in only_problem(bundle) and "does not match the manifest" in only_problem(bundle)


def test_size_mismatch(bundle):
    with (bundle / "head.onnx").open("ab") as handle:
        handle.write(b"x")
    assert "size" in only_problem(bundle)


@pytest.mark.parametrize("path", ["../head.onnx", "sub/../../head.onnx", "/etc/passwd", "C:/head.onnx", "\\\\server\\x"])
def test_path_leaving_the_bundle(bundle, path):
    edit(bundle, lambda m: m["files"].append({**m["files"][0], "path": path}))
    assert "leaves the bundle folder" in only_problem(bundle)


def test_symlink_out_of_the_bundle(bundle, tmp_path):
    outside = tmp_path / "outside.onnx"
    shutil.move(bundle / "head.onnx", outside)
    (bundle / "head.onnx").symlink_to(outside)
    assert only_problem(bundle) == f"{bundle / 'head.onnx'}: resolves to {outside}, which leaves the bundle folder"


def test_symlinked_folder_out_of_the_bundle(bundle, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    shutil.move(bundle / "head.onnx", tmp_path / "elsewhere" / "head.onnx")
    (bundle / "link").symlink_to(tmp_path / "elsewhere")
    edit(bundle, lambda m: (m["head"].update(file="link/head.onnx"), m["files"][2].update(path="link/head.onnx")))
    assert "which leaves the bundle folder" in only_problem(bundle)


def test_symlinks_that_stay_inside_the_bundle_are_allowed(bundle):
    # as in the engine (src/core/bundle/verify.ts): a linked folder and a relative link to a file
    (bundle / "real").mkdir()
    shutil.move(bundle / "head.onnx", bundle / "real" / "head.onnx")
    (bundle / "link").symlink_to(bundle / "real")
    shutil.move(bundle / "bands.onnx", bundle / "real" / "bands.onnx")
    (bundle / "bands.onnx").symlink_to(Path("real") / "bands.onnx")
    edit(bundle, lambda m: (m["head"].update(file="link/head.onnx"), m["files"][2].update(path="link/head.onnx")))
    assert validate_bundle(bundle) == []


def test_dangling_symlink_is_missing(bundle, tmp_path):
    (bundle / "head.onnx").unlink()
    (bundle / "head.onnx").symlink_to(tmp_path / "gone.onnx")
    assert only_problem(bundle) == f"{bundle / 'head.onnx'}: listed in the manifest but missing"


def test_unknown_label(bundle):
    edit(bundle, lambda m: m["labels"][0].update(name="Groove"))
    assert "labels/0/name" in only_problem(bundle) and "Groove" in only_problem(bundle)


def test_duplicate_label(bundle):
    edit(bundle, lambda m: m["labels"][1].update(name="Coherence"))
    assert "duplicate label Coherence" in only_problem(bundle)


def test_labels_must_fit_the_track(bundle):
    edit(bundle, lambda m: m["labels"].reverse())
    assert "track 2 needs" in only_problem(bundle)


@pytest.mark.parametrize("threshold", [0.5, 5.01])
def test_threshold_outside_score_range(bundle, threshold):
    edit(bundle, lambda m: m["labels"][2].update(threshold=threshold))
    assert f"threshold {threshold} of Memorability is outside scoreRange [1, 5]" in only_problem(bundle)


def test_stream_naming_an_unknown_source(bundle):
    edit(bundle, lambda m: m["streams"][0].update(source="muq"))
    assert "streams/0: unknown source 'muq'" in only_problem(bundle)


def test_stream_dims_must_add_up_to_the_head_input(bundle):
    edit(bundle, lambda m: m["streams"].pop())
    assert "dims add up to 32, head.inputDim is 48" in only_problem(bundle)


def test_referenced_graph_must_be_listed(bundle):
    edit(bundle, lambda m: m["files"].pop(0))
    assert "source file bands.onnx is not listed in files" in only_problem(bundle)


def test_graph_io_must_match_its_role(bundle):
    shutil.copy(bundle / "bands.onnx", bundle / "head.onnx")
    digest, size = sha256_file(bundle / "head.onnx"), (bundle / "head.onnx").stat().st_size
    edit(bundle, lambda m: m["files"][2].update(sha256=digest, bytes=size))
    problems = validate_bundle(bundle)
    assert problems == [
        f"{bundle / 'head.onnx'}: head graph inputs are ['waveform'], expected ['features', 'lengths']",
        f"{bundle / 'head.onnx'}: head graph outputs are ['features'], expected ['scores']",
    ]


def test_source_dim_must_match_its_graph(bundle):
    edit(bundle, lambda m: (m["sources"][0].update(dim=9), m["head"].update(inputDim=50)))
    assert validate_bundle(bundle) == [
        f"{bundle / 'bands.onnx'}: source features has shape [*, *, 8], expected [*, *, 9]",
        f"{bundle / 'head.onnx'}: head features has shape [*, *, 48], expected [*, *, 50]",
    ]


def test_head_only_bundle_must_not_declare_sources(bundle):
    edit(bundle, lambda m: m.update(input="features"))
    assert "head-only" in only_problem(bundle)


def test_schema_errors_name_the_field(bundle):
    edit(bundle, lambda m: m.update(format="hear-bundle/2", sampleRate=100))
    problems = validate_bundle(bundle)
    assert any(p.endswith("format: 'hear-bundle/1' was expected") for p in problems)
    assert any("sampleRate: 100 is less than the minimum of 8000" in p for p in problems)


def test_unreadable_manifest(bundle):
    (bundle / MANIFEST).write_text("{")
    assert "not readable JSON" in only_problem(bundle)


def test_onnx_external_data_files_must_be_listed(bundle):
    model = onnx.load(str(bundle / "head.onnx"))
    onnx.save_model(model, str(bundle / "head.onnx"), save_as_external_data=True, location="head.onnx.data", size_threshold=0)
    digest, size = sha256_file(bundle / "head.onnx"), (bundle / "head.onnx").stat().st_size
    edit(bundle, lambda m: m["files"][2].update(sha256=digest, bytes=size))
    assert only_problem(bundle) == f"{bundle / 'head.onnx'}: external data file head.onnx.data is not listed in files"
    data = bundle / "head.onnx.data"
    entry = {"path": "head.onnx.data", "sha256": sha256_file(data), "bytes": data.stat().st_size, "license": "Apache-2.0", "provenance": "test"}
    edit(bundle, lambda m: m["files"].append(entry))
    assert validate_bundle(bundle) == []


@pytest.fixture
def framed(tmp_path) -> Path:
    """A copy of the default model, whose two sources have frames stages."""
    folder = tmp_path / "hear-lite"
    shutil.copytree(Path(__file__).resolve().parents[1] / "hear-lite", folder,
                    ignore=shutil.ignore_patterns("*.md", "eval"))
    return folder


def test_framed_sources_are_valid_and_their_frames_file_must_be_listed(framed):
    assert validate_bundle(framed) == []
    edit(framed, lambda m: m.update(files=[f for f in m["files"] if f["path"] != "timbre-frames.onnx"]))
    assert "frames file timbre-frames.onnx is not listed in files" in only_problem(framed)


def test_frames_dim_must_match_both_graphs(framed):
    edit(framed, lambda m: m["sources"][0]["frames"].update(dim=256))
    assert validate_bundle(framed) == [
        f"{framed / 'timbre.onnx'}: source frames has shape [*, *, 257], expected [*, *, 256]",
        f"{framed / 'timbre-frames.onnx'}: frames frames has shape [*, *, 257], expected [*, *, 256]",
    ]


def test_framed_sources_need_windows_on_whole_frames(framed):
    edit(framed, lambda m: m["scales"][0].update(hopSeconds=30.02))
    assert "hopSeconds 30.02 is not a whole number of frames (960 samples each)" in only_problem(framed)
