# PyTorch beginner tutorial "Transforms" (beginner_source/basics/transforms_tutorial.py), run offline:
# synthetic FashionMNIST files of the real format; every torch call as written.

# Offline stand-in for the FashionMNIST download: a few synthetic images in the dataset's own
# idx files (the layout torchvision reads), so datasets.FashionMNIST(..., download=True) finds them.
import os, struct
import numpy as np
def _write_fashion_mnist(root="data", n_train=256, n_test=64):
    raw = os.path.join(root, "FashionMNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    rng = np.random.RandomState(0)
    for split, n in (("train", n_train), ("t10k", n_test)):
        labels = rng.randint(0, 10, n).astype(np.uint8)
        base = (np.arange(10)[:, None, None] * 25 + rng.randint(0, 20, (10, 28, 28))).astype(np.uint8)
        images = np.clip(base[labels].astype(int) + rng.randint(0, 30, (n, 28, 28)), 0, 255).astype(np.uint8)
        with open(os.path.join(raw, f"{split}-images-idx3-ubyte"), "wb") as f:
            f.write(struct.pack(">IIII", 2051, n, 28, 28) + images.tobytes())
        with open(os.path.join(raw, f"{split}-labels-idx1-ubyte"), "wb") as f:
            f.write(struct.pack(">II", 2049, n) + labels.tobytes())
_write_fashion_mnist()

import torch
from torchvision import datasets
from torchvision.transforms import ToTensor, Lambda

ds = datasets.FashionMNIST(
    root="data",
    train=True,
    download=True,
    transform=ToTensor(),
    target_transform=Lambda(lambda y: torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1))
)

target_transform = Lambda(lambda y: torch.zeros(
    10, dtype=torch.float).scatter_(dim=0, index=torch.tensor(y), value=1))

# what the tutorial describes: ToTensor scales to [0., 1.] floats, the labels become one-hot
img, label = ds[0]
print(type(img), img.dtype, img.shape, img.min().item(), img.max().item())
print(label, ds.targets[0])
print(target_transform(3))
print(ds)
print(ds.transform, ds.target_transform, sep="\n")
