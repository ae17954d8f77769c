"""Model bundles: a folder with manifest.json (schema: models/bundle.schema.json) and the files it lists.

`write_bundle` hashes the files and writes the manifest; `validate_bundle`
checks a folder against the schema and the rules the schema cannot express.
The TypeScript engine (src/core/bundle/) checks the same rules.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import jsonschema
import onnx

FORMAT = "hear-bundle/1"
MANIFEST = "manifest.json"
SCHEMA_PATH = Path(__file__).resolve().parents[1] / "bundle.schema.json"

# SongEval dimensions in the official order (HEAR Track 2 output) and top-tier thresholds.
LABELS = ("Coherence", "Musicality", "Memorability", "Clarity", "Naturalness")
THRESHOLDS = {"Coherence": 4.0, "Musicality": 4.0, "Memorability": 3.75, "Clarity": 3.75, "Naturalness": 4.0}
TRACK_LABELS = {1: ("Musicality",), 2: LABELS}
SCORE_RANGE = [1, 5]

# HEAR's scales and stream order (musicfm@segment, muq@segment, musicfm@track, muq@track).
HEAR_SCALES = [
    {"id": "segment", "kind": "window", "windowSeconds": 30, "hopSeconds": 30, "minTailSamples": 1025},
    {"id": "track", "kind": "track"},
]
MAX_LENGTH_MISMATCH = 4


class BundleError(Exception):
    pass


@dataclass(frozen=True)
class FileMeta:
    license: str
    provenance: str


def label_entries(track: int) -> list[dict]:
    return [{"name": name, "threshold": THRESHOLDS[name]} for name in TRACK_LABELS[track]]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_bundle(folder: Path, manifest: dict, files: dict[str, FileMeta]) -> dict:
    """Write manifest.json (manifest + a `files` entry per file, hashed), then validate the folder."""
    entries = []
    for rel, meta in files.items():
        path = folder / rel
        entries.append(
            {
                "path": rel,
                "sha256": sha256_file(path),
                "bytes": path.stat().st_size,
                "license": meta.license,
                "provenance": meta.provenance,
            }
        )
    full = {"format": FORMAT, **manifest, "files": entries}
    (folder / MANIFEST).write_text(json.dumps(full, indent=2) + "\n")
    problems = validate_bundle(folder)
    if problems:
        raise BundleError(f"{folder}: the written bundle is invalid:\n  " + "\n  ".join(problems))
    return full


def validate_bundle(folder: Path) -> list[str]:
    """Every problem found in the bundle at `folder`, as messages naming the file and the cause."""
    manifest_path = folder / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text())
    except FileNotFoundError:
        return [f"{manifest_path}: missing"]
    except (OSError, ValueError) as err:
        return [f"{manifest_path}: not readable JSON ({err})"]
    problems = schema_problems(manifest, manifest_path)
    if problems:
        return problems
    return (
        label_problems(manifest, manifest_path)
        + structure_problems(manifest, manifest_path)
        + file_problems(manifest, folder)
    )


def schema_problems(manifest: dict, origin: Path) -> list[str]:
    schema = json.loads(SCHEMA_PATH.read_text())
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(manifest), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(part) for part in error.absolute_path) or "(root)"
        if error.validator == "pattern" and error.schema is schema["$defs"]["relPath"]:
            problems.append(f"{origin}: {where}: path {error.instance!r} leaves the bundle folder (absolute or '..')")
        else:
            problems.append(f"{origin}: {where}: {error.message}")
    return problems


def label_problems(manifest: dict, origin: Path) -> list[str]:
    problems = []
    names = [label["name"] for label in manifest["labels"]]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        problems.append(f"{origin}: labels: duplicate label {', '.join(duplicates)}")
    track = manifest["task"]["track"]
    if not duplicates and tuple(names) != TRACK_LABELS[track]:
        problems.append(f"{origin}: labels: track {track} needs {list(TRACK_LABELS[track])} in this order, got {names}")
    low, high = manifest["scoreRange"]
    if not low < high:
        problems.append(f"{origin}: scoreRange: min {low} is not below max {high}")
    for label in manifest["labels"]:
        if not low <= label["threshold"] <= high:
            problems.append(f"{origin}: labels: threshold {label['threshold']} of {label['name']} "
                            f"is outside scoreRange [{low}, {high}]")
    return problems


def structure_problems(manifest: dict, origin: Path) -> list[str]:
    problems = []
    sources = {source["id"]: source for source in manifest["sources"]}
    scales = {scale["id"]: scale for scale in manifest["scales"]}
    streams = manifest["streams"]
    if len(sources) != len(manifest["sources"]):
        problems.append(f"{origin}: sources: duplicate source id")
    if len(scales) != len(manifest["scales"]):
        problems.append(f"{origin}: scales: duplicate scale id")
    if manifest["input"] == "features":
        if sources or scales or streams:
            problems.append(f"{origin}: input 'features' (head-only) needs empty sources, scales and streams")
        return problems
    if not streams:
        problems.append(f"{origin}: streams: input 'audio' needs at least one stream")
    seen = set()
    for i, stream in enumerate(streams):
        key = (stream["source"], stream["scale"])
        if stream["source"] not in sources:
            problems.append(f"{origin}: streams/{i}: unknown source {stream['source']!r}")
        if stream["scale"] not in scales:
            problems.append(f"{origin}: streams/{i}: unknown scale {stream['scale']!r}")
        if key in seen:
            problems.append(f"{origin}: streams/{i}: duplicate stream {stream['source']}@{stream['scale']}")
        seen.add(key)
    if not problems:
        total = sum(sources[stream["source"]]["dim"] for stream in streams)
        if total != manifest["head"]["inputDim"]:
            problems.append(f"{origin}: streams: dims add up to {total}, "
                            f"head.inputDim is {manifest['head']['inputDim']}")
    rate = manifest["sampleRate"]
    for scale in manifest["scales"]:
        for field in ("windowSeconds", "hopSeconds"):
            if field in scale and not math.isclose(scale[field] * rate, round(scale[field] * rate), abs_tol=1e-6):
                problems.append(f"{origin}: scales/{scale['id']}: {field} {scale[field]} "
                                f"is not a whole number of samples at {rate} Hz")
    if any("frames" in source for source in sources.values()):
        problems.extend(frame_grid_problems(manifest, origin))
    return problems


def frame_grid_problems(manifest: dict, origin: Path) -> list[str]:
    """A framed source's calls take rows of the song's frames, so each window must start on a whole frame."""
    hop = manifest["sampleRate"] / manifest["frameRate"]
    if not math.isclose(hop, round(hop), abs_tol=1e-6):
        return [f"{origin}: framed sources need a whole number of samples per frame, got {hop:g}"]
    return [f"{origin}: scales/{scale['id']}: hopSeconds {scale['hopSeconds']} is not a whole number of frames "
            f"({round(hop)} samples each), which framed sources need"
            for scale in manifest["scales"]
            if "hopSeconds" in scale and round(scale["hopSeconds"] * manifest["sampleRate"]) % round(hop)]


def file_problems(manifest: dict, folder: Path) -> list[str]:
    origin = folder / MANIFEST
    root = folder.resolve()
    problems = []
    listed = [entry["path"] for entry in manifest["files"]]
    if len(set(listed)) != len(listed):
        problems.append(f"{origin}: files: a path is listed twice")
    if MANIFEST in listed:
        problems.append(f"{origin}: files: manifest.json must not list itself")
    usable = set()
    for entry in manifest["files"]:
        problem = file_entry_problem(entry, folder, root)
        if problem:
            problems.append(problem)
        else:
            usable.add(entry["path"])
    graphs = [(source["file"], "source", source) for source in manifest["sources"]]
    graphs += [(source["frames"]["file"], "frames", source) for source in manifest["sources"] if "frames" in source]
    graphs += [(manifest["head"]["file"], "head", None)]
    for rel, role, source in graphs:
        if rel not in listed:
            problems.append(f"{origin}: {role} file {rel} is not listed in files")
        elif rel in usable:
            problems.extend(graph_problems(folder, rel, role, manifest, source, set(listed)))
    return problems


def file_entry_problem(entry: dict, folder: Path, root: Path) -> str | None:
    rel = entry["path"]
    parts = PurePosixPath(rel).parts
    if "\\" in rel or any(part in ("", ".", "..") for part in parts):
        return f"{folder / rel}: path {rel!r} must use '/' and plain names"
    path = folder / rel
    if not path.exists():
        return f"{path}: listed in the manifest but missing"
    # Symbolic links may arrange files inside the folder, as the engine allows (src/core/bundle/verify.ts).
    real = path.resolve()
    if not real.is_relative_to(root):
        return f"{path}: resolves to {real}, which leaves the bundle folder"
    if not path.is_file():
        return f"{path}: not a regular file"
    size = path.stat().st_size
    if size != entry["bytes"]:
        return f"{path}: size {size} bytes, manifest says {entry['bytes']}"
    digest = sha256_file(path)
    if digest != entry["sha256"]:
        return f"{path}: sha256 {digest} does not match the manifest ({entry['sha256']})"
    return None


def graph_problems(folder: Path, rel: str, role: str, manifest: dict, source: dict | None,
                   listed: set[str]) -> list[str]:
    """Input/output names and fixed dims of an ONNX graph against the manifest."""
    path = folder / rel
    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception as err:  # protobuf raises several kinds for a corrupt file
        return [f"{path}: not a readable ONNX model ({err})"]
    problems = []
    base = PurePosixPath(rel).parent  # external data locations are relative to the graph's folder
    locations = {item.value for tensor in model.graph.initializer for item in tensor.external_data
                 if item.key == "location"}
    for location in sorted(locations):
        if str(base / location) not in listed:
            problems.append(f"{path}: external data file {location} is not listed in files")
    initializers = {init.name for init in model.graph.initializer}
    inputs = {v.name: shape_of(v) for v in model.graph.input if v.name not in initializers}
    outputs = {v.name: shape_of(v) for v in model.graph.output}
    if role == "head":
        want_in = {"features": [None, None, manifest["head"]["inputDim"]], "lengths": [None]}
        want_out = {"scores": [None, len(manifest["labels"])]}
    elif role == "frames":
        want_in = {"waveform": [None, None]}
        want_out = {"frames": [None, None, source["frames"]["dim"]]}
    else:
        want_in = {"waveform": [None, None]}
        if "frames" in source:
            want_in["frames"] = [None, None, source["frames"]["dim"]]
        want_out = {"features": [None, None, source["dim"]]}
    for kind, have, want in (("inputs", inputs, want_in), ("outputs", outputs, want_out)):
        if set(have) != set(want):
            problems.append(f"{path}: {role} graph {kind} are {sorted(have)}, expected {sorted(want)}")
            continue
        for name, dims in want.items():
            got = have[name]
            if len(got) != len(dims) or any(w is not None and g not in (w, None) for g, w in zip(got, dims)):
                problems.append(f"{path}: {role} {name} has shape {shape_text(got)}, expected {shape_text(dims)}")
    return problems


def shape_of(value_info) -> list:
    """Dims of a graph input/output; None for symbolic or unknown dims."""
    return [d.dim_value if d.HasField("dim_value") else None for d in value_info.type.tensor_type.shape.dim]


def shape_text(dims: list) -> str:
    return "[" + ", ".join("*" if d is None else str(d) for d in dims) + "]"
