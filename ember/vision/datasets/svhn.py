"""SVHN (Street View House Numbers), cropped-digits format: ``root/{train,test,extra}_32x32.mat``.

Each .mat file holds ``X`` (uint8 ``[32, 32, 3, N]``) and ``y`` (``[N, 1]``, digit 0 stored as 10).
Reading them needs SciPy.
"""
import os

import numpy as np

from ember.vision._pil import pil_image
from ember.vision.datasets._download import check_integrity, download_url, verify_str_arg
from ember.vision.datasets._mat import loadmat
from ember.vision.datasets.vision import VisionDataset


class SVHN(VisionDataset):
    """`SVHN <http://ufldl.stanford.edu/housenumbers/>`_ digits: items are (RGB PIL image, digit 0-9).

    Args:
        root: folder holding the .mat files; split: 'train', 'test' or 'extra'.
        transform / target_transform: applied to the image / the label.
        download: fetch the split's file (its MD5 is verified) if it is missing.

    ``data`` is uint8 ``[N, 3, 32, 32]``, ``labels`` int64 ``[N]`` (10 mapped to 0, as torchvision).
    """

    split_list = {
        "train": ["http://ufldl.stanford.edu/housenumbers/train_32x32.mat", "train_32x32.mat",
                  "e26dedcc434d2e4c54c9b2d4a06d8373"],
        "test": ["http://ufldl.stanford.edu/housenumbers/test_32x32.mat", "test_32x32.mat",
                 "eb5a983be6a315427106f1b164d9cef3"],
        "extra": ["http://ufldl.stanford.edu/housenumbers/extra_32x32.mat", "extra_32x32.mat",
                  "a93ce644f1a588dc4d68dda5feec44a7"],
    }

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.split = verify_str_arg(split, "split", tuple(self.split_list.keys()))
        self.url, self.filename, self.file_md5 = self.split_list[split]
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it")
        loaded = loadmat(os.path.join(self.root, self.filename))
        self.labels = loaded["y"].astype(np.int64).squeeze()
        # NOTE: the files store the digit 0 as class 10
        np.place(self.labels, self.labels == 10, 0)
        self.data = np.transpose(loaded["X"], (3, 2, 0, 1))

    def __getitem__(self, index):
        img, target = self.data[index], int(self.labels[index])
        img = pil_image().fromarray(np.transpose(img, (1, 2, 0)))
        if self.transforms is not None:
            img, target = self.transforms(img, target)
        return img, target

    def __len__(self):
        return len(self.data)

    def _check_integrity(self):
        return check_integrity(os.path.join(self.root, self.filename), self.split_list[self.split][2])

    def download(self):
        download_url(self.url, self.root, self.filename, self.split_list[self.split][2])

    def extra_repr(self):
        return f"Split: {self.split}"
