"""STL-10 binary format: ``root/stl10_binary/{train,test}_{X,y}.bin, unlabeled_X.bin, class_names.txt,
fold_indices.txt``. ``*_X.bin`` are uint8 images ``[N, 3, 96, 96]`` stored column-major per plane;
``*_y.bin`` uint8 labels 1..10.
"""
import os

import numpy as np

from ember.vision._pil import pil_image
from ember.vision.datasets._download import check_integrity, download_and_extract_archive, verify_str_arg
from ember.vision.datasets.vision import VisionDataset


class STL10(VisionDataset):
    """`STL-10 <https://cs.stanford.edu/~acoates/stl10/>`_: 96x96 images, 10 classes plus 100,000 unlabelled.

    Args:
        root: folder holding ``stl10_binary``.
        split: 'train', 'train+unlabeled', 'unlabeled' or 'test' (unlabelled items have target -1).
        folds: one of the ten predefined 1,000-image training folds (0-9), or None for all.
        transform / target_transform / download: as in the other datasets.
    """

    base_folder = "stl10_binary"
    url = "http://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz"
    filename = "stl10_binary.tar.gz"
    tgz_md5 = "91f7769df0f17e558f3565bffb0c7dfb"
    class_names_file = "class_names.txt"
    folds_list_file = "fold_indices.txt"
    train_list = [["train_X.bin", "918c2871b30a85fa023e0c44e0bee87f"],
                  ["train_y.bin", "5a34089d4802c674881badbb80307741"],
                  ["unlabeled_X.bin", "5242ba1fed5e4be9e1e742405eb56ca4"]]
    test_list = [["test_X.bin", "7f263ba9f9e0b06b93213547f721ac82"],
                 ["test_y.bin", "36f9794fa4beb8a2c72628de14fa638e"]]
    splits = ("train", "train+unlabeled", "unlabeled", "test")

    def __init__(self, root, split="train", folds=None, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.split = verify_str_arg(split, "split", self.splits)
        self.folds = self._verify_folds(folds)
        if download:
            self.download()
        elif not self._check_integrity():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it")
        if self.split in ("train", "train+unlabeled"):
            self.data, self.labels = self._load(self.train_list[0][0], self.train_list[1][0])
            self._load_folds(folds)
            if self.split == "train+unlabeled":
                unlabeled, _ = self._load(self.train_list[2][0])
                self.data = np.concatenate((self.data, unlabeled))
                self.labels = np.concatenate((self.labels, np.asarray([-1] * unlabeled.shape[0])))
        elif self.split == "unlabeled":
            self.data, _ = self._load(self.train_list[2][0])
            self.labels = np.asarray([-1] * self.data.shape[0])
        else:
            self.data, self.labels = self._load(self.test_list[0][0], self.test_list[1][0])
        class_file = os.path.join(self.root, self.base_folder, self.class_names_file)
        if os.path.isfile(class_file):
            with open(class_file) as f:
                self.classes = f.read().splitlines()

    @staticmethod
    def _verify_folds(folds):
        if folds is None:
            return folds
        if isinstance(folds, int):
            if folds in range(10):
                return folds
            raise ValueError(f"Value for argument folds should be in the range [0, 10), but got {folds}.")
        raise ValueError(f"Expected type None or int for argument folds, but got type {type(folds)}.")

    def _load(self, data_file, labels_file=None):
        labels = None
        if labels_file:
            labels = np.fromfile(os.path.join(self.root, self.base_folder, labels_file), dtype=np.uint8) - 1
        images = np.fromfile(os.path.join(self.root, self.base_folder, data_file), dtype=np.uint8)
        # NOTE: each plane is stored column by column (MATLAB order): swap to row-major
        return np.transpose(images.reshape(-1, 3, 96, 96), (0, 1, 3, 2)), labels

    def _load_folds(self, folds):
        if folds is None:
            return
        with open(os.path.join(self.root, self.base_folder, self.folds_list_file)) as f:
            index = np.array(f.read().splitlines()[folds].split(), dtype=np.int64)
        self.data = self.data[index]
        if self.labels is not None:
            self.labels = self.labels[index]

    def __getitem__(self, index):
        img, target = self.data[index], int(self.labels[index]) if self.labels is not None else None
        img = pil_image().fromarray(np.transpose(img, (1, 2, 0)))
        if self.transforms is not None:
            img, target = self.transforms(img, target)
        return img, target

    def __len__(self):
        return self.data.shape[0]

    def _check_integrity(self):
        return all(check_integrity(os.path.join(self.root, self.base_folder, name), md5)
                   for name, md5 in self.train_list + self.test_list)

    def download(self):
        if self._check_integrity():
            return
        download_and_extract_archive(self.url, self.root, filename=self.filename, md5=self.tgz_md5)

    def extra_repr(self):
        return f"Split: {self.split}"
