"""CIFAR-10 and CIFAR-100 from the "python version" pickled batches (torchvision's layout).

``root/cifar-10-batches-py/{data_batch_1..5, test_batch, batches.meta}`` and
``root/cifar-100-python/{train, test, meta}``. Each batch is a pickled dict: ``data`` a uint8 array
``[N, 3072]`` (1024 red, then green, then blue values of a 32x32 image, row-major) and ``labels``
(CIFAR-10) or ``fine_labels`` (CIFAR-100) a list of ints.
"""
import os
import pickle

import numpy as np

from ember.vision._pil import pil_image
from ember.vision.datasets._download import check_integrity, download_and_extract_archive
from ember.vision.datasets.vision import VisionDataset


def load_cifar_batch(path):
    """One pickled CIFAR batch as a dict."""
    with open(path, "rb") as f:
        # NOTE: the batches were pickled by Python 2; latin1 maps its byte strings (and NumPy's
        # pickled buffers) 1:1 onto str, which is how they must be read under Python 3.
        return pickle.load(f, encoding="latin1")


class CIFAR10(VisionDataset):
    """`CIFAR-10 <https://www.cs.toronto.edu/~kriz/cifar.html>`_: 50,000 + 10,000 32x32 colour images.

    Args:
        root: folder holding ``cifar-10-batches-py`` (or where it is downloaded to).
        train: the five training batches if True, else the test batch.
        transform: applied to the PIL RGB image of each item.
        target_transform: applied to the int label.
        download: fetch and unpack ``url`` if the batches are missing or corrupted.

    ``data`` is a NumPy uint8 array ``[N, 32, 32, 3]`` (HWC, as torchvision), ``targets`` a list
    of ints, ``classes`` the names read from the meta file. Every file's MD5 is verified on load.
    """

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    mirrors = []  # more URLs to try after ``url``
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [
        ["data_batch_1", "c99cafc152244af753f735de768cd75f"],
        ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
        ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
        ["data_batch_4", "634d18415352ddfa80567beed471001a"],
        ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"],
    ]
    test_list = [
        ["test_batch", "40351d587109b95175f43aff81a1287e"],
    ]
    meta = {
        "filename": "batches.meta",
        "key": "label_names",
        "md5": "5ff9c542aee3614f3951f8cda6e48888",
    }

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it")
        data, self.targets = [], []
        for file_name, _ in (self.train_list if self.train else self.test_list):
            entry = load_cifar_batch(os.path.join(self.root, self.base_folder, file_name))
            data.append(entry["data"])
            self.targets.extend(entry["labels"] if "labels" in entry else entry["fine_labels"])
        # planes (CHW) as stored -> HWC, the layout PIL and torchvision's .data use
        self.data = np.vstack(data).reshape(-1, 3, 32, 32).transpose((0, 2, 3, 1))
        self._load_meta()

    def _load_meta(self):
        path = os.path.join(self.root, self.base_folder, self.meta["filename"])
        if not check_integrity(path, self.meta["md5"]):
            raise RuntimeError("Dataset metadata file not found or corrupted. You can use download=True to download it")
        self.classes = load_cifar_batch(path)[self.meta["key"]]
        self.class_to_idx = {_class: i for i, _class in enumerate(self.classes)}

    def __getitem__(self, index):
        img, target = self.data[index], self.targets[index]
        img = pil_image().fromarray(img)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)

    def _check_integrity(self):
        return all(check_integrity(os.path.join(self.root, self.base_folder, name), md5)
                   for name, md5 in self.train_list + self.test_list)

    def download(self):
        """Download and unpack the archive unless every batch is already there and verified."""
        if self._check_integrity():
            return
        download_and_extract_archive(self.url, self.root, filename=self.filename, md5=self.tgz_md5,
                                     _mirrors=self.mirrors)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


class CIFAR100(CIFAR10):
    """`CIFAR-100 <https://www.cs.toronto.edu/~kriz/cifar.html>`_: as CIFAR10 with 100 fine labels."""

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list = [
        ["train", "16019d7e3df5f24257cddd939b257f8d"],
    ]
    test_list = [
        ["test", "f0ef6b0ae62326f3e7ffdfab6717acfc"],
    ]
    meta = {
        "filename": "meta",
        "key": "fine_label_names",
        "md5": "7973b15100ade9c7d40fb424638fde48",
    }
