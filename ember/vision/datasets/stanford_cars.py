"""Stanford Cars: ``root/stanford_cars/{devkit/{cars_meta.mat, cars_train_annos.mat}, cars_train/, cars_test/,
cars_test_annos_withlabels.mat}`` (needs SciPy)."""
import pathlib

from ember.vision.datasets._download import verify_str_arg
from ember.vision.datasets._labelled_files import LabelledSamples
from ember.vision.datasets._mat import loadmat
from ember.vision.datasets.folder import default_loader


class StanfordCars(LabelledSamples):
    """`Stanford Cars <https://ai.stanford.edu/~jkrause/cars/car_dataset.html>`_: 196 car models; items are
    ``(image, class index)``.

    The original download links are gone, so ``download=True`` raises; place the files by hand.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``stanford_cars/``.
        split (str): 'train' or 'test'.
        transform, target_transform (callable, optional): applied to the image / the class index.
        download (bool): not possible any more (raises ValueError).
        loader (callable): reads an image path (RGB PIL images by default).
    """

    def __init__(self, root, split="train", transform=None, target_transform=None, download=False,
                 loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self._split = verify_str_arg(split, "split", ("train", "test"))
        self._base_folder = pathlib.Path(root) / "stanford_cars"
        devkit = self._base_folder / "devkit"
        if self._split == "train":
            self._annotations_mat_path = devkit / "cars_train_annos.mat"
            self._images_base_path = self._base_folder / "cars_train"
        else:
            self._annotations_mat_path = self._base_folder / "cars_test_annos_withlabels.mat"
            self._images_base_path = self._base_folder / "cars_test"
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError("Dataset not found.")
        # NOTE: classes count from 1 in the annotations.
        self._samples = [(str(self._images_base_path / a["fname"]), a["class"] - 1)
                         for a in loadmat(self._annotations_mat_path, squeeze_me=True)["annotations"]]
        self.classes = loadmat(str(devkit / "cars_meta.mat"), squeeze_me=True)["class_names"].tolist()
        self.class_to_idx = {cls: i for i, cls in enumerate(self.classes)}
        self.loader = loader

    def _check_exists(self):
        if not (self._base_folder / "devkit").is_dir():
            return False
        return self._annotations_mat_path.exists() and self._images_base_path.is_dir()

    def download(self):
        """Always raises: the dataset's original URL no longer serves it."""
        raise ValueError("The original URL is broken so the StanfordCars dataset cannot be downloaded anymore.")
