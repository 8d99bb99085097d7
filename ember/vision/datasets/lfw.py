"""Labeled Faces in the Wild: ``root/lfw-py/{<lfw|lfw_funneled|lfw-deepfunneled>/<name>/<name>_NNNN.jpg, the
archive (lfw.tgz, ...) checked by MD5, people*.txt / pairs*.txt, lfw-names.txt}``.

people lists: ``<n folds>`` (10-fold file only), then per fold ``<n people>`` and ``<name>\\t<n images>``
lines. pairs lists: ``<n folds>\\t<n pairs>`` (10-fold) or ``<n pairs>``, then per fold n matched
``<name>\\t<i>\\t<j>`` and n mismatched ``<name>\\t<i>\\t<other name>\\t<j>`` lines."""
import os

from ember.vision.datasets._download import check_integrity, verify_str_arg
from ember.vision.datasets.folder import default_loader
from ember.vision.datasets.vision import VisionDataset


class _LFW(VisionDataset):
    base_folder = "lfw-py"
    download_url_prefix = "http://vis-www.cs.umass.edu/lfw/"
    file_dict = {
        "original": ("lfw", "lfw.tgz", "a17d05bd522c52d84eca14327a23d494"),
        "funneled": ("lfw_funneled", "lfw-funneled.tgz", "1b42dfed7d15c9b2dd63d5e5840c86ad"),
        "deepfunneled": ("lfw-deepfunneled", "lfw-deepfunneled.tgz", "68331da3eb755a505a502b5aacb3c201"),
    }
    checksums = {
        "pairs.txt": "9f1ba174e4e1c508ff7cdf10ac338a7d",
        "pairsDevTest.txt": "5132f7440eb68cf58910c8a45a2ac10b",
        "pairsDevTrain.txt": "4f27cbf15b2da4a85c1907eb4181ad21",
        "people.txt": "450f0863dd89e85e73936a6d71a3474b",
        "peopleDevTest.txt": "e4bf5be0a43b5dcd9dc5ccfcb8fb19c5",
        "peopleDevTrain.txt": "54eaac34beb6d042ed3a7d883e247a21",
        "lfw-names.txt": "a6d0a479bd074669f656265a6e693f6d",
    }
    annot_file = {"10fold": "", "train": "DevTrain", "test": "DevTest"}
    names = "lfw-names.txt"

    def __init__(self, root, split, image_set, view, transform=None, target_transform=None, download=False,
                 loader=default_loader):
        super().__init__(os.path.join(root, self.base_folder), transform=transform, target_transform=target_transform)
        self.image_set = verify_str_arg(image_set.lower(), "image_set", self.file_dict.keys())
        images_dir, self.filename, self.md5 = self.file_dict[self.image_set]
        self.view = verify_str_arg(view.lower(), "view", ["people", "pairs"])
        self.split = verify_str_arg(split.lower(), "split", ["10fold", "train", "test"])
        self.labels_file = f"{self.view}{self.annot_file[self.split]}.txt"
        self.data = []
        if download:
            # NOTE: the sentences run together as in torchvision's message.
            raise ValueError("LFW dataset is no longer available for automatic download."
                             "Please download the dataset manually and place it in the specified directory."
                             "A commonly used mirror is available at: "
                             "https://www.kaggle.com/datasets/jessicali9530/lfw-dataset")
        if not self._check_integrity():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it")
        self.images_dir = os.path.join(self.root, images_dir)
        self._loader = loader

    def _check_integrity(self):
        if not (check_integrity(os.path.join(self.root, self.filename), self.md5)
                and check_integrity(os.path.join(self.root, self.labels_file), self.checksums[self.labels_file])):
            return False
        if self.view == "people":
            return check_integrity(os.path.join(self.root, self.names), self.checksums[self.names])
        return True

    def _get_path(self, identity, no):
        return os.path.join(self.images_dir, identity, f"{identity}_{int(no):04d}.jpg")

    def _lines(self):
        with open(os.path.join(self.root, self.labels_file)) as f:
            return f.readlines()

    def extra_repr(self):
        return f"Alignment: {self.image_set}\nSplit: {self.split}"

    def __len__(self):
        return len(self.data)


