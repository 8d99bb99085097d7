"""SBU Captioned Photos: ``root/SBUCaptionedPhotoDataset.tar.gz`` (checked by MD5) unpacked into
``root/dataset/{SBU_captioned_photo_dataset_urls.txt, SBU_captioned_photo_dataset_captions.txt, <photo>.jpg}``;
the two lists run in parallel, one photo per line."""
import os

from ember.vision.datasets._download import check_integrity, download_and_extract_archive, download_url
from ember.vision.datasets.folder import default_loader
from ember.vision.datasets.vision import VisionDataset


class SBU(VisionDataset):
    """`SBU Captioned Photo Dataset <https://www.cs.rice.edu/~vo9/sbucaptions/>`_: Flickr photos with their
    captions; items are ``(image, caption)`` for the photos that are on disk.

    Args:
        root (str or ``pathlib.Path``): the folder holding the archive and ``dataset/``.
        transform, target_transform (callable, optional): applied to the image / the caption.
        download (bool): fetch the archive and then every photo from Flickr (on by default, as in torchvision;
            photos that are gone are skipped).
        loader (callable): reads an image path (RGB PIL images by default).
    """

    url = "https://www.cs.rice.edu/~vo9/sbucaptions/SBUCaptionedPhotoDataset.tar.gz"
    filename = "SBUCaptionedPhotoDataset.tar.gz"
    md5_checksum = "9aec147b3488753cf758b4d493422285"

    def __init__(self, root, transform=None, target_transform=None, download=True, loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.loader = loader
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it")
        self.photos, self.captions = [], []
        folder = os.path.join(self.root, "dataset")
        with open(os.path.join(folder, "SBU_captioned_photo_dataset_urls.txt")) as urls, \
                open(os.path.join(folder, "SBU_captioned_photo_dataset_captions.txt")) as captions:
            for url, caption in zip(urls, captions):
                photo = os.path.basename(url.rstrip())
                if os.path.exists(os.path.join(folder, photo)):
                    self.photos.append(photo)
                    self.captions.append(caption.rstrip())

    def __getitem__(self, index):
        img = self.loader(os.path.join(self.root, "dataset", self.photos[index]))
        if self.transform is not None:
            img = self.transform(img)
        target = self.captions[index]
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.photos)

    def _check_integrity(self):
        return check_integrity(os.path.join(self.root, self.filename), self.md5_checksum)

    def download(self):
        """Fetches and unpacks the archive, then each listed photo (skipping those that fail)."""
        if self._check_integrity():
            return
        download_and_extract_archive(self.url, self.root, self.root, self.filename, self.md5_checksum)
        with open(os.path.join(self.root, "dataset", "SBU_captioned_photo_dataset_urls.txt")) as fh:
            for line in fh:
                try:
                    download_url(line.rstrip(), os.path.join(self.root, "dataset"))
                except (OSError, RuntimeError):
                    pass
