"""CLEVR as object counting: ``root/clevr/CLEVR_v1.0/{images/<split>/*.png, scenes/CLEVR_<split>_scenes.json}``."""
import json
import pathlib

from ember.vision.datasets._download import download_and_extract_archive, verify_str_arg
from ember.vision.datasets._labelled_files import LabelledImageFiles
from ember.vision.datasets.folder import default_loader


class CLEVRClassification(LabelledImageFiles):
    """`CLEVR <https://cs.stanford.edu/people/jcjohns/clevr/>`_ classification: the target is the number of objects
    in the rendered scene (None in the test split, which has no scenes file); images in sorted order.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``clevr/``.
        split (str): 'train', 'val' or 'test'.
        transform, target_transform (callable, optional): applied to the image / the count.
        download (bool): fetch and unpack the archive (18 GB) if it is not there.
        loader (callable): reads an image path (RGB PIL images by default).
    """

    _URL = "https://dl.fbaipublicfiles.com/clevr/CLEVR_v1.0.zip"
    _MD5 = "b11922020e72d0cd9154779b2d3d07d2"

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False,
                 loader=default_loader):
        self._split = verify_str_arg(split, "split", ("train", "val", "test"))
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.loader = loader
        self._base_folder = pathlib.Path(self.root) / "clevr"
        self._data_folder = self._base_folder / "CLEVR_v1.0"
        if download:
            self._download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it")
        self._image_files = sorted(self._data_folder.joinpath("images", self._split).glob("*"))
        if self._split != "test":
            with open(self._data_folder / "scenes" / f"CLEVR_{self._split}_scenes.json") as file:
                scenes = json.load(file)["scenes"]
            num_objects = {scene["image_filename"]: len(scene["objects"]) for scene in scenes}
            self._labels = [num_objects[image_file.name] for image_file in self._image_files]
        else:
            self._labels = [None] * len(self._image_files)

    def _check_exists(self):
        return self._data_folder.is_dir()

    def _download(self):
        if self._check_exists():
            return
        download_and_extract_archive(self._URL, str(self._base_folder), md5=self._MD5)
