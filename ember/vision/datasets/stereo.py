"""Stereo matching datasets: items are ``(left image, right image, disparity)`` or, where the dataset has a
validity mask, ``(left, right, disparity, valid_mask)``; images are RGB PIL images, the disparity a float array
``[1, H, W]`` of the left view (None for test splits) and the mask a bool array ``[H, W]``."""
import json
import os
import random
import shutil
from glob import glob
from pathlib import Path

import numpy as np

from ember.vision._pil import pil_image
from ember.vision.datasets._download import download_and_extract_archive, verify_str_arg
from ember.vision.datasets._flow_files import read_pfm
from ember.vision.datasets.vision import VisionDataset


def _read_pfm_disparity(file_path):
    # NOTE: some generators store negative disparities; the datasets use their magnitude.
    return np.abs(read_pfm(file_path, slice_channels=1))


class StereoMatchingDataset(VisionDataset):
    """The base of the stereo datasets: ``(left, right)`` image paths in ``_images`` and disparity paths in
    ``_disparities``. ``transforms`` takes and returns ``((left, right), (disparities), (valid masks))``."""

    _has_built_in_disparity_mask = False

    def __init__(self, root, transforms=None):
        super().__init__(root=root)
        self.transforms = transforms
        self._images = []
        self._disparities = []

    def _read_img(self, file_path):
        img = pil_image().open(file_path)
        return img if img.mode == "RGB" else img.convert("RGB")

    def _scan_pairs(self, paths_left_pattern, paths_right_pattern=None):
        """Sorted matches of the two glob patterns, paired in order (right None without a right pattern)."""
        left_paths = sorted(glob(paths_left_pattern))
        right_paths = sorted(glob(paths_right_pattern)) if paths_right_pattern else [None for _ in left_paths]
        if not left_paths:
            raise FileNotFoundError(f"Could not find any files matching the patterns: {paths_left_pattern}")
        if not right_paths:
            raise FileNotFoundError(f"Could not find any files matching the patterns: {paths_right_pattern}")
        if len(left_paths) != len(right_paths):
            raise ValueError(f"Found {len(left_paths)} left files but {len(right_paths)} right files using:\n "
                             f"left pattern: {paths_left_pattern}\nright pattern: {paths_right_pattern}\n")
        return list(zip(left_paths, right_paths))

    def _read_disparity(self, file_path):
        raise NotImplementedError

    def __getitem__(self, index):
        imgs = (self._read_img(self._images[index][0]), self._read_img(self._images[index][1]))
        (dsp_left, valid_left), (dsp_right, valid_right) = (self._read_disparity(p) for p in self._disparities[index])
        dsp_maps, valid_masks = (dsp_left, dsp_right), (valid_left, valid_right)
        if self.transforms is not None:
            imgs, dsp_maps, valid_masks = self.transforms(imgs, dsp_maps, valid_masks)
        if self._has_built_in_disparity_mask or valid_masks[0] is not None:
            return imgs[0], imgs[1], dsp_maps[0], valid_masks[0]
        return imgs[0], imgs[1], dsp_maps[0]

    def __len__(self):
        return len(self._images)


def _png_disparity(file_path, scale, dtype=np.float32):
    """A PNG storing ``disparity * scale`` as [1, H, W]; KITTI's come out in float64, as torchvision reads them."""
    if file_path is None:
        return None, None
    return np.asarray(pil_image().open(file_path)).astype(dtype)[None] / scale, None


class CarlaStereo(StereoMatchingDataset):
    """`CARLA <https://github.com/ETH3D/SAMP>`_ high-resolution stereo (as CREStereo's authors render it):
    ``root/carla-highres/trainingF/<scene>/{im0.png, im1.png, disp0GT.pfm, disp1GT.pfm}``.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``carla-highres/``.
        transforms (callable, optional): takes and returns ``(images, disparities, valid masks)``.
    """

    def __init__(self, root, transforms=None):
        super().__init__(root, transforms)
        root = Path(root) / "carla-highres" / "trainingF"
        self._images = self._scan_pairs(str(root / "*" / "im0.png"), str(root / "*" / "im1.png"))
        self._disparities = self._scan_pairs(str(root / "*" / "disp0GT.pfm"), str(root / "*" / "disp1GT.pfm"))

    def _read_disparity(self, file_path):
        return _read_pfm_disparity(file_path), None


