"""The committed default model, models/hear-lite: a valid bundle, at most 20 MB, marked as a proxy model, with
the five labels in the official order (its scores against PyTorch: tests/test_fixtures.py)."""
import json
from pathlib import Path

from hear_lite import targets
from hear_tools.bundle import validate_bundle

DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "hear-lite"


def test_the_default_bundle_is_valid_small_and_marked_proxy():
    assert validate_bundle(DEFAULT_MODEL) == []
    manifest = json.loads((DEFAULT_MODEL / "manifest.json").read_text())
    assert manifest["id"] == "hear-lite" and manifest["proxy"] is True and "not human ratings" in manifest["proxyNote"]
    assert [label["name"] for label in manifest["labels"]] == list(targets.DIMENSIONS)
    assert [s["id"] for s in manifest["sources"]] == ["timbre", "harmony"]
    assert sum(f.stat().st_size for f in DEFAULT_MODEL.rglob("*") if f.is_file()) <= 20 * 2**20
