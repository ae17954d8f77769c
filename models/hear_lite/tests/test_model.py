"""The head split at the pooled vector (what C-Mixup mixes); stream features follow the bundle's scale rules."""
import numpy as np
import torch

from hear_lite import model
from hear_tools.head import HearHead

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
    with torch.no_grad():
        track_timbre = sources["timbre"](torch.from_numpy(audio)[None])[0].numpy()
        first_window_harmony = sources["harmony"](torch.from_numpy(audio[: 30 * RATE])[None])[0].numpy()
    # Streams: timbre@segment, harmony@segment, timbre@track, harmony@track.
    timbre, harmony = sources["timbre"].dim, sources["harmony"].dim
    np.testing.assert_allclose(feats[:, timbre + harmony: 2 * timbre + harmony], track_timbre, atol=1e-6)
    np.testing.assert_allclose(feats[:750, timbre: timbre + harmony], first_window_harmony, atol=1e-6)
