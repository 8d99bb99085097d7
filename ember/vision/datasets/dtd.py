"""DTD: ``root/dtd/dtd/{images/<class>/<name>.jpg, labels/{train,val,test}<partition>.txt}``; each list
holds ``<class>/<name>.jpg`` lines."""
import os
import pathlib

from ember.vision.datasets._download import download_and_extract_archive, verify_str_arg
from ember.vision.datasets._labelled_files import LabelledImageFiles
from ember.vision.datasets.folder import default_loader


class DTD(LabelledImageFiles):
    """`Describable Textures Dataset <https://www.robots.ox.ac.uk/~vgg/data/dtd/>`_: 47 texture classes,
    5,640 images, ten train/val/test partitions.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``dtd/``.
        split (str): 'train', 'val' or 'test'.
        partition (int): which of the ten partitions (1-10); each image is in one split of every partition.
        transform, target_transform (callable, optional): applied to the image / the class index.
        download (bool): fetch and unpack the archive if it is not there.
        loader (callable): reads an image path (RGB PIL images by default).
    """

    _URL = "https://www.robots.ox.ac.uk/~vgg/data/dtd/download/dtd-r1.0.1.tar.gz"
    _MD5 = "fff73e5086ae6bdbea199a49dfb8a4c1"

    def __init__(self, root, split="train", partition=1, transform=None, target_transform=None, download=False,
                 loader=default_loader):
        self._split = verify_str_arg(split, "split", ("train", "val", "test"))
        if not isinstance(partition, int) or not 1 <= partition <= 10:
            raise ValueError("Parameter 'partition' should be an integer with `1 <= partition <= 10`, "
                             f"but got {partition} instead")
        self._partition = partition
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._base_folder = pathlib.Path(self.root) / type(self).__name__.lower()
        self._data_folder = self._base_folder / "dtd"
        self._meta_folder = self._data_folder / "labels"
        self._images_folder = self._data_folder / "images"
        if download:
            self._download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it")
        self._image_files, classes = [], []
        with open(self._meta_folder / f"{self._split}{self._partition}.txt") as file:
            for line in file:
                cls, name = line.strip().split("/")
                self._image_files.append(self._images_folder.joinpath(cls, name))
                classes.append(cls)
        self.classes = sorted(set(classes))
        self.class_to_idx = dict(zip(self.classes, range(len(self.classes))))
        self._labels = [self.class_to_idx[cls] for cls in classes]
        self.loader = loader

    def extra_repr(self):
        return f"split={self._split}, partition={self._partition}"

    def _check_exists(self):
        return os.path.isdir(self._data_folder)

    def _download(self):
        if self._check_exists():
            return
        download_and_extract_archive(self._URL, download_root=str(self._base_folder), md5=self._MD5)
