"""Digits: scikit-learn's 1,797 8x8 digits behind MNIST's interface."""
import sys

import numpy as np
import pytest

import ember
from ember.vision import datasets, transforms

pytest.importorskip("PIL")


def test_digits_split_and_values():
    sk = pytest.importorskip("sklearn.datasets").load_digits()
    train = datasets.Digits(train=True)
    test = datasets.Digits("unused-root", train=False)
    assert (len(train), len(test)) == (1437, 360) and len(train) + len(test) == 1797
    assert train.data.dtype == ember.uint8 and tuple(train.data.shape) == (1437, 8, 8)
    order = np.random.default_rng(0).permutation(1797)
    np.testing.assert_array_equal(test.data.numpy(), np.round(sk.images[order[1437:]] * 255 / 16).astype(np.uint8))
    assert train.targets.dtype == ember.int64 and train.targets.tolist() == sk.target[order[:1437]].tolist()
    assert int(train.data.max()) == 255
    img, label = test[0]
    assert img.mode == "L" and img.size == (8, 8) and type(label) is int and label == sk.target[order[1437]]
    assert repr(test) == ("Dataset Digits\n    Number of datapoints: 360\n    Root location: unused-root\n"
                          "    Split: Test\n    Image size: 8x8")


def test_digits_size_28_feeds_an_mnist_model():
    pytest.importorskip("sklearn")
    ds = datasets.Digits(train=False, size=28, transform=transforms.ToTensor())
    x, _ = ds[5]
    assert tuple(x.shape) == (1, 28, 28) and tuple(ds.data.shape) == (360, 28, 28)
    small = datasets.Digits(train=False).data.numpy()[5].astype(np.float64)
    # corners of the bilinear upsample are the corner pixels (half-pixel centres, edge clamp)
    big = ds.data.numpy()[5]
    assert big[0, 0] == small[0, 0] and big[-1, -1] == small[-1, -1]
    assert abs(big.astype(np.float64).mean() - small.mean()) < 6


def test_digits_without_sklearn(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match="pip install scikit-learn"):
        datasets.Digits()
