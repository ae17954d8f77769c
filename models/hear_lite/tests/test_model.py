"""The head split at the pooled vector (what C-Mixup mixes); stream features follow the bundle's scale rules."""
import numpy as np
import pytest
import torch

from hear_lite import model
from hear_tools.head import HearHead
from hear_tools.pipeline import PipelineError, run_stream, song_frames

from .conftest import RATE, synthetic_song


def test_pooled_then_score_is_the_forward_and_ignores_padding():
    torch.manual_seed(0)
    head = HearHead(model.LITE_CONFIG).eval()
    x = torch.randn(3, 40, model.INPUT_DIM)
    lengths = torch.tensor([40, 31, 9])
    with torch.no_grad():
        pooled = head.pooled(x, lengths)
        assert pooled.shape == (3, 2 * 2 * model.LITE_CONFIG.encoder_dim)
        torch.testing.assert_close(head.score(pooled), head(x, lengths), rtol=0, atol=0)
        for i, n in enumerate(lengths.tolist()):  # a padded row scores as the song alone
            torch.testing.assert_close(pooled[i: i + 1], head.pooled(x[i: i + 1, :n]), rtol=0, atol=1e-5)


def test_stream_features_shape_and_order():
    audio = synthetic_song(70.0)
    sources = model.build_sources()
    feats = model.stream_features(sources, audio)
    assert feats.shape == (70 * RATE // 960, model.INPUT_DIM)
    harmony_source = sources["harmony"]
    song, window = torch.from_numpy(audio)[None], torch.from_numpy(audio[: 30 * RATE])[None]
    with torch.no_grad():
        track_timbre = sources["timbre"](song)[0].numpy()
        first_window_harmony = harmony_source.call(window, harmony_source.frames(song)[:, :750])[0].numpy()
        window_alone = harmony_source(window)[0].numpy()
    # Streams: timbre@segment, harmony@segment, timbre@track, harmony@track.
    timbre, harmony = sources["timbre"].dim, sources["harmony"].dim
    np.testing.assert_allclose(feats[:, timbre + harmony: 2 * timbre + harmony], track_timbre, atol=1e-6)
    # A window's call reads its rows of the song's frames, which see past its end: only the chroma of its last
    # 9 frames (341 ms analysis windows) differs from the window's own frames.
    np.testing.assert_allclose(feats[:750, timbre: timbre + harmony], first_window_harmony, atol=1e-6)
    chroma_differs = np.abs(first_window_harmony[:, :12] - window_alone[:, :12]).max(axis=1) > 1e-5
    assert chroma_differs[-9:].any() and not chroma_differs[:-9].any()


def test_framed_windows_must_start_on_whole_frames():
    source, waveform = model.build_sources()["harmony"], torch.zeros(25 * RATE)
    odd = {"id": "odd", "kind": "window", "windowSeconds": 10, "hopSeconds": 10.02, "minTailSamples": 1025}
    with torch.no_grad(), pytest.raises(PipelineError, match="odd windows do not start on whole frames of 960 samples"):
        run_stream(source, waveform, odd, RATE, song_frames(source, waveform), 960)
