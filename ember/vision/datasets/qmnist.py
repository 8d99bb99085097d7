"""QMNIST: ``root/QMNIST/raw/{qmnist-train,qmnist-test,xnist}-{images-idx3-ubyte,labels-idx2-int}``; the labels
file holds 8 int32 columns per image (class, NIST writer and series ids, ...)."""
import os

import ember
from ember.vision._pil import pil_image
from ember.vision.datasets._download import check_integrity, download_and_extract_archive, verify_str_arg
from ember.vision.datasets.mnist import MNIST, read_sn3_pascalvincent_tensor

_BASE = "https://raw.githubusercontent.com/facebookresearch/qmnist/master/"


class QMNIST(MNIST):
    """`QMNIST <https://github.com/facebookresearch/qmnist>`_: MNIST reconstructed with the full NIST metadata.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``QMNIST/raw``.
        what (str, optional): 'train', 'test' (60,000 images), 'test10k' (the first 10,000 of test: MNIST's
            test set), 'test50k' (the other 50,000) or 'nist' (all 402,953). Default: 'train' or 'test' by
            ``train``.
        compat (bool): the target is the class index (an int) if True, else the image's 8 label columns
            (an int64 tensor).
        train (bool): picks ``what`` when it is None.
        **kwargs: ``transform``, ``target_transform``, ``download`` as for MNIST.
    """

    subsets = {"train": "train", "test": "test", "test10k": "test", "test50k": "test", "nist": "nist"}
    resources = {
        "train": [(_BASE + "qmnist-train-images-idx3-ubyte.gz", "ed72d4157d28c017586c42bc6afe6370"),
                  (_BASE + "qmnist-train-labels-idx2-int.gz", "0058f8dd561b90ffdd0f734c6a30e5e4")],
        "test": [(_BASE + "qmnist-test-images-idx3-ubyte.gz", "1394631089c404de565df7b7aeaf9412"),
                 (_BASE + "qmnist-test-labels-idx2-int.gz", "5b5b05890a5e13444e108efe57b788aa")],
        "nist": [(_BASE + "xnist-images-idx3-ubyte.xz", "7f124b3b8ab81486c9d8c2749c17f834"),
                 (_BASE + "xnist-labels-idx2-int.xz", "5ed0e788978e45d4a8bd4b7caec3d79d")],
    }

    def __init__(self, root, what=None, compat=True, train=True, **kwargs):
        if what is None:
            what = "train" if train else "test"
        self.what = verify_str_arg(what, "what", tuple(self.subsets))
        self.compat = compat
        self.data_file = what + ".pt"
        self.training_file = self.test_file = self.data_file
        super().__init__(root, train, **kwargs)

    def _raw_path(self, which):
        url, _ = self.resources[self.subsets[self.what]][which]
        return os.path.join(self.raw_folder, os.path.splitext(os.path.basename(url))[0])

    @property
    def images_file(self):
        return self._raw_path(0)

    @property
    def labels_file(self):
        return self._raw_path(1)

    def _check_exists(self):
        return all(check_integrity(f) for f in (self.images_file, self.labels_file))

    def _load_data(self):
        data = read_sn3_pascalvincent_tensor(self.images_file)
        if data.dtype != ember.uint8:
            raise TypeError(f"data should be of dtype {ember.uint8} instead of {data.dtype}")
        if data.ndimension() != 3:
            raise ValueError(f"data should have 3 dimensions instead of {data.ndimension()}")
        targets = read_sn3_pascalvincent_tensor(self.labels_file).long()
        if targets.ndimension() != 2:
            raise ValueError(f"targets should have 2 dimensions instead of {targets.ndimension()}")
        if self.what == "test10k":
            data, targets = data[:10000].clone(), targets[:10000].clone()
        elif self.what == "test50k":
            data, targets = data[10000:].clone(), targets[10000:].clone()
        return data, targets

    def download(self):
        """Fetches and decompresses the subset's two files unless they are there."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for url, md5 in self.resources[self.subsets[self.what]]:
            download_and_extract_archive(url, self.raw_folder, md5=md5)

    def __getitem__(self, index):
        img, target = self.data[index], self.targets[index]
        img = pil_image().fromarray(img.numpy())
        if self.transform is not None:
            img = self.transform(img)
        if self.compat:
            target = int(target[0])
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def extra_repr(self):
        return f"Split: {self.what}"
