"""The model card's tables: ablations from training runs' logs (log.jsonl, config.json), one row per run at a
given epoch so that runs trained for the same number of epochs compare like for like; the degradation check
from `check --out`'s report; the training material from corpus.json."""
from __future__ import annotations

import json
from pathlib import Path

from .check import goals_met
from .model import STREAMS

METRICS = ("LCC", "SRCC", "KTAU", "TTA")


def what_differs(config: dict) -> str:
    """The run's departures from HEAR's published recipe, in words (HEAR-Lite's within-song term is one)."""
    parts = []
    if tuple(config["streams"]) != tuple(range(len(STREAMS))):
        kept = [STREAMS[i] for i in config["streams"]]
        parts.append("streams: " + ", ".join(f"{s['source']}/{s['scale']}" for s in kept))
    parts += [name for name, on in (("no C-Mixup", config["cmixup"]), ("no ListMLE", config["listmle"]),
                                     ("no augmentation", config.get("augment", True))) if not on]
    if config.get("within_song"):  # runs from before the term have no such key
        parts.append(f"within-song term x{config['within_song']:g}")
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


def check_table(families: dict[str, dict]) -> str:
    """One row per degradation family of a check report (check.degradation_check, or the "families" of
    `check --out`): the share of pairs with the clean track above, per severity and overall, the Spearman
    of the fall, and which goals the family meets; then the mean row."""
    severities = list(next(iter(families.values()))["pairs_by_severity"])
    lines = ["| family | " + " | ".join(severities) + " | all severities | Spearman | goals |",
             "|---" * (len(severities) + 4) + "|"]
    for name, r in families.items():
        met = [label for label, ok in zip(("pairs", "Spearman"), goals_met(r)) if ok]
        goals = "both" if len(met) == 2 else f"{met[0]} only" if met else "missed"
        lines.append(f"| {name.replace('_', ' ')} | " + " | ".join(f"{v:.0%}" for v in r["pairs_by_severity"].values())
                     + f" | {r['pairs_clean_above']:.0%} | {r['spearman_fall']:.2f} | {goals} |")
    mean = lambda key: sum(r[key] for r in families.values()) / len(families)
    by_severity = [sum(r["pairs_by_severity"][s] for r in families.values()) / len(families) for s in severities]
    lines.append("| **mean** | " + " | ".join(f"{v:.0%}" for v in by_severity)
                 + f" | {mean('pairs_clean_above'):.0%} | {mean('spearman_fall'):.2f} | |")
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
