"""SUN397: ``root/SUN397/{ClassName.txt, <letter>/<class>[/<subclass>]/sun_*.jpg}``; ClassName.txt lists
``/<letter>/<class path>`` lines."""
from pathlib import Path

from ember.vision.datasets._download import download_and_extract_archive
from ember.vision.datasets._labelled_files import LabelledImageFiles
from ember.vision.datasets.folder import default_loader


class SUN397(LabelledImageFiles):
    """`SUN397 <https://vision.princeton.edu/projects/2010/SUN/>`_: 108,753 scene images in 397 categories; items
    are ``(image, class index)``, images in the order the file system lists them.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``SUN397/``.
        transform, target_transform (callable, optional): applied to the image / the class index.
        download (bool): fetch and unpack the archive if it is not there.
        loader (callable): reads an image path (RGB PIL images by default).
    """

    _DATASET_URL = "http://vision.princeton.edu/projects/2010/SUN/SUN397.tar.gz"
    _DATASET_MD5 = "8ca2778205c41d23104230ba66911c7a"

    def __init__(self, root, transform=None, target_transform=None, download=False, loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._data_dir = Path(self.root) / "SUN397"
        if download:
            self._download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it")
        with open(self._data_dir / "ClassName.txt") as f:
            self.classes = [c[3:].strip() for c in f]     # drop the leading "/<letter>/"
        self.class_to_idx = dict(zip(self.classes, range(len(self.classes))))
        self._image_files = list(self._data_dir.rglob("sun_*.jpg"))
        self._labels = [self.class_to_idx["/".join(path.relative_to(self._data_dir).parts[1:-1])]
                        for path in self._image_files]
        self.loader = loader

    def extra_repr(self):
        return ""

    def _check_exists(self):
        return self._data_dir.is_dir()

    def _download(self):
        if self._check_exists():
            return
        download_and_extract_archive(self._DATASET_URL, download_root=self.root, md5=self._DATASET_MD5)
