"""ImageNet 2012 classification in torchvision's layout: ``root/{train,val}/<wnid>/<image>.JPEG`` and
``root/meta.bin`` (the class names of each WordNet id, and the validation labels).

The archives (``ILSVRC2012_img_train.tar``, ``ILSVRC2012_img_val.tar``, ``ILSVRC2012_devkit_t12.tar.gz``)
cannot be downloaded automatically; placed in ``root``, they are verified (MD5) and unpacked on first use.
"""
import os
import shutil
import tempfile

import ember
from ember.vision.datasets._download import check_integrity, extract_archive, verify_str_arg
from ember.vision.datasets._mat import loadmat
from ember.vision.datasets.folder import ImageFolder

ARCHIVE_META = {
    "train": ("ILSVRC2012_img_train.tar", "1d675b47d978889d74fa0da5fadfb00e"),
    "val": ("ILSVRC2012_img_val.tar", "29b22e2961454d5413ddabcf34fc5622"),
    "devkit": ("ILSVRC2012_devkit_t12.tar.gz", "fa75699e90414af021442c21a62c3abf"),
}
META_FILE = "meta.bin"


class ImageNet(ImageFolder):
    """`ImageNet <https://image-net.org/>`_ 2012: items are (RGB PIL image, class index 0-999).

    Attributes: ``wnids`` (the class folders), ``wnid_to_idx``, ``classes`` (a tuple of names per class),
    ``class_to_idx`` (every name of every class to its index). Other keyword arguments go to ImageFolder.
    """

    def __init__(self, root, split="train", **kwargs):
        root = self.root = os.path.expanduser(root)
        self.split = verify_str_arg(split, "split", ("train", "val"))
        self.parse_archives()
        wnid_to_classes = load_meta_file(self.root)[0]
        super().__init__(self.split_folder, **kwargs)
        self.root = root
        self.wnids = self.classes
        self.wnid_to_idx = self.class_to_idx
        self.classes = [wnid_to_classes[wnid] for wnid in self.wnids]
        self.class_to_idx = {cls: idx for idx, clss in enumerate(self.classes) for cls in clss}

    def parse_archives(self):
        if not check_integrity(os.path.join(self.root, META_FILE)):
            parse_devkit_archive(self.root)
        if not os.path.isdir(self.split_folder):
            if self.split == "train":
                parse_train_archive(self.root)
            else:
                parse_val_archive(self.root)

    @property
    def split_folder(self):
        return os.path.join(self.root, self.split)

    def extra_repr(self):
        return f"Split: {self.split}"


def load_meta_file(root, file=None):
    """``(wnid_to_classes, val_wnids)`` from ``root/meta.bin``."""
    file = os.path.join(root, META_FILE if file is None else file)
    if check_integrity(file):
        return ember.load(file, weights_only=True)
    raise RuntimeError(f"The meta file {file} is not present in the root directory or is corrupted. This file is "
                       "automatically created by the ImageNet dataset.")


def _verify_archive(root, file, md5):
    if not check_integrity(os.path.join(root, file), md5):
        raise RuntimeError(f"The archive {file} is not present in the root directory or is corrupted. You need to "
                           f"download it externally and place it in {root}.")


def parse_devkit_archive(root, file=None):
    """Write ``root/meta.bin`` from the devkit's ``data/meta.mat`` and validation ground truth (needs SciPy)."""
    file = ARCHIVE_META["devkit"][0] if file is None else file
    _verify_archive(root, file, ARCHIVE_META["devkit"][1])
    tmp_dir = tempfile.mkdtemp()
    try:
        extract_archive(os.path.join(root, file), tmp_dir)
        devkit_root = os.path.join(tmp_dir, "ILSVRC2012_devkit_t12")
        synsets = loadmat(os.path.join(devkit_root, "data", "meta.mat"), squeeze_me=True)["synsets"]
        # NOTE: only leaves of the WordNet tree (no children) are the 1000 classes
        leaves = [s for s in synsets if s[4] == 0]
        idx_to_wnid = {s[0]: s[1] for s in leaves}
        wnid_to_classes = {s[1]: tuple(s[2].split(", ")) for s in leaves}
        with open(os.path.join(devkit_root, "data", "ILSVRC2012_validation_ground_truth.txt")) as f:
            val_wnids = [idx_to_wnid[int(line)] for line in f.readlines()]
        ember.save((wnid_to_classes, val_wnids), os.path.join(root, META_FILE))
    finally:
        shutil.rmtree(tmp_dir)


def parse_train_archive(root, file=None, folder="train"):
    """Unpack the training archive: one inner tar per class, each into ``root/train/<wnid>``."""
    file = ARCHIVE_META["train"][0] if file is None else file
    _verify_archive(root, file, ARCHIVE_META["train"][1])
    train_root = os.path.join(root, folder)
    extract_archive(os.path.join(root, file), train_root)
    for archive in [os.path.join(train_root, a) for a in os.listdir(train_root)]:
        extract_archive(archive, os.path.splitext(archive)[0], remove_finished=True)


def parse_val_archive(root, file=None, wnids=None, folder="val"):
    """Unpack the validation archive and sort its images into ``root/val/<wnid>`` by the meta file's labels."""
    file = ARCHIVE_META["val"][0] if file is None else file
    if wnids is None:
        wnids = load_meta_file(root)[1]
    _verify_archive(root, file, ARCHIVE_META["val"][1])
    val_root = os.path.join(root, folder)
    extract_archive(os.path.join(root, file), val_root)
    images = sorted(os.path.join(val_root, image) for image in os.listdir(val_root))
    for wnid in set(wnids):
        os.mkdir(os.path.join(val_root, wnid))
    for wnid, img_file in zip(wnids, images):
        shutil.move(img_file, os.path.join(val_root, wnid, os.path.basename(img_file)))
