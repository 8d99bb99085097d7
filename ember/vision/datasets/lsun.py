"""LSUN scenes: ``root/<category>_<split>_lmdb`` LMDB databases (read with the optional lmdb package) mapping keys
to encoded images; ``test_lmdb`` for the test set."""
import io
import os
import pickle
import string
from collections.abc import Iterable

from ember.vision._pil import pil_image
from ember.vision.datasets._download import iterable_to_str, verify_str_arg
from ember.vision.datasets.vision import VisionDataset


def _lmdb():
    try:
        import lmdb
    except ImportError as e:
        raise ImportError("LSUN's files are LMDB databases: reading them needs lmdb (pip install lmdb)") from e
    return lmdb


class LSUNClass(VisionDataset):
    """One LSUN database: items are ``(RGB PIL image, None)`` in key order. The key list is cached in the current
    folder (``_cache_<letters of root>``), as torchvision caches it.

    Args:
        root (str): the ``*_lmdb`` folder.
        transform, target_transform (callable, optional): applied to the image / the target.
    """

    def __init__(self, root, transform=None, target_transform=None):
        lmdb = _lmdb()
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.env = lmdb.open(root, max_readers=1, readonly=True, lock=False, readahead=False, meminit=False)
        with self.env.begin(write=False) as txn:
            self.length = txn.stat()["entries"]
        cache_file = "_cache_" + "".join(c for c in root if c in string.ascii_letters)
        if os.path.isfile(cache_file):
            with open(cache_file, "rb") as f:
                self.keys = pickle.load(f)
        else:
            with self.env.begin(write=False) as txn:
                self.keys = list(txn.cursor().iternext(keys=True, values=False))
            with open(cache_file, "wb") as f:
                pickle.dump(self.keys, f)

    def __getitem__(self, index):
        with self.env.begin(write=False) as txn:
            imgbuf = txn.get(self.keys[index])
        img = pil_image().open(io.BytesIO(imgbuf)).convert("RGB")
        target = None
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return self.length


class LSUN(VisionDataset):
    """`LSUN <https://www.yf.io/p/lsun>`_ scene categories: items are ``(RGB PIL image, index into classes)``.
    Needs lmdb.

    Args:
        root (str or ``pathlib.Path``): the folder holding the ``*_lmdb`` databases.
        classes (str or list of str): 'train', 'val' (every category's database of that split), 'test', or a
            list of ``<category>_<split>`` names such as ``['bedroom_train', 'church_outdoor_train']``.
        transform, target_transform (callable, optional): applied to the image / the class index.
    """

    _CATEGORIES = ["bedroom", "bridge", "church_outdoor", "classroom", "conference_room", "dining_room", "kitchen",
                   "living_room", "restaurant", "tower"]

    def __init__(self, root, classes="train", transform=None, target_transform=None):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.classes = self._verify_classes(classes)
        self.dbs = [LSUNClass(root=os.path.join(root, f"{c}_lmdb"), transform=transform) for c in self.classes]
        self.indices, count = [], 0
        for db in self.dbs:
            count += len(db)
            self.indices.append(count)
        self.length = count

    def _verify_classes(self, classes):
        categories, splits = self._CATEGORIES, ["train", "val", "test"]
        try:
            verify_str_arg(classes, "classes", splits)
            return [classes] if classes == "test" else [c + "_" + classes for c in categories]
        except ValueError:
            if not isinstance(classes, Iterable):
                raise ValueError(f"Expected type str or Iterable for argument classes, but got type {type(classes)}.")
            classes = list(classes)
            for c in classes:
                verify_str_arg(c, custom_msg=f"Expected type str for elements in argument classes, but got type "
                                             f"{type(c)}.")
                *category, split = c.split("_")
                category = "_".join(category)
                verify_str_arg(category, valid_values=categories,
                               custom_msg=f"Unknown value '{category}' for LSUN class. Valid values are "
                                          f"{{{iterable_to_str(categories)}}}.")
                verify_str_arg(split, valid_values=splits,
                               custom_msg=f"Unknown value '{split}' for postfix. Valid values are "
                                          f"{{{iterable_to_str(splits)}}}.")
            return classes

    def __getitem__(self, index):
        target, sub = 0, 0
        for end in self.indices:
            if index < end:
                break
            target += 1
            sub = end
        if self.target_transform is not None:
            target = self.target_transform(target)
        img, _ = self.dbs[target][index - sub]
        return img, target

    def __len__(self):
        return self.length

    def extra_repr(self):
        return f"Classes: {self.classes}"
