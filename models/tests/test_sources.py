"""The fixture sources: frame count, what the band source measures, memory on a whole 10-minute track."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from conftest import needs_ort
from hear_tools.export import export_source
from hear_tools.ort import run_onnx
from hear_tools.sources import BandEnergySource, LogMelSource, probe_tones

RATE, HOP = 24000, 960
EDGES = BandEnergySource.BAND_EDGES_HZ


@pytest.mark.parametrize("source", [BandEnergySource, LogMelSource])
@pytest.mark.parametrize("samples", [HOP, HOP + 255, HOP + 256, 2 * HOP - 1, 1025, 30 * RATE, 30 * RATE + 1000])
def test_sources_emit_one_frame_per_whole_hop(source, samples):
    torch.manual_seed(0)
    with torch.no_grad():
        out = source().eval()(torch.randn(1, samples) * 0.1)
    assert out.shape[1] == samples // HOP


@pytest.mark.parametrize("freq,band", [(100.0, 0), (440.0, 2), (3000.0, 4), (8000.0, 5)])
def test_band_energy_peaks_in_the_band_of_a_tone(freq, band):
    kernels, average = probe_tones(EDGES, BandEnergySource.PROBES_PER_BAND, HOP, RATE)
    t = np.arange(HOP) / RATE
    tone = np.sin(2 * np.pi * freq * t + 0.4)
    cos, sin = np.split(kernels @ tone, 2)
    energy = average @ (cos * cos + sin * sin)
    assert energy.argmax() == band
    assert energy[band] > 100 * np.delete(energy, band).max()


def test_a_probe_measures_unit_power_for_a_full_scale_sine_at_its_frequency():
    kernels, _ = probe_tones(EDGES, 4, HOP, RATE)
    freq = EDGES[2] * (EDGES[3] / EDGES[2]) ** (1.5 / 4)  # band 2, second probe
    probe = 2 * 4 + 1
    tone = np.sin(2 * np.pi * freq * np.arange(HOP) / RATE + 1.0)
    power = (kernels[probe] @ tone) ** 2 + (kernels[probe + len(kernels) // 2] @ tone) ** 2
    assert abs(power - 1) < 0.01


@needs_ort
@pytest.mark.parametrize("source", [BandEnergySource, LogMelSource])
def test_a_whole_10_minute_track_runs_in_little_memory(source, tmp_path):
    # The track scale runs the whole song in one call. A full-rate band-pass filter bank over it
    # peaked at 831 MB here; these read the waveform once, through a strided Conv1d. The Node
    # runner itself holds the 58 MB input twice (file and tensor) and peaked at 189 MB (measured).
    torch.manual_seed(0)
    path = tmp_path / "source.onnx"
    export_source(source().eval(), path, RATE)
    wave = (np.random.default_rng(0).standard_normal((1, 600 * RATE)) * 0.1).astype(np.float32)
    result = run_onnx(path, [{"waveform": wave}], ["features"])
    assert result.outputs[0]["features"].shape[1] == 15000
    assert result.max_rss_mb < 260
