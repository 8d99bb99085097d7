"""SVHN (.mat through SciPy) and STL-10 (raw binary) from miniature files in the real formats."""
import importlib.util
import os
import sys

import numpy as np
import pytest

from ember.vision import datasets, transforms
from tests.vision._helpers import http_server, md5, needs_pil

needs_scipy = pytest.mark.skipif(importlib.util.find_spec("scipy") is None, reason="needs SciPy")


def _write_svhn(path, n, seed):
    from scipy.io import savemat
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 256, (32, 32, 3, n), dtype=np.uint8)
    y = rng.integers(1, 11, (n, 1)).astype(np.uint8)
    y[0] = 10  # the files store digit 0 as 10
    os.makedirs(os.path.dirname(path), exist_ok=True)
    savemat(path, {"X": X, "y": y})
    return X, y


def _svhn_without_checksums():
    return type("SVHN", (datasets.SVHN,), {"split_list": {k: v[:2] + [None] for k, v in
                                                           datasets.SVHN.split_list.items()}})


@needs_pil
@needs_scipy
def test_svhn_reads_mat_files(tmp_path):
    X, y = _write_svhn(str(tmp_path / "test_32x32.mat"), 5, 0)
    ds = _svhn_without_checksums()(str(tmp_path), split="test", transform=transforms.ToTensor())
    assert len(ds) == 5 and ds.data.shape == (5, 3, 32, 32) and ds.labels.dtype == np.int64
    assert ds.labels[0] == 0 and ds.labels.tolist()[1:] == [v % 10 for v in y[1:, 0].tolist()]
    img, label = ds[2]
    np.testing.assert_array_equal(img.numpy(), X[:, :, :, 2].transpose(2, 0, 1) / np.float32(255))
    assert label == y[2, 0] % 10
    assert repr(ds).splitlines()[3] == "    Split: test"
    with pytest.raises(ValueError, match="Unknown value 'valid' for argument split"):
        datasets.SVHN(str(tmp_path), split="valid")
    with pytest.raises(RuntimeError, match="^Dataset not found or corrupted"):
        datasets.SVHN(str(tmp_path), split="test")  # our file is not the published one: MD5 differs


@needs_scipy
def test_svhn_downloads_and_verifies(tmp_path):
    served = tmp_path / "served"
    _write_svhn(str(served / "train_32x32.mat"), 3, 1)
    digest = md5(str(served / "train_32x32.mat"))
    with http_server(str(served)) as url:
        cls = type("SVHN", (datasets.SVHN,), {"split_list": {"train": [url + "train_32x32.mat", "train_32x32.mat",
                                                                       digest]}})
        ds = cls(str(tmp_path / "root"), split="train", download=True)
    assert len(ds) == 3 and md5(str(tmp_path / "root" / "train_32x32.mat")) == digest


def test_svhn_without_scipy_names_it(tmp_path, monkeypatch):
    (tmp_path / "test_32x32.mat").write_bytes(b"not read")
    monkeypatch.setitem(sys.modules, "scipy.io", None)
    monkeypatch.setitem(sys.modules, "scipy", None)
    with pytest.raises(ImportError, match="needs SciPy: pip install scipy"):
        _svhn_without_checksums()(str(tmp_path), split="test")


def _write_stl10(root, n_train=4, n_test=3, n_unlabeled=2):
    folder = os.path.join(root, "stl10_binary")
    os.makedirs(folder)
    rng = np.random.default_rng(3)
    arrays = {}
    for name, n in (("train", n_train), ("test", n_test), ("unlabeled", n_unlabeled)):
        # stored per image as 3 planes, each 96x96 column-major
        images = rng.integers(0, 256, (n, 3, 96, 96), dtype=np.uint8)
        images.transpose(0, 1, 3, 2).tofile(os.path.join(folder, f"{name}_X.bin"))
        arrays[name] = images
        if name != "unlabeled":
            labels = rng.integers(1, 11, n).astype(np.uint8)
            labels.tofile(os.path.join(folder, f"{name}_y.bin"))
            arrays[name + "_y"] = labels
    with open(os.path.join(folder, "class_names.txt"), "w") as f:
        f.write("\n".join(f"class{i}" for i in range(10)) + "\n")
    with open(os.path.join(folder, "fold_indices.txt"), "w") as f:
        f.write("\n".join(" ".join(str(j) for j in ([i % n_train, (i + 1) % n_train])) for i in range(10)) + "\n")
    return arrays


@needs_pil
def test_stl10_splits_folds_and_layout(tmp_path):
    arrays = _write_stl10(str(tmp_path))
    cls = type("STL10", (datasets.STL10,), {"train_list": [[n, None] for n, _ in datasets.STL10.train_list],
                                            "test_list": [[n, None] for n, _ in datasets.STL10.test_list]})
    train = cls(str(tmp_path), split="train")
    assert len(train) == 4 and train.classes[3] == "class3"
    np.testing.assert_array_equal(train.data, arrays["train"])
    img, label = train[1]
    assert img.size == (96, 96) and np.array_equal(np.asarray(img), arrays["train"][1].transpose(1, 2, 0))
    assert label == arrays["train_y"][1] - 1
    fold = cls(str(tmp_path), split="train", folds=3)
    assert len(fold) == 2 and np.array_equal(fold.data, arrays["train"][[3, 0]])
    both = cls(str(tmp_path), split="train+unlabeled")
    assert len(both) == 6 and both.labels.tolist()[-2:] == [-1, -1]
    assert cls(str(tmp_path), split="unlabeled")[0][1] == -1
    assert len(cls(str(tmp_path), split="test")) == 3
    with pytest.raises(ValueError, match=r"^Value for argument folds should be in the range \[0, 10\), but got 10.$"):
        cls(str(tmp_path), folds=10)
    with pytest.raises(RuntimeError, match="^Dataset not found or corrupted"):
        datasets.STL10(str(tmp_path))
