"""The example plan, the cached-feature set and a resumed training run on tiny random features."""
import json

import numpy as np
import pytest
import torch

from hear_lite import features, targets, train
from hear_lite.__main__ import main
from hear_lite.model import INPUT_DIM, STREAMS
from hear_lite.within_song import within_song_loss

TRACKS = [{"track_id": f"{p}/t{i}", "package": p, "split": s, "wav": f"wav24/{p}/t{i}.wav", "tier": tier}
          for p, s, tier in (("pa", "train", "produced"), ("pb", "train", "midi"), ("pc", "validation", "produced"),
                             ("pd", "validation", "mma"))
          for i in range(3)]


def test_plan_is_deterministic_and_keeps_song_ids():
    plan = features.plan_examples(TRACKS)
    assert sorted(plan, key=lambda e: e.key) == sorted(features.plan_examples(TRACKS[::-1]), key=lambda e: e.key)
    for e in plan:
        assert e.song_id == e.key.split("#")[0] and e.package == e.song_id.split("/")[0]
        assert e.augmented == (e.split == "train")
        tier = next(t["tier"] for t in TRACKS if t["track_id"] == e.song_id)
        assert e.tier == tier
        np.testing.assert_allclose(e.target, targets.target(tier, e.degradation, e.severity), atol=1e-4)
        if e.donor:
            donor = next(t for t in TRACKS if t["track_id"] == e.donor)
            assert donor["split"] == e.split and donor["package"] != e.package
    per_track = {t["track_id"]: sum(e.song_id == t["track_id"] for e in plan) for t in TRACKS}
    assert all(n == 1 + features.DEGRADED_PER_TRACK[t["split"]] for t, n in zip(TRACKS, per_track.values()))


def test_stream_columns_pick_whole_streams():
    assert len(train.stream_columns((0, 1, 2, 3))) == INPUT_DIM
    cols = train.stream_columns((0, 2))  # the first source at both scales
    dims = [168 if s["source"] == "timbre" else 72 for s in STREAMS]
    assert len(cols) == dims[0] + dims[2] and cols[0] == 0 and cols[dims[0]] == dims[0] + dims[1]


def _fake_cache(work, plan):
    rng = np.random.default_rng(0)
    for e in plan:
        path = work / "features" / e.cache_name
        path.parent.mkdir(parents=True, exist_ok=True)
        x = rng.standard_normal((int(rng.integers(20, 40)), INPUT_DIM)).astype(np.float16)
        x[:, 0] = np.float16(np.mean(e.target) - 3)  # something to learn
        np.save(path, x)


