"""Optical flow datasets: items are ``(image1, image2, flow)`` or, where the files mark which pixels have a flow,
``(image1, image2, flow, valid_flow_mask)``; ``flow`` is a float32 array ``[2, H, W]`` (None for test splits) and
the mask a bool array ``[H, W]``."""
import itertools
import os
from glob import glob
from pathlib import Path

import numpy as np

from ember.utils.data import ConcatDataset
from ember.vision.datasets._download import verify_str_arg
from ember.vision.datasets._flow_files import read_16bits_png_with_flow_and_valid_mask, read_flo, read_pfm
from ember.vision.datasets.folder import default_loader
from ember.vision.datasets.vision import VisionDataset


class FlowDataset(VisionDataset):
    """The base of the flow datasets: pairs of image paths in ``_image_list``, flow files in ``_flow_list``.

    ``transforms`` takes and returns ``(img1, img2, flow, valid_flow_mask)``. ``n * dataset`` repeats the dataset
    ``n`` times (a ConcatDataset), as training recipes mix flow datasets.
    """

    _has_builtin_flow_mask = False

    def __init__(self, root, transforms=None, loader=default_loader):
        super().__init__(root=root)
        self.transforms = transforms
        self._flow_list = []
        self._image_list = []
        self._loader = loader

    def _read_img(self, file_name):
        return self._loader(file_name)

    def _read_flow(self, file_name):
        raise NotImplementedError

    def __getitem__(self, index):
        img1 = self._read_img(self._image_list[index][0])
        img2 = self._read_img(self._image_list[index][1])
        if self._flow_list:          # empty for the test splits
            flow = self._read_flow(self._flow_list[index])
            flow, valid_flow_mask = flow if self._has_builtin_flow_mask else (flow, None)
        else:
            flow = valid_flow_mask = None
        if self.transforms is not None:
            img1, img2, flow, valid_flow_mask = self.transforms(img1, img2, flow, valid_flow_mask)
        if self._has_builtin_flow_mask or valid_flow_mask is not None:
            return img1, img2, flow, valid_flow_mask
        return img1, img2, flow

    def __len__(self):
        return len(self._image_list)

    def __rmul__(self, v):
        return ConcatDataset([self] * v)


class Sintel(FlowDataset):
    """`MPI Sintel <http://sintel.is.tue.mpg.de/>`_ flow: ``root/Sintel/{training,test}/{clean,final}/<scene>/
    frame_NNNN.png`` with ``root/Sintel/training/flow/<scene>/frame_NNNN.flo``; consecutive frames of a scene form
    the pairs.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``Sintel/``.
        split (str): 'train' or 'test'.
        pass_name (str): 'clean', 'final' or 'both' (the clean pairs, then the final ones).
        transforms (callable, optional): takes and returns ``(img1, img2, flow, valid_flow_mask)``.
        loader (callable): reads an image path (RGB PIL images by default).
    """

    def __init__(self, root, split="train", pass_name="clean", transforms=None, loader=default_loader):
        super().__init__(root=root, transforms=transforms, loader=loader)
        verify_str_arg(split, "split", valid_values=("train", "test"))
        verify_str_arg(pass_name, "pass_name", valid_values=("clean", "final", "both"))
        passes = ["clean", "final"] if pass_name == "both" else [pass_name]
        root = Path(root) / "Sintel"
        flow_root = root / "training" / "flow"
        for name in passes:
            image_root = root / ("training" if split == "train" else split) / name
            for scene in os.listdir(image_root):
                images = sorted(glob(str(image_root / scene / "*.png")))
                self._image_list += [[images[i], images[i + 1]] for i in range(len(images) - 1)]
                if split == "train":
                    self._flow_list += sorted(glob(str(flow_root / scene / "*.flo")))

    def _read_flow(self, file_name):
        return read_flo(file_name)


