"""PatchCamelyon: ``root/pcam/camelyonpatch_level_2_split_<train|valid|test>_<x|y>.h5`` (HDF5, read with the
optional h5py): ``x`` holds uint8 images ``[N, 96, 96, 3]``, ``y`` labels ``[N, 1, 1, 1]``."""
import pathlib

from ember.vision._pil import pil_image
from ember.vision.datasets._download import download_file_from_google_drive, extract_archive, verify_str_arg
from ember.vision.datasets.vision import VisionDataset


def _h5py():
    try:
        import h5py
    except ImportError as e:
        raise ImportError("PCAM's files are HDF5: reading them needs h5py (pip install h5py)") from e
    return h5py


class PCAM(VisionDataset):
    """`PatchCamelyon <https://github.com/basveeling/pcam>`_: 327,680 96x96 patches of lymph node sections, labelled
    1 when the centre shows metastatic tissue; items are ``(RGB PIL image, 0 or 1)``. Needs h5py.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``pcam/``.
        split (str): 'train', 'test' or 'val'.
        transform, target_transform (callable, optional): applied to the image / the label.
        download (bool): fetch the split's files from Google Drive (needs gdown) if they are not there.
    """

    _FILES = {
        "train": {"images": ("camelyonpatch_level_2_split_train_x.h5", "1Ka0XfEMiwgCYPdTI-vv6eUElOBnKFKQ2",
                             "1571f514728f59376b705fc836ff4b63"),
                  "targets": ("camelyonpatch_level_2_split_train_y.h5", "1269yhu3pZDP8UYFQs-NYs3FPwuK-nGSG",
                              "35c2d7259d906cfc8143347bb8e05be7")},
        "test": {"images": ("camelyonpatch_level_2_split_test_x.h5", "1qV65ZqZvWzuIVthK8eVDhIwrbnsJdbg_",
                            "d8c2d60d490dbd479f8199bdfa0cf6ec"),
                 "targets": ("camelyonpatch_level_2_split_test_y.h5", "17BHrSrwWKjYsOgTMmoqrIjDy6Fa2o_gP",
                             "60a7035772fbdb7f34eb86d4420cf66a")},
        "val": {"images": ("camelyonpatch_level_2_split_valid_x.h5", "1hgshYGWK8V-eGRy8LToWJJgDU_rXWVJ3",
                           "d5b63470df7cfa627aeec8b9dc0c066e"),
                "targets": ("camelyonpatch_level_2_split_valid_y.h5", "1bH8ZRbhSVAhScTS0p9-ZzGnX91cHT3uO",
                            "2b85f58b927af9964a4c15b8f7e8f179")},
    }

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False):
        self.h5py = _h5py()
        self._split = verify_str_arg(split, "split", ("train", "test", "val"))
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._base_folder = pathlib.Path(self.root) / "pcam"
        if download:
            self._download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found. You can use download=True to download it")

    def _file(self, kind):
        return self._base_folder / self._FILES[self._split][kind][0]

    def __len__(self):
        with self.h5py.File(self._file("images")) as images:
            return images["x"].shape[0]

    def __getitem__(self, idx):
        # NOTE: each item opens the files again, so the dataset pickles into DataLoader workers.
        with self.h5py.File(self._file("images")) as images:
            image = pil_image().fromarray(images["x"][idx]).convert("RGB")
        with self.h5py.File(self._file("targets")) as targets:
            target = int(targets["y"][idx, 0, 0, 0])
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            target = self.target_transform(target)
        return image, target

    def _check_exists(self):
        return all(self._file(kind).exists() for kind in ("images", "targets"))

    def _download(self):
        if self._check_exists():
            return
        for file_name, file_id, md5 in self._FILES[self._split].values():
            archive = file_name + ".gz"
            download_file_from_google_drive(file_id, str(self._base_folder), filename=archive, md5=md5)
            extract_archive(str(self._base_folder / archive))
