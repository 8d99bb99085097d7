"""Caltech 101 and Caltech 256: ``root/caltech101/{101_ObjectCategories/<category>/image_NNNN.jpg,
Annotations/<category>/annotation_NNNN.mat}`` and ``root/caltech256/256_ObjectCategories/<CCC>.<name>/CCC_NNNN.jpg``.

Images are numbered from 1 within each category; an item's number is its position among the category's
files, so the files must be numbered without gaps, as the published archives are."""
import os
import shutil

from ember.vision._pil import pil_image
from ember.vision.datasets._download import download_and_extract_archive, extract_archive, verify_str_arg
from ember.vision.datasets._mat import loadmat
from ember.vision.datasets.vision import VisionDataset

_NOT_FOUND = "Dataset not found or corrupted. You can use download=True to download it"


class _NumberedCategories(VisionDataset):
    """Items ``(PIL image as stored, target)`` for ``self.categories[self.y[i]]`` and image number ``self.index[i]``."""

    def _number_images(self, folder, keep=lambda name: True):
        self.index, self.y = [], []
        for i, category in enumerate(self.categories):
            n = len([name for name in os.listdir(os.path.join(folder, category)) if keep(name)])
            self.index.extend(range(1, n + 1))
            self.y.extend(n * [i])

    def __len__(self):
        return len(self.index)

    def __getitem__(self, index):
        # NOTE: the image keeps its stored mode (a few Caltech images are greyscale), as torchvision returns it.
        img = pil_image().open(self._image_path(index))
        target = self._target(index)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target


class Caltech101(_NumberedCategories):
    """`Caltech 101 <https://data.caltech.edu/records/mzrjq-6wc02>`_: 101 object categories (the
    ``BACKGROUND_Google`` folder is not one), 40 to 800 images each.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``caltech101/``.
        target_type (str or list of str): 'category' (the class index) and/or 'annotation' (the object's
            contour, a 2 x N array read from the category's .mat file; needs SciPy). With several, the target
            is a tuple in that order.
        transform, target_transform (callable, optional): applied to the image / the target.
        download (bool): fetch and unpack the archive if it is not there.

    Example:
        >>> ds = ember.vision.datasets.Caltech101("data", download=True)  # doctest: +SKIP
    """

    _URL = "https://data.caltech.edu/records/mzrjq-6wc02/files/caltech-101.zip"
    _MD5 = "3138e1922a9193bfa496528edbbc45d0"
    # NOTE: four categories are spelled differently in the annotation folders.
    _ANNOTATION_NAMES = {"Faces": "Faces_2", "Faces_easy": "Faces_3", "Motorbikes": "Motorbikes_16",
                         "airplanes": "Airplanes_Side_2"}

    def __init__(self, root, target_type="category", transform=None, target_transform=None, download=False):
        super().__init__(os.path.join(root, "caltech101"), transform=transform, target_transform=target_transform)
        os.makedirs(self.root, exist_ok=True)
        if isinstance(target_type, str):
            target_type = [target_type]
        self.target_type = [verify_str_arg(t, "target_type", ("category", "annotation")) for t in target_type]
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError(_NOT_FOUND)
        images = os.path.join(self.root, "101_ObjectCategories")
        self.categories = sorted(os.listdir(images))
        self.categories.remove("BACKGROUND_Google")
        self.annotation_categories = [self._ANNOTATION_NAMES.get(c, c) for c in self.categories]
        self._number_images(images)

    def _image_path(self, index):
        return os.path.join(self.root, "101_ObjectCategories", self.categories[self.y[index]],
                            f"image_{self.index[index]:04d}.jpg")

    def _target(self, index):
        target = []
        for t in self.target_type:
            if t == "category":
                target.append(self.y[index])
            else:
                path = os.path.join(self.root, "Annotations", self.annotation_categories[self.y[index]],
                                    f"annotation_{self.index[index]:04d}.mat")
                target.append(loadmat(path)["obj_contour"])
        return tuple(target) if len(target) > 1 else target[0]

    def _check_integrity(self):
        return os.path.exists(os.path.join(self.root, "101_ObjectCategories"))

    def download(self):
        """Fetches the zip, unpacks its two inner archives into ``root/caltech101`` and removes the rest."""
        if self._check_integrity():
            return
        download_and_extract_archive(self._URL, download_root=self.root, filename="caltech-101.zip", md5=self._MD5)
        inner = os.path.join(self.root, "caltech-101")
        for name in os.listdir(inner):
            if name.endswith(".gz"):
                extract_archive(os.path.join(inner, name), self.root)
        shutil.rmtree(inner)
        os.remove(os.path.join(self.root, "caltech-101.zip"))

    def extra_repr(self):
        return f"Target type: {self.target_type}"


class Caltech256(_NumberedCategories):
    """`Caltech 256 <https://data.caltech.edu/records/nyy15-4j048>`_: 257 categories (256 objects and clutter);
    items are ``(PIL image, category index)``.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``caltech256/``.
        transform, target_transform (callable, optional): applied to the image / the category index.
        download (bool): fetch and unpack the archive if it is not there.
    """

    _URL = "https://data.caltech.edu/records/nyy15-4j048/files/256_ObjectCategories.tar"
    _MD5 = "67b4f42ca05d46448c6bb8ecd2220f6d"

    def __init__(self, root, transform=None, target_transform=None, download=False):
        super().__init__(os.path.join(root, "caltech256"), transform=transform, target_transform=target_transform)
        os.makedirs(self.root, exist_ok=True)
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError(_NOT_FOUND)
        images = os.path.join(self.root, "256_ObjectCategories")
        self.categories = sorted(os.listdir(images))
        self._number_images(images, keep=lambda name: name.endswith(".jpg"))

    def _image_path(self, index):
        return os.path.join(self.root, "256_ObjectCategories", self.categories[self.y[index]],
                            f"{self.y[index] + 1:03d}_{self.index[index]:04d}.jpg")

    def _target(self, index):
        return self.y[index]

    def _check_integrity(self):
        return os.path.exists(os.path.join(self.root, "256_ObjectCategories"))

    def download(self):
        """Fetches and unpacks the archive unless the images are there."""
        if self._check_integrity():
            return
        download_and_extract_archive(self._URL, self.root, filename="256_ObjectCategories.tar", md5=self._MD5)
