"""The training corpus: music from the ALLOWED Debian packages, decoded to 24 kHz mono, split by package.

Resumable: every package ends with a record `packages/PKG.json`; a package with a record is skipped.
Layout under the work directory (never committed):
  debs/          downloaded .deb files (deleted once the package is recorded)
  licences/      PKG.copyright, the package's usr/share/doc/PKG/copyright
  wav24/PKG/     one 16-bit 24 kHz mono WAV per track
  packages/      PKG.json: the package's tracks (source path inside the package, duration, sha256)
  corpus.json    all tracks with their split (`write_corpus`; packages of the shipped corpus: `split.json`)
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from .audio import MODEL_RATE, AudioError, decode, probe_duration, write_wav16

# The packages /work/shared/notes/machine.md ALLOWS for training and tuning; every other music package is
# reserved for independent evaluation. Ordered small first so the pipeline is proven before the big ones.
ALLOWED_PACKAGES = (
    "asc-music", "powermanga-data", "wizznic-data", "adonthell-data", "zaz-data", "davegnukem-data",
    "lordsawar-data", "gigalomania-data", "btanks-data", "freedink-data", "xmoto-data", "trackballs-data",
    "pushover-data", "plee-the-bear-data", "extremetuxracer-data", "lincity-ng-data", "starfighter-data",
    "planetblupi-music-ogg", "colobot-common-sounds", "blobwars-data", "marsshooter-data", "fillets-ng-data",
    "openarena-088-data", "warzone2100-music", "warmux-data", "openclonk-data", "hedgewars-data",
    "supertux-data", "ufoai-music", "freedroidrpg-data", "megaglest-data", "naev-data", "widelands-data",
    "berusky2-data", "0ad-data",
)

AUDIO_EXTENSIONS = {".ogg", ".oga", ".mp3", ".wav", ".flac", ".opus", ".xm", ".it", ".s3m", ".mod", ".zik"}
ARCHIVE_EXTENSIONS = {".zip", ".pk3"}
# "Music lives in music folders or files >= 40 s; skip sound effects" (machine.md).
MUSIC_DIR = re.compile(r"^(music|musics|mus|soundtrack|ost|songs?|tracks)$", re.I)
NOT_MUSIC_DIR = re.compile(r"^(sfx|voices?|speech|dialog(ue)?s?|ambien(t|ce)|amb)$", re.I)
MIN_SECONDS_IN_MUSIC_DIR = 15.0
MIN_SECONDS_ELSEWHERE = 40.0
VALIDATION_SHARE = 0.2  # of the total duration, by whole packages
SPLIT_SEED = "hear-lite-split-1"
# The split HEAR-Lite's heads were trained and validated on, package by package. split_packages keeps a split
# once made, so its result depends on the order in which packages arrived; this corpus grew over several
# sessions, and a fresh build would put four produced packages on the other side. Pinned here so that a
# rebuild reproduces the shipped model's training and validation sets.
SHIPPED_SPLIT = Path(__file__).with_name("split.json")


@dataclass
class Track:
    track_id: str       # PKG/<stem>-<hash8>; the song id of every copy made from this track
    package: str
    source: str         # path inside the package; archive members as ARCHIVE!MEMBER
    licence: str        # licence file, relative to the work directory
    duration: float     # seconds of the decoded 24 kHz file
    sha256: str         # of the source file, to drop duplicates across packages
    wav: str            # 24 kHz mono 16-bit WAV, relative to the work directory
    tier: str = "produced"  # targets.TIER_BASE key: produced, midi (General MIDI render) or mma


def is_music(rel_path: str, seconds: float) -> bool:
    """The selection rule: long files anywhere, shorter ones only in music folders, never in sfx/voice folders."""
    parts = [p for p in re.split(r"[/!]", rel_path)[:-1]]
    if any(NOT_MUSIC_DIR.match(p) for p in parts):
        return False
    if any(MUSIC_DIR.match(p) for p in parts):
        return seconds >= MIN_SECONDS_IN_MUSIC_DIR
    return seconds >= MIN_SECONDS_ELSEWHERE


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _unnamed_in_music_dir(rel: str, path: Path) -> bool:
    """Some packages name their tracks without an extension (blobwars-data: music/arctic); in a music
    folder, a file with no extension and at least 64 kB is probed like an audio file."""
    parts = rel.split("/")[:-1]
    return not path.suffix and path.stat().st_size >= 65536 and any(MUSIC_DIR.match(p) for p in parts)


def _candidates(root: Path, scratch: Path) -> list[tuple[str, Path]]:
    """(path inside the package, file on disk) for every audio file, archive members included."""
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        rel = str(path.relative_to(root))
        ext = path.suffix.lower()
        if ext in AUDIO_EXTENSIONS or _unnamed_in_music_dir(rel, path):
            found.append((rel, path))
        elif ext in ARCHIVE_EXTENSIONS and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.infolist():
                    if Path(member.filename).suffix.lower() in AUDIO_EXTENSIONS and not member.is_dir():
                        target = scratch / hashlib.sha1(f"{rel}!{member.filename}".encode()).hexdigest()
                        target = target.with_suffix(Path(member.filename).suffix.lower())
                        with archive.open(member) as src, open(target, "wb") as dst:
                            shutil.copyfileobj(src, dst)
                        found.append((f"{rel}!{member.filename}", target))
    return found


def _track_id(package: str, source: str, sha: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(source.split("!")[-1]).stem)[:40]
    return f"{package}/{stem}-{sha[:8]}"


def build_package(work: Path, package: str, seen_sha: set[str], log=print) -> list[Track]:
    """Download, extract, select and decode one package; returns its tracks (already recorded on disk)."""
    tracks: list[Track] = []
    with tempfile.TemporaryDirectory(dir=work, prefix="extract-") as tmp:
        root = Path(tmp) / "root"
        scratch = Path(tmp) / "members"
        scratch.mkdir()
        deb = download_and_extract(work, package, root)
        licence = copy_licence(work, root, package)
        kept_stems: dict[str, float] = {}
        for rel, path in _candidates(root, scratch):
            try:
                seconds = probe_duration(path)
            except AudioError as err:
                log(f"  skip {rel}: {err}")
                continue
            if not is_music(rel, seconds):
                continue
            sha = _sha256(path)
            # Byte-identical files across packages, and renders of the same piece kept twice in one package
            # (e.g. a module and its Ogg render, same stem and length), would weight a piece twice.
            stem = Path(rel.split("!")[-1]).stem.lower()
            if sha in seen_sha or abs(kept_stems.get(stem, -1e9) - seconds) < 1.5:
                continue
            try:
                audio = decode(path, MODEL_RATE)
            except AudioError as err:
                log(f"  skip {rel}: {err}")
                continue
            track_id = _track_id(package, rel, sha)
            wav = work / "wav24" / f"{track_id}.wav"
            write_wav16(wav, audio, MODEL_RATE)
            seen_sha.add(sha)
            kept_stems[stem] = seconds
            tracks.append(Track(track_id, package, rel, str(licence.relative_to(work)),
                                round(len(audio) / MODEL_RATE, 3), sha, str(wav.relative_to(work))))
    write_record(work, package, tracks)
    deb.unlink()
    return tracks


def load_recorded(work: Path) -> dict[str, list[Track]]:
    """Tracks of every package already built, keyed by package."""
    recorded = {}
    for record in sorted((work / "packages").glob("*.json")):
        recorded[record.stem] = [Track(**t) for t in json.loads(record.read_text())]
    return recorded


def split_packages(durations: dict[str, float], fixed: dict[str, str] | None = None,
                   share: float = VALIDATION_SHARE) -> set[str]:
    """Validation packages: whole packages in a fixed pseudo-random order until `share` of the duration.

    Packages in `fixed` keep the split they already have (features cached for a split must stay valid when
    packages are added later); the others are added in order. A package whose addition would overshoot the
    share by more than half of it is passed over, so one big package cannot take the whole validation set.
    """
    fixed = {p: s for p, s in (fixed or {}).items() if p in durations}
    total = sum(durations.values())
    chosen = {p for p, s in fixed.items() if s == "validation"}
    taken = sum(durations[p] for p in chosen)
    order = sorted(durations, key=lambda p: hashlib.sha256(f"{SPLIT_SEED}:{p}".encode()).hexdigest())
    for package in order:
        if package in fixed or durations[package] <= 0 or taken >= share * total:
            continue
        if taken + durations[package] > 1.5 * share * total:
            continue
        chosen.add(package)
        taken += durations[package]
    return chosen


def write_corpus(work: Path) -> dict:
    """corpus.json: every recorded track with its split; returns the summary it writes."""
    recorded: dict[str, list[Track]] = {}
    for ts in load_recorded(work).values():  # records are per build step; splits are per package
        for t in ts:
            recorded.setdefault(t.package, []).append(t)
    for record in (work / "packages").glob("*.json"):
        recorded.setdefault(record.stem, [])  # packages without music stay listed (and unsplit)
    durations = {p: sum(t.duration for t in ts) for p, ts in recorded.items()}
    previous = work / "corpus.json"
    fixed = {p: v["split"] for p, v in json.loads(previous.read_text())["packages"].items()
             if v["tracks"]} if previous.exists() else {}
    pinned = {p: split for split, packages in json.loads(SHIPPED_SPLIT.read_text()).items() for p in packages}
    moved = sorted(p for p, split in fixed.items() if pinned.get(p, split) != split)
    if moved:  # features are cached per track and copy, not per split: they would silently stop fitting
        raise ValueError(f"{previous}: {', '.join(moved)} split otherwise than in {SHIPPED_SPLIT.name}; "
                         f"build the corpus into a new work folder")
    fixed.update(pinned)
    # Each tier is split on its own, so validation holds every tier in about the same share.
    tier_of = {p: max({t.tier for t in ts}, key=lambda tier: sum(t.duration for t in ts if t.tier == tier))
               for p, ts in recorded.items() if ts}
    validation: set[str] = set()
    for tier in sorted(set(tier_of.values())):
        group = {p: durations[p] for p, t in tier_of.items() if t == tier}
        validation |= split_packages(group, {p: s for p, s in fixed.items() if p in group})
    tracks = [dict(asdict(t), split="validation" if p in validation else "train")
              for p, ts in recorded.items() for t in ts]
    summary = {
        "sampleRate": MODEL_RATE,
        "tiers": {tier: round(sum(t["duration"] for t in tracks if t["tier"] == tier) / 3600, 3)
                  for tier in sorted({t["tier"] for t in tracks})},
        "packages": {p: {"tracks": len(recorded[p]), "hours": round(durations[p] / 3600, 3),
                         "split": "validation" if p in validation else "train"} for p in recorded},
        "hours": {s: round(sum(t["duration"] for t in tracks if t["split"] == s) / 3600, 3)
                  for s in ("train", "validation")},
        "tracks": tracks,
    }
    previous.write_text(json.dumps(summary, indent=1))
    return summary


def download_and_extract(work: Path, package: str, into: Path) -> Path:
    """apt-get download (unless the .deb is there) and dpkg -x into `into`; returns the .deb."""
    debs = work / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    if not list(debs.glob(f"{package}_*.deb")):
        subprocess.run(["apt-get", "download", package], cwd=debs, check=True, capture_output=True)
    deb = sorted(debs.glob(f"{package}_*.deb"))[-1]
    subprocess.run(["dpkg", "-x", str(deb), str(into)], check=True)
    return deb


def copy_licence(work: Path, root: Path, package: str) -> Path:
    source = root / "usr/share/doc" / package / "copyright"
    if not source.is_file():
        raise AudioError(f"{package}: no usr/share/doc/{package}/copyright; the licence is unknown")
    licence = work / "licences" / f"{package}.copyright"
    licence.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, licence)
    return licence


def write_record(work: Path, name: str, tracks: list[Track]) -> None:
    record = work / "packages" / f"{name}.json"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps([asdict(t) for t in tracks], indent=1))


def build(work: Path, packages: list[str] | None = None, log=print) -> dict:
    """Build every missing package (one at a time), then write corpus.json."""
    work.mkdir(parents=True, exist_ok=True)
    recorded = load_recorded(work)
    seen_sha = {t.sha256 for ts in recorded.values() for t in ts}
    for package in packages or ALLOWED_PACKAGES:
        if package not in ALLOWED_PACKAGES:
            raise ValueError(f"{package}: not an ALLOWED training package (see machine.md)")
        if package in recorded:
            continue
        free_gb = shutil.disk_usage(work).free / 1e9
        if free_gb < 10:
            raise OSError(f"{work}: only {free_gb:.1f} GB free; stopping before {package}")
        tracks = build_package(work, package, seen_sha, log)
        hours = sum(t.duration for t in tracks) / 3600
        log(f"{package}: {len(tracks)} tracks, {hours:.2f} h")
        os.sync()
    return write_corpus(work)
