"""USPS: ``root/usps.bz2`` (train) and ``root/usps.t.bz2`` (test), bzip2-compressed LIBSVM text: one line per
digit, ``<class 1-10> 1:<v> 2:<v> ... 256:<v>`` with pixel values in [-1, 1]."""
import bz2
import os

import numpy as np

from ember.vision._pil import pil_image
from ember.vision.datasets._download import download_url
from ember.vision.datasets.vision import VisionDataset


class USPS(VisionDataset):
    """`USPS <https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/multiclass.html#usps>`_: 7,291 training
    and 2,007 test 16x16 digits; items are ``(PIL image in mode 'L', digit)``; ``data`` is a uint8 array
    ``[N, 16, 16]`` (pixels scaled to 0-255), ``targets`` a list of ints.

    Args:
        root (str or ``pathlib.Path``): the folder holding the .bz2 files.
        train (bool): the training file if True, else the test file.
        transform, target_transform (callable, optional): applied to the image / the digit.
        download (bool): fetch the file if it is not there.
    """

    split_list = {
        "train": ["https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/multiclass/usps.bz2", "usps.bz2",
                  "ec16c51db3855ca6c91edd34d0e9b197"],
        "test": ["https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/multiclass/usps.t.bz2", "usps.t.bz2",
                 "8ea070ee2aca1ac39742fdd1ef5ed118"],
    }

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        url, filename, checksum = self.split_list["train" if train else "test"]
        full_path = os.path.join(self.root, filename)
        if download and not os.path.exists(full_path):
            download_url(url, self.root, filename, md5=checksum)
        with bz2.open(full_path) as fp:
            rows = [line.decode().split() for line in fp.readlines()]
        values = [[item.split(":")[-1] for item in row[1:]] for row in rows]
        images = np.asarray(values, dtype=np.float32).reshape((-1, 16, 16))
        self.data = ((images + 1) / 2 * 255).astype(np.uint8)
        self.targets = [int(row[0]) - 1 for row in rows]

    def __getitem__(self, index):
        img, target = pil_image().fromarray(self.data[index]), int(self.targets[index])
        return self.transforms(img, target) if self.transforms is not None else (img, target)

    def __len__(self):
        return len(self.data)
