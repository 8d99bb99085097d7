"""Flowers102, OxfordIIITPet, Food101 and CelebA from miniature copies of their real folder layouts."""
import importlib.util
import json
import os

import numpy as np
import pytest

import ember
from ember.vision import datasets, transforms
from tests.vision._helpers import needs_pil

pytestmark = needs_pil
needs_scipy = pytest.mark.skipif(importlib.util.find_spec("scipy") is None, reason="needs SciPy")


def _jpeg(path, seed, size=(6, 5), mode="RGB"):
    from PIL import Image
    os.makedirs(os.path.dirname(path), exist_ok=True)
    shape = (size[1], size[0], 3) if mode == "RGB" else (size[1], size[0])
    Image.fromarray(np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8), mode).save(path)
    return np.asarray(Image.open(path).convert("RGB"))


@needs_scipy
def test_flowers102_split_ids_and_labels(tmp_path):
    from scipy.io import savemat
    base = tmp_path / "flowers-102"
    pixels = {i: _jpeg(str(base / "jpg" / f"image_{i:05d}.jpg"), i) for i in range(1, 7)}
    labels = np.array([5, 1, 102, 7, 5, 3])  # counted from 1 in the file
    savemat(str(base / "imagelabels.mat"), {"labels": labels[None]})
    savemat(str(base / "setid.mat"), {"trnid": np.array([[2, 4, 6]]), "valid": np.array([[1, 5]]),
                                      "tstid": np.array([[3, 1]])})
    cls = type("Flowers102", (datasets.Flowers102,), {"_file_dict": {k: (v[0], None) for k, v in
                                                                     datasets.Flowers102._file_dict.items()}})
    train = cls(str(tmp_path), split="train")
    assert len(train) == 3 and train._labels == [0, 6, 2]
    img, label = train[1]
    assert np.array_equal(np.asarray(img), pixels[4]) and label == 6
    assert cls(str(tmp_path), split="test")[0][1] == 101 and datasets.Flowers102.classes[101] == "blackberry lily"
    assert len(cls(str(tmp_path), split="val", transform=transforms.ToTensor())) == 2
    assert repr(train).splitlines()[-1] == "    split=train"
    with pytest.raises(RuntimeError, match="^Dataset not found or corrupted"):
        datasets.Flowers102(str(tmp_path))


def test_oxford_iiit_pet_targets(tmp_path):
    from PIL import Image
    base = tmp_path / "oxford-iiit-pet"
    rows = [("Abyssinian_1", 1, 1, 1), ("great_pyrenees_12", 3, 2, 2), ("Bengal_3", 2, 1, 2)]
    for i, (image_id, *_rest) in enumerate(rows):
        _jpeg(str(base / "images" / f"{image_id}.jpg"), i, mode="L" if i == 2 else "RGB")
        os.makedirs(base / "annotations" / "trimaps", exist_ok=True)
        Image.fromarray(np.full((5, 6), i + 1, dtype=np.uint8)).save(base / "annotations" / "trimaps" / f"{image_id}.png")
    (base / "annotations" / "trainval.txt").write_text("".join(f"{r[0]} {r[1]} {r[2]} {r[3]}\n" for r in rows))
    ds = datasets.OxfordIIITPet(str(tmp_path))
    assert ds.classes == ["Abyssinian", "Bengal", "Great Pyrenees"] and ds.class_to_idx["Great Pyrenees"] == 2
    img, target = ds[2]
    assert img.mode == "RGB" and target == 1
    multi = datasets.OxfordIIITPet(str(tmp_path), target_types=["binary-category", "segmentation", "category"])
    _, (species, trimap, breed) = multi[1]
    assert species == 1 and breed == 2 and np.asarray(trimap).tolist()[0][0] == 2
    assert datasets.OxfordIIITPet(str(tmp_path), target_types=[])[0][1] is None
    with pytest.raises(ValueError, match="Unknown value 'mask' for argument target_types"):
        datasets.OxfordIIITPet(str(tmp_path), target_types="mask")
    with pytest.raises(RuntimeError, match="^Dataset not found. You can use download=True to download it$"):
        datasets.OxfordIIITPet(str(tmp_path / "nothing"))


