"""RenderedSST2: ``root/rendered-sst2/{train,valid,test}/{negative,positive}/<image>.png``."""
from pathlib import Path

from ember.vision.datasets._download import download_and_extract_archive, verify_str_arg
from ember.vision.datasets._labelled_files import LabelledSamples
from ember.vision.datasets.folder import default_loader, make_dataset


class RenderedSST2(LabelledSamples):
    """`Rendered SST2 <https://github.com/openai/CLIP/blob/main/data/rendered-sst2.md>`_: the Stanford Sentiment
    Treebank's sentences rendered as images, labelled negative (0) or positive (1).

    Args:
        root (str or ``pathlib.Path``): the folder holding ``rendered-sst2/``.
        split (str): 'train', 'val' or 'test'.
        transform, target_transform (callable, optional): applied to the image / the label.
        download (bool): fetch and unpack the archive if it is not there.
        loader (callable): reads an image path (RGB PIL images by default).
    """

    _URL = "https://openaipublic.azureedge.net/clip/data/rendered-sst2.tgz"
    _MD5 = "2384d08e9dcfa4bd55b324e610496ee5"

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False,
                 loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._split = verify_str_arg(split, "split", ("train", "val", "test"))
        self._split_to_folder = {"train": "train", "val": "valid", "test": "test"}
        self._base_folder = Path(self.root) / "rendered-sst2"
        self.classes = ["negative", "positive"]
        self.class_to_idx = {"negative": 0, "positive": 1}
        if download:
            self._download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it")
        self._samples = make_dataset(str(self._base_folder / self._split_to_folder[self._split]), extensions=("png",))
        self.loader = loader

    def extra_repr(self):
        return f"split={self._split}"

    def _check_exists(self):
        return all((self._base_folder / self._split_to_folder[self._split] / c).is_dir() for c in self.classes)

    def _download(self):
        if self._check_exists():
            return
        download_and_extract_archive(self._URL, download_root=self.root, md5=self._MD5)