class KittiFlow(FlowDataset):
    """`KITTI 2015 <http://www.cvlibs.net/datasets/kitti/eval_scene_flow.php?benchmark=flow>`_ flow:
    ``root/KittiFlow/{training,testing}/image_2/<id>_{10,11}.png`` with ``training/flow_occ/<id>_10.png``
    (16-bit RGB PNG: u, v, valid). Items carry the valid-flow mask.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``KittiFlow/``.
        split (str): 'train' or 'test'.
        transforms (callable, optional): takes and returns ``(img1, img2, flow, valid_flow_mask)``.
        loader (callable): reads an image path (RGB PIL images by default).
    """

    _has_builtin_flow_mask = True

    def __init__(self, root, split="train", transforms=None, loader=default_loader):
        super().__init__(root=root, transforms=transforms, loader=loader)
        verify_str_arg(split, "split", valid_values=("train", "test"))
        root = Path(root) / "KittiFlow" / (split + "ing")
        images1 = sorted(glob(str(root / "image_2" / "*_10.png")))
        images2 = sorted(glob(str(root / "image_2" / "*_11.png")))
        if not images1 or not images2:
            raise FileNotFoundError("Could not find the Kitti flow images. Please make sure the directory structure "
                                    "is correct.")
        self._image_list = [[a, b] for a, b in zip(images1, images2)]
        if split == "train":
            self._flow_list = sorted(glob(str(root / "flow_occ" / "*_10.png")))

    def _read_flow(self, file_name):
        return read_16bits_png_with_flow_and_valid_mask(file_name)


class FlyingChairs(FlowDataset):
    """`FlyingChairs <https://lmb.informatik.uni-freiburg.de/resources/datasets/FlyingChairs.en.html>`_:
    ``root/FlyingChairs/{data/NNNNN_img1.ppm, NNNNN_img2.ppm, NNNNN_flow.flo, FlyingChairs_train_val.txt}``; the
    split file gives each flow 1 (train) or 2 (val).

    Args:
        root (str or ``pathlib.Path``): the folder holding ``FlyingChairs/``.
        split (str): 'train' or 'val'.
        transforms (callable, optional): takes and returns ``(img1, img2, flow, valid_flow_mask)``.
    """

    def __init__(self, root, split="train", transforms=None):
        super().__init__(root=root, transforms=transforms)
        verify_str_arg(split, "split", valid_values=("train", "val"))
        root = Path(root) / "FlyingChairs"
        images = sorted(glob(str(root / "data" / "*.ppm")))
        flows = sorted(glob(str(root / "data" / "*.flo")))
        split_file = root / "FlyingChairs_train_val.txt"
        if not os.path.exists(split_file):
            raise FileNotFoundError("The FlyingChairs_train_val.txt file was not found - please download it from the "
                                    "dataset page (see docstring).")
        split_list = np.loadtxt(str(split_file), dtype=np.int32)
        wanted = 1 if split == "train" else 2
        for i in range(len(flows)):
            if split_list[i] == wanted:
                self._flow_list.append(flows[i])
                self._image_list.append([images[2 * i], images[2 * i + 1]])

    def _read_flow(self, file_name):
        return read_flo(file_name)


