"""MNIST and its drop-in relatives (FashionMNIST, KMNIST, EMNIST), read from IDX files.

The on-disk layout is torchvision's, so a data folder torchvision filled is reused as is:
``root/MNIST/raw/train-images-idx3-ubyte`` (or the ``.gz`` beside it, read transparently).

IDX format (LeCun's): a 4-byte big-endian magic ``0x0000TTDD`` (TT = element type, DD = number of
dimensions), then DD big-endian uint32 sizes, then the values, big-endian, row-major.
"""
import gzip
import os
import shutil
import string
import warnings

import numpy as np

import ember
from ember.vision._pil import pil_image
from ember.vision.datasets._download import (check_integrity, download_from_mirrors, extract_archive,
                                             download_and_extract_archive, verify_str_arg)
from ember.vision.datasets.vision import VisionDataset

# IDX element-type byte -> big-endian NumPy dtype
_IDX_TYPES = {0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
              0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def _read_maybe_compressed(path):
    """The bytes of ``path``, gunzipped if they are gzip data (or if only ``path + '.gz'`` exists)."""
    path = os.fspath(path)
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path = path + ".gz"
    with open(path, "rb") as f:
        data = f.read()
    # NOTE: sniff the gzip magic rather than trust the name: files are sometimes renamed.
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data


def read_sn3_pascalvincent_tensor(path, strict=True):
    """Parse an IDX file (plain or gzipped) into an ember Tensor of its type and shape."""
    data = _read_maybe_compressed(path)
    if len(data) < 4:
        raise ValueError(f"{path} is not an IDX file: it is only {len(data)} bytes long")
    magic = int.from_bytes(data[:4], "big")
    type_code, ndim = (magic >> 8) & 0xFF, magic & 0xFF
    if magic >> 16 != 0 or type_code not in _IDX_TYPES or not 1 <= ndim <= 3:
        raise ValueError(f"{path} is not an IDX file: bad magic number 0x{magic:08X} "
                         "(expected 0x000008DD..0x00000EDD with 1 to 3 dimensions)")
    header = 4 * (ndim + 1)
    if len(data) < header:
        raise ValueError(f"{path}: truncated IDX header")
    shape = tuple(int.from_bytes(data[4 * (i + 1): 4 * (i + 2)], "big") for i in range(ndim))
    dtype = _IDX_TYPES[type_code]
    count = int(np.prod(shape))
    available = (len(data) - header) // dtype.itemsize
    if available < count or (strict and available != count):
        raise ValueError(f"{path}: the IDX header promises shape {shape} ({count} values) "
                         f"but the file holds {available}")
    arr = np.frombuffer(data, dtype=dtype, count=count, offset=header).reshape(shape)
    # native byte order (a copy): ember arrays are always native-endian and writable
    return ember.from_numpy(arr.astype(dtype.newbyteorder("="), copy=True))


def read_label_file(path):
    x = read_sn3_pascalvincent_tensor(path, strict=False)
    if x.dtype != ember.uint8:
        raise TypeError(f"x should be of dtype {ember.uint8} instead of {x.dtype}")
    if x.ndimension() != 1:
        raise ValueError(f"x should have 1 dimension instead of {x.ndimension()}")
    return x.long()


def read_image_file(path):
    x = read_sn3_pascalvincent_tensor(path, strict=False)
    if x.dtype != ember.uint8:
        raise TypeError(f"x should be of dtype {ember.uint8} instead of {x.dtype}")
    if x.ndimension() != 3:
        raise ValueError(f"x should have 3 dimension instead of {x.ndimension()}")
    return x


class MNIST(VisionDataset):
    """`MNIST <http://yann.lecun.com/exdb/mnist/>`_: 60,000 training and 10,000 test 28x28 digits.

    Args:
        root: folder holding ``MNIST/raw/train-images-idx3-ubyte`` etc. (torchvision's layout).
        train: the training split if True, else the test split.
        transform: applied to the PIL image ('L' mode) of each item, e.g. ``transforms.ToTensor()``.
        target_transform: applied to the int label.
        download: fetch the files from ``mirrors`` (tried in order) if they are not in ``root``.

    ``data`` is a uint8 tensor ``[N, 28, 28]``, ``targets`` an int64 tensor ``[N]``.

    >>> from ember.vision import datasets, transforms
    >>> train = datasets.MNIST("data", train=True, download=True, transform=transforms.ToTensor())  # doctest: +SKIP
    >>> image, label = train[0]   # doctest: +SKIP
    >>> image.shape, image.dtype, label   # doctest: +SKIP
    (ember.Size([1, 28, 28]), ember.float32, 5)
    """

    mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    training_file = "training.pt"
    test_file = "test.pt"
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
               "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if self._check_exists():
            self.data, self.targets = self._load_data()
        elif self._check_legacy_exist():
            # NOTE: torchvision < 0.9 cached (data, targets) in processed/*.pt; read them only when
            # the raw files are gone (raw first: it needs no PyTorch-format loader).
            self.data, self.targets = self._load_legacy_data()
        else:
            raise RuntimeError("Dataset not found. You can use download=True to download it")

    # -- torchvision's deprecated aliases
    @property
    def train_labels(self):
        warnings.warn("train_labels has been renamed targets")
        return self.targets

    @property
    def test_labels(self):
        warnings.warn("test_labels has been renamed targets")
        return self.targets

    @property
    def train_data(self):
        warnings.warn("train_data has been renamed data")
        return self.data

    @property
    def test_data(self):
        warnings.warn("test_data has been renamed data")
        return self.data

    @property
    def raw_folder(self):
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def processed_folder(self):
        return os.path.join(self.root, type(self).__name__, "processed")

    @property
    def class_to_idx(self):
        return {_class: i for i, _class in enumerate(self.classes)}

    def _raw_files(self):
        """The decompressed file names of the resources (what the parser opens)."""
        return [os.path.splitext(os.path.basename(name))[0] for name, _ in self.resources]

    def _check_exists(self):
        # a raw file counts as present extracted or still gzipped
        return all(check_integrity(os.path.join(self.raw_folder, f)) or
                   check_integrity(os.path.join(self.raw_folder, f + ".gz")) for f in self._raw_files())

    def _check_legacy_exist(self):
        return all(check_integrity(os.path.join(self.processed_folder, f))
                   for f in (self.training_file, self.test_file))

    def _load_legacy_data(self):
        data_file = self.training_file if self.train else self.test_file
        return ember.load(os.path.join(self.processed_folder, data_file), weights_only=True)

    def _load_data(self):
        split = "train" if self.train else "t10k"
        data = read_image_file(os.path.join(self.raw_folder, f"{split}-images-idx3-ubyte"))
        targets = read_label_file(os.path.join(self.raw_folder, f"{split}-labels-idx1-ubyte"))
        return data, targets

    def __getitem__(self, index):
        img, target = self.data[index], int(self.targets[index])
        # a PIL image, as every torchvision dataset returns, so the same transforms apply
        img = pil_image().fromarray(img.numpy())  # 2-D uint8: mode "L" (no mode argument: Pillow deprecates it)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)

    def download(self):
        """Download the files that are missing, trying each mirror in turn, and gunzip them."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            urls = [mirror + filename for mirror in self.mirrors]
            fpath = download_from_mirrors(urls, self.raw_folder, filename, md5)
            extract_archive(fpath, self.raw_folder)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


class FashionMNIST(MNIST):
    """`Fashion-MNIST <https://github.com/zalandoresearch/fashion-mnist>`_: MNIST's format, clothing."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]


class KMNIST(MNIST):
    """`Kuzushiji-MNIST <https://github.com/rois-codh/kmnist>`_: MNIST's format, cursive Japanese."""

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    ]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


