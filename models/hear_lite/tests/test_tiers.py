"""The lower tiers: MIDI lumps found in a WAD, an mma song rendered through FluidSynth."""
import struct
import subprocess

import numpy as np
import pytest

from hear_lite import tiers
from hear_lite.audio import read_wav

from .conftest import RATE

needs_tools = pytest.mark.skipif(
    subprocess.run(["sh", "-c", "command -v mma && command -v fluidsynth"], capture_output=True).returncode != 0
    or not tiers.SOUNDFONT.exists(), reason="mma, fluidsynth or fluid-soundfont-gm is not installed")


def test_wad_midi_lumps(tmp_path):
    lumps = [(b"D_E1M1", b"MThd\0\0\0\x06rest"), (b"DEMO1", b"\x01\x02\x03"), (b"D_RUNNIN", b"MThd-two")]
    body, table = b"", b""
    for name, data in lumps:
        table += struct.pack("<ii8s", 12 + len(body), len(data), name)
        body += data
    wad = tmp_path / "test.wad"
    wad.write_bytes(struct.pack("<4sii", b"IWAD", len(lumps), 12 + len(body)) + body + table)
    assert tiers.wad_midis(wad) == [("D_E1M1", lumps[0][1]), ("D_RUNNIN", lumps[2][1])]


def test_mma_song_form():
    text = tiers.mma_song("50sRock", np.random.default_rng(0))
    bars = [line for line in text.splitlines() if line[:1].isdigit()]
    assert text.splitlines()[1] == "Groove 50sRock" and len(bars) == 14 * 4 + 1
    assert [int(b.split()[0]) for b in bars] == list(range(1, len(bars) + 1))


@needs_tools
def test_mma_song_renders_at_24k(tmp_path):
    src = tmp_path / "s.mma"
    src.write_text("Tempo 120\nGroove 50sRock\n1 C\n2 Am\n3 F\n4 G\n")
    subprocess.run(["mma", "-f", str(tmp_path / "s.mid"), str(src)], check=True, capture_output=True)
    audio = tiers.render(tmp_path / "s.mid", tmp_path)
    assert 7.5 * RATE < len(audio) < 12 * RATE and np.max(np.abs(audio)) > 0.05  # 4 bars at 120 bpm = 8 s
