"""MNIST family: IDX parsing (plain and gzip), torchvision's layout, items, reprs, errors."""
import os

import numpy as np
import pytest

import ember
from ember.vision import datasets, transforms
from ember.vision.datasets.mnist import read_image_file, read_label_file, read_sn3_pascalvincent_tensor
from tests.vision._helpers import idx_bytes, needs_pil, write_idx, write_mnist_raw


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_idx_roundtrip_every_type(tmp_path, gz, dtype):
    arr = (np.arange(24).reshape(2, 3, 4) - 7).astype(dtype)
    path = write_idx(str(tmp_path / ("x.idx" + (".gz" if gz else ""))), arr, gz)
    t = read_sn3_pascalvincent_tensor(path)
    assert t.shape == (2, 3, 4)
    assert t.numpy().dtype == np.dtype(dtype)  # native byte order, values intact
    np.testing.assert_array_equal(t.numpy(), arr)


def test_idx_header_is_big_endian(tmp_path):
    data = idx_bytes(np.array([1, 258], dtype=np.int16))
    assert data[:4] == b"\x00\x00\x0b\x01" and data[4:8] == b"\x00\x00\x00\x02"
    assert data[8:] == b"\x00\x01\x01\x02"
    (tmp_path / "a").write_bytes(data)
    assert read_sn3_pascalvincent_tensor(str(tmp_path / "a")).tolist() == [1, 258]


def test_idx_gzip_found_beside_missing_plain_file(tmp_path):
    write_idx(str(tmp_path / "lab.gz"), np.array([3, 1, 4], np.uint8), gz=True)
    labels = read_label_file(str(tmp_path / "lab"))
    assert labels.dtype == ember.int64 and labels.tolist() == [3, 1, 4]


