"""iNaturalist: ``root/<version>/<category folder>/<image>.jpg``. Category folders are
``<5-digit id>_<kingdom>_<phylum>_<class>_<order>_<family>_<genus>_<species>`` for the 2021 versions and
``<super category>/<id or name>`` before."""
import os

from ember.vision._pil import pil_image
from ember.vision.datasets._download import download_and_extract_archive, verify_str_arg
from ember.vision.datasets.vision import VisionDataset

CATEGORIES_2021 = ["kingdom", "phylum", "class", "order", "family", "genus"]
_S3 = "https://ml-inat-competition-datasets.s3.amazonaws.com/"
DATASET_URLS = {"2017": _S3 + "2017/train_val_images.tar.gz", "2018": _S3 + "2018/train_val2018.tar.gz",
                "2019": _S3 + "2019/train_val2019.tar.gz", "2021_train": _S3 + "2021/train.tar.gz",
                "2021_train_mini": _S3 + "2021/train_mini.tar.gz", "2021_valid": _S3 + "2021/val.tar.gz"}
DATASET_MD5 = {"2017": "7c784ea5e424efaec655bd392f87301f", "2018": "b1c6952ce38f31868cc50ea72d066cc3",
               "2019": "c60a6e2962c9b8ccbd458d12c8582644", "2021_train": "e0526d53c7f7b2e3167b2b43bb2690ed",
               "2021_train_mini": "db6ed8330e634445efc8fec83ae81442",
               "2021_valid": "f6f6e0e242e3d4c9569ba56400938afc"}


class INaturalist(VisionDataset):
    """`iNaturalist <https://github.com/visipedia/inat_comp>`_ species images; items are ``(PIL image, target)``.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``<version>/``.
        version (str): '2017', '2018', '2019', '2021_train', '2021_train_mini' or '2021_valid'.
        target_type (str or list of str): 'full' (the species index) or, for 2021, any of 'kingdom', 'phylum',
            'class', 'order', 'family', 'genus'; before 2021, 'super' (the super category). With several, the
            target is a tuple in that order.
        transform, target_transform (callable, optional): applied to the image / the target.
        download (bool): fetch and unpack the version's archive if the folder is empty.
        loader (callable, optional): reads an image path (default: the PIL image as stored).
    """

    def __init__(self, root, version="2021_train", target_type="full", transform=None, target_transform=None,
                 download=False, loader=None):
        self.version = verify_str_arg(version, "version", DATASET_URLS.keys())
        super().__init__(os.path.join(root, version), transform=transform, target_transform=target_transform)
        os.makedirs(root, exist_ok=True)
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it")
        self.all_categories = []
        self.categories_index = {}
        self.categories_map = []
        if not isinstance(target_type, list):
            target_type = [target_type]
        if self.version[:4] == "2021":
            self.target_type = [verify_str_arg(t, "target_type", ("full", *CATEGORIES_2021)) for t in target_type]
            self._init_2021()
        else:
            self.target_type = [verify_str_arg(t, "target_type", ("full", "super")) for t in target_type]
            self._init_pre2021()
        # NOTE: images in the order the file system lists them, as torchvision indexes them.
        self.index = [(dir_index, fname) for dir_index, dir_name in enumerate(self.all_categories)
                      for fname in os.listdir(os.path.join(self.root, dir_name))]
        self.loader = loader

    def _init_2021(self):
        """Categories from the folder names; each taxonomy level's names get ids in order of first appearance."""
        self.all_categories = sorted(os.listdir(self.root))
        self.categories_index = {k: {} for k in CATEGORIES_2021}
        for dir_index, dir_name in enumerate(self.all_categories):
            pieces = dir_name.split("_")
            if len(pieces) != 8:
                raise RuntimeError(f"Unexpected category name {dir_name}, wrong number of pieces")
            if pieces[0] != f"{dir_index:05d}":
                raise RuntimeError(f"Unexpected category id {pieces[0]}, expecting {dir_index:05d}")
            cat_map = {}
            for cat, name in zip(CATEGORIES_2021, pieces[1:7]):
                cat_map[cat] = self.categories_index[cat].setdefault(name, len(self.categories_index[cat]))
            self.categories_map.append(cat_map)

    def _init_pre2021(self):
        """Super categories are the sorted top folders; species are numbered by folder name (2018, 2019) or in
        order (2017)."""
        self.categories_index = {"super": {}}
        cat_index = 0
        for sindex, scat in enumerate(sorted(os.listdir(self.root))):
            self.categories_index["super"][scat] = sindex
            for subcat in sorted(os.listdir(os.path.join(self.root, scat))):
                if self.version == "2017":
                    subcat_i, cat_index = cat_index, cat_index + 1
                else:
                    try:
                        subcat_i = int(subcat)
                    except ValueError:
                        raise RuntimeError(f"Unexpected non-numeric dir name: {subcat}") from None
                if subcat_i >= len(self.categories_map):
                    grow = subcat_i - len(self.categories_map) + 1
                    self.categories_map.extend([{}] * grow)
                    self.all_categories.extend([""] * grow)
                if self.categories_map[subcat_i]:
                    raise RuntimeError(f"Duplicate category {subcat}")
                self.categories_map[subcat_i] = {"super": sindex}
                self.all_categories[subcat_i] = os.path.join(scat, subcat)
        for cindex, c in enumerate(self.categories_map):
            if not c:
                raise RuntimeError(f"Missing category {cindex}")

    def __getitem__(self, index):
        cat_id, fname = self.index[index]
        image_path = os.path.join(self.root, self.all_categories[cat_id], fname)
        img = self.loader(image_path) if self.loader is not None else pil_image().open(image_path)
        target = [cat_id if t == "full" else self.categories_map[cat_id][t] for t in self.target_type]
        target = tuple(target) if len(target) > 1 else target[0]
        return self.transforms(img, target) if self.transforms is not None else (img, target)

    def __len__(self):
        return len(self.index)

    def category_name(self, category_type, category_id):
        """The name of category ``category_id`` of ``category_type`` ('full' or a taxonomy level)."""
        if category_type == "full":
            return self.all_categories[category_id]
        if category_type not in self.categories_index:
            raise ValueError(f"Invalid category type '{category_type}'")
        for name, cid in self.categories_index[category_type].items():
            if cid == category_id:
                return name
        raise ValueError(f"Invalid category id {category_id} for {category_type}")

    def _check_exists(self):
        return os.path.exists(self.root) and len(os.listdir(self.root)) > 0

    def download(self):
        """Fetches and unpacks the version's archive, renaming its folder to ``root/<version>``."""
        if self._check_exists():
            return
        base_root = os.path.dirname(self.root)
        download_and_extract_archive(DATASET_URLS[self.version], base_root, filename=f"{self.version}.tgz",
                                     md5=DATASET_MD5[self.version])
        unpacked = os.path.basename(DATASET_URLS[self.version])
        unpacked = os.path.join(base_root, unpacked[: -len(".tar.gz")])
        if not os.path.exists(unpacked):
            raise RuntimeError(f"Unable to find downloaded files at {unpacked}")
        os.rename(unpacked, self.root)
