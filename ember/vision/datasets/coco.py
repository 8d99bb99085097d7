"""MS COCO detection and captions from the COCO JSON annotation format (no pycocotools needed).

An annotation file holds ``images`` (``id``, ``file_name``, ...), ``annotations`` (``id``, ``image_id``,
``bbox``, ``category_id``, ``segmentation``, ... or ``caption``) and optionally ``categories``.
"""
import json
import os
import time
from collections import defaultdict

from ember.vision._pil import pil_image
from ember.vision.datasets.vision import VisionDataset


class COCO:
    """The part of pycocotools' COCO index the datasets use: ``imgs``, ``anns``, ``cats``, ``imgToAnns``,
    ``loadImgs``, ``loadAnns``, ``getAnnIds``, ``getImgIds``, ``getCatIds``, ``loadCats``."""

    def __init__(self, annotation_file=None):
        self.dataset, self.anns, self.cats, self.imgs = {}, {}, {}, {}
        self.imgToAnns, self.catToImgs = defaultdict(list), defaultdict(list)
        if annotation_file is not None:
            # the progress lines pycocotools prints, as torchvision's datasets show them
            print("loading annotations into memory...")
            start = time.time()
            with open(annotation_file) as f:
                self.dataset = json.load(f)
            if not isinstance(self.dataset, dict):
                raise TypeError(f"annotation file format {type(self.dataset)} not supported")
            print(f"Done (t={time.time() - start:0.2f}s)")
            self.createIndex()

    def createIndex(self):
        print("creating index...")
        for ann in self.dataset.get("annotations", []):
            self.imgToAnns[ann["image_id"]].append(ann)
            self.anns[ann["id"]] = ann
        for img in self.dataset.get("images", []):
            self.imgs[img["id"]] = img
        for cat in self.dataset.get("categories", []):
            self.cats[cat["id"]] = cat
        for ann in self.dataset.get("annotations", []):
            if "category_id" in ann:
                self.catToImgs[ann["category_id"]].append(ann["image_id"])
        print("index created!")

    @staticmethod
    def _list(ids):
        return list(ids) if isinstance(ids, (list, tuple)) else [ids]

    def getAnnIds(self, imgIds=(), catIds=(), areaRng=(), iscrowd=None):
        """Ids of the annotations of ``imgIds`` (all when empty), filtered by category, area and crowd flag."""
        imgIds, catIds = self._list(imgIds), self._list(catIds)
        if imgIds:
            anns = [ann for i in imgIds if i in self.imgToAnns for ann in self.imgToAnns[i]]
        else:
            anns = self.dataset.get("annotations", [])
        if catIds:
            anns = [ann for ann in anns if ann["category_id"] in catIds]
        if areaRng:
            anns = [ann for ann in anns if areaRng[0] < ann["area"] < areaRng[1]]
        if iscrowd is not None:
            anns = [ann for ann in anns if ann["iscrowd"] == iscrowd]
        return [ann["id"] for ann in anns]

    def getCatIds(self, catNms=(), supNms=(), catIds=()):
        cats = self.dataset.get("categories", [])
        catNms, supNms, catIds = self._list(catNms), self._list(supNms), self._list(catIds)
        cats = [c for c in cats if (not catNms or c["name"] in catNms) and (not supNms or c["supercategory"] in supNms)
                and (not catIds or c["id"] in catIds)]
        return [c["id"] for c in cats]

    def getImgIds(self, imgIds=(), catIds=()):
        ids = set(self._list(imgIds)) if imgIds else set(self.imgs)
        for cat in self._list(catIds):
            ids &= set(self.catToImgs[cat])
        return list(ids)

    def loadAnns(self, ids=()):
        return [self.anns[i] for i in self._list(ids)]

    def loadCats(self, ids=()):
        return [self.cats[i] for i in self._list(ids)]

    def loadImgs(self, ids=()):
        return [self.imgs[i] for i in self._list(ids)]


class CocoDetection(VisionDataset):
    """`MS COCO <https://cocodataset.org/>`_ detection: items are (RGB image, list of annotation dicts).

    Args:
        root: the image folder; annFile: the JSON annotation file.
        transform / target_transform / transforms: as in the other datasets.

    Images are ordered by id; ``coco`` is the annotation index.
    """

    def __init__(self, root, annFile, transform=None, target_transform=None, transforms=None):
        super().__init__(root, transforms, transform, target_transform)
        self.coco = COCO(annFile)
        self.ids = list(sorted(self.coco.imgs.keys()))

    def _load_image(self, id):
        path = self.coco.loadImgs(id)[0]["file_name"]
        return pil_image().open(os.path.join(self.root, path)).convert("RGB")

    def _load_target(self, id):
        return self.coco.loadAnns(self.coco.getAnnIds(id))

    def __getitem__(self, index):
        if not isinstance(index, int):
            raise ValueError(f"Index must be of type integer, got {type(index)} instead.")
        id = self.ids[index]
        image, target = self._load_image(id), self._load_target(id)
        if self.transforms is not None:
            image, target = self.transforms(image, target)
        return image, target

    def __len__(self):
        return len(self.ids)


class CocoCaptions(CocoDetection):
    """`MS COCO <https://cocodataset.org/>`_ captions: items are (RGB image, list of caption strings)."""

    def _load_target(self, id):
        return [ann["caption"] for ann in super()._load_target(id)]
