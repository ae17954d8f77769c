"""Shared paths and skips for the hear_tools tests (run from models/: python3 -m pytest tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from hear_tools.ort import unavailable_reason

FIXTURES = Path(__file__).resolve().parents[2] / "test" / "fixtures"

torch.set_num_threads(1)

# ONNX Runtime runs through Node and the repo's onnxruntime-node; CI installs both.
needs_ort = pytest.mark.skipif(unavailable_reason() is not None, reason=f"ONNX Runtime unavailable: {unavailable_reason()}")