def test_idx_errors(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x12\x34\x08\x01" + b"\x00" * 8)
    with pytest.raises(ValueError, match="bad magic number 0x12340801"):
        read_sn3_pascalvincent_tensor(str(tmp_path / "bad"))
    (tmp_path / "short").write_bytes(idx_bytes(np.zeros((2, 2, 2), np.uint8))[:-3])
    with pytest.raises(ValueError, match=r"promises shape \(2, 2, 2\) \(8 values\) but the file holds 5"):
        read_sn3_pascalvincent_tensor(str(tmp_path / "short"))
    write_idx(str(tmp_path / "img2d"), np.zeros((2, 2), np.uint8))
    with pytest.raises(ValueError, match="x should have 3 dimension instead of 2"):
        read_image_file(str(tmp_path / "img2d"))
    write_idx(str(tmp_path / "f"), np.zeros(3, np.float32))
    with pytest.raises(TypeError, match="x should be of dtype ember.uint8 instead of ember.float32"):
        read_label_file(str(tmp_path / "f"))


@pytest.mark.parametrize("gz", [False, True])
@needs_pil
def test_mnist_reads_torchvision_layout(tmp_path, gz):
    arrays = write_mnist_raw(str(tmp_path / "MNIST" / "raw"), gz=gz)
    train = datasets.MNIST(str(tmp_path), train=True)
    test = datasets.MNIST(str(tmp_path), train=False)
    assert len(train) == 6 and len(test) == 4
    assert train.data.dtype == ember.uint8 and tuple(train.data.shape) == (6, 28, 28)
    assert train.targets.dtype == ember.int64
    np.testing.assert_array_equal(test.data.numpy(), arrays["t10k"][0])
    assert train.targets.tolist() == arrays["train"][1].tolist()
    img, label = train[2]
    assert img.mode == "L" and img.size == (28, 28)
    assert type(label) is int and label == arrays["train"][1][2]
    np.testing.assert_array_equal(np.asarray(img), arrays["train"][0][2])


@needs_pil
def test_mnist_transforms_and_repr(tmp_path):
    images, labels = write_mnist_raw(str(tmp_path / "MNIST" / "raw"))["train"]
    ds = datasets.MNIST(str(tmp_path), train=True, transform=transforms.ToTensor(),
                        target_transform=lambda y: y + 100)
    x, y = ds[0]
    assert tuple(x.shape) == (1, 28, 28) and x.dtype == ember.float32
    np.testing.assert_array_equal(x.numpy()[0], images[0].astype(np.float32) / np.float32(255))
    assert y == labels[0] + 100
    ds = datasets.MNIST(str(tmp_path), train=True, transform=transforms.ToTensor())
    assert repr(ds) == (f"Dataset MNIST\n    Number of datapoints: 6\n    Root location: {tmp_path}\n"
                        "    Split: Train\n    StandardTransform\nTransform: ToTensor()")
    test = datasets.MNIST(str(tmp_path), train=False)
    assert repr(test) == f"Dataset MNIST\n    Number of datapoints: 4\n    Root location: {tmp_path}\n    Split: Test"


def test_mnist_repr_with_compose_and_target_transform(tmp_path):
    write_mnist_raw(str(tmp_path / "MNIST" / "raw"))
    t = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    ds = datasets.MNIST(str(tmp_path), transform=t, target_transform=transforms.Lambda(int))
    assert repr(ds).endswith("    StandardTransform\nTransform: Compose(\n               ToTensor()\n"
                             "               Normalize(mean=(0.1307,), std=(0.3081,))\n           )\n"
                             "Target transform: Lambda()")


def test_mnist_attributes(tmp_path):
    write_mnist_raw(str(tmp_path / "MNIST" / "raw"))
    ds = datasets.MNIST(str(tmp_path))
    assert ds.classes[0] == "0 - zero" and ds.class_to_idx["9 - nine"] == 9
    assert ds.raw_folder == os.path.join(str(tmp_path), "MNIST", "raw")
    with pytest.warns(UserWarning, match="train_labels has been renamed targets"):
        assert ds.train_labels is ds.targets


def test_missing_dataset_error(tmp_path):
    with pytest.raises(RuntimeError, match=r"^Dataset not found. You can use download=True to download it$"):
        datasets.MNIST(str(tmp_path))
    write_idx(str(tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte"), np.zeros((1, 28, 28), np.uint8))
    with pytest.raises(RuntimeError, match="Dataset not found"):  # one file of four is not enough
        datasets.MNIST(str(tmp_path))


def test_root_expands_user(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    write_mnist_raw(str(tmp_path / "MNIST" / "raw"))
    assert datasets.MNIST("~").root == str(tmp_path)


def test_fashion_and_kmnist_use_their_own_folders(tmp_path):
    write_mnist_raw(str(tmp_path / "FashionMNIST" / "raw"))
    write_mnist_raw(str(tmp_path / "KMNIST" / "raw"), gz=True)
    fashion = datasets.FashionMNIST(str(tmp_path), train=False)
    kmnist = datasets.KMNIST(str(tmp_path))
    assert len(fashion) == 4 and fashion.classes[9] == "Ankle boot"
    assert len(kmnist) == 6 and kmnist.classes == ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]
    assert repr(fashion).startswith("Dataset FashionMNIST\n")
    with pytest.raises(RuntimeError, match="Dataset not found"):
        datasets.MNIST(str(tmp_path))


def test_emnist_split(tmp_path):
    write_mnist_raw(str(tmp_path / "EMNIST" / "raw"), prefix=("emnist-letters-train", "emnist-letters-test"))
    ds = datasets.EMNIST(str(tmp_path), split="letters", train=False)
    assert len(ds) == 4 and ds.classes[:3] == ["N/A", "a", "b"] and len(ds.classes) == 27
    assert ds.images_file.endswith("emnist-letters-test-images-idx3-ubyte")
    assert len(datasets.EMNIST.classes_split_dict["byclass"]) == 62
    assert len(datasets.EMNIST.classes_split_dict["balanced"]) == 47
    with pytest.raises(ValueError, match=r"Unknown value 'abc' for argument split. Valid values are "
                                         r"\{'byclass', 'bymerge', 'balanced', 'letters', 'digits', 'mnist'\}."):
        datasets.EMNIST(str(tmp_path), split="abc")
    with pytest.raises(RuntimeError, match="Dataset not found"):
        datasets.EMNIST(str(tmp_path), split="digits")


@needs_pil
def test_dataloader_batches_mnist(tmp_path):
    from ember.utils.data import DataLoader
    write_mnist_raw(str(tmp_path / "MNIST" / "raw"))
    loader = DataLoader(datasets.MNIST(str(tmp_path), transform=transforms.ToTensor()), batch_size=4)
    x, y = next(iter(loader))
    assert tuple(x.shape) == (4, 1, 28, 28) and x.dtype == ember.float32 and y.dtype == ember.int64
    assert len(loader) == 2


def test_legacy_processed_files_when_raw_is_gone(tmp_path):
    # torchvision < 0.9 kept only processed/{training,test}.pt: a (uint8 data, int64 targets) tuple
    processed = tmp_path / "MNIST" / "processed"
    processed.mkdir(parents=True)
    data = ember.arange(2 * 28 * 28).reshape(2, 28, 28).to(ember.uint8)
    ember.save((data, ember.tensor([4, 2])), str(processed / "training.pt"))
    ember.save((data[:1], ember.tensor([7])), str(processed / "test.pt"))
    ds = datasets.MNIST(str(tmp_path), train=True)
    assert ember.equal(ds.data, data) and ds.targets.tolist() == [4, 2]
    assert datasets.MNIST(str(tmp_path), train=False).targets.tolist() == [7]


def test_legacy_files_written_by_torch(tmp_path):
    torch = pytest.importorskip("torch")
    processed = tmp_path / "MNIST" / "processed"
    processed.mkdir(parents=True)
    for name, n in (("training.pt", 3), ("test.pt", 1)):
        torch.save((torch.full((n, 28, 28), 9, dtype=torch.uint8), torch.arange(n)), str(processed / name))
    ds = datasets.MNIST(str(tmp_path))
    assert ds.data.dtype == ember.uint8 and tuple(ds.data.shape) == (3, 28, 28) and ds.targets.tolist() == [0, 1, 2]
