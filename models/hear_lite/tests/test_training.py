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
    dims = [168 if s["source"] == "timbre" else 80 for s in STREAMS]
    assert len(cols) == dims[0] + dims[2] and cols[0] == 0 and cols[dims[0]] == dims[0] + dims[1]
    plain = train.stream_columns((0, 1, 2, 3), form=False)  # the harmony streams without their last 8
    assert len(plain) == INPUT_DIM - 16
    assert np.array_equal(plain, np.r_[0:240, 248:488])


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


def test_cli_trains_a_member_and_exports_an_ensemble_of_runs(tmp_path):
    plan = features.plan_examples(TRACKS)
    _fake_cache(tmp_path, plan)
    (tmp_path / "corpus.json").write_text(json.dumps({"tracks": TRACKS}))
    torch.set_num_threads(1)
    runs = []
    for seed, end, form in ((0, "0", []), (1, "0.25", ["--no-form"])):
        runs.append(tmp_path / f"m{seed}")
        main(["train", "--work", str(tmp_path), "--run", str(runs[-1]), "--epochs", "1", "--crop-frames", "24",
              "--val-frames", "40", "--seed", str(seed), "--end-crops", end, *form])
        cfg = json.loads((runs[-1] / "config.json").read_text())
        assert (cfg["seed"], cfg["end_crops"], cfg["form"]) == (seed, float(end), not form)
    main(["export", "--checkpoint", *(str(r / "best.pt") for r in runs), "--out", str(tmp_path / "bundle"),
          "--version", "0.0.1"])
    manifest = json.loads((tmp_path / "bundle/manifest.json").read_text())
    assert manifest["head"]["config"]["members"] == 2 and manifest["head"]["inputDim"] == INPUT_DIM
    head_file = next(f for f in manifest["files"] if f["path"] == "head.onnx")
    assert "epoch 1 of run m0, epoch 1 of run m1, scored as their mean" in head_file["provenance"]
    assert len(manifest["metrics"]) == 2
    twin = tmp_path / "other" / "m0"  # a second run folder named m0: the runs are named by their whole paths
    twin.mkdir(parents=True)
    (twin / "best.pt").write_bytes((runs[0] / "best.pt").read_bytes())
    main(["export", "--checkpoint", str(runs[0] / "best.pt"), str(twin / "best.pt"), "--out", str(tmp_path / "twins"),
          "--version", "0.0.1"])
    manifest = json.loads((tmp_path / "twins/manifest.json").read_text())
    assert sorted(manifest["metrics"]) == sorted(f"validation (proxy targets, PyTorch), {p}"
                                                 for p in (runs[0] / "best.pt", twin / "best.pt"))


def test_rebuild_trains_every_head_of_the_ensemble(tmp_path):
    from hear_lite.__main__ import rebuild_steps
    plan = features.plan_examples(TRACKS)
    _fake_cache(tmp_path, plan)
    (tmp_path / "corpus.json").write_text(json.dumps({"tracks": TRACKS}))
    steps = rebuild_steps(tmp_path, tmp_path / "runs", 1)
    assert [s[0] for s in steps] == ["corpus", "features"] + ["train"] * len(train.ENSEMBLE)
    torch.set_num_threads(1)
    for step in steps[2:]:
        main(step)  # the corpus and features steps need Debian packages; the fake cache stands in for them
    for k, member in enumerate(train.ENSEMBLE):
        cfg = json.loads((tmp_path / f"runs/m{k}/config.json").read_text())
        assert {key: cfg[key] for key in member} == member and cfg["epochs"] == 1 and cfg["form"]
        assert (tmp_path / f"runs/m{k}/best.pt").exists()


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


def test_end_crops_move_whole_song_groups_to_the_songs_end():
    plan = [e for e in features.plan_examples(TRACKS) if e.split == "train"]
    plain = train.song_batches(plan, np.random.default_rng(3))
    at_end = groups = 0
    for seed in range(200):
        for (idx, positions), (idx0, positions0) in zip(train.song_batches(plan, np.random.default_rng(seed), 0.25),
                                                        train.song_batches(plan, np.random.default_rng(seed))):
            assert np.array_equal(idx, idx0)  # the same copies; only their crops move
            for g in range(0, len(idx), train.GROUP_SIZE):
                group, group0 = positions[g: g + train.GROUP_SIZE], positions0[g: g + train.GROUP_SIZE]
                assert len(set(group)) == 1  # a song's copies stay cropped alike
                assert group[0] == 1.0 or group[0] == group0[0]
                at_end += group[0] == 1.0
                groups += 1
    assert groups == 2400 and abs(at_end / groups - 0.25) < 0.03
    again = train.song_batches(plan, np.random.default_rng(3), 0.0)  # none: the batches are as without the option
    assert all(np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) for a, b in zip(plain, again))


