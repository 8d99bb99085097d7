"""Flickr8k and Flickr30k captions. Flickr8k's annotations are the HTML page of its authors (a table: each image's
link, then its captions as list items); Flickr30k's are ``results_20130124.token``: ``<image>.jpg#<n>\\t<caption>``
lines."""
import glob
import os
from collections import defaultdict
from html.parser import HTMLParser

from ember.vision.datasets.folder import default_loader
from ember.vision.datasets.vision import VisionDataset


class Flickr8kParser(HTMLParser):
    """Reads Flickr8k's annotation page into ``annotations``: {image path under ``root``: [captions]}."""

    def __init__(self, root):
        super().__init__()
        self.root = root
        self.annotations = {}
        self.in_table = False
        self.current_tag = None
        self.current_img = None

    def handle_starttag(self, tag, attrs):
        self.current_tag = tag
        if tag == "table":
            self.in_table = True

    def handle_endtag(self, tag):
        self.current_tag = None
        if tag == "table":
            self.in_table = False

    def handle_data(self, data):
        if not self.in_table:
            return
        if data == "Image Not Found":
            self.current_img = None
        elif self.current_tag == "a":
            # NOTE: the link ends in ".../<photo id>/"; the image file is "<photo id>_<secret>.jpg".
            img_id = data.split("/")[-2]
            self.current_img = glob.glob(os.path.join(self.root, img_id + "_*.jpg"))[0]
            self.annotations[self.current_img] = []
        elif self.current_tag == "li" and self.current_img:
            self.annotations[self.current_img].append(data.strip())


class _Captions(VisionDataset):
    def __getitem__(self, index):
        img_id = self.ids[index]
        img = self.loader(self._path(img_id))
        if self.transform is not None:
            img = self.transform(img)
        target = self.annotations[img_id]
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.ids)


class Flickr8k(_Captions):
    """`Flickr8k <http://hockenmaier.cs.illinois.edu/8k-pictures.html>`_: items are ``(image, [captions])``.

    Args:
        root (str or ``pathlib.Path``): the folder holding the images.
        ann_file (str): the annotation HTML page.
        transform, target_transform (callable, optional): applied to the image / the caption list.
        loader (callable): reads an image path (RGB PIL images by default).
    """

    def __init__(self, root, ann_file, transform=None, target_transform=None, loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.ann_file = os.path.expanduser(ann_file)
        parser = Flickr8kParser(self.root)
        with open(self.ann_file) as fh:
            parser.feed(fh.read())
        self.annotations = parser.annotations
        self.ids = sorted(self.annotations)
        self.loader = loader

    def _path(self, img_id):
        return img_id


class Flickr30k(_Captions):
    """`Flickr30k <https://shannon.cs.illinois.edu/DenotationGraph/>`_: items are ``(image, [captions])``.

    Args:
        root (str or ``pathlib.Path``): the folder holding the images.
        ann_file (str): the tab-separated token file.
        transform, target_transform (callable, optional): applied to the image / the caption list.
        loader (callable): reads an image path (RGB PIL images by default).
    """

    def __init__(self, root, ann_file, transform=None, target_transform=None, loader=default_loader):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.ann_file = os.path.expanduser(ann_file)
        self.annotations = defaultdict(list)
        with open(self.ann_file) as fh:
            for line in fh:
                img_id, caption = line.strip().split("\t")
                self.annotations[img_id[:-2]].append(caption)     # drop the "#<n>" caption number
        self.ids = sorted(self.annotations)
        self.loader = loader

    def _path(self, img_id):
        return os.path.join(self.root, img_id)
