"""SBDataset, Cityscapes, WIDERFace and Kitti from miniature copies of their real on-disk formats; with
torchvision installed, the same files read by torchvision give the same items and printed form."""
import json
import os
import zipfile

import numpy as np
import pytest

import ember
from ember.vision import datasets
from tests.vision._helpers import needs_pil
from tests.vision.datasets._files import assert_same_as_torchvision, needs_scipy, savemat, write_image, write_text

pytestmark = needs_pil


def _sbd_tree(root):
    from scipy.sparse import csc_matrix
    rng = np.random.default_rng(0)
    truth = {}
    for i, name in enumerate(["2008_000002", "2008_000003"]):
        write_image(root / "img" / f"{name}.jpg", i)
        seg = rng.integers(0, 21, (5, 6)).astype(np.uint8)
        masks = rng.integers(0, 2, (20, 5, 6)).astype(np.uint8)
        boundaries = np.empty((20, 1), dtype=object)
        for k in range(20):
            boundaries[k, 0] = csc_matrix(masks[k])
        savemat(root / "cls" / f"{name}.mat", {"GTcls": {"Segmentation": seg, "Boundaries": boundaries}})
        truth[name] = seg, masks
    write_text(root / "train.txt", "2008_000003\n2008_000002\n")
    write_text(root / "val.txt", "2008_000002\n")
    return truth


@needs_scipy
def test_sbd_segmentation_and_boundaries(tmp_path):
    truth = _sbd_tree(tmp_path)
    seg = datasets.SBDataset(tmp_path, mode="segmentation")
    img, target = seg[0]
    assert len(seg) == 2 and img.mode == "RGB" and img.size == (6, 5)
    assert target.mode == "L" and np.array_equal(np.asarray(target), truth["2008_000003"][0])
    bounds = datasets.SBDataset(tmp_path, image_set="val", transforms=lambda i, t: (i.size, t.sum(axis=(1, 2))))
    size, per_class = bounds[0]
    assert size == (6, 5) and np.array_equal(per_class, truth["2008_000002"][1].sum(axis=(1, 2)))
    assert datasets.SBDataset(tmp_path)[1][1].shape == (20, 5, 6)
    assert repr(seg).splitlines()[-2:] == ["    Image set: train", "    Mode: segmentation"]
    assert_same_as_torchvision(seg, "SBDataset", tmp_path, tmp_path, mode="segmentation")
    assert_same_as_torchvision(datasets.SBDataset(tmp_path), "SBDataset", tmp_path, tmp_path)
    with pytest.raises(ValueError, match="Unknown value 'test' for argument image_set"):
        datasets.SBDataset(tmp_path, image_set="test")
    with pytest.raises(RuntimeError, match="^Dataset not found or corrupted"):
        datasets.SBDataset(tmp_path / "nothing")


def _cityscapes_tree(root, split="val"):
    stem = "aachen_000000_000019"
    image = write_image(root / "leftImg8bit" / split / "aachen" / f"{stem}_leftImg8bit.png", 1, "PNG")
    target_dir = root / "gtFine" / split / "aachen"
    labels = write_image(target_dir / f"{stem}_gtFine_labelIds.png", 2, "PNG", mode="L")
    write_image(target_dir / f"{stem}_gtFine_instanceIds.png", 3, "PNG", mode="L")
    write_image(target_dir / f"{stem}_gtFine_color.png", 4, "PNG")
    polygons = {"imgHeight": 5, "imgWidth": 6, "objects": [{"label": "road", "polygon": [[0, 0], [5, 0], [5, 4]]}]}
    write_text(target_dir / f"{stem}_gtFine_polygons.json", json.dumps(polygons))
    return image, labels, polygons


def test_cityscapes_targets(tmp_path):
    image, labels, polygons = _cityscapes_tree(tmp_path)
    ds = datasets.Cityscapes(tmp_path, split="val", target_type=["semantic", "polygon"])
    img, (semantic, poly) = ds[0]
    assert len(ds) == 1 and np.array_equal(np.asarray(img), image)
    assert np.array_equal(np.asarray(semantic), labels) and poly == polygons
    assert repr(ds).splitlines()[-3:] == ["    Split: val", "    Mode: gtFine", "    Type: ['semantic', 'polygon']"]
    assert datasets.Cityscapes.classes[26].name == "car" and datasets.Cityscapes.classes[26].train_id == 13
    for kwargs in ({"target_type": "instance"}, {"target_type": ["color", "semantic"]}):
        assert_same_as_torchvision(datasets.Cityscapes(tmp_path, split="val", **kwargs), "Cityscapes", tmp_path,
                                   tmp_path, split="val", **kwargs)
    with pytest.raises(ValueError, match=r"^Unknown value 'test' for argument split if mode is 'coarse'. Valid values "
                                         r"are \{'train', 'train_extra', 'val'\}.$"):
        datasets.Cityscapes(tmp_path, split="test", mode="coarse")
    with pytest.raises(ValueError, match="Unknown value 'depth' for argument target_type"):
        datasets.Cityscapes(tmp_path, split="val", target_type="depth")
    with pytest.raises(RuntimeError, match='^Dataset not found or incomplete. Please make sure all required folders '
                                           'for the specified "split" and "mode" are inside the "root" directory$'):
        datasets.Cityscapes(tmp_path, split="train")


