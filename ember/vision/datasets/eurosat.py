"""EuroSAT (RGB): ``root/eurosat/2750/<class>/<image>.jpg``, an image folder."""
import os

from ember.vision.datasets._download import download_and_extract_archive
from ember.vision.datasets.folder import ImageFolder, default_loader


class EuroSAT(ImageFolder):
    """`EuroSAT <https://github.com/phelber/eurosat>`_ (RGB): 27,000 Sentinel-2 satellite images of 64 x 64
    pixels in 10 land-use classes.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``eurosat/``.
        transform, target_transform (callable, optional): applied to the image / the class index.
        download (bool): fetch and unpack the archive if it is not there.
        loader (callable): reads an image path (RGB PIL images by default).
    """

    _URL = ("https://huggingface.co/datasets/torchgeo/eurosat/resolve/c877bcd43f099cd0196738f714544e355477f3fd/"
            "EuroSAT.zip")
    _MD5 = "c8fa014336c82ac7804f0398fcb19387"

    def __init__(self, root, transform=None, target_transform=None, download=False, loader=default_loader):
        self.root = os.path.expanduser(root)
        self._base_folder = os.path.join(self.root, "eurosat")
        self._data_folder = os.path.join(self._base_folder, "2750")
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it")
        super().__init__(self._data_folder, transform=transform, target_transform=target_transform, loader=loader)
        self.root = os.path.expanduser(root)  # the folder given, not the image folder inside it

    def __len__(self):
        return len(self.samples)

    def _check_exists(self):
        return os.path.exists(self._data_folder)

    def download(self):
        """Fetches and unpacks the images unless they are there."""
        if self._check_exists():
            return
        os.makedirs(self._base_folder, exist_ok=True)
        download_and_extract_archive(self._URL, download_root=self._base_folder, md5=self._MD5)
