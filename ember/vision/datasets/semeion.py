"""SEMEION handwritten digits: ``root/semeion.data``, one text line per digit: 256 pixel values (0 or 1, a
16x16 image) then 10 one-hot class columns."""
import os

import numpy as np

from ember.vision._pil import pil_image
from ember.vision.datasets._download import check_integrity, download_url
from ember.vision.datasets.vision import VisionDataset


class SEMEION(VisionDataset):
    """`SEMEION <http://archive.ics.uci.edu/ml/datasets/semeion+handwritten+digit>`_: 1,593 16x16 digits;
    items are ``(PIL image in mode 'L', digit)``.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``semeion.data``.
        transform, target_transform (callable, optional): applied to the image / the digit.
        download (bool): fetch the file if it is not there (on by default, as in torchvision).
    """

    url = "http://archive.ics.uci.edu/ml/machine-learning-databases/semeion/semeion.data"
    filename = "semeion.data"
    md5_checksum = "cb545d371d2ce14ec121470795a77432"

    def __init__(self, root, transform=None, target_transform=None, download=True):
        super().__init__(root, transform=transform, target_transform=target_transform)
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it")
        data = np.loadtxt(os.path.join(self.root, self.filename))
        self.data = (data[:, :256] * 255).astype("uint8").reshape(-1, 16, 16)
        self.labels = np.nonzero(data[:, 256:])[1]

    def __getitem__(self, index):
        img, target = pil_image().fromarray(self.data[index]), int(self.labels[index])
        return self.transforms(img, target) if self.transforms is not None else (img, target)

    def __len__(self):
        return len(self.data)

    def _check_integrity(self):
        return check_integrity(os.path.join(self.root, self.filename), self.md5_checksum)

    def download(self):
        """Fetches ``semeion.data`` unless a file with the right checksum is there."""
        if self._check_integrity():
            return
        download_url(self.url, self.root, self.filename, self.md5_checksum)