def test_cityscapes_unpacks_its_zips(tmp_path):
    source = tmp_path / "source"
    image, _, _ = _cityscapes_tree(source, split="test")
    for name, folder in [("leftImg8bit_trainvaltest.zip", "leftImg8bit"), ("gtFine_trainvaltest.zip", "gtFine")]:
        with zipfile.ZipFile(tmp_path / name, "w") as zf:
            for dirpath, _, files in os.walk(source / folder):
                for f in files:
                    zf.write(os.path.join(dirpath, f), os.path.relpath(os.path.join(dirpath, f), source))
    ds = datasets.Cityscapes(tmp_path, split="test")
    assert len(ds) == 1 and np.array_equal(np.asarray(ds[0][0]), image)


_WIDER_GT = """0--Parade/0_Parade_marchingband_1_849.jpg
1
449 330 122 149 0 0 0 0 0 0
0--Parade/0_Parade_Parade_0_904.jpg
0
0 0 0 0 0 0 0 0 0 0
1--Handshaking/1_Handshaking_3.jpg
2
1 2 3 4 2 1 0 1 0 0
5 6 7 8 0 0 1 0 2 1
"""


def _wider_tree(root):
    base = root / "widerface"
    pixels = {line: write_image(base / "WIDER_val" / "images" / line, i)
              for i, line in enumerate(_WIDER_GT.splitlines()[::3][:2] + ["1--Handshaking/1_Handshaking_3.jpg"])}
    write_text(base / "wider_face_split" / "wider_face_val_bbx_gt.txt", _WIDER_GT)
    write_text(base / "wider_face_split" / "wider_face_test_filelist.txt", "0--Parade/a.jpg\n")
    write_image(base / "WIDER_test" / "images" / "0--Parade" / "a.jpg", 9)
    os.makedirs(base / "WIDER_train")
    return pixels


def test_widerface_annotations(tmp_path):
    pixels = _wider_tree(tmp_path)
    ds = datasets.WIDERFace(tmp_path, split="val")
    assert len(ds) == 3
    img, target = ds[2]
    assert np.array_equal(np.asarray(img), pixels["1--Handshaking/1_Handshaking_3.jpg"])
    assert target["bbox"].tolist() == [[1, 2, 3, 4], [5, 6, 7, 8]] and target["bbox"].dtype == ember.int64
    assert target["blur"].tolist() == [2, 0] and target["illumination"].tolist() == [0, 1]
    assert target["occlusion"].tolist() == [1, 0] and target["invalid"].tolist() == [0, 1]
    assert ds[1][1]["bbox"].tolist() == [[0, 0, 0, 0]]          # no faces: one row of zeros, as the file has
    assert datasets.WIDERFace(tmp_path, split="test")[0][1] is None
    assert repr(ds).splitlines()[-1] == "    Split: val"
    assert_same_as_torchvision(ds, "WIDERFace", tmp_path, tmp_path, split="val")
    assert_same_as_torchvision(datasets.WIDERFace(tmp_path, split="test"), "WIDERFace", tmp_path, tmp_path,
                               split="test")
    os.rmdir(tmp_path / "widerface" / "WIDER_train")
    with pytest.raises(RuntimeError, match="^Dataset not found or corrupted. You can use download=True to download "
                                           "and prepare it$"):
        datasets.WIDERFace(tmp_path, split="val")


def test_kitti_labels(tmp_path):
    raw = tmp_path / "Kitti" / "raw"
    pixels = {i: write_image(raw / "training" / "image_2" / f"00000{i}.png", i, "PNG") for i in range(2)}
    write_text(raw / "training" / "label_2" / "000000.txt",
               "Pedestrian 0.00 0 -0.20 712.40 143.00 810.73 307.92 1.89 0.48 1.20 1.84 1.47 8.41 0.01\n")
    write_text(raw / "training" / "label_2" / "000001.txt",
               "Car 0.50 2 1.85 387.63 181.54 423.81 203.12 1.67 1.87 3.69 -16.53 2.39 58.49 1.57\n"
               "DontCare -1 -1 -10 5.00 229.89 214.12 367.61 -1 -1 -1 -1000 -1000 -1000 -10\n")
    ds = datasets.Kitti(tmp_path)
    by_name = {os.path.basename(p): i for i, p in enumerate(ds.images)}
    img, target = ds[by_name["000001.png"]]
    assert np.array_equal(np.asarray(img), pixels[1]) and len(target) == 2
    assert target[0] == {"type": "Car", "truncated": 0.5, "occluded": 2, "alpha": 1.85,
                         "bbox": [387.63, 181.54, 423.81, 203.12], "dimensions": [1.67, 1.87, 3.69],
                         "location": [-16.53, 2.39, 58.49], "rotation_y": 1.57}
    assert target[1]["type"] == "DontCare" and target[1]["occluded"] == -1
    assert_same_as_torchvision(ds, "Kitti", tmp_path, tmp_path)
    with pytest.raises(RuntimeError, match=r"^Dataset not found. You may use download=True to download it.$"):
        datasets.Kitti(tmp_path, train=False)
