"""The degradation check's arithmetic, with a scorer whose behaviour is known."""
import numpy as np

from hear_lite import check

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
