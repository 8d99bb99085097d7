"""Sintel, KittiFlow, FlyingChairs, FlyingThings3D and HD1K from miniature copies of their real on-disk formats
(.flo, .pfm, 16-bit PNG flows); with torchvision installed, the same files read by torchvision give the same items."""
import numpy as np
import pytest

from ember.utils.data import ConcatDataset
from ember.vision import datasets
from ember.vision.datasets._flow_files import read_pfm, read_png_16bit_rgb
from tests.vision._helpers import needs_pil
from tests.vision.datasets._files import (assert_same_as_torchvision, write_flo, write_image, write_pfm,
                                          write_png_16bit_rgb, write_text)

pytestmark = needs_pil


def _flow(seed, h=5, w=6):
    return np.random.default_rng(seed).normal(size=(2, h, w)).astype(np.float32)


def test_sintel_pairs_and_flo_files(tmp_path):
    base = tmp_path / "Sintel"
    frames = {}
    for p, pass_name in enumerate(["clean", "final"]):
        for scene, n in [("alley_1", 3), ("bamboo_2", 2)]:
            for i in range(1, n + 1):
                frames[pass_name, scene, i] = write_image(base / "training" / pass_name / scene / f"frame_{i:04d}.png",
                                                          100 * p + 10 * n + i, "PNG")
            write_image(base / "test" / pass_name / scene / "frame_0001.png", 1, "PNG")
            write_image(base / "test" / pass_name / scene / "frame_0002.png", 2, "PNG")
    flows = {(scene, i): _flow(10 * n + i) for scene, n in [("alley_1", 3), ("bamboo_2", 2)] for i in range(1, n)}
    for (scene, i), flow in flows.items():
        write_flo(base / "training" / "flow" / scene / f"frame_{i:04d}.flo", flow)
    ds = datasets.Sintel(tmp_path, pass_name="both")
    assert len(ds) == 6
    by_first = {ds._image_list[k][0]: k for k in range(len(ds))}
    k = by_first[str(base / "training" / "final" / "alley_1" / "frame_0002.png")]
    img1, img2, flow = ds[k]
    assert np.array_equal(np.asarray(img2), frames["final", "alley_1", 3]) and flow.dtype == np.float32
    assert np.array_equal(flow, flows["alley_1", 2])
    test = datasets.Sintel(tmp_path, split="test")
    assert len(test) == 2 and test[0][2] is None and len(test[0]) == 3
    assert isinstance(3 * ds, ConcatDataset) and len(3 * ds) == 18
    assert_same_as_torchvision(ds, "Sintel", tmp_path, tmp_path, pass_name="both")
    assert_same_as_torchvision(test, "Sintel", tmp_path, tmp_path, split="test")
    with pytest.raises(ValueError, match="Unknown value 'albedo' for argument pass_name"):
        datasets.Sintel(tmp_path, pass_name="albedo")


def test_flying_chairs_split_file(tmp_path):
    base = tmp_path / "FlyingChairs"
    for i in range(1, 4):
        write_image(base / "data" / f"{i:05d}_img1.ppm", 2 * i, "PPM")
        write_image(base / "data" / f"{i:05d}_img2.ppm", 2 * i + 1, "PPM")
        write_flo(base / "data" / f"{i:05d}_flow.flo", _flow(i))
    with pytest.raises(FileNotFoundError, match="The FlyingChairs_train_val.txt file was not found"):
        datasets.FlyingChairs(tmp_path)
    write_text(base / "FlyingChairs_train_val.txt", "1\n2\n1\n")
    train, val = datasets.FlyingChairs(tmp_path), datasets.FlyingChairs(tmp_path, split="val")
    assert len(train) == 2 and len(val) == 1 and np.array_equal(val[0][2], _flow(2))
    assert np.array_equal(train[1][2], _flow(3))
    assert_same_as_torchvision(train, "FlyingChairs", tmp_path, tmp_path)