class _KittiStereo(StereoMatchingDataset):
    """KITTI's stereo layout: ``root/<folder>/{training,testing}/<left dir>/<pattern>`` and ``<right dir>``, with the
    disparities (16-bit PNGs of disparity * 256) in ``training/<disparity dirs>``."""

    _has_built_in_disparity_mask = True
    _folder = _image_patterns = _disparity_patterns = None

    def __init__(self, root, split="train", transforms=None):
        super().__init__(root, transforms)
        verify_str_arg(split, "split", valid_values=("train", "test"))
        root = Path(root) / self._folder / (split + "ing")
        self._images = self._scan_pairs(*(str(root / p) for p in self._image_patterns))
        if split == "train":
            self._disparities = self._scan_pairs(*(str(root / p) if p else None for p in self._disparity_patterns))
        else:
            self._disparities = [(None, None) for _ in self._images]

    def _read_disparity(self, file_path):
        return _png_disparity(file_path, 256.0, np.float64)


class Kitti2012Stereo(_KittiStereo):
    """`KITTI 2012 <http://www.cvlibs.net/datasets/kitti/eval_stereo_flow.php?benchmark=stereo>`_ stereo:
    ``root/Kitti2012/{training,testing}/{colored_0,colored_1}/<id>_10.png`` with ``training/disp_noc/<id>.png``
    (16-bit, disparity * 256). Items have four entries; the mask is None (zero disparities mark missing values).

    Args:
        root (str or ``pathlib.Path``): the folder holding ``Kitti2012/``.
        split (str): 'train' or 'test'.
        transforms (callable, optional): takes and returns ``(images, disparities, valid masks)``.
    """

    _folder = "Kitti2012"
    _image_patterns = ("colored_0/*_10.png", "colored_1/*_10.png")
    _disparity_patterns = ("disp_noc/*.png", None)


class Kitti2015Stereo(_KittiStereo):
    """`KITTI 2015 <http://www.cvlibs.net/datasets/kitti/eval_scene_flow.php?benchmark=stereo>`_ stereo:
    ``root/Kitti2015/{training,testing}/{image_2,image_3}/*.png`` with ``training/{disp_occ_0,disp_occ_1}/*.png``
    (16-bit, disparity * 256). Items have four entries; the mask is None.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``Kitti2015/``.
        split (str): 'train' or 'test'.
        transforms (callable, optional): takes and returns ``(images, disparities, valid masks)``.
    """

    _folder = "Kitti2015"
    _image_patterns = ("image_2/*.png", "image_3/*.png")
    _disparity_patterns = ("disp_occ_0/*.png", "disp_occ_1/*.png")