class LFWPeople(_LFW):
    """`LFW <http://vis-www.cs.umass.edu/lfw/>`_ faces by identity: items are ``(image, identity index)``.

    The files are no longer downloadable from their authors: place them in ``root/lfw-py`` by hand
    (``download=True`` raises ValueError). Each file is checked against its published MD5.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``lfw-py/``.
        split (str): '10fold' (all ten folds), 'train' or 'test' (the development views).
        image_set (str): 'original', 'funneled' or 'deepfunneled' alignment.
        transform, target_transform (callable, optional): applied to the image / the identity index.
        download (bool): not possible any more (raises ValueError).
        loader (callable): reads an image path (RGB PIL images by default).
    """

    def __init__(self, root, split="10fold", image_set="funneled", transform=None, target_transform=None,
                 download=False, loader=default_loader):
        super().__init__(root, split, image_set, "people", transform, target_transform, download, loader=loader)
        self.class_to_idx = self._get_classes()
        self.data, self.targets = self._get_people()

    def _get_people(self):
        data, targets = [], []
        lines = self._lines()
        n_folds, s = (int(lines[0]), 1) if self.split == "10fold" else (1, 0)
        for _ in range(n_folds):
            n_lines = int(lines[s])
            people = [line.strip().split("\t") for line in lines[s + 1: s + n_lines + 1]]
            s += n_lines + 1
            for identity, num_imgs in people:
                for num in range(1, int(num_imgs) + 1):
                    data.append(self._get_path(identity, num))
                    targets.append(self.class_to_idx[identity])
        return data, targets

    def _get_classes(self):
        with open(os.path.join(self.root, self.names)) as f:
            names = [line.strip().split()[0] for line in f.readlines()]
        return {name: i for i, name in enumerate(names)}

    def __getitem__(self, index):
        img, target = self._loader(self.data[index]), self.targets[index]
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def extra_repr(self):
        return super().extra_repr() + f"\nClasses (identities): {len(self.class_to_idx)}"


class LFWPairs(_LFW):
    """`LFW <http://vis-www.cs.umass.edu/lfw/>`_ face pairs: items are ``(image 1, image 2, 1 if the same
    person else 0)``; ``pair_names`` holds the two identities of each pair.

    Args: as for :class:`LFWPeople`; ``split`` selects ``pairs.txt``, ``pairsDevTrain.txt`` or
    ``pairsDevTest.txt``.
    """

    def __init__(self, root, split="10fold", image_set="funneled", transform=None, target_transform=None,
                 download=False, loader=default_loader):
        super().__init__(root, split, image_set, "pairs", transform, target_transform, download, loader=loader)
        self.pair_names, self.data, self.targets = self._get_pairs(self.images_dir)

    def _get_pairs(self, images_dir):
        pair_names, data, targets = [], [], []
        lines = self._lines()
        if self.split == "10fold":
            n_folds, n_pairs = (int(v) for v in lines[0].split("\t"))
        else:
            n_folds, n_pairs = 1, int(lines[0])
        s = 1
        for _ in range(n_folds):
            matched = [line.strip().split("\t") for line in lines[s: s + n_pairs]]
            unmatched = [line.strip().split("\t") for line in lines[s + n_pairs: s + 2 * n_pairs]]
            s += 2 * n_pairs
            for name, i, j in matched:
                pair_names.append((name, name))
                data.append((self._get_path(name, i), self._get_path(name, j)))
                targets.append(1)
            for name, i, other, j in unmatched:
                pair_names.append((name, other))
                data.append((self._get_path(name, i), self._get_path(other, j)))
                targets.append(0)
        return pair_names, data, targets

    def __getitem__(self, index):
        img1, img2 = (self._loader(path) for path in self.data[index])
        target = self.targets[index]
        if self.transform is not None:
            img1, img2 = self.transform(img1), self.transform(img2)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img1, img2, target
