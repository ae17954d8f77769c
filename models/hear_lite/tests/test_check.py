"""The degradation check's arithmetic, with a scorer whose behaviour is known."""
import numpy as np

from hear_lite import check
from hear_lite.audio import read_wav, write_wav16

from .conftest import RATE, synthetic_song


def test_a_scorer_that_measures_damage_passes_and_a_constant_one_fails():
    tracks = [synthetic_song(8.0, seed=s, modulate=True) for s in range(2)]
    families = ["added_noise", "cut_ending", "clipping"]
    reference = {len(t): t for t in tracks}

    def damage_scorer(audio):
        # 5 minus the distance to the clean track of the same length (or to the first track): more damage, lower.
        ref = reference.get(len(audio), tracks[0])
        n = min(len(ref), len(audio))
        distance = np.mean(np.abs(ref[:n] - audio[:n])) + abs(len(ref) - len(audio)) / RATE
        return np.full(5, 5.0 - distance)

    report = check.degradation_check(damage_scorer, tracks, RATE, families=families)
    assert set(report) == set(families)
    assert report["added_noise"] == {"pairs_clean_above": 1.0, "spearman_fall": 1.0,
                                     "pairs_by_severity": {"0.25": 1.0, "0.5": 1.0, "0.75": 1.0, "1.0": 1.0}}
    assert report["cut_ending"]["pairs_clean_above"] == 1.0
    constant = check.degradation_check(lambda a: np.full(5, 3.0), tracks, RATE, families=families)
    assert all(r["pairs_clean_above"] == 0.0 and r["spearman_fall"] == 0.0 and set(r["pairs_by_severity"].values()) == {0.0}
               for r in constant.values())
    assert len(check.verdict(constant)) == len(families) and check.verdict(report) == []


def test_the_checks_tracks_are_held_out_produced_tracks_in_sha256_order_after_a_skip():
    tracks = [{"track_id": f"t{k}", "split": split, "tier": tier, "sha256": sha}
              for k, (split, tier, sha) in enumerate([("validation", "produced", "c"), ("train", "produced", "a"),
                                                      ("validation", "midi", "b"), ("validation", "produced", "e"),
                                                      ("validation", "produced", "d"), ("validation", "produced", "f")])]
    ids = lambda chosen: [t["track_id"] for t in chosen]
    assert ids(check.held_out_tracks(tracks, 20)) == ["t0", "t4", "t3", "t5"]
    assert ids(check.held_out_tracks(tracks, 2)) == ["t0", "t4"]
    assert ids(check.held_out_tracks(tracks, 2, skip=2)) == ["t3", "t5"]
    assert check.held_out_tracks(tracks, 2, skip=4) == []


def test_the_check_scores_whole_tracks_unless_told_a_number_of_seconds(tmp_path):
    # A cut track stops dead: the cut_ending damage. The clean reference must be the whole track.
    for name, seconds in (("short.wav", 2.0), ("long.wav", 5.0)):
        write_wav16(tmp_path / name, synthetic_song(seconds, seed=1), RATE)
    tracks = [{"wav": "short.wav"}, {"wav": "long.wav"}]
    whole = check.track_audio(tmp_path, tracks)
    assert [len(a) for a in whole] == [2 * RATE, 5 * RATE]
    np.testing.assert_array_equal(whole[1], read_wav(tmp_path / "long.wav")[0])
    assert [len(a) for a in check.track_audio(tmp_path, tracks, seconds=3.0)] == [2 * RATE, 3 * RATE]