class Middlebury2014Stereo(StereoMatchingDataset):
    """`Middlebury 2014 <https://vision.middlebury.edu/stereo/data/scenes2014/>`_ stereo:
    ``root/Middlebury2014/<split>/<scene>[-perfect|-imperfect]/{im0.png, im1.png, disp0.pfm, disp1.pfm}``.
    The mask marks the finite, positive disparities.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``Middlebury2014/``.
        split (str): 'train', 'additional' or 'test'.
        calibration (str, optional): 'perfect', 'imperfect' or 'both' for train/additional; None for test.
        use_ambient_views (bool): read the right image from a random one of the scene's ambient views
            (``im1E.png``, ``im1L.png``, ``im1.png``) that exist.
        transforms (callable, optional): takes and returns ``(images, disparities, valid masks)``.
        download (bool): fetch and unpack the split's scenes.
    """

    splits = {
        "train": ["Adirondack", "Jadeplant", "Motorcycle", "Piano", "Pipes", "Playroom", "Playtable", "Recycle",
                  "Shelves", "Vintage"],
        "additional": ["Backpack", "Bicycle1", "Cable", "Classroom1", "Couch", "Flowers", "Mask", "Shopvac", "Sticks",
                       "Storage", "Sword1", "Sword2", "Umbrella"],
        "test": ["Plants", "Classroom2E", "Classroom2", "Australia", "DjembeL", "CrusadeP", "Crusade", "Hoops",
                 "Bicycle2", "Staircase", "Newkuba", "AustraliaP", "Djembe", "Livingroom", "Computer"],
    }
    _has_built_in_disparity_mask = True

    def __init__(self, root, split="train", calibration="perfect", use_ambient_views=False, transforms=None,
                 download=False):
        super().__init__(root, transforms)
        verify_str_arg(split, "split", valid_values=("train", "test", "additional"))
        self.split = split
        if calibration:
            verify_str_arg(calibration, "calibration", valid_values=("perfect", "imperfect", "both", None))
            if split == "test":
                raise ValueError("Split 'test' has only no calibration settings, please set `calibration=None`.")
        elif split != "test":
            raise ValueError(f"Split '{split}' has calibration settings, however None was provided as an argument."
                             f"\nSetting calibration to 'perfect' for split '{split}'. Available calibration "
                             "settings are: 'perfect', 'imperfect', 'both'.")
        if download:
            self._download_dataset(root)
        root = Path(root) / "Middlebury2014"
        if not os.path.exists(root / split):
            raise FileNotFoundError(f"The {split} directory was not found in the provided root directory")
        if not any(scene.startswith(s) for scene in os.listdir(root / split) for s in self.splits[split]):
            raise FileNotFoundError(f"Provided root folder does not contain any scenes from the {split} split.")
        suffixes = {None: [""], "perfect": ["-perfect"], "imperfect": ["-imperfect"],
                    "both": ["-perfect", "-imperfect"]}[calibration]
        for suffix in suffixes:
            scenes = root / split / ("*" + suffix)
            self._images += self._scan_pairs(str(scenes / "im0.png"), str(scenes / "im1.png"))
            if split == "test":
                self._disparities = [(None, None) for _ in self._images]
            else:
                self._disparities += self._scan_pairs(str(scenes / "disp0.pfm"), str(scenes / "disp1.pfm"))
        self.use_ambient_views = use_ambient_views

    def _read_img(self, file_path):
        file_path = Path(file_path)
        if file_path.name == "im1.png" and self.use_ambient_views:
            views = [p for p in (file_path.parent / "im1E.png", file_path.parent / "im1L.png") if os.path.exists(p)]
            file_path = random.choice(views + [file_path])
        return super()._read_img(file_path)

    def _read_disparity(self, file_path):
        if file_path is None:
            return None, None
        disparity_map = _read_pfm_disparity(file_path)
        disparity_map[disparity_map == np.inf] = 0           # unknown disparities are stored as infinity
        return disparity_map, (disparity_map > 0).squeeze(0)

    def _download_dataset(self, root):
        base_url = "https://vision.middlebury.edu/stereo/data/scenes2014/zip"
        root = Path(root) / "Middlebury2014"
        if self.split != "test":
            split_root = root / self.split
            for scene in self.splits[self.split]:
                for calibration in ["perfect", "imperfect"]:
                    name = f"{scene}-{calibration}"
                    if not (split_root / name).exists():
                        download_and_extract_archive(url=f"{base_url}/{name}.zip", filename=f"{name}.zip",
                                                     download_root=str(split_root), remove_finished=True)
        else:
            os.makedirs(root / "test")
            if any(s not in os.listdir(root / "test") for s in self.splits["test"]):
                test_url = "https://vision.middlebury.edu/stereo/submit3/zip/MiddEval3-data-F.zip"
                download_and_extract_archive(url=test_url, download_root=str(root), remove_finished=True)
                for scene_dir, scene_names, _ in os.walk(str(root / "MiddEval3/testF")):
                    for scene in scene_names:
                        shutil.move(str(Path(scene_dir) / scene), str(root / "test"))
                shutil.rmtree(str(root / "MiddEval3"))


class CREStereo(StereoMatchingDataset):
    """`CREStereo <https://github.com/megvii-research/CREStereo>`_ synthetic stereo:
    ``root/CREStereo/{shapenet,reflective,tree,hole}/<id>_{left,right}.jpg`` with ``<id>_{left,right}.disp.png``
    (16-bit, disparity * 32). Items have four entries; the mask is None.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``CREStereo/``.
        transforms (callable, optional): takes and returns ``(images, disparities, valid masks)``.
    """

    _has_built_in_disparity_mask = True

    def __init__(self, root, transforms=None):
        super().__init__(root, transforms)
        root = Path(root) / "CREStereo"
        for s in ["shapenet", "reflective", "tree", "hole"]:
            self._images += self._scan_pairs(str(root / s / "*_left.jpg"), str(root / s / "*_right.jpg"))
            self._disparities += self._scan_pairs(str(root / s / "*_left.disp.png"), str(root / s / "*_right.disp.png"))

    def _read_disparity(self, file_path):
        return _png_disparity(file_path, 32.0)


