"""The model card's ablation table, from training runs' logs (log.jsonl, config.json): one row per run at a
given epoch, so runs trained for the same number of epochs compare like for like."""
from __future__ import annotations

import json
from pathlib import Path

from .model import STREAMS

METRICS = ("LCC", "SRCC", "KTAU", "TTA")


def what_differs(config: dict) -> str:
    """The run's departures from the full recipe, in words."""
    parts = []
    if tuple(config["streams"]) != tuple(range(len(STREAMS))):
        kept = [STREAMS[i] for i in config["streams"]]
        parts.append("streams: " + ", ".join(f"{s['source']}/{s['scale']}" for s in kept))
    parts += [name for name, on in (("no C-Mixup", config["cmixup"]), ("no ListMLE", config["listmle"]),
                                     ("no augmentation", config.get("augment", True))) if not on]
    return "; ".join(parts) or "full recipe"


def run_row(run: Path, epoch: int) -> dict:
    config = json.loads((run / "config.json").read_text())
    records = [json.loads(line) for line in (run / "log.jsonl").read_text().splitlines()]
    record = next((r for r in records if r["epoch"] == epoch), None)
    if record is None:
        raise ValueError(f"{run}: no epoch {epoch} in log.jsonl (last: {records[-1]['epoch'] if records else None})")
    return {"run": run.name, "variant": what_differs(config), "epoch": epoch,
            **{m: record["validation"]["mean"][m] for m in METRICS},
            "clean_above": (record.get("clean_above") or {}).get("all")}


def ablation_table(runs: list[Path], epoch: int) -> str:
    rows = [run_row(r, epoch) for r in runs]
    lines = ["| variant | " + " | ".join(METRICS) + " | clean above degraded |", "|---" * (len(METRICS) + 2) + "|"]
    for r in rows:
        lines.append(f"| {r['variant']} | " + " | ".join(f"{r[m]:.3f}" for m in METRICS) +
                     f" | {r['clean_above']:.3f} |")
    return "\n".join(lines)


def corpus_table(corpus: dict) -> str:
    """The model card's training-material table from work/corpus.json: one row per Debian package and tier
    (mma songs grouped per split), with tracks, hours and split."""
    rows: dict[tuple[str, str, str], list[float]] = {}
    for t in corpus["tracks"]:
        name = "mma (auto-accompaniment styles)" if t["tier"] == "mma" else t["package"]
        row = rows.setdefault((t["tier"], name, t["split"]), [0, 0.0])
        row[0] += 1
        row[1] += t["duration"] / 3600
    lines = ["| tier | source | split | tracks | hours |", "|---|---|---|---|---|"]
    for (tier, name, split), (count, hours) in sorted(rows.items()):
        lines.append(f"| {tier} | {name} | {split} | {count} | {hours:.2f} |")
    return "\n".join(lines)
