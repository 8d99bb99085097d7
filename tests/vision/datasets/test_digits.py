"""Digits: the 1,797 8x8 UCI digits ember ships, behind MNIST's interface."""
import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest

import ember
from ember.vision import datasets, transforms

pytest.importorskip("PIL")


def _shipped():
    from ember.vision.datasets.digits import _load_digits
    images, labels = _load_digits()
    return images, labels


def test_shipped_file_is_the_uci_digits():
    images, labels = _shipped()
    assert images.shape == (1797, 8, 8) and labels.shape == (1797,)
    # recorded from sklearn.datasets.load_digits() (scripts/make_digits_npz.py)
    digest = hashlib.sha256(images.astype(np.uint8).tobytes() + labels.astype(np.uint8).tobytes()).hexdigest()
    assert digest == '87ff0c9e40dc7e2c0e34e7257799c2e3f3aec1a016363bb11cad869ec428a826'
    assert int(images.sum()) == 561718 and np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179,
                                                                              174, 180]
    here = os.path.dirname(datasets.digits.__file__)
    assert os.path.getsize(os.path.join(here, '_data', 'digits.npz')) < 100_000
    licence = open(os.path.join(here, '_data', 'DIGITS_LICENSE.txt')).read()
    assert 'CC BY 4.0' in licence and 'Alpaydin' in licence
    sk = pytest.importorskip("sklearn.datasets")   # and, where scikit-learn is installed, its copy
    bunch = sk.load_digits()
    np.testing.assert_array_equal(images, bunch.images)
    np.testing.assert_array_equal(labels, bunch.target)


def test_digits_split_and_values():
    images, target = _shipped()
    train = datasets.Digits(train=True)
    test = datasets.Digits("unused-root", train=False)
    assert (len(train), len(test)) == (1437, 360) and len(train) + len(test) == 1797
    assert train.data.dtype == ember.uint8 and tuple(train.data.shape) == (1437, 8, 8)
    order = np.random.default_rng(0).permutation(1797)
    np.testing.assert_array_equal(test.data.numpy(), np.round(images[order[1437:]] * 255 / 16).astype(np.uint8))
    assert train.targets.dtype == ember.int64 and train.targets.tolist() == target[order[:1437]].tolist()
    assert int(train.data.max()) == 255
    img, label = test[0]
    assert img.mode == "L" and img.size == (8, 8) and type(label) is int and label == target[order[1437]]
    assert repr(test) == ("Dataset Digits\n    Number of datapoints: 360\n    Root location: unused-root\n"
                          "    Split: Test\n    Image size: 8x8")


def test_digits_size_28_feeds_an_mnist_model():
    ds = datasets.Digits(train=False, size=28, transform=transforms.ToTensor())
    x, _ = ds[5]
    assert tuple(x.shape) == (1, 28, 28) and tuple(ds.data.shape) == (360, 28, 28)
    small = datasets.Digits(train=False).data.numpy()[5].astype(np.float64)
    # corners of the bilinear upsample are the corner pixels (half-pixel centres, edge clamp)
    big = ds.data.numpy()[5]
    assert big[0, 0] == small[0, 0] and big[-1, -1] == small[-1, -1]
    assert abs(big.astype(np.float64).mean() - small.mean()) < 6


def test_digits_need_no_scikit_learn():
    code = ("import sys; sys.modules['sklearn'] = None; sys.modules['scipy'] = None\n"
            "from ember.vision import datasets\n"
            "print(len(datasets.Digits(train=True)), len(datasets.Digits(train=False)))")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ['1437', '360']