class FallingThingsStereo(StereoMatchingDataset):
    """`Falling Things <https://research.nvidia.com/publication/2018-06_Falling-Things>`_ stereo:
    ``root/FallingThings/single/<object>/<scene>/`` and ``mixed/<scene>/`` with ``*.{left,right}.jpg``,
    ``*.{left,right}.depth.png`` and ``_camera_settings.json``; disparities come from the depth and the focal length
    (baseline 6 cm).

    Args:
        root (str or ``pathlib.Path``): the folder holding ``FallingThings/``.
        variant (str): 'single', 'mixed' or 'both'.
        transforms (callable, optional): takes and returns ``(images, disparities, valid masks)``.
    """

    def __init__(self, root, variant="single", transforms=None):
        super().__init__(root, transforms)
        root = Path(root) / "FallingThings"
        verify_str_arg(variant, "variant", valid_values=("single", "mixed", "both"))
        variants = {"single": ["single"], "mixed": ["mixed"], "both": ["single", "mixed"]}[variant]
        prefix = {"single": Path("*") / "*", "mixed": Path("*")}
        for s in variants:
            scenes = root / s / prefix[s]
            self._images += self._scan_pairs(str(scenes / "*.left.jpg"), str(scenes / "*.right.jpg"))
            self._disparities += self._scan_pairs(str(scenes / "*.left.depth.png"), str(scenes / "*.right.depth.png"))

    def _read_disparity(self, file_path):
        depth = np.asarray(pil_image().open(file_path))
        with open(Path(file_path).parent / "_camera_settings.json") as f:
            focal = json.load(f)["camera_settings"][0]["intrinsic_settings"]["fx"]
        baseline, pixel_constant = 6, 100       # depth is stored in units of 1/100 cm
        return ((baseline * focal * pixel_constant) / depth.astype(np.float32))[None], None


class SceneFlowStereo(StereoMatchingDataset):
    """`SceneFlow <https://lmb.informatik.uni-freiburg.de/resources/datasets/SceneFlowDatasets.en.html>`_ stereo:
    ``root/SceneFlow/<variant>/<frames_cleanpass|frames_finalpass>/.../{left,right}/*.png`` with
    ``disparity/.../{left,right}/*.pfm``.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``SceneFlow/``.
        variant (str): 'FlyingThings3D', 'Driving' or 'Monkaa'.
        pass_name (str): 'clean', 'final' or 'both'.
        transforms (callable, optional): takes and returns ``(images, disparities, valid masks)``.
    """

    def __init__(self, root, variant="FlyingThings3D", pass_name="clean", transforms=None):
        super().__init__(root, transforms)
        root = Path(root) / "SceneFlow"
        verify_str_arg(variant, "variant", valid_values=("FlyingThings3D", "Driving", "Monkaa"))
        verify_str_arg(pass_name, "pass_name", valid_values=("clean", "final", "both"))
        passes = {"clean": ["frames_cleanpass"], "final": ["frames_finalpass"],
                  "both": ["frames_cleanpass", "frames_finalpass"]}[pass_name]
        root = root / variant
        prefix = Path("*") if variant == "Monkaa" else Path("*") / "*" / "*"
        for p in passes:
            self._images += self._scan_pairs(str(root / p / prefix / "left" / "*.png"),
                                             str(root / p / prefix / "right" / "*.png"))
            self._disparities += self._scan_pairs(str(root / "disparity" / prefix / "left" / "*.pfm"),
                                                  str(root / "disparity" / prefix / "right" / "*.pfm"))

    def _read_disparity(self, file_path):
        return _read_pfm_disparity(file_path), None


