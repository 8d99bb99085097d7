"""Digits: 1,797 8x8 handwritten digits, shipped inside ember (45 KB, no download, no extra package).

A small stand-in for MNIST: the UCI "Optical Recognition of Handwritten Digits" images that
``sklearn.datasets.load_digits`` also returns (E. Alpaydin and C. Kaynak, 1998, CC BY 4.0; see
``_data/DIGITS_LICENSE.txt`` beside this file for the attribution). Same interface as
MNIST: items are ``(PIL image mode 'L', int label)``, ``data`` a uint8 tensor ``[N, H, W]``,
``targets`` an int64 tensor.

* Split: a fixed 80/20 shuffle, the same on every machine: the images are ordered by
  ``numpy.random.default_rng(0).permutation(1797)``; the first 1,437 of that order are
  ``train=True``, the last 360 ``train=False``. (The file's own order groups writers, so an
  unshuffled cut tests on writers never seen in training.)
* Pixels: the original counts 0..16 are scaled to 0..255 as ``round(v * 255 / 16)``.
* ``size``: None keeps 8x8; an int or (h, w) upsamples every image once, at load time, with
  bilinear interpolation (Pillow's filter, rounded to uint8). ``size=28`` makes 28x28 images, so a
  model written for MNIST runs unchanged.
"""
import os

import numpy as np

import ember
from ember.vision._pil import pil_image
from ember.vision.datasets.mnist import MNIST
from ember.vision.datasets.vision import VisionDataset


_DATA = os.path.join(os.path.dirname(__file__), '_data', 'digits.npz')


def _load_digits():
    """(images [1797, 8, 8] float64 counts 0..16, labels [1797] int64), from the file ember ships."""
    with np.load(_DATA) as f:
        return f['images'].astype(np.float64), f['target'].astype(np.int64)


def _upsample(images, size):
    """Bilinear resize of a [N, h, w] float stack to ``size`` (vectorised: one einsum)."""
    from ember.vision.transforms._functional_tensor import _resize_weights
    out_h, out_w = size
    wy = _resize_weights(images.shape[1], out_h, "bilinear", antialias=True)
    wx = _resize_weights(images.shape[2], out_w, "bilinear", antialias=True)
    return np.einsum("ah,nhw,bw->nab", wy, images, wx)


class Digits(VisionDataset):
    """The UCI 8x8 digits as an MNIST-like dataset (see the module docstring for the split).

    Args:
        root: unused (the images ship inside ember); accepted so that code written for
            ``MNIST(root, ...)`` can switch datasets by changing only the class name.
        train: the 1,437 training images if True, else the 360 test images (fixed shuffle).
        transform / target_transform: as for MNIST.
        download: unused, for the same reason as ``root``.
        size: None (8x8), or an int / (h, w) to upsample to, e.g. 28 for MNIST-shaped images.

    >>> from ember.vision import datasets, transforms
    >>> train = datasets.Digits(train=True, size=28, transform=transforms.ToTensor())
    >>> len(train), train[0][0].shape
    (1437, ember.Size([1, 28, 28]))
    """

    n_train = 1437
    classes = MNIST.classes

    def __init__(self, root=None, train=True, transform=None, target_transform=None, download=False, size=None):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        self.size = (size, size) if isinstance(size, int) else (None if size is None else tuple(size))
        images, labels = _load_digits()
        order = np.random.default_rng(0).permutation(len(labels))
        part = order[:self.n_train] if train else order[self.n_train:]
        images = images[part] * (255.0 / 16.0)
        if self.size is not None and self.size != images.shape[1:]:
            images = _upsample(images, self.size)
        self.data = ember.from_numpy(np.clip(np.round(images), 0, 255).astype(np.uint8))
        self.targets = ember.from_numpy(labels[part].astype(np.int64))

    @property
    def class_to_idx(self):
        return {_class: i for i, _class in enumerate(self.classes)}

    def __getitem__(self, index):
        img, target = self.data[index], int(self.targets[index])
        img = pil_image().fromarray(img.numpy())  # 2-D uint8: mode "L" (no mode argument: Pillow deprecates it)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        h, w = self.data.shape[1:]
        return f"Split: {'Train' if self.train is True else 'Test'}\nImage size: {h}x{w}"