def test_training_checkpoints_and_resumes(tmp_path):
    plan = features.plan_examples(TRACKS)
    _fake_cache(tmp_path, plan)
    tr = [e for e in plan if e.split == "train"]
    va = [e for e in plan if e.split == "validation"]
    cfg = train.TrainConfig(epochs=1, lr=1e-3, crop_frames=24, val_frames=40)
    torch.set_num_threads(1)
    first = train.train(tmp_path, tmp_path / "run", tr, va, cfg, log=lambda m: None)
    assert first["epoch"] == 1 and (tmp_path / "run/best.pt").exists()
    messages = []
    cfg.epochs = 2
    second = train.train(tmp_path, tmp_path / "run", tr, va, cfg, log=messages.append)
    assert messages[0].startswith("resumed at epoch 1") and second["epoch"] == 2
    log = [json.loads(line) for line in (tmp_path / "run/log.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in log] == [1, 2] and set(log[0]["validation"]) == {*targets.DIMENSIONS, "mean"}
    assert second["step"] == 4  # 6 songs x 2 groups of 4 copies = 6 batches: 2 accumulations per epoch
    assert set(log[1]["clean_above"]) == {e.degradation for e in va if e.degradation != targets.CLEAN} | {"all"}


def test_song_batches_rank_a_clean_song_against_its_own_degraded_copies():
    plan = [e for e in features.plan_examples(TRACKS) if e.split == "train"]
    batches = train.song_batches(plan, np.random.default_rng(1))
    seen = []
    for idx, positions in batches:
        songs = [plan[i].song_id for i in idx]
        assert len(idx) == 8 and len(set(songs)) == 2 and len(set(idx.tolist())) == 8
        for song in set(songs):
            mine = [k for k, s in enumerate(songs) if s == song]
            assert len(mine) == train.GROUP_SIZE and len({positions[k] for k in mine}) == 1
            assert sum(plan[idx[k]].degradation == targets.CLEAN for k in mine) == 1
        seen += songs
    assert all(seen.count(s) == train.GROUP_SIZE * train.GROUPS_PER_SONG for s in set(seen))


def test_shards_split_the_extraction_between_processes(tmp_path):
    from hear_lite.audio import write_wav16

    from .conftest import RATE, synthetic_song
    tracks = [t for t in TRACKS if t["package"] in ("pa", "pc")]
    wav_of = {}
    for k, t in enumerate(tracks):
        wav_of[t["track_id"]] = tmp_path / t["wav"]
        wav_of[t["track_id"]].parent.mkdir(parents=True, exist_ok=True)
        write_wav16(wav_of[t["track_id"]], synthetic_song(6.0, seed=k), RATE)
    plan = [e for e in features.plan_examples(tracks) if e.degradation in (targets.CLEAN, "added_noise", "clipping")]
    made = [features.extract(tmp_path, plan, wav_of, log=lambda _: None, shard=(k, 2)) for k in (0, 1)]
    assert made[0] + made[1] == len(plan) and abs(made[0] - made[1]) <= 1  # every example once, halves
    assert all(features.feature_path(tmp_path, e).exists() for e in plan)
    assert features.extract(tmp_path, plan, wav_of, log=lambda _: None) == 0  # all cached: nothing to redo
    with pytest.raises(ValueError, match="shard 2/2: K must be 0 to N - 1"):
        features.extract(tmp_path, plan, wav_of, log=lambda _: None, shard=(2, 2))  # would make nothing


@pytest.mark.parametrize("text", ["1", "a/2", "0/2/4", ""])
def test_shard_option_that_is_not_k_of_n_is_a_usage_error(text, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["features", "--work", ".", "--shard", text])
    assert stop.value.code == 2
    assert f"--shard: '{text}' is not K/N (two whole numbers, e.g. 0/2)" in capsys.readouterr().err


def test_within_song_term_is_added_on_the_unmixed_scores(tmp_path):
    # Two runs that differ only in the term's weight draw the same crops, partners and lambda, so their first
    # losses differ by exactly weight x the term on the initial head's scores before C-Mixup.
    plan = features.plan_examples(TRACKS)
    _fake_cache(tmp_path, plan)
    tr = [e for e in plan if e.split == "train"]
    torch.set_num_threads(1)
    first = {}
    for weight in (0.0, 2.0):
        cfg = train.TrainConfig(epochs=1, lr=1e-3, crop_frames=24, within_song=weight, max_steps=1)
        train.train(tmp_path, tmp_path / f"run{weight}", tr, [], cfg, log=lambda m: None)
        first[weight] = json.loads((tmp_path / f"run{weight}/log.jsonl").read_text())["first_losses"][0]
    torch.manual_seed(cfg.seed)
    columns = train.stream_columns(cfg.streams)
    head, data = train.make_head(columns), train.FeatureSet(tmp_path, tr, columns)
    idx, positions = train.song_batches(tr, np.random.default_rng([cfg.seed, 0]))[0]
    x, lengths = train.batch([data.load(i, cfg.crop_frames, p) for i, p in zip(idx, positions)])
    songs = torch.tensor([sorted({tr[i].song_id for i in idx}).index(tr[i].song_id) for i in idx])
    with torch.no_grad():
        term = within_song_loss(head(x, lengths), torch.from_numpy(data.targets[idx]), songs).item()
    assert term > 0.1
    assert first[2.0] - first[0.0] == pytest.approx(2.0 * term, abs=1e-5)
