"""Tensor transforms against PyTorch itself (F.interpolate, F.pad, float division); skipped without torch."""
import numpy as np
import pytest

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as TF

torch = pytest.importorskip("torch")
import torch.nn.functional as tF  # noqa: E402

X = np.random.default_rng(0).random((2, 3, 13, 17)).astype(np.float32)
SIZES = [(5, 7), (13, 30), (29, 6), (40, 40)]


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("antialias", [True, False])
@pytest.mark.parametrize("size", SIZES)
def test_resize_matches_interpolate(mode, antialias, size):
    ours = TF.resize(ember.from_numpy(X), list(size), T.InterpolationMode(mode), antialias=antialias).numpy()
    theirs = tF.interpolate(torch.from_numpy(X), size=size, mode=mode, align_corners=False, antialias=antialias)
    np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-5, atol=2e-6)


@pytest.mark.parametrize("mode", ["nearest", "nearest-exact"])
@pytest.mark.parametrize("size", SIZES)
def test_nearest_matches_interpolate_exactly(mode, size):
    ours = TF.resize(ember.from_numpy(X), list(size), T.InterpolationMode(mode)).numpy()
    theirs = tF.interpolate(torch.from_numpy(X), size=size, mode=mode)
    np.testing.assert_array_equal(ours, theirs.numpy())


@pytest.mark.parametrize("mode,torch_mode", [("reflect", "reflect"), ("edge", "replicate")])
def test_pad_matches_torch(mode, torch_mode):
    ours = TF.pad(ember.from_numpy(X), [2, 3, 4, 1], padding_mode=mode).numpy()  # left, top, right, bottom
    theirs = tF.pad(torch.from_numpy(X), (2, 4, 3, 1), mode=torch_mode)  # left, right, top, bottom
    np.testing.assert_array_equal(ours, theirs.numpy())


def test_to_tensor_and_normalize_bitwise():
    arr = np.arange(256, dtype=np.uint8).reshape(16, 16)
    ours = T.Normalize((0.1307,), (0.3081,))(T.ToTensor()(arr)).numpy()
    t = torch.from_numpy(arr[None].copy()).to(torch.float32).div(255)
    theirs = t.sub_(torch.tensor([0.1307]).view(-1, 1, 1)).div_(torch.tensor([0.3081]).view(-1, 1, 1))
    np.testing.assert_array_equal(ours, theirs.numpy())