class FlyingThings3D(FlowDataset):
    """`FlyingThings3D <https://lmb.informatik.uni-freiburg.de/resources/datasets/SceneFlowDatasets.en.html>`_ flow:
    ``root/FlyingThings3D/{frames_cleanpass,frames_finalpass}/{TRAIN,TEST}/<A|B|C>/<seq>/<left|right>/NNNN.png``
    with ``optical_flow/<SPLIT>/<A|B|C>/<seq>/<into_future|into_past>/<camera>/*.pfm``. Both directions give pairs
    (future: frame i to i+1; past: i+1 to i).

    Args:
        root (str or ``pathlib.Path``): the folder holding ``FlyingThings3D/``.
        split (str): 'train' or 'test'.
        pass_name (str): 'clean', 'final' or 'both'.
        camera (str): 'left', 'right' or 'both'.
        transforms (callable, optional): takes and returns ``(img1, img2, flow, valid_flow_mask)``.
        loader (callable): reads an image path (RGB PIL images by default).
    """

    def __init__(self, root, split="train", pass_name="clean", camera="left", transforms=None,
                 loader=default_loader):
        super().__init__(root=root, transforms=transforms, loader=loader)
        verify_str_arg(split, "split", valid_values=("train", "test"))
        split = split.upper()
        verify_str_arg(pass_name, "pass_name", valid_values=("clean", "final", "both"))
        passes = {"clean": ["frames_cleanpass"], "final": ["frames_finalpass"],
                  "both": ["frames_cleanpass", "frames_finalpass"]}[pass_name]
        verify_str_arg(camera, "camera", valid_values=("left", "right", "both"))
        cameras = ["left", "right"] if camera == "both" else [camera]
        root = Path(root) / "FlyingThings3D"
        for name, cam, direction in itertools.product(passes, cameras, ("into_future", "into_past")):
            image_dirs = sorted(Path(d) / cam for d in glob(str(root / name / split / "*/*")))
            flow_dirs = sorted(Path(d) / direction / cam for d in glob(str(root / "optical_flow" / split / "*/*")))
            if not image_dirs or not flow_dirs:
                raise FileNotFoundError("Could not find the FlyingThings3D flow images. Please make sure the "
                                        "directory structure is correct.")
            for image_dir, flow_dir in zip(image_dirs, flow_dirs):
                images = sorted(glob(str(image_dir / "*.png")))
                flows = sorted(glob(str(flow_dir / "*.pfm")))
                for i in range(len(flows) - 1):
                    if direction == "into_future":
                        self._image_list.append([images[i], images[i + 1]])
                        self._flow_list.append(flows[i])
                    else:
                        self._image_list.append([images[i + 1], images[i]])
                        self._flow_list.append(flows[i + 1])

    def _read_flow(self, file_name):
        return read_pfm(file_name)


class HD1K(FlowDataset):
    """`HD1K <http://hci-benchmark.iwr.uni-heidelberg.de/>`_ flow: ``root/hd1k/hd1k_input/image_2/<seq>_<frame>.png``
    with ``hd1k_flow_gt/flow_occ/<seq>_<frame>.png`` (KITTI's 16-bit format) for 36 sequences; the test images are
    ``hd1k_challenge/image_2/*{10,11}.png``. Items carry the valid-flow mask.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``hd1k/``.
        split (str): 'train' or 'test'.
        transforms (callable, optional): takes and returns ``(img1, img2, flow, valid_flow_mask)``.
        loader (callable): reads an image path (RGB PIL images by default).
    """

    _has_builtin_flow_mask = True

    def __init__(self, root, split="train", transforms=None, loader=default_loader):
        super().__init__(root=root, transforms=transforms, loader=loader)
        verify_str_arg(split, "split", valid_values=("train", "test"))
        root = Path(root) / "hd1k"
        if split == "train":
            for seq in range(36):
                flows = sorted(glob(str(root / "hd1k_flow_gt" / "flow_occ" / f"{seq:06d}_*.png")))
                images = sorted(glob(str(root / "hd1k_input" / "image_2" / f"{seq:06d}_*.png")))
                for i in range(len(flows) - 1):
                    self._flow_list.append(flows[i])
                    self._image_list.append([images[i], images[i + 1]])
        else:
            images1 = sorted(glob(str(root / "hd1k_challenge" / "image_2" / "*10.png")))
            images2 = sorted(glob(str(root / "hd1k_challenge" / "image_2" / "*11.png")))
            self._image_list = [[a, b] for a, b in zip(images1, images2)]
        if not self._image_list:
            raise FileNotFoundError("Could not find the HD1K images. Please make sure the directory structure is "
                                    "correct.")

    def _read_flow(self, file_name):
        return read_16bits_png_with_flow_and_valid_mask(file_name)
