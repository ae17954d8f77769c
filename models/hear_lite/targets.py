"""The proxy targets of HEAR-Lite, all rules in one place.

No music with human ratings can be fetched here, so HEAR-Lite learns proxy scores on the five SongEval
dimensions (official order below):

  target = clip(TIER_BASE[tier] - severity * DROP[degradation], 1, 5)

- The tier of the material sets the starting point: produced tracks from the ALLOWED Debian game-music
  packages > General MIDI renders (FluidSynth + fluid-soundfont-gm) > mma auto-accompaniment.
- A controlled degradation (degrade.py) with a severity in [0, 1] lowers each dimension by severity times
  its DROP row: how generated songs fail, by dimension. Coherence: splices across songs, tempo and key jumps;
  Musicality: detuned or off-key layers, rhythmic jitter, distortion; Memorability: bars shuffled,
  repetition removed; Clarity of structure: a short loop for minutes, sections out of order, cut endings,
  long silences; Naturalness: phase smearing, robotic and metallic artefacts; all dimensions: low-bitrate
  codec, band limiting, noise, clipping.
- A clean track is its tier's base on every dimension. One degradation per example.
These numbers are design choices, not measurements of human ratings; the model card says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import degrade

DIMENSIONS = ("Coherence", "Musicality", "Memorability", "Clarity", "Naturalness")

# The tiers differ by half of what a listener might first grant them (v0.1 drafts had MIDI at
# 3.8/3.6/3.5/3.7/3.2 and mma at 3.2/3.0/2.5/2.9/3.0): the tier shows mostly in the production style
# (produced game music is often lo-fi, renders are clean and bright), which runs against the degradation
# cues (band limits, codecs, noise make a track more lo-fi). With the full spread, a ridge probe on feature
# statistics put the clean copy of a validation song above its degraded copies in 66.3% of pairs; with
# half the spread 73.6%; with no tiers 77.7% (model card, "Targets").
TIER_BASE = {
    "produced": (4.4, 4.4, 4.1, 4.3, 4.3),
    "midi": (4.1, 4.0, 3.8, 4.0, 3.75),   # a composed piece, synthetic General MIDI timbres
    "mma": (3.8, 3.7, 3.3, 3.6, 3.65),    # generic accompaniment: no melody, little to remember
}


@dataclass(frozen=True)
class Degradation:
    name: str
    apply: Callable[..., np.ndarray]
    drop: tuple[float, float, float, float, float]  # per dimension at severity 1
    needs_donor: bool = False                       # takes a second song (`donor=`)


DEGRADATIONS = (
    #                                                         Coh  Mus  Mem  Cla  Nat
    Degradation("splice_across_songs", degrade.splice_across_songs, (2.2, 0.8, 1.0, 1.4, 0.6), True),
    Degradation("tempo_jumps", degrade.tempo_jumps,                 (1.8, 1.0, 0.5, 0.8, 0.6)),
    Degradation("key_jumps", degrade.key_jumps,                     (1.8, 1.2, 0.6, 0.6, 0.4)),
    Degradation("detuned_layer", degrade.detuned_layer,             (0.6, 2.0, 0.4, 0.3, 1.0)),
    Degradation("off_key_layer", degrade.off_key_layer,             (0.8, 2.4, 0.6, 0.4, 0.8)),
    Degradation("rhythmic_jitter", degrade.rhythmic_jitter,         (1.0, 1.8, 0.6, 0.6, 0.8)),
    Degradation("distortion", degrade.distortion,                   (0.4, 1.4, 0.3, 0.4, 1.2)),
    Degradation("bar_shuffle", degrade.bar_shuffle,                 (1.4, 0.8, 1.8, 1.2, 0.4)),
    Degradation("repetition_removed", degrade.repetition_removed,   (0.6, 0.3, 2.0, 0.8, 0.1)),
    Degradation("short_loop", degrade.short_loop,                   (0.6, 0.8, 0.8, 2.2, 0.3)),
    Degradation("section_order", degrade.section_order,             (1.2, 0.4, 0.8, 2.0, 0.2)),
    Degradation("cut_ending", degrade.cut_ending,                   (0.6, 0.2, 0.3, 1.6, 0.2)),
    Degradation("long_silences", degrade.long_silences,             (1.2, 0.4, 0.4, 1.8, 0.4)),
    Degradation("phase_smear", degrade.phase_smear,                 (0.4, 0.8, 0.2, 0.2, 2.2)),
    Degradation("robotic", degrade.robotic,                         (0.4, 0.8, 0.2, 0.2, 2.4)),
    Degradation("metallic", degrade.metallic,                       (0.3, 0.8, 0.2, 0.2, 2.0)),
    Degradation("low_bitrate", degrade.low_bitrate,                 (0.4, 0.8, 0.3, 0.4, 1.4)),
    Degradation("band_limit", degrade.band_limit,                   (0.4, 0.9, 0.3, 0.4, 1.2)),
    Degradation("added_noise", degrade.added_noise,                 (0.5, 1.0, 0.3, 0.5, 1.2)),
    Degradation("clipping", degrade.clipping,                       (0.4, 1.0, 0.2, 0.3, 1.2)),
)
BY_NAME = {d.name: d for d in DEGRADATIONS}

SEVERITIES = (0.25, 0.5, 0.75, 1.0)
CLEAN = "clean"


def target(tier: str, degradation: str = CLEAN, severity: float = 0.0) -> np.ndarray:
    """The five proxy scores of one example, in DIMENSIONS order."""
    base = np.asarray(TIER_BASE[tier], dtype=np.float64)
    if degradation == CLEAN:
        return base
    if not 0.0 <= severity <= 1.0:
        raise ValueError(f"severity {severity} outside [0, 1]")
    return np.clip(base - severity * np.asarray(BY_NAME[degradation].drop), 1.0, 5.0)


def sample_examples(rng: np.random.Generator, degraded_per_track: int) -> list[tuple[str, float]]:
    """(degradation, severity) of the examples made from one track: the clean track first, then
    `degraded_per_track` copies with a family drawn uniformly and a severity from SEVERITIES."""
    examples = [(CLEAN, 0.0)]
    for _ in range(degraded_per_track):
        family = DEGRADATIONS[int(rng.integers(len(DEGRADATIONS)))].name
        examples.append((family, float(rng.choice(SEVERITIES))))
    return examples


def apply(audio: np.ndarray, sr: int, degradation: str, severity: float, rng: np.random.Generator,
          donor: np.ndarray | None = None) -> np.ndarray:
    if degradation == CLEAN:
        return audio.copy()
    spec = BY_NAME[degradation]
    if spec.needs_donor:
        if donor is None:
            raise ValueError(f"{degradation} needs a donor song")
        return spec.apply(audio, sr, severity, rng, donor=donor)
    return spec.apply(audio, sr, severity, rng)