def test_food101_meta_json(tmp_path):
    base = tmp_path / "food-101"
    meta = {"ramen": ["ramen/11", "ramen/3"], "apple_pie": ["apple_pie/7"]}
    pixels = {p: _jpeg(str(base / "images" / f"{p}.jpg"), i) for i, p in enumerate(sum(meta.values(), []))}
    os.makedirs(base / "meta")
    (base / "meta" / "train.json").write_text(json.dumps(meta))
    (base / "meta" / "test.json").write_text(json.dumps({"ramen": ["ramen/3"]}))
    ds = datasets.Food101(str(tmp_path))
    assert ds.classes == ["apple_pie", "ramen"] and len(ds) == 3
    assert [ds[i][1] for i in range(3)] == [1, 1, 0]
    assert np.array_equal(np.asarray(ds[2][0]), pixels["apple_pie/7"])
    assert len(datasets.Food101(str(tmp_path), split="test", loader=lambda p: p)) == 1
    assert str(datasets.Food101(str(tmp_path), loader=lambda p: p)[0][0]).endswith(os.path.join("ramen", "11.jpg"))


def _write_celeba(root):
    base = os.path.join(root, "celeba")
    names = [f"{i:06d}.jpg" for i in range(1, 6)]
    for i, name in enumerate(names):
        _jpeg(os.path.join(base, "img_align_celeba", name), i)
    attr_names = ["5_o_Clock_Shadow", "Smiling", "Young"]
    rng = np.random.default_rng(0)
    attrs = rng.choice([-1, 1], (5, 3))
    partition = [0, 0, 1, 2, 0]

    def table(header, rows):
        lines = [str(len(rows))] + ([" ".join(header)] if header is not None else [])
        return "\n".join(lines + [f"{n}  " + " ".join(f"{v:>2}" for v in row) for n, row in zip(names, rows)]) + "\n"

    files = {
        "list_eval_partition.txt": "".join(f"{n} {p}\n" for n, p in zip(names, partition)),
        "identity_CelebA.txt": "".join(f"{n} {100 + i}\n" for i, n in enumerate(names)),
        "list_bbox_celeba.txt": table(["image_id", "x_1", "y_1", "width", "height"], rng.integers(0, 50, (5, 4))),
        "list_landmarks_align_celeba.txt": table(["lefteye_x", "lefteye_y"], rng.integers(0, 50, (5, 2))),
        "list_attr_celeba.txt": table(attr_names, attrs),
    }
    for name, text in files.items():
        with open(os.path.join(base, name), "w") as f:
            f.write(text)
    return attrs, attr_names


def test_celeba_splits_and_target_types(tmp_path):
    attrs, attr_names = _write_celeba(str(tmp_path))
    cls = type("CelebA", (datasets.CelebA,), {"file_list": [(i, None, n) for i, _, n in datasets.CelebA.file_list]})
    train = cls(str(tmp_path), split="train")
    assert len(train) == 3 and train.filename == ["000001.jpg", "000002.jpg", "000005.jpg"]
    assert train.attr_names == attr_names and train.attr.dtype == ember.int64
    img, target = train[2]
    assert img.size == (6, 5) and target.tolist() == ((attrs[4] + 1) // 2).tolist()
    everything = cls(str(tmp_path), split="all", target_type=["identity", "bbox", "landmarks"])
    assert len(everything) == 5
    _, (identity, bbox, landmarks) = everything[3]
    assert identity.item() == 103 and bbox.shape == (4,) and landmarks.shape == (2,)
    assert cls(str(tmp_path), split="valid", target_type=[])[0][1] is None
    assert repr(train).splitlines()[3:5] == ["    Target type: ['attr']", "    Split: train"]
    with pytest.raises(ValueError, match='^Target type "pose" is not recognized.$'):
        cls(str(tmp_path), target_type="pose")[0]
    with pytest.raises(RuntimeError, match="^target_transform is specified but target_type is empty$"):
        cls(str(tmp_path), target_type=[], target_transform=lambda t: t)
    with pytest.raises(RuntimeError, match="^Dataset not found or corrupted"):
        datasets.CelebA(str(tmp_path))
