"""GTSRB: ``root/gtsrb/GTSRB/Training/<class>/<image>.ppm`` for training; for testing
``root/gtsrb/GTSRB/Final_Test/Images/<image>.ppm`` with the labels in ``root/gtsrb/GT-final_test.csv``
(';'-separated, columns Filename and ClassId)."""
import csv
import pathlib

from ember.vision.datasets._download import download_and_extract_archive, verify_str_arg
from ember.vision.datasets._labelled_files import LabelledSamples
from ember.vision.datasets.folder import make_dataset, pil_loader


class GTSRB(LabelledSamples):
    """`German Traffic Sign Recognition Benchmark <https://benchmark.ini.rub.de/>`_: 43 classes of traffic
    signs; items are ``(RGB PIL image, class index)``.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``gtsrb/``.
        split (str): 'train' or 'test'.
        transform, target_transform (callable, optional): applied to the image / the class index.
        download (bool): fetch and unpack the split's archives if they are not there.
    """

    _BASE_URL = "https://sid.erda.dk/public/archives/daaeac0d7ce1152aea9b61d9f1e19370/"
    _ARCHIVES = {"train": [("GTSRB-Training_fixed.zip", "513f3c79a4c5141765e10e952eaa2478")],
                 "test": [("GTSRB_Final_Test_Images.zip", "c7e4e6327067d32654124b0fe9e82185"),
                          ("GTSRB_Final_Test_GT.zip", "fe31e9c9270bbcd7b84b7f21a9d9d9e5")]}

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._split = verify_str_arg(split, "split", ("train", "test"))
        self._base_folder = pathlib.Path(root) / "gtsrb"
        self._target_folder = self._base_folder / "GTSRB" / ("Training" if self._split == "train"
                                                            else "Final_Test/Images")
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it")
        if self._split == "train":
            samples = make_dataset(str(self._target_folder), extensions=(".ppm",))
        else:
            with open(self._base_folder / "GT-final_test.csv") as csv_file:
                samples = [(str(self._target_folder / row["Filename"]), int(row["ClassId"]))
                           for row in csv.DictReader(csv_file, delimiter=";", skipinitialspace=True)]
        self._samples = samples
        self.loader = pil_loader

    def _check_exists(self):
        return self._target_folder.is_dir()

    def download(self):
        """Fetches and unpacks the split's archives unless the images are there."""
        if self._check_exists():
            return
        for filename, md5 in self._ARCHIVES[self._split]:
            download_and_extract_archive(self._BASE_URL + filename, download_root=str(self._base_folder), md5=md5)
