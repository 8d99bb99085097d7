"""PASCAL VOC 2007-2012: ``root/VOCdevkit/VOC<year>/{JPEGImages, Annotations, SegmentationClass,
ImageSets/{Main,Segmentation}/<image_set>.txt}`` (2011 sits under ``TrainVal/``)."""
import collections
import os
from xml.etree.ElementTree import parse as ET_parse

from ember.vision._pil import pil_image
from ember.vision.datasets._download import download_and_extract_archive, verify_str_arg
from ember.vision.datasets.vision import VisionDataset

_HOST = "https://thor.robots.ox.ac.uk/pascal/VOC/"
DATASET_YEAR_DICT = {
    "2012": {"url": _HOST + "voc2012/VOCtrainval_11-May-2012.tar", "filename": "VOCtrainval_11-May-2012.tar",
             "md5": "6cd6e144f989b92b3379bac3b3de84fd", "base_dir": os.path.join("VOCdevkit", "VOC2012")},
    "2011": {"url": _HOST + "voc2011/VOCtrainval_25-May-2011.tar", "filename": "VOCtrainval_25-May-2011.tar",
             "md5": "6c3384ef61512963050cb5d687e5bf1e", "base_dir": os.path.join("TrainVal", "VOCdevkit", "VOC2011")},
    "2010": {"url": _HOST + "voc2010/VOCtrainval_03-May-2010.tar", "filename": "VOCtrainval_03-May-2010.tar",
             "md5": "da459979d0c395079b5c75ee67908abb", "base_dir": os.path.join("VOCdevkit", "VOC2010")},
    "2009": {"url": _HOST + "voc2009/VOCtrainval_11-May-2009.tar", "filename": "VOCtrainval_11-May-2009.tar",
             "md5": "a3e00b113cfcfebf17e343f59da3caa1", "base_dir": os.path.join("VOCdevkit", "VOC2009")},
    "2008": {"url": _HOST + "voc2008/VOCtrainval_14-Jul-2008.tar", "filename": "VOCtrainval_11-May-2012.tar",
             "md5": "2629fa636546599198acfcfbfcf1904a", "base_dir": os.path.join("VOCdevkit", "VOC2008")},
    "2007": {"url": _HOST + "voc2007/VOCtrainval_06-Nov-2007.tar", "filename": "VOCtrainval_06-Nov-2007.tar",
             "md5": "c52e279531787c972589f7e41ab4ae64", "base_dir": os.path.join("VOCdevkit", "VOC2007")},
    "2007-test": {"url": _HOST + "voc2007/VOCtest_06-Nov-2007.tar", "filename": "VOCtest_06-Nov-2007.tar",
                  "md5": "b6e924de25625d8de591ea690078ad9f", "base_dir": os.path.join("VOCdevkit", "VOC2007")},
}


class _VOCBase(VisionDataset):
    _SPLITS_DIR = None
    _TARGET_DIR = None
    _TARGET_FILE_EXT = None

    def __init__(self, root, year="2012", image_set="train", download=False, transform=None, target_transform=None,
                 transforms=None):
        super().__init__(root, transforms, transform, target_transform)
        self.year = verify_str_arg(year, "year", valid_values=[str(yr) for yr in range(2007, 2013)])
        valid_image_sets = ["train", "trainval", "val"] + (["test"] if year == "2007" else [])
        self.image_set = verify_str_arg(image_set, "image_set", valid_image_sets)
        entry = DATASET_YEAR_DICT["2007-test" if year == "2007" and image_set == "test" else year]
        self.url, self.filename, self.md5 = entry["url"], entry["filename"], entry["md5"]
        voc_root = os.path.join(self.root, entry["base_dir"])
        if download:
            download_and_extract_archive(self.url, self.root, filename=self.filename, md5=self.md5)
        if not os.path.isdir(voc_root):
            raise RuntimeError("Dataset not found or corrupted. You can use download=True to download it")
        with open(os.path.join(voc_root, "ImageSets", self._SPLITS_DIR, image_set.rstrip("\n") + ".txt")) as f:
            file_names = [x.strip() for x in f.readlines()]
        self.images = [os.path.join(voc_root, "JPEGImages", x + ".jpg") for x in file_names]
        self.targets = [os.path.join(voc_root, self._TARGET_DIR, x + self._TARGET_FILE_EXT) for x in file_names]

    def __len__(self):
        return len(self.images)


class VOCSegmentation(_VOCBase):
    """`PASCAL VOC <http://host.robots.ox.ac.uk/pascal/VOC/>`_ segmentation: items are (RGB image, palette mask)."""

    _SPLITS_DIR = "Segmentation"
    _TARGET_DIR = "SegmentationClass"
    _TARGET_FILE_EXT = ".png"

    @property
    def masks(self):
        return self.targets

    def __getitem__(self, index):
        Image = pil_image()
        img, target = Image.open(self.images[index]).convert("RGB"), Image.open(self.masks[index])
        if self.transforms is not None:
            img, target = self.transforms(img, target)
        return img, target


class VOCDetection(_VOCBase):
    """`PASCAL VOC <http://host.robots.ox.ac.uk/pascal/VOC/>`_ detection: items are (RGB image, annotation dict).

    The annotation XML becomes nested dicts (``{'annotation': {'object': [...], 'size': {...}, ...}}``);
    ``object`` is always a list, other repeated tags become lists, text values stay strings.
    """

    _SPLITS_DIR = "Main"
    _TARGET_DIR = "Annotations"
    _TARGET_FILE_EXT = ".xml"

    @property
    def annotations(self):
        return self.targets

    def __getitem__(self, index):
        img = pil_image().open(self.images[index]).convert("RGB")
        target = self.parse_voc_xml(ET_parse(self.annotations[index]).getroot())
        if self.transforms is not None:
            img, target = self.transforms(img, target)
        return img, target

    @staticmethod
    def parse_voc_xml(node):
        voc_dict = {}
        children = list(node)
        if children:
            grouped = collections.defaultdict(list)
            for child in map(VOCDetection.parse_voc_xml, children):
                for key, value in child.items():
                    grouped[key].append(value)
            if node.tag == "annotation":
                # NOTE: a list even for one object, so that code can always iterate
                grouped["object"] = [grouped["object"]]
            voc_dict = {node.tag: {key: v[0] if len(v) == 1 else v for key, v in grouped.items()}}
        if node.text:
            text = node.text.strip()
            if not children:
                voc_dict[node.tag] = text
        return voc_dict