class SintelStereo(StereoMatchingDataset):
    """`MPI Sintel <http://sintel.is.tue.mpg.de/stereo>`_ stereo: ``root/Sintel/training/{final,clean}_{left,right}/
    <scene>/*.png`` with ``training/disparities/<scene>/*.png`` (RGB-packed: r * 4 + g / 2**6 + b / 2**14) and the
    masks in ``training/{occlusions,outofframe}/<scene>/*.png`` (valid where both are 0).

    Args:
        root (str or ``pathlib.Path``): the folder holding ``Sintel/``.
        pass_name (str): 'final', 'clean' or 'both'.
        transforms (callable, optional): takes and returns ``(images, disparities, valid masks)``.
    """

    _has_built_in_disparity_mask = True

    def __init__(self, root, pass_name="final", transforms=None):
        super().__init__(root, transforms)
        verify_str_arg(pass_name, "pass_name", valid_values=("final", "clean", "both"))
        root = Path(root) / "Sintel" / "training"
        for p in {"final": ["final"], "clean": ["clean"], "both": ["final", "clean"]}[pass_name]:
            self._images += self._scan_pairs(str(root / f"{p}_left" / "*" / "*.png"),
                                             str(root / f"{p}_right" / "*" / "*.png"))
            self._disparities += self._scan_pairs(str(root / "disparities" / "*" / "*.png"), None)

    def _get_occlussion_mask_paths(self, file_path):
        fpath = Path(file_path)
        sample_dir = fpath.parent.parent.parent
        occlusion_path = str(sample_dir / "occlusions" / fpath.parent.name / fpath.name)
        outofframe_path = str(sample_dir / "outofframe" / fpath.parent.name / fpath.name)
        if not os.path.exists(occlusion_path):
            raise FileNotFoundError(f"Occlusion mask {occlusion_path} does not exist")
        if not os.path.exists(outofframe_path):
            raise FileNotFoundError(f"Out of frame mask {outofframe_path} does not exist")
        return occlusion_path, outofframe_path

    def _read_disparity(self, file_path):
        if file_path is None:
            return None, None
        rgb = np.asarray(pil_image().open(file_path), dtype=np.float32)
        r, g, b = np.split(rgb, 3, axis=-1)
        disparity_map = np.transpose(r * 4 + g / (2 ** 6) + b / (2 ** 14), (2, 0, 1))
        occlusion_path, outofframe_path = self._get_occlussion_mask_paths(file_path)
        valid = np.asarray(pil_image().open(occlusion_path)) == 0
        return disparity_map, np.logical_and(np.asarray(pil_image().open(outofframe_path)) == 0, valid)


class InStereo2k(StereoMatchingDataset):
    """`InStereo2k <https://github.com/YuhuaXu/StereoDataset>`_: ``root/InStereo2k/<split>/<scene>/{left.png,
    right.png, left_disp.png, right_disp.png}`` (16-bit, disparity * 1024).

    Args:
        root (str or ``pathlib.Path``): the folder holding ``InStereo2k/``.
        split (str): 'train' or 'test'.
        transforms (callable, optional): takes and returns ``(images, disparities, valid masks)``.
    """

    def __init__(self, root, split="train", transforms=None):
        super().__init__(root, transforms)
        root = Path(root) / "InStereo2k" / split
        verify_str_arg(split, "split", valid_values=("train", "test"))
        self._images = self._scan_pairs(str(root / "*" / "left.png"), str(root / "*" / "right.png"))
        self._disparities = self._scan_pairs(str(root / "*" / "left_disp.png"), str(root / "*" / "right_disp.png"))

    def _read_disparity(self, file_path):
        return _png_disparity(file_path, 1024.0)


class ETH3DStereo(StereoMatchingDataset):
    """`ETH3D <https://www.eth3d.net/low_res_two_view>`_ low-res two-view stereo:
    ``root/ETH3D/{two_view_training,two_view_test}/<scene>/{im0.png, im1.png}`` with
    ``two_view_training_gt/<scene>/{disp0GT.pfm, mask0nocc.png}``.

    Args:
        root (str or ``pathlib.Path``): the folder holding ``ETH3D/``.
        split (str): 'train' or 'test'.
        transforms (callable, optional): takes and returns ``(images, disparities, valid masks)``.
    """

    _has_built_in_disparity_mask = True

    def __init__(self, root, split="train", transforms=None):
        super().__init__(root, transforms)
        verify_str_arg(split, "split", valid_values=("train", "test"))
        root = Path(root) / "ETH3D"
        images = root / ("two_view_training" if split == "train" else "two_view_test")
        self._images = self._scan_pairs(str(images / "*" / "im0.png"), str(images / "*" / "im1.png"))
        self._disparities = ([(None, None) for _ in self._images] if split == "test" else
                             self._scan_pairs(str(root / "two_view_training_gt" / "*" / "disp0GT.pfm"), None))

    def _read_disparity(self, file_path):
        if file_path is None:
            return None, None
        valid = np.asarray(pil_image().open(Path(file_path).parent / "mask0nocc.png")).astype(bool)
        return _read_pfm_disparity(file_path), valid
