"""The split head equals hear_tools' HearHead; stream features follow the bundle's scale rules."""
import numpy as np
import torch

from hear_lite import model
from hear_tools.head import HearHead

from .conftest import RATE, synthetic_song


def test_pooled_then_score_equals_the_released_forward():
    torch.manual_seed(0)
    head = model.LiteHead(model.LITE_CONFIG).eval()
    reference = HearHead(model.LITE_CONFIG).eval()
    reference.load_state_dict(head.state_dict(), strict=True)  # same parameter names
    x = torch.randn(3, 40, model.INPUT_DIM)
    lengths = torch.tensor([40, 31, 9])
    with torch.no_grad():
        pooled = head.pooled(x, lengths)
        assert pooled.shape == (3, 2 * 2 * model.LITE_CONFIG.encoder_dim)
        torch.testing.assert_close(head.score(pooled), reference(x, lengths), rtol=0, atol=1e-6)


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
