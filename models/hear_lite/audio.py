"""Audio I/O through ffmpeg and sox: decoding, resampling, WAV files and sox effects.

ffmpeg and sox are the reference tools of this project (decoding ~500x realtime, soxr resampling as in
librosa's default); numpy arrays here are always float32 mono in [-1, 1].
"""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np
from scipy.io import wavfile

# The HEAR sources take 24 kHz mono (hear-reference.md, pipeline step 1).
MODEL_RATE = 24000


class AudioError(RuntimeError):
    """A file could not be probed or decoded; the message names the file and the cause."""


def probe_duration(path: Path) -> float:
    """Duration in seconds as ffprobe reports it from the container or module."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True)
    try:
        return float(out.stdout.strip())
    except ValueError:
        raise AudioError(f"{path}: ffprobe found no duration ({out.stderr.strip()[:200]})") from None


def decode(path: Path, rate: int = MODEL_RATE) -> np.ndarray:
    """Decode any file ffmpeg reads to float32 mono at `rate`, resampled with soxr (librosa's default)."""
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-i", str(path), "-ac", "1",
         "-af", f"aresample={rate}:resampler=soxr:precision=28", "-f", "f32le", "-"],
        capture_output=True)
    if out.returncode != 0 or not out.stdout:
        raise AudioError(f"{path}: ffmpeg could not decode it ({out.stderr.decode(errors='replace')[:200]})")
    return np.frombuffer(out.stdout, dtype="<f4").copy()


def resample(audio: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Resample a float32 mono array with soxr through ffmpeg, the same resampler as decode()."""
    if rate_in == rate_out:
        return audio.astype(np.float32, copy=True)
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-f", "f32le", "-ar", str(rate_in), "-ac", "1", "-i", "-",
         "-af", f"aresample={rate_out}:resampler=soxr:precision=28", "-f", "f32le", "-"],
        input=np.ascontiguousarray(audio, dtype="<f4").tobytes(), capture_output=True)
    if out.returncode != 0:
        raise AudioError(f"resampling {rate_in}->{rate_out} failed ({out.stderr.decode(errors='replace')[:200]})")
    return np.frombuffer(out.stdout, dtype="<f4").copy()


def sox_effect(audio: np.ndarray, rate: int, effect: list[str]) -> np.ndarray:
    """Run one sox effect chain on a float32 mono array (raw float pipes, no dither, no clipping guard)."""
    fmt = ["-t", "f32", "-e", "floating-point", "-b", "32", "-r", str(rate), "-c", "1"]
    out = subprocess.run(
        ["sox", "-V1", "-D", *fmt, "-", *fmt, "-", *effect],
        input=np.ascontiguousarray(audio, dtype="<f4").tobytes(), capture_output=True)
    if out.returncode != 0:
        raise AudioError(f"sox {' '.join(effect)} failed ({out.stderr.decode(errors='replace')[:200]})")
    return np.frombuffer(out.stdout, dtype="<f4").copy()


def mp3_roundtrip(audio: np.ndarray, rate: int, bitrate_kbps: int) -> np.ndarray:
    """Encode to MP3 through ffmpeg (LAME) and decode back: the same rate, length and alignment.

    The MP3 goes through a file, not a pipe: only a seekable output gets the LAME header that records the
    encoder's delay and padding, which the decoder then drops. From a pipe the copy came back 1,105 samples
    (46 ms at 24 kHz) late, a second change besides the codec's own."""
    with tempfile.TemporaryDirectory(prefix="hear-mp3-") as tmp:
        mp3 = Path(tmp) / "copy.mp3"
        enc = subprocess.run(
            ["ffmpeg", "-v", "error", "-nostdin", "-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", "-",
             "-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k", str(mp3)],
            input=np.ascontiguousarray(audio, dtype="<f4").tobytes(), capture_output=True)
        if enc.returncode != 0:
            raise AudioError(f"mp3 encoding failed ({enc.stderr.decode(errors='replace')[:200]})")
        dec = subprocess.run(
            ["ffmpeg", "-v", "error", "-nostdin", "-i", str(mp3), "-ac", "1",
             "-af", f"aresample={rate}:resampler=soxr", "-f", "f32le", "-"], capture_output=True)
    if dec.returncode != 0:
        raise AudioError(f"mp3 decoding failed ({dec.stderr.decode(errors='replace')[:200]})")
    decoded = np.frombuffer(dec.stdout, dtype="<f4")
    out = np.zeros_like(audio, dtype=np.float32)
    n = min(len(out), len(decoded))
    out[:n] = decoded[:n]
    return out


def write_wav16(path: Path, audio: np.ndarray, rate: int) -> None:
    """Write 16-bit PCM mono (half the disk of float32; the corpus is ~32 h)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = np.clip(np.round(audio * 32767.0), -32768, 32767).astype(np.int16)
    tmp = path.with_suffix(".part")
    wavfile.write(tmp, rate, pcm)
    tmp.rename(path)


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Read a 16-bit or float WAV as float32 mono."""
    rate, data = wavfile.read(path)
    if data.dtype == np.int16:
        data = data.astype(np.float32) / 32768.0
    if data.ndim > 1:
        data = data.mean(axis=1)
    return data.astype(np.float32, copy=False), int(rate)
