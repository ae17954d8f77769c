"""The ablation table names each run's departure from the recipe and reads every run at the same epoch."""
import json

import pytest

from hear_lite import report


def _run(folder, name, epochs, **config):
    run = folder / name
    run.mkdir()
    full = {"streams": [0, 1, 2, 3], "cmixup": True, "listmle": True, "augment": True}
    (run / "config.json").write_text(json.dumps({**full, **config}))
    records = [{"epoch": e, "validation": {"mean": {"LCC": e / 10, "SRCC": 0.2, "KTAU": 0.1, "TTA": 0.5}},
                "clean_above": {"all": 0.6 + e / 100}} for e in range(1, epochs + 1)]
    (run / "log.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return run


def test_rows_name_the_ablation_and_use_the_asked_epoch(tmp_path):
    runs = [_run(tmp_path, "main", 5), _run(tmp_path, "a", 3, streams=[0, 2]),
            _run(tmp_path, "b", 3, cmixup=False, augment=False), _run(tmp_path, "c", 3, within_song=1.0)]
    table = report.ablation_table(runs, epoch=3).splitlines()
    assert table[2] == "| full recipe | 0.300 | 0.200 | 0.100 | 0.500 | 0.630 |"
    assert table[3].startswith("| streams: timbre/segment, timbre/track | 0.300")
    assert table[4].startswith("| no C-Mixup; no augmentation |")
    assert table[5].startswith("| within-song term x1 |")
    with pytest.raises(ValueError, match="no epoch 4"):
        report.ablation_table(runs, epoch=4)


def test_corpus_table_sums_tracks_and_hours_per_package_tier_and_split():
    tracks = [{"package": "pa", "tier": "produced", "split": "train", "duration": 1800.0},
              {"package": "pa", "tier": "produced", "split": "train", "duration": 1800.0},
              {"package": "pa", "tier": "midi", "split": "train", "duration": 360.0},
              {"package": "mma-swing", "tier": "mma", "split": "validation", "duration": 180.0},
              {"package": "mma-waltz", "tier": "mma", "split": "validation", "duration": 180.0}]
    lines = report.corpus_table({"tracks": tracks}).splitlines()
    assert lines[2:] == ["| midi | pa | train | 1 | 0.10 |",
                         "| mma | mma (auto-accompaniment styles) | validation | 2 | 0.10 |",
                         "| produced | pa | train | 2 | 1.00 |"]


def test_check_table_shows_every_severity_the_goals_met_and_the_means():
    families = {"added_noise": {"pairs_clean_above": 0.95, "spearman_fall": 0.9,
                                "pairs_by_severity": {"0.25": 0.8, "0.5": 1.0, "0.75": 1.0, "1.0": 1.0}},
                "metallic": {"pairs_clean_above": 0.5, "spearman_fall": 0.85,
                             "pairs_by_severity": {"0.25": 0.2, "0.5": 0.4, "0.75": 0.6, "1.0": 0.8}}}
    table = report.check_table(families).splitlines()
    assert table[0] == "| family | 0.25 | 0.5 | 0.75 | 1.0 | all severities | Spearman | goals |"
    assert table[2] == "| added noise | 80% | 100% | 100% | 100% | 95% | 0.90 | both |"
    assert table[3] == "| metallic | 20% | 40% | 60% | 80% | 50% | 0.85 | Spearman only |"
    assert table[4] == "| **mean** | 50% | 70% | 80% | 90% | 72% | 0.88 | |"
