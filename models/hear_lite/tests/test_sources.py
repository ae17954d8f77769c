"""The two sources: the frame contract, what their features measure, and ONNX export matching PyTorch."""
import numpy as np
import onnx
import pytest
import torch
import torch.nn.functional as F

from hear_lite import sources
from hear_tools.export import SourceStage, check_graph, export_framed_source
from hear_tools.ort import unavailable_reason

from .conftest import RATE, synthetic_song, tone


def run(source, audio: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return source(torch.from_numpy(audio)[None, :])[0].numpy()


@pytest.mark.parametrize("name", list(sources.SOURCES))
@pytest.mark.parametrize("samples", [1025, 960 * 3, 960 * 3 + 959, 24000 * 5 + 17])
def test_frame_contract(name, samples):
    source = sources.SOURCES[name]().eval()
    out = run(source, np.random.default_rng(0).uniform(-0.5, 0.5, samples).astype(np.float32))
    assert out.shape == (samples // 960, source.dim) and np.isfinite(out).all()


@pytest.mark.parametrize("samples", [960 * 3, 960 * 3 + 959, 24000 * 5 + 17, 24000 * 61])
def test_pieces_give_the_numbers_of_one_pass(samples):
    x = torch.from_numpy(np.random.default_rng(1).uniform(-0.5, 0.5, (1, 1, samples)).astype(np.float32))
    kernels, frames = sources.dft_kernels(512), samples // 960
    spec = F.conv1d(F.pad(x, (0, 512)), kernels, stride=480)[:, :, : 2 * frames]
    real, imag = spec.chunk(2, dim=1)
    assert torch.allclose(sources.power_frames(x, kernels, 480, frames, 2), real * real + imag * imag, rtol=1e-4, atol=1e-3)
    kernel = torch.tensor(sources.lowpass_kernel(700.0, 255, RATE)[None, None, :], dtype=torch.float32)
    assert torch.allclose(sources.downsample(x, kernel, 16), F.conv1d(F.pad(x, (127, 127)), kernel, stride=16), atol=1e-6)


def test_chroma_of_a_tone_is_its_pitch_class():
    feats = run(sources.HarmonySource().eval(), tone(440.0, 3.0))
    assert int(np.argmax(feats[10:60, :12].mean(axis=0))) == 9  # A


def test_key_context_finds_c_major():
    # The synthetic song cycles C G Am F: of the 24 keys (12 major then 12 minor) C major fits best.
    feats = run(sources.HarmonySource().eval(), synthetic_song(16.0))
    key = feats[0, 32:56]  # after chroma (12), onsets (8), mean chroma (12)
    assert int(np.argmax(key)) == 0
    assert np.allclose(feats[:, 32:56], key)  # context: the same on every frame


def test_form_numbers_see_repeats_key_changes_and_foreign_splices():
    from hear_lite import degrade
    source, rng = sources.HarmonySource().eval(), np.random.default_rng(0)
    numbers = lambda a: run(source, a)[0, 75:80]  # mean repeat, its lower half, mean change, mean key fit, its lower half
    song = synthetic_song(64.0)  # the 8 s progression eight times
    clean = numbers(song)
    assert clean[1] > 0.95 and clean[3] > 0.8  # every passage comes back; every stretch is in the song's key
    assert numbers(synthetic_song(64.0, modulate=True))[1] < clean[1] - 0.15  # new keys: passages never return
    donor = synthetic_song(64.0, modulate=True)[: 24 * RATE]  # keys up to 6 semitones away
    spliced = np.concatenate([song[: 40 * RATE], donor]).astype(np.float32)
    assert numbers(spliced)[4] < clean[4] - 0.3  # the foreign part does not fit the key
    removed = numbers(degrade.repetition_removed(song, RATE, 1.0, rng))
    assert removed[0] < clean[0] - 0.1


def test_form_per_frame_marks_where_the_song_leaves_its_key():
    song = synthetic_song(32.0)
    moved = synthetic_song(24.0, modulate=True)[8 * RATE:]  # 3 then 6 semitones up
    feats = run(sources.HarmonySource().eval(), np.concatenate([song, moved]).astype(np.float32))
    fit = feats[:, 74]
    assert fit[:700].mean() > fit[900:].mean() + 0.2  # the first 28 s against the last 16 s


def test_tempo_context_peaks_at_120_bpm():
    clicks = np.zeros(RATE * 12, dtype=np.float32)
    clicks[:: RATE // 2] = 1.0  # 120 bpm: a 50-frame lag at 100 Hz
    tempo = run(sources.HarmonySource().eval(), clicks)[0, 56:72]
    best = int(np.argmax(tempo))
    assert sources.TEMPO_BINS[best] <= 50 < sources.TEMPO_BINS[best + 1]


def test_timbre_separates_bright_from_dark_and_the_scales_differ():
    source = sources.TimbreSource().eval()
    dark, bright = run(source, tone(200.0, 2.0)), run(source, tone(6000.0, 2.0))
    centroid = lambda f: np.sum(np.arange(48) * np.exp(4 * f[5, 48:96])) / np.sum(np.exp(4 * f[5, 48:96]))
    assert centroid(bright) > centroid(dark) + 10
    song = np.concatenate([tone(200.0, 30.0), tone(6000.0, 30.0)])
    whole, first_window = run(source, song), run(source, song[: 30 * RATE])
    assert not np.allclose(whole[:750], first_window, atol=1e-3)  # global context: segment != track


def test_timbre_structure_numbers_see_endings_loops_and_silences():
    from hear_lite import degrade
    source, rng = sources.TimbreSource().eval(), np.random.default_rng(0)
    song = synthetic_song(60.0, modulate=True)
    faded = (song * np.minimum(1, np.linspace(8, 0, len(song)))).astype(np.float32)
    structure = lambda a: run(source, a)[0, 144:] / 0.25  # start, end, silent, change, max change, 2/4/8 s repeats
    clean, cut = structure(faded), structure(degrade.cut_ending(faded, RATE, 1.0, rng))
    assert clean[1] < -0.5 and abs(cut[1]) < 0.1  # a fade ends quieter than the mean; a cut ending does not
    loop = structure(degrade.short_loop(song, RATE, 1.0, rng))
    assert loop[6] > structure(song)[6] + 0.4  # one 4 s loop: the spectrum repeats at 4 s
    silent = structure(degrade.long_silences(song, RATE, 1.0, rng))
    assert silent[2] > 0.2 and structure(song)[2] < 0.01  # share of near-silent frames


def test_timbre_artefact_numbers_see_noise_band_limits_codecs_clipping_and_combs():
    from hear_lite import degrade
    source, rng = sources.TimbreSource().eval(), np.random.default_rng(0)
    song = synthetic_song(30.0, modulate=True)
    names = ("cliff", "wide_cliff", "dead", "bass", "high", "holes", "flat", "floor_high", "floor", "crest",
             "at_peak", "rough_mid", "rough_high", "flicker", "last", "cuts")
    artefacts = lambda a: dict(zip(names, run(source, a)[0, 152:] / 0.25))
    clean = artefacts(song)
    noisy = artefacts(degrade.added_noise(song, RATE, 1.0, rng))
    assert noisy["dead"] < 0.1 < clean["dead"] and noisy["high"] > clean["high"] + 1  # noise fills the top
    limited = artefacts(degrade.band_limit(song, RATE, 1.0, rng))
    assert limited["wide_cliff"] > clean["wide_cliff"] + 1 and limited["bass"] < clean["bass"] - 2
    assert artefacts(degrade.low_bitrate(song, RATE, 1.0, rng))["wide_cliff"] > clean["wide_cliff"] + 0.8
    clipped = artefacts(degrade.clipping(song, RATE, 1.0, rng))
    assert clipped["at_peak"] > 10 * (clean["at_peak"] + 0.1) and clipped["crest"] < clean["crest"] - 0.5
    assert artefacts(degrade.metallic(song, RATE, 1.0, rng))["rough_high"] > clean["rough_high"] + 0.3
    assert artefacts(degrade.robotic(song, RATE, 1.0, rng))["rough_mid"] > clean["rough_mid"] + 0.3
    faded = (song * np.minimum(1, np.linspace(8, 0, len(song)))).astype(np.float32)
    assert artefacts(degrade.cut_ending(faded, RATE, 1.0, rng))["last"] > artefacts(faded)["last"] + 1


def framed_runs(source, waves: list[np.ndarray]) -> tuple[list[dict], list[dict]]:
    """Feeds of the frames graph and the call graph for each wave (a whole call)."""
    with torch.no_grad():
        calls = [{"waveform": w, "frames": source.frames(torch.from_numpy(w)).numpy()} for w in waves]
    return [{"waveform": w} for w in waves], calls


@pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason()))
@pytest.mark.parametrize("name", list(sources.SOURCES))
def test_onnx_export_matches_pytorch(name, tmp_path):
    source, frames_path, call_path = sources.SOURCES[name]().eval(), tmp_path / "frames.onnx", tmp_path / "call.onnx"
    export_framed_source(source, frames_path, call_path, RATE)  # raises above 1e-4
    one_frame = np.random.default_rng(2).uniform(-0.5, 0.5, (1, 1025)).astype(np.float32)  # the shortest tail
    frames_runs, call_runs = framed_runs(source, [one_frame])
    assert check_graph(SourceStage(source, "frames"), frames_path, frames_runs, "frames") < 1e-4
    assert check_graph(SourceStage(source, "call"), call_path, call_runs, "features") < 1e-4
    # Every call graph takes the waveform, also one that does not read it (harmony's), so both are fed alike.
    assert [i.name for i in onnx.load(str(call_path)).graph.input] == ["waveform", "frames"]


@pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason()))
def test_onnx_form_numbers_match_pytorch_on_a_long_call(tmp_path):
    # export_framed_source validates calls of 0.1 and 3 s, too short for a repeat; this one repeats and changes key.
    source, frames_path, call_path = sources.HarmonySource().eval(), tmp_path / "frames.onnx", tmp_path / "call.onnx"
    export_framed_source(source, frames_path, call_path, RATE, validate=False)
    moved = np.concatenate([synthetic_song(32.0), synthetic_song(24.0, modulate=True)[8 * RATE:]])
    _, call_runs = framed_runs(source, [moved[None].astype(np.float32)])
    assert check_graph(SourceStage(source, "call"), call_path, call_runs, "features") < 1e-4
