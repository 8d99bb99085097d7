"""The stereo matching datasets from miniature copies of their real on-disk formats (PNG, 16-bit PNG and .pfm
disparities); with torchvision installed, the same files read by torchvision give the same items."""
import json
import os

import numpy as np
import pytest

from ember.vision import datasets
from tests.vision._helpers import needs_pil
from tests.vision.datasets._files import assert_same_as_torchvision, write_image, write_pfm, write_text

pytestmark = needs_pil


def _png16(path, values):
    from PIL import Image
    os.makedirs(os.path.dirname(str(path)), exist_ok=True)
    Image.fromarray(values.astype(np.uint16)).save(path)


def _disparity(seed, h=5, w=6):
    return np.random.default_rng(seed).uniform(-30, 30, (1, h, w)).astype(np.float32)


def test_carla_and_sceneflow_pfm_disparities(tmp_path):
    base = tmp_path / "carla-highres" / "trainingF"
    for i, scene in enumerate(["s0", "s1"]):
        write_image(base / scene / "im0.png", 2 * i, "PNG", mode="L")          # greyscale: read back as RGB
        write_image(base / scene / "im1.png", 2 * i + 1, "PNG")
        write_pfm(base / scene / "disp0GT.pfm", _disparity(i))
        write_pfm(base / scene / "disp1GT.pfm", _disparity(10 + i))
    carla = datasets.CarlaStereo(tmp_path)
    left, right, disparity = carla[1]
    assert len(carla) == 2 and left.mode == "RGB" and np.array_equal(disparity, np.abs(_disparity(1)))
    assert_same_as_torchvision(carla, "CarlaStereo", tmp_path, tmp_path)
    monkaa = tmp_path / "SceneFlow" / "Monkaa"
    for side, seed in (("left", 1), ("right", 2)):
        write_image(monkaa / "frames_cleanpass" / "a_rain" / side / "0000.png", seed, "PNG")
        write_pfm(monkaa / "disparity" / "a_rain" / side / "0000.pfm", _disparity(seed))
    sf = datasets.SceneFlowStereo(tmp_path, variant="Monkaa")
    assert len(sf) == 1 and np.array_equal(sf[0][2], np.abs(_disparity(1)))
    assert_same_as_torchvision(sf, "SceneFlowStereo", tmp_path, tmp_path, variant="Monkaa")
    with pytest.raises(FileNotFoundError, match="^Could not find any files matching the patterns: "):
        datasets.SceneFlowStereo(tmp_path, variant="Driving")


def test_kitti_stereo_scaled_png_disparities(tmp_path):
    k12 = tmp_path / "Kitti2012" / "training"
    k15 = tmp_path / "Kitti2015" / "training"
    values = np.random.default_rng(0).integers(0, 60000, (5, 6))
    for i in range(2):
        write_image(k12 / "colored_0" / f"00000{i}_10.png", i, "PNG")
        write_image(k12 / "colored_1" / f"00000{i}_10.png", 5 + i, "PNG")
        _png16(k12 / "disp_noc" / f"00000{i}_10.png", values + i)
        write_image(k15 / "image_2" / f"00000{i}_10.png", i, "PNG")
        write_image(k15 / "image_3" / f"00000{i}_10.png", 5 + i, "PNG")
        _png16(k15 / "disp_occ_0" / f"00000{i}_10.png", values + i)
        _png16(k15 / "disp_occ_1" / f"00000{i}_10.png", values)
    k = datasets.Kitti2012Stereo(tmp_path)
    left, right, disparity, mask = k[1]
    assert mask is None and disparity.shape == (1, 5, 6) and disparity.dtype == np.float64
    assert np.array_equal(disparity[0], (values + 1) / 256.0)
    assert_same_as_torchvision(k, "Kitti2012Stereo", tmp_path, tmp_path)
    assert_same_as_torchvision(datasets.Kitti2015Stereo(tmp_path), "Kitti2015Stereo", tmp_path, tmp_path)
    with pytest.raises(FileNotFoundError, match="Could not find any files matching the patterns"):
        datasets.Kitti2015Stereo(tmp_path, split="test")


def test_middlebury_calibrations_and_infinite_disparities(tmp_path):
    base = tmp_path / "Middlebury2014" / "train"
    for i, scene in enumerate(["Adirondack-perfect", "Adirondack-imperfect"]):
        write_image(base / scene / "im0.png", i, "PNG")
        write_image(base / scene / "im1.png", 5 + i, "PNG")
        d = _disparity(i)
        d[0, 0, :2] = np.inf
        write_pfm(base / scene / "disp0.pfm", d)
        write_pfm(base / scene / "disp1.pfm", d)
    ds = datasets.Middlebury2014Stereo(tmp_path, calibration="both")
    assert len(ds) == 2
    _, _, disparity, valid = ds[0]
    assert disparity[0, 0, :2].tolist() == [0, 0] and valid.tolist()[0][:2] == [False, False] and valid.all(axis=None) \
        == False  # noqa: E712
    assert_same_as_torchvision(ds, "Middlebury2014Stereo", tmp_path, tmp_path, calibration="both")
    with pytest.raises(ValueError, match="^Split 'test' has only no calibration settings"):
        datasets.Middlebury2014Stereo(tmp_path, split="test")
    with pytest.raises(ValueError, match="^Split 'train' has calibration settings, however None was provided"):
        datasets.Middlebury2014Stereo(tmp_path, calibration=None)
    with pytest.raises(FileNotFoundError, match="^The additional directory was not found"):
        datasets.Middlebury2014Stereo(tmp_path, split="additional")


