"""WIDER FACE: ``root/widerface/{WIDER_train,WIDER_val,WIDER_test}/images/<event>/<image>.jpg`` and
``root/widerface/wider_face_split/{wider_face_train_bbx_gt.txt, wider_face_val_bbx_gt.txt,
wider_face_test_filelist.txt}``. A ground-truth file repeats: the image path, the number of faces, then one line
per face ``x y w h`` and six attribute columns (an image without faces has the count 0 and one line of zeros)."""
import os
from os.path import abspath, expanduser

import numpy as np

import ember
from ember.vision._pil import pil_image
from ember.vision.datasets._download import (download_and_extract_archive, download_file_from_google_drive,
                                             extract_archive, verify_str_arg)
from ember.vision.datasets.vision import VisionDataset


class WIDERFace(VisionDataset):
    """`WIDER FACE <http://shuoyang1213.me/WIDERFACE/>`_: 32,203 images with 393,703 labelled faces.

    Items are ``(PIL image, target)``; the target (None for the test split) is a dict of int64 tensors:
    ``bbox`` ``[N, 4]`` (x, y, width, height) and ``blur``, ``expression``, ``illumination``, ``occlusion``,
    ``pose``, ``invalid`` ``[N]``.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``widerface/``.
        split (str): 'train', 'val' or 'test'.
        transform, target_transform (callable, optional): applied to the image / the target.
        download (bool): fetch the images (from Google Drive, needs gdown) and the annotations.
    """

    BASE_FOLDER = "widerface"
    FILE_LIST = [
        ("15hGDLhsx8bLgLcIRD5DhYt5iBxnjNF1M", "3fedf70df600953d25982bcd13d91ba2", "WIDER_train.zip"),
        ("1GUCogbp16PMGa39thoMMeWxp7Rp5oM8Q", "dfa7d7e790efa35df3788964cf0bbaea", "WIDER_val.zip"),
        ("1HIfDbVEWKmsYKJZm4lchTBDLW5N7dY5T", "e5d8f4248ed24c334bbd12f49c29dd40", "WIDER_test.zip"),
    ]
    ANNOTATIONS_FILE = ("http://shuoyang1213.me/WIDERFACE/support/bbx_annotation/wider_face_split.zip",
                        "0e3767bcf0e326556d407bf5bff5d27c", "wider_face_split.zip")
    # NOTE: the names torchvision gives columns 4-9 of a face line (WIDER's readme orders the last three
    # invalid, occlusion, pose); kept so that targets match torchvision's key for key.
    _ATTRIBUTES = ("blur", "expression", "illumination", "occlusion", "pose", "invalid")

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False):
        super().__init__(root=os.path.join(root, self.BASE_FOLDER), transform=transform,
                         target_transform=target_transform)
        self.split = verify_str_arg(split, "split", ("train", "val", "test"))
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download and prepare it")
        self.img_info = []
        if self.split in ("train", "val"):
            self.parse_train_val_annotations_file()
        else:
            self.parse_test_annotations_file()

    def __getitem__(self, index):
        img = pil_image().open(self.img_info[index]["img_path"])
        if self.transform is not None:
            img = self.transform(img)
        target = None if self.split == "test" else self.img_info[index]["annotations"]
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.img_info)

    def extra_repr(self):
        return f"Split: {self.split}"

    def _image_path(self, line):
        return abspath(expanduser(os.path.join(self.root, "WIDER_" + self.split, "images", line)))

    def parse_train_val_annotations_file(self):
        """Reads the split's ground-truth file into ``img_info``."""
        filepath = os.path.join(self.root, "wider_face_split", f"wider_face_{self.split}_bbx_gt.txt")
        with open(filepath) as f:
            lines = [line.rstrip() for line in f.readlines()]
        i = 0
        while i < len(lines):
            img_path = self._image_path(lines[i])
            try:
                num_boxes = int(lines[i + 1])
                # NOTE: an image with no faces still has one (all-zero) box line; torchvision keeps it.
                rows = [[int(x) for x in line.split(" ")] for line in lines[i + 2: i + 2 + max(num_boxes, 1)]]
            except (IndexError, ValueError):
                raise RuntimeError(f"Error parsing annotation file {filepath}") from None
            labels = ember.from_numpy(np.array(rows, dtype=np.int64).reshape(-1, 10))
            annotations = {"bbox": labels[:, 0:4].clone()}
            annotations.update({name: labels[:, 4 + k].clone() for k, name in enumerate(self._ATTRIBUTES)})
            self.img_info.append({"img_path": img_path, "annotations": annotations})
            i += 2 + max(num_boxes, 1)

    def parse_test_annotations_file(self):
        """Reads the test file list into ``img_info``."""
        filepath = abspath(expanduser(os.path.join(self.root, "wider_face_split", "wider_face_test_filelist.txt")))
        with open(filepath) as f:
            self.img_info = [{"img_path": self._image_path(line.rstrip())} for line in f.readlines()]

    def _check_integrity(self):
        # NOTE: only the unpacked folders are looked for; the zips are not kept.
        names = [filename for _, _, filename in self.FILE_LIST] + [self.ANNOTATIONS_FILE[2]]
        return all(os.path.exists(os.path.join(self.root, os.path.splitext(name)[0])) for name in names)

    def download(self):
        """Fetches and unpacks the three image zips and the annotations unless all are unpacked."""
        if self._check_integrity():
            return
        for file_id, md5, filename in self.FILE_LIST:
            download_file_from_google_drive(file_id, self.root, filename, md5)
            extract_archive(os.path.join(self.root, filename))
        download_and_extract_archive(url=self.ANNOTATIONS_FILE[0], download_root=self.root,
                                     md5=self.ANNOTATIONS_FILE[1])
