"""CelebA: ``root/celeba/{img_align_celeba/<file>.jpg, list_eval_partition.txt, identity_CelebA.txt,
list_bbox_celeba.txt, list_landmarks_align_celeba.txt, list_attr_celeba.txt}``.

The text files are space-separated tables: a file name, then integers; the bbox, landmarks and
attribute files start with a count line and a header line (column names).
"""
import csv
import os
from collections import namedtuple

import ember
from ember.vision._pil import pil_image
from ember.vision.datasets._download import check_integrity, download_url, extract_archive, verify_str_arg
from ember.vision.datasets.vision import VisionDataset

CSV = namedtuple("CSV", ["header", "index", "data"])


class CelebA(VisionDataset):
    """`CelebA <https://mmlab.ie.cuhk.edu.hk/projects/CelebA.html>`_: 202,599 aligned face images.

    Args:
        split: 'train', 'valid', 'test' or 'all'.
        target_type: 'attr' (40 binary attributes as 0/1), 'identity', 'bbox', 'landmarks', or a list of
            them (the target is then a tuple; an empty list gives None).
        transform / target_transform / download: as in the other datasets (files come from Google Drive,
            each verified by MD5).
    """

    base_folder = "celeba"
    file_list = [
        ("0B7EVK8r0v71pZjFTYXZWM3FlRnM", "00d2c5bc6d35e252742224ab0c1e8fcb", "img_align_celeba.zip"),
        ("0B7EVK8r0v71pblRyaVFSWGxPY0U", "75e246fa4810816ffd6ee81facbd244c", "list_attr_celeba.txt"),
        ("1_ee_0u7vcNLOfNLegJRHmolfH5ICW-XS", "32bd1bd63d3c78cd57e08160ec5ed1e2", "identity_CelebA.txt"),
        ("0B7EVK8r0v71pbThiMVRxWXZ4dU0", "00566efa6fedff7a56946cd1c10f1c16", "list_bbox_celeba.txt"),
        ("0B7EVK8r0v71pd0FJY3Blby1HUTQ", "cc24ecafdb5b50baae59b03474781f8c", "list_landmarks_align_celeba.txt"),
        ("0B7EVK8r0v71pY0NSMzRuSXJEVkk", "d32c9cbf5e040fd4025c592c306e6668", "list_eval_partition.txt"),
    ]

    def __init__(self, root, split="train", target_type="attr", transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.split = split
        self.target_type = target_type if isinstance(target_type, list) else [target_type]
        if not self.target_type and self.target_transform is not None:
            raise RuntimeError("target_transform is specified but target_type is empty")
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it")
        split_map = {"train": 0, "valid": 1, "test": 2, "all": None}
        split_ = split_map[verify_str_arg(split.lower() if isinstance(split, str) else split, "split",
                                          ("train", "valid", "test", "all"))]
        splits = self._load_csv("list_eval_partition.txt")
        identity = self._load_csv("identity_CelebA.txt")
        bbox = self._load_csv("list_bbox_celeba.txt", header=1)
        landmarks_align = self._load_csv("list_landmarks_align_celeba.txt", header=1)
        attr = self._load_csv("list_attr_celeba.txt", header=1)
        if split_ is None:
            mask = slice(None)
            self.filename = splits.index
        else:
            mask = (splits.data == split_).squeeze(-1)
            self.filename = [splits.index[i] for i in ember.nonzero(mask).reshape(-1).tolist()]
        self.identity = identity.data[mask]
        self.bbox = bbox.data[mask]
        self.landmarks_align = landmarks_align.data[mask]
        # NOTE: attributes are stored as -1/1; targets are 0/1
        self.attr = ember.div(attr.data[mask] + 1, 2, rounding_mode="floor")
        self.attr_names = attr.header

    def _load_csv(self, filename, header=None):
        with open(os.path.join(self.root, self.base_folder, filename)) as csv_file:
            data = list(csv.reader(csv_file, delimiter=" ", skipinitialspace=True))
        headers = []
        if header is not None:
            headers = data[header]
            data = data[header + 1:]
        indices = [row[0] for row in data]
        return CSV(headers, indices, ember.tensor([[int(v) for v in row[1:]] for row in data]))

    def _check_integrity(self):
        for _, md5, filename in self.file_list:
            if os.path.splitext(filename)[1] not in (".zip", ".7z") and not check_integrity(
                    os.path.join(self.root, self.base_folder, filename), md5):
                return False
        return os.path.isdir(os.path.join(self.root, self.base_folder, "img_align_celeba"))

    def download(self):
        if self._check_integrity():
            return
        folder = os.path.join(self.root, self.base_folder)
        for file_id, md5, filename in self.file_list:
            download_url(f"https://drive.google.com/uc?export=download&id={file_id}", folder, filename, md5)
        extract_archive(os.path.join(folder, "img_align_celeba.zip"))

    def __getitem__(self, index):
        X = pil_image().open(os.path.join(self.root, self.base_folder, "img_align_celeba", self.filename[index]))
        target = []
        for t in self.target_type:
            if t == "attr":
                target.append(self.attr[index, :])
            elif t == "identity":
                target.append(self.identity[index, 0])
            elif t == "bbox":
                target.append(self.bbox[index, :])
            elif t == "landmarks":
                target.append(self.landmarks_align[index, :])
            else:
                raise ValueError(f'Target type "{t}" is not recognized.')
        if self.transform is not None:
            X = self.transform(X)
        if target:
            target = tuple(target) if len(target) > 1 else target[0]
            if self.target_transform is not None:
                target = self.target_transform(target)
        else:
            target = None
        return X, target

    def __len__(self):
        return len(self.attr)

    def extra_repr(self):
        return f"Target type: {self.target_type}\nSplit: {self.split}"
