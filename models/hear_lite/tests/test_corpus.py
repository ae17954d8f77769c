"""The corpus rules (music selection, package split) and one package built end to end from a local .deb."""
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from hear_lite import corpus
from hear_lite.audio import read_wav


def test_music_selection_rule():
    assert corpus.is_music("usr/share/games/x/music/theme.ogg", 20.0)
    assert not corpus.is_music("usr/share/games/x/music/jingle.ogg", 5.0)
    assert corpus.is_music("usr/share/games/x/data/level1.ogg", 41.0)
    assert not corpus.is_music("usr/share/games/x/data/level1.ogg", 39.0)
    assert not corpus.is_music("usr/share/games/x/sfx/explosion_long.ogg", 60.0)
    assert corpus.is_music("usr/share/games/x/pak0.pk3!music/track1.ogg", 30.0)


def test_split_is_by_whole_packages_near_the_share():
    durations = {f"pkg{i}": 1000.0 + 100 * i for i in range(20)}
    validation = corpus.split_packages(durations)
    share = sum(durations[p] for p in validation) / sum(durations.values())
    assert 0.2 <= share <= 0.3
    assert validation == corpus.split_packages(dict(reversed(list(durations.items())))), "order-independent"
    # Splits already given stay as they are when packages are added.
    fixed = {p: ("validation" if p in validation else "train") for p in durations}
    grown = corpus.split_packages({**durations, "pkg-new": 5000.0}, fixed)
    assert validation <= grown and all(p in validation for p in grown - {"pkg-new"})


def _sine_ogg(path: Path, seconds: float, freq: float, lavfi: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lavfi = lavfi or f"sine=frequency={freq}:duration={seconds}"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", lavfi,
                    "-ar", "44100", "-ac", "2", "-c:a", "libvorbis", str(path)], check=True)


def test_build_package_from_a_local_deb(tmp_path):
    pkg = "testmusic-data"
    tree = tmp_path / "tree"
    (tree / "DEBIAN").mkdir(parents=True)
    (tree / "DEBIAN/control").write_text(
        f"Package: {pkg}\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@t>\nDescription: test\n")
    (tree / f"usr/share/doc/{pkg}").mkdir(parents=True)
    (tree / f"usr/share/doc/{pkg}/copyright").write_text("License: CC-BY-SA-3.0\n")
    game = tree / "usr/share/games/test"
    _sine_ogg(game / "music/theme.ogg", 16.0, 440.0)
    _sine_ogg(game / "music/jingle.ogg", 3.0, 550.0)
    _sine_ogg(game / "sfx/engine_loop.ogg", 45.0, 100.0)
    _sine_ogg(game / "levels/long_piece.ogg", 41.0, 330.0)
    _sine_ogg(game / "music/unnamed.ogg", 20.0, 0, "anoisesrc=duration=20:amplitude=0.3")  # > 64 kB
    (game / "music/unnamed.ogg").rename(game / "music/unnamed")  # a track without an extension
    work = tmp_path / "work"
    (work / "debs").mkdir(parents=True)
    subprocess.run(["dpkg-deb", "-Zgzip", "--build", str(tree), str(work / "debs" / f"{pkg}_1.0_all.deb")],
                   check=True, capture_output=True)
    tracks = corpus.build_package(work, pkg, set())
    assert sorted(Path(t.source).name for t in tracks) == ["long_piece.ogg", "theme.ogg", "unnamed"]
    for t in tracks:
        audio, rate = read_wav(work / t.wav)
        assert rate == 24000 and t.duration == round(len(audio) / 24000, 3)
        assert (work / t.licence).read_text().startswith("License:")
        assert t.track_id.startswith(f"{pkg}/")
    theme = next(t for t in tracks if t.source.endswith("theme.ogg"))
    audio, _ = read_wav(work / theme.wav)
    spectrum = np.abs(np.fft.rfft(audio[24000:48000]))
    assert np.argmax(spectrum) == 440  # 1 Hz bins over one second: the tone survived decoding and resampling
    assert json.loads((work / "packages" / f"{pkg}.json").read_text())[0]["package"] == pkg
    assert not list((work / "debs").glob("*.deb")), "the .deb is removed once recorded"


def _record(work, package, tier="produced", seconds=100.0):
    track = corpus.Track(f"{package}/t-0", package, "t.ogg", "l", seconds, package, "w.wav", tier)
    corpus.write_record(work, package, [track])


def test_each_tier_is_split_on_its_own(tmp_path):
    for tier, count in (("produced", 10), ("mma", 10)):
        for i in range(count):
            _record(tmp_path, f"{tier}-pkg{i}", tier, 100.0 + i)
    summary = corpus.write_corpus(tmp_path)
    for tier in ("produced", "mma"):
        held = [t for t in summary["tracks"] if t["tier"] == tier and t["split"] == "validation"]
        assert 1 <= len(held) <= 3
    # A second write keeps every split (features already cached stay valid).
    again = corpus.write_corpus(tmp_path)
    assert {p: v["split"] for p, v in again["packages"].items()} == \
        {p: v["split"] for p, v in summary["packages"].items()}


def test_the_shipped_split_is_pinned(tmp_path):
    # The shipped corpus put blobwars-data in validation and btanks-data in training; the rule alone would not.
    durations = {"blobwars-data": 30.0, "btanks-data": 30.0, "produced-new": 40.0}
    assert corpus.split_packages(durations) == {"btanks-data"}
    for package, seconds in durations.items():
        _record(tmp_path, package, seconds=seconds)
    splits = {p: v["split"] for p, v in corpus.write_corpus(tmp_path)["packages"].items()}
    assert (splits["blobwars-data"], splits["btanks-data"]) == ("validation", "train")
    assert splits["produced-new"] == "train"  # not pinned: split by the rule, whose share the pinned ones fill


def test_a_work_folder_split_otherwise_is_refused(tmp_path):
    _record(tmp_path, "zaz-data")
    summary = corpus.write_corpus(tmp_path)
    summary["packages"]["zaz-data"]["split"] = "validation"  # as a fresh build before the pin split it
    (tmp_path / "corpus.json").write_text(json.dumps(summary))
    with pytest.raises(ValueError, match="zaz-data split otherwise than in split.json"):
        corpus.write_corpus(tmp_path)
