"""Food-101: ``root/food-101/{images/<class>/<id>.jpg, meta/{train,test}.json}``; each json maps a class
name to its image paths ``"<class>/<id>"`` (without extension).
"""
import json
from pathlib import Path

from ember.vision.datasets._download import download_and_extract_archive, verify_str_arg
from ember.vision.datasets._labelled_files import LabelledImageFiles
from ember.vision.datasets.folder import default_loader


class Food101(LabelledImageFiles):
    """`Food-101 <https://data.vision.ee.ethz.ch/cvl/datasets_extra/food-101/>`_: 101 dishes, 101,000 images.

    ``split`` is 'train' or 'test'; classes are the sorted class names; ``loader`` reads an image path.
    """

    _URL = "http://data.vision.ee.ethz.ch/cvl/food-101.tar.gz"
    _MD5 = "85eeb15f3717b99a5da872d97d918f87"

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False,
                 loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._split = verify_str_arg(split, "split", ("train", "test"))
        self._base_folder = Path(self.root) / "food-101"
        self._meta_folder = self._base_folder / "meta"
        self._images_folder = self._base_folder / "images"
        if download:
            self._download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it")
        with open(self._meta_folder / f"{split}.json") as f:
            metadata = json.loads(f.read())
        self.classes = sorted(metadata.keys())
        self.class_to_idx = dict(zip(self.classes, range(len(self.classes))))
        self._labels, self._image_files = [], []
        for class_label, paths in metadata.items():
            self._labels += [self.class_to_idx[class_label]] * len(paths)
            self._image_files += [self._images_folder.joinpath(*f"{p}.jpg".split("/")) for p in paths]
        self.loader = loader

    def _check_exists(self):
        return all(folder.is_dir() for folder in (self._meta_folder, self._images_folder))

    def _download(self):
        if self._check_exists():
            return
        download_and_extract_archive(self._URL, download_root=self.root, md5=self._MD5)
