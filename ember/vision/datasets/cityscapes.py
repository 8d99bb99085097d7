"""Cityscapes: ``root/leftImg8bit/<split>/<city>/<city>_<seq>_<frame>_leftImg8bit.png`` with the targets in
``root/<gtFine|gtCoarse>/<split>/<city>/<city>_<seq>_<frame>_<gtFine|gtCoarse>_{instanceIds.png, labelIds.png,
color.png, polygons.json}``. The zips (leftImg8bit_trainvaltest.zip, gtFine_trainvaltest.zip, ...) are unpacked
when the folders are missing."""
import json
import os
from collections import namedtuple

from ember.vision._pil import pil_image
from ember.vision.datasets._download import extract_archive, iterable_to_str, verify_str_arg
from ember.vision.datasets.vision import VisionDataset


class Cityscapes(VisionDataset):
    """`Cityscapes <https://www.cityscapes-dataset.com/>`_ street scenes (the files need a login: no download).

    Items are ``(RGB PIL image, target)``; the target is a PIL image ('instance', 'semantic', 'color'), the
    parsed polygons JSON ('polygon'), or a tuple of those in ``target_type``'s order. ``classes`` lists the 35
    labels with their ids, train ids, categories and colours.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``leftImg8bit/`` and ``gtFine/`` or ``gtCoarse/``.
        split (str): 'train', 'test' or 'val' ('fine'); 'train', 'train_extra' or 'val' ('coarse').
        mode (str): 'fine' or 'coarse' annotations.
        target_type (str or list of str): 'instance', 'semantic', 'polygon' or 'color'.
        transform, target_transform, transforms (callable, optional): applied to the image / the target / both.
    """

    CityscapesClass = namedtuple("CityscapesClass", ["name", "id", "train_id", "category", "category_id",
                                                     "has_instances", "ignore_in_eval", "color"])
    _C = CityscapesClass
    classes = [
        _C("unlabeled", 0, 255, "void", 0, False, True, (0, 0, 0)),
        _C("ego vehicle", 1, 255, "void", 0, False, True, (0, 0, 0)),
        _C("rectification border", 2, 255, "void", 0, False, True, (0, 0, 0)),
        _C("out of roi", 3, 255, "void", 0, False, True, (0, 0, 0)),
        _C("static", 4, 255, "void", 0, False, True, (0, 0, 0)),
        _C("dynamic", 5, 255, "void", 0, False, True, (111, 74, 0)),
        _C("ground", 6, 255, "void", 0, False, True, (81, 0, 81)),
        _C("road", 7, 0, "flat", 1, False, False, (128, 64, 128)),
        _C("sidewalk", 8, 1, "flat", 1, False, False, (244, 35, 232)),
        _C("parking", 9, 255, "flat", 1, False, True, (250, 170, 160)),
        _C("rail track", 10, 255, "flat", 1, False, True, (230, 150, 140)),
        _C("building", 11, 2, "construction", 2, False, False, (70, 70, 70)),
        _C("wall", 12, 3, "construction", 2, False, False, (102, 102, 156)),
        _C("fence", 13, 4, "construction", 2, False, False, (190, 153, 153)),
        _C("guard rail", 14, 255, "construction", 2, False, True, (180, 165, 180)),
        _C("bridge", 15, 255, "construction", 2, False, True, (150, 100, 100)),
        _C("tunnel", 16, 255, "construction", 2, False, True, (150, 120, 90)),
        _C("pole", 17, 5, "object", 3, False, False, (153, 153, 153)),
        _C("polegroup", 18, 255, "object", 3, False, True, (153, 153, 153)),
        _C("traffic light", 19, 6, "object", 3, False, False, (250, 170, 30)),
        _C("traffic sign", 20, 7, "object", 3, False, False, (220, 220, 0)),
        _C("vegetation", 21, 8, "nature", 4, False, False, (107, 142, 35)),
        _C("terrain", 22, 9, "nature", 4, False, False, (152, 251, 152)),
        _C("sky", 23, 10, "sky", 5, False, False, (70, 130, 180)),
        _C("person", 24, 11, "human", 6, True, False, (220, 20, 60)),
        _C("rider", 25, 12, "human", 6, True, False, (255, 0, 0)),
        _C("car", 26, 13, "vehicle", 7, True, False, (0, 0, 142)),
        _C("truck", 27, 14, "vehicle", 7, True, False, (0, 0, 70)),
        _C("bus", 28, 15, "vehicle", 7, True, False, (0, 60, 100)),
        _C("caravan", 29, 255, "vehicle", 7, True, True, (0, 0, 90)),
        _C("trailer", 30, 255, "vehicle", 7, True, True, (0, 0, 110)),
        _C("train", 31, 16, "vehicle", 7, True, False, (0, 80, 100)),
        _C("motorcycle", 32, 17, "vehicle", 7, True, False, (0, 0, 230)),
        _C("bicycle", 33, 18, "vehicle", 7, True, False, (119, 11, 32)),
        _C("license plate", -1, -1, "vehicle", 7, False, True, (0, 0, 142)),
    ]
    del _C
    _SUFFIXES = {"instance": "instanceIds.png", "semantic": "labelIds.png", "color": "color.png",
                 "polygon": "polygons.json"}

    def __init__(self, root, split="train", mode="fine", target_type="instance", transform=None,
                 target_transform=None, transforms=None):
        super().__init__(root, transforms, transform, target_transform)
        self.mode = "gtFine" if mode == "fine" else "gtCoarse"
        self.images_dir = os.path.join(self.root, "leftImg8bit", split)
        self.targets_dir = os.path.join(self.root, self.mode, split)
        self.target_type = target_type
        self.split = split
        self.images, self.targets = [], []
        verify_str_arg(mode, "mode", ("fine", "coarse"))
        valid_splits = ("train", "test", "val") if mode == "fine" else ("train", "train_extra", "val")
        verify_str_arg(split, "split", valid_splits,
                       f"Unknown value '{split}' for argument split if mode is '{mode}'. "
                       f"Valid values are {{{iterable_to_str(valid_splits)}}}.")
        if not isinstance(target_type, list):
            self.target_type = [target_type]
        for value in self.target_type:
            verify_str_arg(value, "target_type", ("instance", "semantic", "polygon", "color"))
        if not os.path.isdir(self.images_dir) or not os.path.isdir(self.targets_dir):
            self._unpack(split)
        # NOTE: cities and files in the order the file system lists them, as torchvision indexes them.
        for city in os.listdir(self.images_dir):
            img_dir, target_dir = os.path.join(self.images_dir, city), os.path.join(self.targets_dir, city)
            for file_name in os.listdir(img_dir):
                stem = file_name.split("_leftImg8bit")[0]
                self.images.append(os.path.join(img_dir, file_name))
                self.targets.append([os.path.join(target_dir, f"{stem}_{self._get_target_suffix(self.mode, t)}")
                                     for t in self.target_type])

    def _unpack(self, split):
        image_zip = os.path.join(self.root, "leftImg8bit_trainextra.zip" if split == "train_extra"
                                 else "leftImg8bit_trainvaltest.zip")
        target_zip = os.path.join(self.root, "gtFine_trainvaltest.zip" if self.mode == "gtFine" else "gtCoarse.zip")
        if not (os.path.isfile(image_zip) and os.path.isfile(target_zip)):
            raise RuntimeError("Dataset not found or incomplete. Please make sure all required folders for the"
                               ' specified "split" and "mode" are inside the "root" directory')
        extract_archive(from_path=image_zip, to_path=self.root)
        extract_archive(from_path=target_zip, to_path=self.root)

    def __getitem__(self, index):
        image = pil_image().open(self.images[index]).convert("RGB")
        targets = [self._load_json(path) if t == "polygon" else pil_image().open(path)
                   for t, path in zip(self.target_type, self.targets[index])]
        target = tuple(targets) if len(targets) > 1 else targets[0]
        if self.transforms is not None:
            image, target = self.transforms(image, target)
        return image, target

    def __len__(self):
        return len(self.images)

    def extra_repr(self):
        return f"Split: {self.split}\nMode: {self.mode}\nType: {self.target_type}"

    def _load_json(self, path):
        with open(path) as file:
            return json.load(file)

    def _get_target_suffix(self, mode, target_type):
        return f"{mode}_{self._SUFFIXES[target_type]}"
