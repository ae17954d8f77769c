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