def test_load_head_scores_several_checkpoints_as_their_mean(tmp_path):
    from hear_tools.head import HeadEnsemble
    columns = train.stream_columns((0, 1, 2, 3))
    paths = []
    for k in range(2):
        torch.manual_seed(k)
        head = train.make_head(columns)
        paths.append(tmp_path / f"m{k}.pt")
        torch.save({"head": head.state_dict(), "columns": columns.tolist(), "epoch": k + 1, "metrics": None}, paths[-1])
    x = torch.from_numpy(np.random.default_rng(0).standard_normal((1, 30, len(columns)), dtype=np.float32))
    single, _, _ = train.load_head(paths[:1])
    both, got, saved = train.load_head(paths)
    assert isinstance(both, HeadEnsemble) and not isinstance(single, HeadEnsemble)
    assert np.array_equal(got, columns) and [s["epoch"] for s in saved] == [1, 2]
    second, _, _ = train.load_head(paths[1:])
    with torch.no_grad():
        np.testing.assert_allclose(both(x).numpy(), ((single(x) + second(x)) / 2).numpy(), atol=1e-6)
    torch.save({"head": {}, "columns": columns[:10].tolist(), "epoch": 1, "metrics": None}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="other.pt: its weights do not fit a head of 10 input columns"):
        train.load_head([paths[0], tmp_path / "other.pt"])


def test_features_cached_by_other_sources_are_refused_by_name(tmp_path):
    plan = [e for e in features.plan_examples(TRACKS) if e.split == "train"][:1]
    path = tmp_path / "features" / plan[0].cache_name
    path.parent.mkdir(parents=True)
    np.save(path, np.zeros((30, INPUT_DIM - 16), dtype=np.float16))  # 0.4.0's sources: no form columns
    data = train.FeatureSet(tmp_path, plan, train.stream_columns((0, 1, 2, 3)))
    with pytest.raises(ValueError, match=f"{plan[0].cache_name}: {INPUT_DIM - 16} feature columns where the sources give {INPUT_DIM}"):
        data.load(0, 10)


def test_an_ensemble_of_heads_with_and_without_form_reads_each_heads_own_columns(tmp_path):
    every, plain = train.stream_columns((0, 1, 2, 3)), train.stream_columns((0, 1, 2, 3), form=False)
    heads = []
    for k, cols in enumerate([every, plain]):
        torch.manual_seed(k)
        heads.append(train.make_head(cols))
        torch.save({"head": heads[-1].state_dict(), "columns": cols.tolist(), "epoch": 1, "metrics": None},
                   tmp_path / f"m{k}.pt")
    both, got, _ = train.load_head([tmp_path / "m0.pt", tmp_path / "m1.pt"])
    assert np.array_equal(got, every) and both.cfg.input_dim_raw == INPUT_DIM
    x = torch.from_numpy(np.random.default_rng(0).standard_normal((1, 30, INPUT_DIM), dtype=np.float32))
    with torch.no_grad():
        alone = [heads[0].eval()(x), heads[1].eval()(x[:, :, plain])]
        np.testing.assert_allclose(both(x).numpy(), ((alone[0] + alone[1]) / 2).numpy(), atol=1e-6)
        moved = x.clone()
        moved[:, :, np.setdiff1d(every, plain)] += 1.0  # only the first head reads the form columns
        assert torch.allclose(heads[1](moved[:, :, plain]), alone[1]) and not torch.allclose(both(moved), both(x))


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


def test_a_training_songs_copies_share_one_augmentation_and_differ_by_their_degradation(tmp_path):
    from hear_lite.audio import read_wav, write_wav16

    from .conftest import RATE, synthetic_song
    wav_of = {}
    for k, t in enumerate(TRACKS):
        wav_of[t["track_id"]] = tmp_path / t["wav"]
        wav_of[t["track_id"]].parent.mkdir(parents=True, exist_ok=True)
        write_wav16(wav_of[t["track_id"]], synthetic_song(6.0, seed=k), RATE)
    plan = features.plan_examples(TRACKS)
    clean = {e.song_id: features.example_audio(e, wav_of) for e in plan if e.degradation == targets.CLEAN}
    changed = 0
    for e in plan:
        if e.degradation == targets.CLEAN:
            track = read_wav(wav_of[e.song_id])[0]
            # validation copies are never augmented; a training song's clean copy is the song with its draw
            expected = features.song_augmented(track, e.song_id) if e.split == "train" else track
            np.testing.assert_array_equal(clean[e.song_id], expected)
            changed += e.split == "train" and (len(expected) != len(track) or bool(np.any(expected != track)))
    assert changed >= 3  # of 6 training songs: the draws do change them
    checked = 0
    for e in plan:
        if e.split == "train" and e.degradation != targets.CLEAN:
            donor = clean[e.donor] if e.donor else None
            expected = targets.apply(clean[e.song_id], RATE, e.degradation, e.severity,
                                     np.random.default_rng(e.seed), donor=donor)
            np.testing.assert_allclose(features.example_audio(e, wav_of), expected, atol=1e-6)
            checked += 1
    assert checked >= 6


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
