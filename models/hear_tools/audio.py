"""Synthetic test songs (seeded) and 16-bit mono WAV reading/writing.

The songs are built from notes, chords and drum hits so that they have
sections the sources can tell apart; nothing here is meant to sound good.
"""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PENTATONIC = (0, 2, 4, 7, 9)
PROGRESSION = ((0, 4, 7), (7, 11, 14), (9, 12, 16), (5, 9, 12))  # I V vi IV


@dataclass(frozen=True)
class Section:
    seconds: float
    key: int  # MIDI note of the tonic
    pad: bool = False
    bass: bool = False
    melody: bool = False
    drums: bool = False
    arpeggio: bool = False


def midi_hz(note: float) -> float:
    return 440.0 * 2.0 ** ((note - 69) / 12)


def tone(freq: float, seconds: float, rate: int, harmonics: int, attack: float, decay: float) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    wave_ = sum(np.sin(2 * np.pi * freq * h * t) / h for h in range(1, harmonics + 1))
    envelope = np.minimum(1.0, t / attack) * np.exp(-t / decay)
    return wave_ * envelope


def add(buffer: np.ndarray, at: int, sound: np.ndarray) -> None:
    end = min(len(buffer), at + len(sound))
    if end > at:
        buffer[at:end] += sound[: end - at]


def render_section(section: Section, rate: int, bpm: float, rng: np.random.Generator) -> np.ndarray:
    out = np.zeros(int(round(section.seconds * rate)))
    beat = 60.0 / bpm
    beats = int(np.ceil(section.seconds / beat))
    for b in range(beats):
        at = int(round(b * beat * rate))
        chord = PROGRESSION[(b // 4) % len(PROGRESSION)]
        if section.pad and b % 4 == 0:
            for interval in chord:
                add(out, at, 0.12 * tone(midi_hz(section.key + interval), 4 * beat, rate, 3, 0.3, 3.0))
        if section.bass and b % 2 == 0:
            add(out, at, 0.25 * tone(midi_hz(section.key - 24 + chord[0]), 2 * beat, rate, 5, 0.01, 0.6))
        if section.melody:
            for half in range(2):
                if rng.random() < 0.7:
                    note = section.key + 12 + PENTATONIC[rng.integers(len(PENTATONIC))] + 12 * rng.integers(2)
                    add(out, at + int(half * beat * rate / 2),
                        0.18 * tone(midi_hz(note), beat / 2, rate, 2, 0.005, 0.25))
        if section.arpeggio:
            for quarter in range(4):
                note = section.key + 12 + chord[quarter % 3] + 12 * (quarter // 3)
                add(out, at + int(quarter * beat * rate / 4),
                    0.15 * tone(midi_hz(note), beat / 4, rate, 4, 0.002, 0.08))
        if section.drums:
            t = np.arange(int(0.25 * rate)) / rate
            kick = np.sin(2 * np.pi * (50 * t + 1.8 * (1 - np.exp(-t / 0.03)))) * np.exp(-t / 0.08)  # 110 -> 50 Hz
            add(out, at, 0.5 * kick)
            hat_samples = int(0.06 * rate)
            hat = np.diff(rng.standard_normal(hat_samples + 1)) * np.exp(-np.arange(hat_samples) / (0.01 * rate))
            add(out, at + int(beat * rate / 2), 0.08 * hat)
    return out


def render_song(sections: list[Section], rate: int, bpm: float, seed: int,
                total_samples: int | None = None) -> np.ndarray:
    """float64 mono song peaking at 0.8 of full scale; cut or zero-extended to total_samples."""
    rng = np.random.default_rng(seed)
    song = np.concatenate([render_section(section, rate, bpm, rng) for section in sections])
    song += 1e-3 * rng.standard_normal(len(song))  # a noise floor: no digital silence
    if total_samples is not None:
        song = np.pad(song, (0, max(0, total_samples - len(song))))[:total_samples]
    return 0.8 * song / np.abs(song).max()


def write_wav16(path: Path, samples: np.ndarray, rate: int) -> None:
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())


def read_wav16(path: Path) -> tuple[np.ndarray, int]:
    """Mono 16-bit PCM WAV -> float32 samples (int16 / 32768, as a decoder gives) and the rate."""
    with wave.open(str(path), "rb") as src:
        if src.getnchannels() != 1 or src.getsampwidth() != 2:
            raise ValueError(f"{path}: expected mono 16-bit PCM")
        pcm = np.frombuffer(src.readframes(src.getnframes()), dtype="<i2")
        return (pcm.astype(np.float32) / 32768.0), src.getframerate()
