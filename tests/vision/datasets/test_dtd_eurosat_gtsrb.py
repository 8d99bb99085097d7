"""DTD, EuroSAT and GTSRB from miniature copies of their real folder layouts; with torchvision installed,
the same folders read by torchvision give the same items."""
import os

import numpy as np
import pytest

from ember.vision import datasets
from tests.vision._helpers import needs_pil

pytestmark = needs_pil


def _image(path, seed, ext="JPEG"):
    from PIL import Image
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray(np.random.default_rng(seed).integers(0, 256, (5, 6, 3), dtype=np.uint8)).save(path, ext)
    return np.asarray(Image.open(path).convert("RGB"))


def _dtd_tree(root):
    base = root / "dtd" / "dtd"
    lines = {"train1": ["zigzagged/z_2.jpg", "banded/b_1.jpg", "zigzagged/z_1.jpg"], "test1": ["banded/b_2.jpg"],
             "val1": [], "train2": ["banded/b_2.jpg"]}
    pixels = {}
    for i, name in enumerate(sorted(set(sum(lines.values(), [])))):
        pixels[name] = _image(str(base / "images" / name), i)
    os.makedirs(base / "labels")
    for split, names in lines.items():
        (base / "labels" / f"{split}.txt").write_text("".join(n + "\n" for n in names))
    return pixels


def _eurosat_tree(root):
    return {f"{cls}/{cls}_{i}.jpg": _image(str(root / "eurosat" / "2750" / cls / f"{cls}_{i}.jpg"), 10 * j + i)
            for j, cls in enumerate(["River", "Forest"]) for i in range(2)}


def _gtsrb_tree(root):
    base = root / "gtsrb" / "GTSRB"
    train = {f"{c:05d}/{c:05d}_{i}.ppm": _image(str(base / "Training" / f"{c:05d}" / f"{c:05d}_{i}.ppm"), c + i, "PPM")
             for c in (0, 2) for i in range(2)}
    test = {f"{i:05d}.ppm": _image(str(base / "Final_Test" / "Images" / f"{i:05d}.ppm"), 50 + i, "PPM")
            for i in range(3)}
    (root / "gtsrb" / "GT-final_test.csv").write_text(
        "Filename;Width;Height;ClassId\n00000.ppm;6;5;7\n00001.ppm;6;5;42\n00002.ppm;6;5;0\n")
    return train, test


def test_dtd_splits_partitions_and_labels(tmp_path):
    pixels = _dtd_tree(tmp_path)
    train = datasets.DTD(str(tmp_path))
    assert train.classes == ["banded", "zigzagged"] and train._labels == [1, 0, 1] and len(train) == 3
    img, label = train[0]
    assert np.array_equal(np.asarray(img), pixels["zigzagged/z_2.jpg"]) and label == 1
    assert len(datasets.DTD(str(tmp_path), split="val")) == 0
    assert datasets.DTD(str(tmp_path), split="train", partition=2)[0][1] == 0
    assert repr(train).splitlines()[-1] == "    split=train, partition=1"
    with pytest.raises(ValueError, match="Unknown value 'dev' for argument split"):
        datasets.DTD(str(tmp_path), split="dev")
    with pytest.raises(ValueError, match="Parameter 'partition' should be an integer with `1 <= partition <= 10`, "
                                         "but got 11 instead"):
        datasets.DTD(str(tmp_path), partition=11)
    with pytest.raises(RuntimeError, match="^Dataset not found. You can use download=True to download it$"):
        datasets.DTD(str(tmp_path / "nothing"))


def test_eurosat_is_an_image_folder(tmp_path):
    pixels = _eurosat_tree(tmp_path)
    ds = datasets.EuroSAT(str(tmp_path), target_transform=lambda t: t + 100)
    assert ds.classes == ["Forest", "River"] and len(ds) == 4 and ds.root == str(tmp_path)
    img, label = ds[3]
    assert np.array_equal(np.asarray(img), pixels["River/River_1.jpg"]) and label == 101
    with pytest.raises(RuntimeError, match="^Dataset not found. You can use download=True to download it$"):
        datasets.EuroSAT(str(tmp_path / "nothing"))


