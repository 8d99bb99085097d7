"""Oxford 102 Flowers: ``root/flowers-102/{jpg/image_XXXXX.jpg, imagelabels.mat, setid.mat}`` (needs SciPy)."""
from pathlib import Path

from ember.vision.datasets._download import (check_integrity, download_and_extract_archive, download_url,
                                             verify_str_arg)
from ember.vision.datasets._labelled_files import LabelledImageFiles
from ember.vision.datasets._mat import loadmat
from ember.vision.datasets.folder import default_loader


class Flowers102(LabelledImageFiles):
    """`Oxford 102 Flower <https://www.robots.ox.ac.uk/~vgg/data/flowers/102/>`_: items are (image, class 0-101).

    ``split`` is 'train', 'val' or 'test' (the ``trnid``/``valid``/``tstid`` lists of setid.mat);
    ``loader`` reads an image path (default: an RGB PIL image).
    """

    _download_url_prefix = "https://www.robots.ox.ac.uk/~vgg/data/flowers/102/"
    _file_dict = {
        "image": ("102flowers.tgz", "52808999861908f626f3c1f4e79d11fa"),
        "label": ("imagelabels.mat", "e0620be6f572b9609742df49c70aed4d"),
        "setid": ("setid.mat", "a5357ecc9cb78c4bef273ce3793fc85c"),
    }
    _splits_map = {"train": "trnid", "val": "valid", "test": "tstid"}

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False,
                 loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._split = verify_str_arg(split, "split", ("train", "val", "test"))
        self._base_folder = Path(self.root) / "flowers-102"
        self._images_folder = self._base_folder / "jpg"
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it")
        set_ids = loadmat(self._base_folder / self._file_dict["setid"][0], squeeze_me=True)
        image_ids = set_ids[self._splits_map[self._split]].tolist()
        labels = loadmat(self._base_folder / self._file_dict["label"][0], squeeze_me=True)
        # NOTE: image ids and labels in the files count from 1
        label_of = dict(enumerate((labels["labels"] - 1).tolist(), 1))
        self._labels = [label_of[i] for i in image_ids]
        self._image_files = [self._images_folder / f"image_{i:05d}.jpg" for i in image_ids]
        self.loader = loader

    def _check_integrity(self):
        if not self._images_folder.is_dir():
            return False
        return all(check_integrity(str(self._base_folder / self._file_dict[key][0]), self._file_dict[key][1])
                   for key in ("label", "setid"))

    def download(self):
        if self._check_integrity():
            return
        download_and_extract_archive(f"{self._download_url_prefix}{self._file_dict['image'][0]}",
                                     str(self._base_folder), md5=self._file_dict["image"][1])
        for key in ("label", "setid"):
            filename, md5 = self._file_dict[key]
            download_url(self._download_url_prefix + filename, str(self._base_folder), md5=md5)

    classes = [
        "pink primrose", "hard-leaved pocket orchid", "canterbury bells", "sweet pea", "english marigold",
        "tiger lily", "moon orchid", "bird of paradise", "monkshood", "globe thistle", "snapdragon", "colt's foot",
        "king protea", "spear thistle", "yellow iris", "globe-flower", "purple coneflower", "peruvian lily",
        "balloon flower", "giant white arum lily", "fire lily", "pincushion flower", "fritillary", "red ginger",
        "grape hyacinth", "corn poppy", "prince of wales feathers", "stemless gentian", "artichoke", "sweet william",
        "carnation", "garden phlox", "love in the mist", "mexican aster", "alpine sea holly", "ruby-lipped cattleya",
        "cape flower", "great masterwort", "siam tulip", "lenten rose", "barbeton daisy", "daffodil", "sword lily",
        "poinsettia", "bolero deep blue", "wallflower", "marigold", "buttercup", "oxeye daisy", "common dandelion",
        "petunia", "wild pansy", "primula", "sunflower", "pelargonium", "bishop of llandaff", "gaura", "geranium",
        "orange dahlia", "pink-yellow dahlia?", "cautleya spicata", "japanese anemone", "black-eyed susan",
        "silverbush", "californian poppy", "osteospermum", "spring crocus", "bearded iris", "windflower",
        "tree poppy", "gazania", "azalea", "water lily", "rose", "thorn apple", "morning glory", "passion flower",
        "lotus", "toad lily", "anthurium", "frangipani", "clematis", "hibiscus", "columbine", "desert-rose",
        "tree mallow", "magnolia", "cyclamen", "watercress", "canna lily", "hippeastrum", "bee balm", "ball moss",
        "foxglove", "bougainvillea", "camellia", "mallow", "mexican petunia", "bromelia", "blanket flower",
        "trumpet creeper", "blackberry lily",
    ]
