"""CIFAR-10/100 from miniature pickled batches in the real files' format."""
import os

import numpy as np
import pytest

from ember.vision import datasets, transforms
from tests.vision._helpers import cifar_batch, md5, needs_pil, write_cifar10, write_pickle


def _unchecked(cls, root=None):
    """The class with checksums switched off (our miniature files are not the published ones)."""
    return type(cls.__name__, (cls,), {
        "train_list": [[n, None] for n, _ in cls.train_list], "test_list": [[n, None] for n, _ in cls.test_list],
        "meta": dict(cls.meta, md5=None)})


@needs_pil
def test_cifar10_items_layout_and_repr(tmp_path):
    batches = write_cifar10(str(tmp_path))
    cls = _unchecked(datasets.CIFAR10)
    train = cls(str(tmp_path), train=True)
    test = cls(str(tmp_path), train=False, transform=transforms.ToTensor())
    assert len(train) == 10 and len(test) == 3
    assert train.data.shape == (10, 32, 32, 3) and train.data.dtype == np.uint8  # NumPy HWC, as torchvision
    assert train.targets == sum((batches[f"data_batch_{i}"]["labels"] for i in range(1, 6)), [])
    assert train.classes[3] == "cat" and train.class_to_idx["truck"] == 9
    # stored rows are 1024 red, 1024 green, 1024 blue values, each plane row-major
    row = batches["data_batch_2"]["data"][1]
    img, label = train[3]
    assert img.mode == "RGB" and img.size == (32, 32) and label == batches["data_batch_2"]["labels"][1]
    pixels = np.asarray(img)
    assert pixels[0, 0].tolist() == [row[0], row[1024], row[2048]]
    assert pixels[2, 5].tolist() == [row[2 * 32 + 5], row[1024 + 69], row[2048 + 69]]
    x, _ = test[0]
    assert tuple(x.shape) == (3, 32, 32)
    np.testing.assert_array_equal(x.numpy(), batches["test_batch"]["data"][0].reshape(3, 32, 32) / np.float32(255))
    assert repr(test) == (f"Dataset CIFAR10\n    Number of datapoints: 3\n    Root location: {tmp_path}\n"
                          "    Split: Test\n    StandardTransform\nTransform: ToTensor()")


def test_cifar100_fine_labels(tmp_path):
    folder = str(tmp_path / "cifar-100-python")
    train = cifar_batch(4, 1, label_key="fine_labels", n_classes=100)
    write_pickle(os.path.join(folder, "train"), train)
    write_pickle(os.path.join(folder, "test"), cifar_batch(2, 2, label_key="fine_labels", n_classes=100))
    write_pickle(os.path.join(folder, "meta"), {"fine_label_names": [f"c{i}" for i in range(100)],
                                                "coarse_label_names": [f"s{i}" for i in range(20)]})
    ds = _unchecked(datasets.CIFAR100)(str(tmp_path))
    assert len(ds) == 4 and ds.targets == train["fine_labels"] and len(ds.classes) == 100


def test_cifar_missing_or_corrupted(tmp_path):
    msg = r"^Dataset not found or corrupted. You can use download=True to download it$"
    with pytest.raises(RuntimeError, match=msg):
        datasets.CIFAR10(str(tmp_path))
    write_cifar10(str(tmp_path))  # present, but not the published files: checksums fail
    with pytest.raises(RuntimeError, match=msg):
        datasets.CIFAR10(str(tmp_path))
    folder = tmp_path / "cifar-10-batches-py"
    verified = type("CIFAR10", (datasets.CIFAR10,), {
        "train_list": [[n, md5(str(folder / n))] for n, _ in datasets.CIFAR10.train_list],
        "test_list": [["test_batch", md5(str(folder / "test_batch"))]]})
    with pytest.raises(RuntimeError, match="^Dataset metadata file not found or corrupted"):
        verified(str(tmp_path))  # meta md5 still the published one
