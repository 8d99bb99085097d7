"""FER2013: ``root/fer2013/`` holding ``train.csv`` / ``test.csv`` (Kaggle's split files), or the full
``fer2013.csv`` or ``icml_face_data.csv`` (every row with its Usage: Training, PublicTest or PrivateTest).
A row's pixels are 2,304 space-separated grey values (48x48)."""
import csv
import pathlib

import numpy as np

import ember
from ember.vision._pil import pil_image
from ember.vision.datasets._download import check_integrity, verify_str_arg
from ember.vision.datasets.vision import VisionDataset

_KAGGLE = "https://www.kaggle.com/c/challenges-in-representation-learning-facial-expression-recognition-challenge"


class FER2013(VisionDataset):
    """FER2013, Kaggle's facial expression recognition challenge: 48x48 greyscale faces labelled with one of 7
    emotions; items are ``(PIL image in mode 'L', emotion)`` (None for the unlabelled ``test.csv``). The files come
    from Kaggle (no download).

    Args:
        root (str or ``pathlib.Path``): the folder holding ``fer2013/``.
        split (str): 'train' or 'test' (PublicTest and PrivateTest rows of the full files).
        transform, target_transform (callable, optional): applied to the image / the emotion.
    """

    _RESOURCES = {"train": ("train.csv", "3f0dfb3d3fd99c811a1299cb947e3131"),
                  "test": ("test.csv", "b02c2298636a634e8c2faabbf3ea9a23"),
                  "fer": ("fer2013.csv", "f8428a1edbd21e88f42c73edd2a14f95"),
                  "icml": ("icml_face_data.csv", "b114b9e04e6949e5fe8b6a98b3892b1d")}

    def __init__(self, root, split="train", transform=None, target_transform=None):
        self._split = verify_str_arg(split, "split", ("train", "test"))
        super().__init__(root, transform=transform, target_transform=target_transform)
        base_folder = pathlib.Path(self.root) / "fer2013"
        use_fer = (base_folder / self._RESOURCES["fer"][0]).exists()
        use_icml = not use_fer and (base_folder / self._RESOURCES["icml"][0]).exists()
        file_name, md5 = self._RESOURCES["fer" if use_fer else "icml" if use_icml else self._split]
        if not check_integrity(str(base_folder / file_name), md5=md5):
            raise RuntimeError(f"{file_name} not found in {base_folder} or corrupted. You can download it from "
                               f"{_KAGGLE}")
        # NOTE: the ICML file's column names start with a space.
        pixels_key, usage_key = (" pixels", " Usage") if use_icml else ("pixels", "Usage")
        labelled = use_fer or use_icml or self._split == "train"
        with open(base_folder / file_name, newline="") as file:
            rows = csv.DictReader(file)
            if use_fer or use_icml:
                usages = ("Training",) if self._split == "train" else ("PublicTest", "PrivateTest")
                rows = (row for row in rows if row[usage_key] in usages)
            self._samples = [(ember.from_numpy(np.array(row[pixels_key].split(), dtype=np.int64)
                                               .astype(np.uint8).reshape(48, 48)),
                              int(row["emotion"]) if labelled else None) for row in rows]

    def __len__(self):
        return len(self._samples)

    def __getitem__(self, idx):
        image_tensor, target = self._samples[idx]
        image = pil_image().fromarray(image_tensor.numpy())
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

    def extra_repr(self):
        return f"split={self._split}"