def test_crestereo_instereo2k_eth3d(tmp_path):
    values = np.random.default_rng(1).integers(0, 60000, (5, 6))
    for s in ["shapenet", "reflective", "tree", "hole"]:
        write_image(tmp_path / "CREStereo" / s / "0_left.jpg", 1)
        write_image(tmp_path / "CREStereo" / s / "0_right.jpg", 2)
        _png16(tmp_path / "CREStereo" / s / "0_left.disp.png", values)
        _png16(tmp_path / "CREStereo" / s / "0_right.disp.png", values)
    cre = datasets.CREStereo(tmp_path)
    assert len(cre) == 4 and cre[3][2].dtype == np.float32 and cre[3][3] is None
    assert np.array_equal(cre[3][2][0], values / 32.0)
    assert_same_as_torchvision(cre, "CREStereo", tmp_path, tmp_path)
    scene = tmp_path / "InStereo2k" / "train" / "000001"
    write_image(scene / "left.png", 1, "PNG")
    write_image(scene / "right.png", 2, "PNG")
    _png16(scene / "left_disp.png", values)
    _png16(scene / "right_disp.png", values)
    ins = datasets.InStereo2k(tmp_path)
    assert len(ins[0]) == 3 and np.allclose(ins[0][2][0], values / 1024.0)
    assert_same_as_torchvision(ins, "InStereo2k", tmp_path, tmp_path)
    eth = tmp_path / "ETH3D"
    write_image(eth / "two_view_training" / "delivery_area_1l" / "im0.png", 3, "PNG")
    write_image(eth / "two_view_training" / "delivery_area_1l" / "im1.png", 4, "PNG")
    write_pfm(eth / "two_view_training_gt" / "delivery_area_1l" / "disp0GT.pfm", _disparity(3))
    mask = write_image(eth / "two_view_training_gt" / "delivery_area_1l" / "mask0nocc.png", 5, "PNG", mode="L")
    e = datasets.ETH3DStereo(tmp_path)
    assert np.array_equal(e[0][3], mask.astype(bool)) and np.array_equal(e[0][2], np.abs(_disparity(3)))
    assert_same_as_torchvision(e, "ETH3DStereo", tmp_path, tmp_path)


def test_falling_things_depth_and_sintel_packed_disparities(tmp_path):
    scene = tmp_path / "FallingThings" / "single" / "002_master_chef_can_16k" / "kitchen_0"
    depth = np.random.default_rng(2).integers(100, 60000, (5, 6))
    write_text(scene / "_camera_settings.json",
               json.dumps({"camera_settings": [{"intrinsic_settings": {"fx": 768.2}}]}))
    for side in ("left", "right"):
        write_image(scene / f"000000.{side}.jpg", 1)
        _png16(scene / f"000000.{side}.depth.png", depth)
    ft = datasets.FallingThingsStereo(tmp_path)
    assert np.allclose(ft[0][2][0], 6 * 768.2 * 100 / depth.astype(np.float32))
    assert_same_as_torchvision(ft, "FallingThingsStereo", tmp_path, tmp_path)
    base = tmp_path / "Sintel" / "training"
    for kind in ("final_left", "final_right"):
        write_image(base / kind / "alley_1" / "frame_0001.png", 7, "PNG")
    packed = write_image(base / "disparities" / "alley_1" / "frame_0001.png", 8, "PNG")
    occlusion = write_image(base / "occlusions" / "alley_1" / "frame_0001.png", 9, "PNG", mode="L") > 128
    write_image(base / "outofframe" / "alley_1" / "frame_0001.png", 10, "PNG", mode="L")
    from PIL import Image
    Image.fromarray(occlusion.astype(np.uint8) * 255).save(base / "occlusions" / "alley_1" / "frame_0001.png")
    Image.fromarray(np.zeros((5, 6), np.uint8)).save(base / "outofframe" / "alley_1" / "frame_0001.png")
    st = datasets.SintelStereo(tmp_path)
    _, _, disparity, valid = st[0]
    p = packed.astype(np.float32)
    assert np.allclose(disparity[0], p[..., 0] * 4 + p[..., 1] / 64 + p[..., 2] / 2 ** 14)
    assert np.array_equal(valid, ~occlusion)
    assert_same_as_torchvision(st, "SintelStereo", tmp_path, tmp_path)
    os.remove(base / "outofframe" / "alley_1" / "frame_0001.png")
    with pytest.raises(FileNotFoundError, match="^Out of frame mask .* does not exist$"):
        st[0]