def test_flying_things_3d_directions_and_pfm(tmp_path):
    base = tmp_path / "FlyingThings3D"
    for seq in ("0000", "0001"):
        for i in range(6, 9):
            write_image(base / "frames_cleanpass" / "TRAIN" / "A" / seq / "left" / f"{i:04d}.png", i, "PNG")
            for direction in ("into_future", "into_past"):
                flow = np.random.default_rng(i).normal(size=(3, 4, 5)).astype(np.float32)
                write_pfm(base / "optical_flow" / "TRAIN" / "A" / seq / direction / "left" /
                          f"OpticalFlowInto{direction[5:].title()}_{i:04d}_L.pfm", flow, little_endian=seq == "0000")
    ds = datasets.FlyingThings3D(tmp_path)
    assert len(ds) == 8                                        # 2 sequences x 2 directions x 2 pairs
    img1, img2, flow = ds[0]
    assert flow.shape == (2, 4, 5)
    assert np.array_equal(flow, np.random.default_rng(6).normal(size=(3, 4, 5)).astype(np.float32)[:2])
    assert_same_as_torchvision(ds, "FlyingThings3D", tmp_path, tmp_path)
    with pytest.raises(FileNotFoundError, match="Could not find the FlyingThings3D flow images"):
        datasets.FlyingThings3D(tmp_path, split="test")
    assert len(datasets.FlyingThings3D(tmp_path, camera="right")) == 0      # sequences without that camera


def test_pfm_reads_both_byte_orders_and_one_channel(tmp_path):
    data = np.arange(12, dtype=np.float32).reshape(1, 3, 4)
    for little in (True, False):
        write_pfm(tmp_path / "d.pfm", data, little_endian=little)
        out = read_pfm(tmp_path / "d.pfm")
        assert out.shape == (1, 3, 4) and np.array_equal(out, data)
    write_text(tmp_path / "bad.pfm", "P6\n")
    with pytest.raises(ValueError, match="^Invalid PFM file$"):
        read_pfm(tmp_path / "bad.pfm")


def test_16bit_png_flow_reader(tmp_path):
    from PIL import Image
    arr = np.random.default_rng(0).integers(0, 65536, (6, 5, 3)).astype(np.uint16)
    write_png_16bit_rgb(tmp_path / "f.png", arr)
    assert np.array_equal(read_png_16bit_rgb(tmp_path / "f.png"), arr.transpose(2, 0, 1))
    # Pillow's own decoder, which keeps the high bytes, agrees
    assert np.array_equal(np.asarray(Image.open(tmp_path / "f.png")), (arr >> 8).astype(np.uint8))


def _kitti_flow_values(seed, h=4, w=5):
    rng = np.random.default_rng(seed)
    flow = rng.integers(-500, 500, (2, h, w)) / 64
    valid = rng.integers(0, 2, (h, w)).astype(bool)
    stored = np.concatenate([flow * 64 + 2 ** 15, valid[None]]).astype(np.uint16).transpose(1, 2, 0)
    return flow.astype(np.float32), valid, stored


def test_kitti_flow_and_hd1k_masks(tmp_path):
    base = tmp_path / "KittiFlow"
    truth = {}
    for i in range(2):
        write_image(base / "training" / "image_2" / f"{i:06d}_10.png", 2 * i, "PNG")
        write_image(base / "training" / "image_2" / f"{i:06d}_11.png", 2 * i + 1, "PNG")
        flow, valid, stored = _kitti_flow_values(i)
        write_png_16bit_rgb(base / "training" / "flow_occ" / f"{i:06d}_10.png", stored)
        truth[i] = flow, valid
    ds = datasets.KittiFlow(tmp_path)
    img1, img2, flow, valid = ds[1]
    assert len(ds) == 2 and flow.dtype == np.float32 and valid.dtype == bool
    assert np.array_equal(flow, truth[1][0]) and np.array_equal(valid, truth[1][1])
    with pytest.raises(FileNotFoundError, match="^Could not find the Kitti flow images"):
        datasets.KittiFlow(tmp_path, split="test")
    hd = tmp_path / "hd1k"
    for frame in range(3):
        write_image(hd / "hd1k_input" / "image_2" / f"000003_{frame:04d}.png", frame, "PNG")
        write_png_16bit_rgb(hd / "hd1k_flow_gt" / "flow_occ" / f"000003_{frame:04d}.png", _kitti_flow_values(frame)[2])
    hd1k = datasets.HD1K(tmp_path)
    assert len(hd1k) == 2 and np.array_equal(hd1k[1][2], _kitti_flow_values(1)[0])
    assert np.array_equal(hd1k[1][3], _kitti_flow_values(1)[1])
    with pytest.raises(FileNotFoundError, match="^Could not find the HD1K images"):
        datasets.HD1K(tmp_path, split="test")
