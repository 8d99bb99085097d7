"""The shapes of the datasets that are lists of labelled image files: parallel lists of files and class
indices (Flowers102, Food101, DTD), or a list of (path, class index) pairs (GTSRB, RenderedSST2, Imagenette)."""
from ember.vision.datasets.vision import VisionDataset


class LabelledImageFiles(VisionDataset):
    """Items are ``(loader(self._image_files[i]), self._labels[i])``, through the dataset's transforms."""

    def __len__(self):
        return len(self._image_files)

    def __getitem__(self, idx):
        image, label = self.loader(self._image_files[idx]), self._labels[idx]
        if self.transforms is not None:
            image, label = self.transforms(image, label)
        return image, label

    def extra_repr(self):
        return f"split={self._split}"


class LabelledSamples(VisionDataset):
    """Items are ``(loader(path), label)`` for the ``(path, label)`` pairs of ``self._samples``, through the
    dataset's transforms."""

    def __len__(self):
        return len(self._samples)

    def __getitem__(self, idx):
        path, label = self._samples[idx]
        image = self.loader(path)
        if self.transforms is not None:
            image, label = self.transforms(image, label)
        return image, label
