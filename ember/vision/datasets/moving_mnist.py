"""Moving MNIST: ``root/MovingMNIST/mnist_test_seq.npy``, a uint8 array ``[20 frames, 10000 videos, 64, 64]``."""
import os

import numpy as np

import ember
from ember.vision.datasets._download import download_url, verify_str_arg
from ember.vision.datasets.vision import VisionDataset


class MovingMNIST(VisionDataset):
    """`Moving MNIST <http://www.cs.toronto.edu/~nitish/unsupervised_video/>`_: 10,000 videos of 20 frames of
    two digits moving in 64x64 pixels; items are uint8 tensors ``[frames, 1, 64, 64]``.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``MovingMNIST/``.
        split (str, optional): None (all 20 frames), 'train' (the first ``split_ratio`` frames) or 'test' (the
            rest).
        split_ratio (int): where the frames split, 1 to 19.
        download (bool): fetch the file if it is not there.
        transform (callable, optional): applied to each video tensor.
    """

    _URL = "http://www.cs.toronto.edu/~nitish/unsupervised_video/mnist_test_seq.npy"

    def __init__(self, root, split=None, split_ratio=10, download=False, transform=None):
        super().__init__(root, transform=transform)
        self._base_folder = os.path.join(self.root, type(self).__name__)
        self._filename = self._URL.split("/")[-1]
        if split is not None:
            verify_str_arg(split, "split", ("train", "test"))
        self.split = split
        if not isinstance(split_ratio, int):
            raise TypeError(f"`split_ratio` should be an integer, but got {type(split_ratio)}")
        if not 1 <= split_ratio <= 19:
            raise ValueError(f"`split_ratio` should be `1 <= split_ratio <= 19`, but got {split_ratio} instead.")
        self.split_ratio = split_ratio
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it.")
        data = ember.from_numpy(np.load(os.path.join(self._base_folder, self._filename)))
        if self.split == "train":
            data = data[: self.split_ratio]
        elif self.split == "test":
            data = data[self.split_ratio:]
        self.data = data.transpose(0, 1).unsqueeze(2).contiguous()

    def __getitem__(self, idx):
        data = self.data[idx]
        if self.transform is not None:
            data = self.transform(data)
        return data

    def __len__(self):
        return len(self.data)

    def _check_exists(self):
        return os.path.exists(os.path.join(self._base_folder, self._filename))

    def download(self):
        """Fetches the .npy file unless it is there."""
        if self._check_exists():
            return
        download_url(self._URL, self._base_folder, self._filename, md5="be083ec986bfe91a449d63653c411eb2")
