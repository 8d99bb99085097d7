"""FGVC-Aircraft: ``root/fgvc-aircraft-2013b/data/{images/<id>.jpg, variants.txt, families.txt, manufacturers.txt,
images_<level>_<split>.txt}``; each split list holds ``<id> <class name>`` lines."""
import os

from ember.vision.datasets._download import download_and_extract_archive, verify_str_arg
from ember.vision.datasets._labelled_files import LabelledImageFiles
from ember.vision.datasets.folder import default_loader


class FGVCAircraft(LabelledImageFiles):
    """`FGVC-Aircraft <https://www.robots.ox.ac.uk/~vgg/data/fgvc-aircraft/>`_: 10,200 aircraft images labelled
    by model variant (100), family (70) or manufacturer (30).

    Args:
        root (str or ``pathlib.Path``): the folder holding ``fgvc-aircraft-2013b/``.
        split (str): 'train', 'val', 'trainval' or 'test'.
        annotation_level (str): 'variant', 'family' or 'manufacturer'.
        transform, target_transform (callable, optional): applied to the image / the class index.
        download (bool): fetch and unpack the archive if it is not there.
        loader (callable): reads an image path (RGB PIL images by default).
    """

    _URL = "https://www.robots.ox.ac.uk/~vgg/data/fgvc-aircraft/archives/fgvc-aircraft-2013b.tar.gz"
    _CLASS_FILES = {"variant": "variants.txt", "family": "families.txt", "manufacturer": "manufacturers.txt"}

    def __init__(self, root, split="trainval", annotation_level="variant", transform=None, target_transform=None,
                 download=False, loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._split = verify_str_arg(split, "split", ("train", "val", "trainval", "test"))
        self._annotation_level = verify_str_arg(annotation_level, "annotation_level",
                                                ("variant", "family", "manufacturer"))
        self._data_path = os.path.join(self.root, "fgvc-aircraft-2013b")
        if download:
            self._download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it")
        data = os.path.join(self._data_path, "data")
        with open(os.path.join(data, self._CLASS_FILES[self._annotation_level])) as f:
            self.classes = [line.strip() for line in f]
        self.class_to_idx = dict(zip(self.classes, range(len(self.classes))))
        self._image_files, self._labels = [], []
        with open(os.path.join(data, f"images_{self._annotation_level}_{self._split}.txt")) as f:
            for line in f:
                # NOTE: class names contain spaces ("Boeing 707-320"): split at the first space only.
                image_name, label_name = line.strip().split(" ", 1)
                self._image_files.append(os.path.join(data, "images", f"{image_name}.jpg"))
                self._labels.append(self.class_to_idx[label_name])
        self.loader = loader

    def extra_repr(self):
        return ""

    def _check_exists(self):
        return os.path.isdir(self._data_path)

    def _download(self):
        if self._check_exists():
            return
        download_and_extract_archive(self._URL, self.root)