class EMNIST(MNIST):
    """`EMNIST <https://www.nist.gov/itl/products-and-services/emnist-dataset>`_: letters and digits.

    ``split`` is one of ``byclass``, ``bymerge``, ``balanced``, ``letters``, ``digits``, ``mnist``.
    Files: ``root/EMNIST/raw/emnist-<split>-<train|test>-images-idx3-ubyte``. As in torchvision the
    images are stored transposed (the NIST convention); transpose them in a transform if needed.
    """

    url = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"
    md5 = "58c8d27c78d21e728a6bc7b3cc06412e"
    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    # letters whose upper and lower case look alike are merged into one class
    _merged_classes = {"c", "i", "j", "k", "l", "m", "o", "p", "s", "u", "v", "w", "x", "y", "z"}
    _all_classes = set(string.digits + string.ascii_letters)
    classes_split_dict = {
        "byclass": sorted(_all_classes),
        "bymerge": sorted(_all_classes - _merged_classes),
        "balanced": sorted(_all_classes - _merged_classes),
        "letters": ["N/A"] + list(string.ascii_lowercase),
        "digits": list(string.digits),
        "mnist": list(string.digits),
    }

    def __init__(self, root, split, **kwargs):
        self.split = verify_str_arg(split, "split", self.splits)
        self.training_file = f"training_{split}.pt"
        self.test_file = f"test_{split}.pt"
        super().__init__(root, **kwargs)
        self.classes = self.classes_split_dict[self.split]

    @property
    def _file_prefix(self):
        return f"emnist-{self.split}-{'train' if self.train else 'test'}"

    @property
    def images_file(self):
        return os.path.join(self.raw_folder, f"{self._file_prefix}-images-idx3-ubyte")

    @property
    def labels_file(self):
        return os.path.join(self.raw_folder, f"{self._file_prefix}-labels-idx1-ubyte")

    def _load_data(self):
        return read_image_file(self.images_file), read_label_file(self.labels_file)

    def _check_exists(self):
        return all(check_integrity(f) or check_integrity(f + ".gz") for f in (self.images_file, self.labels_file))

    def download(self):
        """Download NIST's gzip.zip (all splits), unpack every .gz member into raw/, drop the rest."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        download_and_extract_archive(self.url, download_root=self.raw_folder, md5=self.md5)
        gzip_folder = os.path.join(self.raw_folder, "gzip")
        for name in sorted(os.listdir(gzip_folder)):
            if name.endswith(".gz"):
                extract_archive(os.path.join(gzip_folder, name), self.raw_folder)
        shutil.rmtree(gzip_folder)
