"""Semantic Boundaries Dataset: ``root/{img/<id>.jpg, cls/<id>.mat, train.txt, val.txt, train_noval.txt}``; each
.mat holds a ``GTcls`` struct with ``Segmentation`` (an HxW class map) and ``Boundaries`` (20 sparse HxW masks).
Needs SciPy."""
import os
import shutil

import numpy as np

from ember.vision._pil import pil_image
from ember.vision.datasets._download import download_and_extract_archive, download_url, verify_str_arg
from ember.vision.datasets._mat import loadmat
from ember.vision.datasets.vision import VisionDataset


class SBDataset(VisionDataset):
    """`Semantic Boundaries Dataset <http://home.bharathh.info/pubs/codes/SBD/download.html>`_: 11,355 PASCAL VOC
    images with per-class boundaries and segmentations of 20 classes.

    Items are ``(RGB PIL image, target)``: in 'segmentation' mode the target is a PIL image of class indices (as
    VOCSegmentation's); in 'boundaries' mode a uint8 array ``[20, H, W]``, one boundary mask per class.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``img/``, ``cls/`` and the split lists.
        image_set (str): 'train', 'val' or 'train_noval' (train without VOC 2012's val images).
        mode (str): 'segmentation' or 'boundaries'.
        download (bool): fetch and unpack the benchmark into ``root`` (and the train_noval list).
        transforms (callable, optional): takes and returns ``(image, target)``.
    """

    url = "https://www2.eecs.berkeley.edu/Research/Projects/CS/vision/grouping/semantic_contours/benchmark.tgz"
    md5 = "82b4d87ceb2ed10f6038a1cba92111cb"
    filename = "benchmark.tgz"
    voc_train_url = "https://www.cs.cornell.edu/~bharathh/train_noval.txt"
    voc_split_filename = "train_noval.txt"
    voc_split_md5 = "79bff800c5f0b1ec6b21080a3c066722"

    def __init__(self, root, image_set="train", mode="boundaries", download=False, transforms=None):
        self._loadmat = loadmat
        super().__init__(root, transforms)
        self.image_set = verify_str_arg(image_set, "image_set", ("train", "val", "train_noval"))
        self.mode = verify_str_arg(mode, "mode", ("segmentation", "boundaries"))
        self.num_classes = 20
        if download:
            download_and_extract_archive(self.url, self.root, filename=self.filename, md5=self.md5)
            extracted = os.path.join(self.root, "benchmark_RELEASE", "dataset")
            for name in ["cls", "img", "inst", "train.txt", "val.txt"]:
                shutil.move(os.path.join(extracted, name), self.root)
            if self.image_set == "train_noval":
                download_url(self.voc_train_url, self.root, self.voc_split_filename, self.voc_split_md5)
        if not os.path.isdir(self.root):
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it")
        with open(os.path.join(self.root, image_set + ".txt")) as fh:
            file_names = [x.strip() for x in fh.readlines()]
        self.images = [os.path.join(self.root, "img", x + ".jpg") for x in file_names]
        self.masks = [os.path.join(self.root, "cls", x + ".mat") for x in file_names]
        self._get_target = (self._get_segmentation_target if self.mode == "segmentation"
                            else self._get_boundaries_target)

    def _get_segmentation_target(self, filepath):
        return pil_image().fromarray(self._loadmat(filepath)["GTcls"][0]["Segmentation"][0])

    def _get_boundaries_target(self, filepath):
        boundaries = self._loadmat(filepath)["GTcls"][0]["Boundaries"][0]
        return np.concatenate([boundaries[i][0].toarray()[None] for i in range(self.num_classes)], axis=0)

    def __getitem__(self, index):
        img = pil_image().open(self.images[index]).convert("RGB")
        target = self._get_target(self.masks[index])
        if self.transforms is not None:
            img, target = self.transforms(img, target)
        return img, target

    def __len__(self):
        return len(self.images)

    def extra_repr(self):
        return f"Image set: {self.image_set}\nMode: {self.mode}"
