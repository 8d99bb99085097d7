"""The shape Flowers102 and Food101 share: a list of image files with one class index each."""
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
