"""Country211: ``root/country211/{train,valid,test}/<country code>/<image>.jpg``, an image folder per split."""
from pathlib import Path

from ember.vision.datasets._download import download_and_extract_archive, verify_str_arg
from ember.vision.datasets.folder import ImageFolder, default_loader


class Country211(ImageFolder):
    """`Country211 <https://github.com/openai/CLIP/blob/main/data/country211.md>`_: YFCC100m photos geotagged in
    211 countries (ISO-3166 codes as classes); 150 train, 50 validation and 100 test images per country.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``country211/``.
        split (str): 'train', 'valid' or 'test'.
        transform, target_transform (callable, optional): applied to the image / the class index.
        download (bool): fetch and unpack the archive if it is not there.
        loader (callable): reads an image path (RGB PIL images by default).
    """

    _URL = "https://openaipublic.azureedge.net/clip/data/country211.tgz"
    _MD5 = "84988d7644798601126c29e9877aab6a"

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False,
                 loader=default_loader):
        self._split = verify_str_arg(split, "split", ("train", "valid", "test"))
        root = Path(root).expanduser()
        self.root = str(root)
        self._base_folder = root / "country211"
        if download:
            self._download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it")
        super().__init__(str(self._base_folder / self._split), transform=transform,
                         target_transform=target_transform, loader=loader)
        self.root = str(root)  # the folder given, not the split's image folder

    def _check_exists(self):
        return self._base_folder.is_dir()

    def _download(self):
        if self._check_exists():
            return
        download_and_extract_archive(self._URL, download_root=self.root, md5=self._MD5)
