"""The hear-eval set: FLAC files of the validation examples and SongEval-style proxy labels."""
import json

import numpy as np

from hear_lite import evalset, features
from hear_lite.audio import decode
from hear_lite.smoke import synthetic_corpus


def test_evalset_files_and_labels(tmp_path):
    tracks = [t for t in synthetic_corpus(tmp_path / "work", songs_per_package=1) if t["split"] == "validation"]
    plan = features.plan_examples(tracks)
    wav_of = {t["track_id"]: tmp_path / "work" / t["wav"] for t in tracks}
    assert evalset.write_evalset(tmp_path / "eval", plan, wav_of) == len(plan)
    lines = [json.loads(line) for line in (tmp_path / "eval/metadata.jsonl").read_text().splitlines()]
    assert len(lines) == len(plan)
    for line, ex in zip(lines, plan):
        assert line["annotation"][0]["Coherence"] == ex.target[0] and line["degradation"] == ex.degradation
        audio = decode(tmp_path / "eval" / line["file_name"])
        expected = features.example_audio(ex, wav_of)
        assert len(audio) == len(expected)
        assert np.max(np.abs(audio - expected)) < 2e-4  # 16-bit FLAC: lossless up to rounding
    assert evalset.write_evalset(tmp_path / "eval", plan, wav_of) == 0  # resumed: nothing to redo