def test_gtsrb_train_folders_and_test_csv(tmp_path):
    train_pixels, test_pixels = _gtsrb_tree(tmp_path)
    train = datasets.GTSRB(str(tmp_path))
    assert len(train) == 4 and [train[i][1] for i in range(4)] == [0, 0, 1, 1]
    assert np.array_equal(np.asarray(train[2][0]), train_pixels["00002/00002_0.ppm"])
    test = datasets.GTSRB(str(tmp_path), split="test")
    assert [test[i][1] for i in range(3)] == [7, 42, 0]
    assert np.array_equal(np.asarray(test[1][0]), test_pixels["00001.ppm"])
    with pytest.raises(RuntimeError, match="^Dataset not found. You can use download=True to download it$"):
        datasets.GTSRB(str(tmp_path / "nothing"), split="test")


@pytest.mark.parametrize("name, make, kwargs", [("DTD", _dtd_tree, {"split": "train"}), ("EuroSAT", _eurosat_tree, {}),
                                                ("GTSRB", _gtsrb_tree, {"split": "test"})])
def test_items_as_torchvision_reads_them(tmp_path, name, make, kwargs):
    tv_datasets = pytest.importorskip("torchvision.datasets")
    make(tmp_path)
    ours, theirs = getattr(datasets, name)(str(tmp_path), **kwargs), getattr(tv_datasets, name)(str(tmp_path), **kwargs)
    assert len(ours) == len(theirs) and getattr(ours, "classes", None) == getattr(theirs, "classes", None)
    for (img, label), (tv_img, tv_label) in zip(ours, theirs):
        assert label == tv_label and np.array_equal(np.asarray(img), np.asarray(tv_img))
    assert repr(ours).replace(str(tmp_path), "R") == repr(theirs).replace(str(tmp_path), "R")


def _country211_tree(root):
    return {f"{split}/{c}/{i}.jpg": _image(str(root / "country211" / split / c / f"{i}.jpg"), 7 * j + i)
            for split in ("train", "test") for j, c in enumerate(["FR", "AD"]) for i in range(2)}


def _rendered_sst2_tree(root):
    pixels = {}
    for j, label in enumerate(["negative", "positive"]):
        for i in range(2):
            name = f"valid/{label}/{i}.png"
            pixels[name] = _image(str(root / "rendered-sst2" / name), 3 * j + i, "PNG")
    return pixels


def _imagenette_tree(root):
    return {f"{wnid}/{i}.JPEG": _image(str(root / "imagenette2-160" / "val" / wnid / f"{i}.JPEG"), j + i)
            for j, wnid in enumerate(["n03888257", "n01440764"]) for i in range(2)}


def test_country211_rendered_sst2_imagenette(tmp_path):
    country = _country211_tree(tmp_path)
    ds = datasets.Country211(str(tmp_path), split="test")
    assert ds.classes == ["AD", "FR"] and len(ds) == 4 and ds.root == str(tmp_path)
    assert np.array_equal(np.asarray(ds[0][0]), country["test/AD/0.jpg"]) and ds[3][1] == 1
    sst2_pixels = _rendered_sst2_tree(tmp_path)
    sst2 = datasets.RenderedSST2(str(tmp_path), split="val")
    assert len(sst2) == 4 and [sst2[i][1] for i in range(4)] == [0, 0, 1, 1]
    assert np.array_equal(np.asarray(sst2[2][0]), sst2_pixels["valid/positive/0.png"])
    with pytest.raises(RuntimeError, match="^Dataset not found. You can use download=True to download it$"):
        datasets.RenderedSST2(str(tmp_path), split="train")
    nette_pixels = _imagenette_tree(tmp_path)
    nette = datasets.Imagenette(str(tmp_path), split="val", size="160px")
    assert nette.classes == [("tench", "Tinca tinca"), ("parachute", "chute")]
    assert nette.class_to_idx["chute"] == 1 and nette.wnids == ["n01440764", "n03888257"]
    assert np.array_equal(np.asarray(nette[3][0]), nette_pixels["n03888257/1.JPEG"]) and nette[3][1] == 1
    with pytest.raises(RuntimeError, match=r"^Dataset not found. You can use download=True to download it.$"):
        datasets.Imagenette(str(tmp_path), size="320px")
    with pytest.raises(ValueError, match="Unknown value '80px' for argument size"):
        datasets.Imagenette(str(tmp_path), size="80px")


@pytest.mark.parametrize("name, make, kwargs", [("Country211", _country211_tree, {"split": "train"}),
                                                ("RenderedSST2", _rendered_sst2_tree, {"split": "val"}),
                                                ("Imagenette", _imagenette_tree, {"split": "val", "size": "160px"})])
def test_more_items_as_torchvision_reads_them(tmp_path, name, make, kwargs):
    test_items_as_torchvision_reads_them(tmp_path, name, make, kwargs)
