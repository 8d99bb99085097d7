"""Places365, FER2013, CLEVRClassification, INaturalist and PCAM from miniature copies of their real on-disk
formats; with torchvision installed, the same files read by torchvision give the same items and printed form."""
import importlib.util
import json
import os

import numpy as np
import pytest

from ember.vision import datasets
from tests.vision._helpers import needs_pil
from tests.vision.datasets._files import assert_same_as_torchvision, md5, write_image, write_text

pytestmark = needs_pil


def _places_tree(root, monkeypatch, classes):
    write_text(root / "categories_places365.txt", "/a/airfield 0\n/b/bakery/shop 2\n/a/alley 1\n")
    write_text(root / "places365_val.txt", "Places365_val_00000002.jpg 2\nPlaces365_val_00000001.jpg 0\n")
    write_text(root / "places365_train_standard.txt", "/b/bakery/shop/00000001.jpg 2\n/a/alley/00000001.jpg 1\n")
    pixels = {"val2": write_image(root / "val_256" / "Places365_val_00000002.jpg", 1),
              "val1": write_image(root / "val_256" / "Places365_val_00000001.jpg", 2),
              "bakery": write_image(root / "data_large_standard" / "b" / "bakery" / "shop" / "00000001.jpg", 3),
              "alley": write_image(root / "data_large_standard" / "a" / "alley" / "00000001.jpg", 4)}
    for cls in classes:
        monkeypatch.setattr(cls, "_CATEGORIES_META", ("categories_places365.txt",
                                                      md5(root / "categories_places365.txt")))
        monkeypatch.setattr(cls, "_FILE_LIST_META", {
            **cls._FILE_LIST_META, "val": ("places365_val.txt", md5(root / "places365_val.txt")),
            "train-standard": ("places365_train_standard.txt", md5(root / "places365_train_standard.txt"))})
    return pixels


def test_places365_lists_and_checksums(tmp_path, monkeypatch):
    pixels = _places_tree(tmp_path, monkeypatch, [])
    with pytest.raises(RuntimeError, match="^The file .*categories_places365.txt does not exist or is corrupted. "
                                           "You can set download=True to download it.$"):
        datasets.Places365(tmp_path, split="val", small=True)
    _places_tree(tmp_path, monkeypatch, [datasets.Places365])
    val = datasets.Places365(tmp_path, split="val", small=True)
    assert val.classes == ["/a/airfield", "/a/alley", "/b/bakery/shop"] and val.class_to_idx["/b/bakery/shop"] == 2
    assert val.targets == [2, 0] and np.array_equal(np.asarray(val[0][0]), pixels["val2"]) and val[1][1] == 0
    assert repr(val).splitlines()[-2:] == ["    Split: val", "    Small: True"]
    train = datasets.Places365(tmp_path, transform=lambda image: image.size, target_transform=lambda t: -t)
    assert train[0] == ((6, 5), -2) and np.array_equal(np.asarray(datasets.Places365(tmp_path)[1][0]),
                                                       pixels["alley"])
    with pytest.raises(ValueError, match="Unknown value 'train' for argument split"):
        datasets.Places365(tmp_path, split="train")


def test_places365_as_torchvision_reads_it(tmp_path, monkeypatch):
    tv = pytest.importorskip("torchvision.datasets")
    _places_tree(tmp_path, monkeypatch, [datasets.Places365, tv.Places365])
    assert_same_as_torchvision(datasets.Places365(tmp_path, split="val", small=True), "Places365", tmp_path,
                               tmp_path, split="val", small=True)
    assert_same_as_torchvision(datasets.Places365(tmp_path), "Places365", tmp_path, tmp_path)


def _fer_rows(seed, n):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 48 * 48)), rng.integers(0, 7, n)


def test_fer2013_split_files_and_full_files(tmp_path, monkeypatch):
    base = tmp_path / "fer2013"
    images, emotions = _fer_rows(0, 3)
    write_text(base / "train.csv", "emotion,pixels\n" + "".join(
        f"{e},{' '.join(map(str, px))}\n" for e, px in zip(emotions, images)))
    write_text(base / "test.csv", "pixels\n" + " ".join(map(str, images[0])) + "\n")
    resources = {**datasets.FER2013._RESOURCES, "train": ("train.csv", md5(base / "train.csv")),
                 "test": ("test.csv", md5(base / "test.csv"))}
    monkeypatch.setattr(datasets.FER2013, "_RESOURCES", resources)
    train = datasets.FER2013(tmp_path)
    assert len(train) == 3 and [train[i][1] for i in range(3)] == emotions.tolist()
    assert np.array_equal(np.asarray(train[2][0]), images[2].reshape(48, 48)) and train[2][0].mode == "L"
    test = datasets.FER2013(tmp_path, split="test")
    assert test[0][1] is None and repr(test).splitlines()[-1] == "    split=test"
    # the ICML file (space-prefixed column names) takes precedence over the split files
    usages = ["Training", "PublicTest", "PrivateTest"]
    write_text(base / "icml_face_data.csv", "emotion, Usage, pixels\n" + "".join(
        f"{e},{u},{' '.join(map(str, px))}\n" for e, u, px in zip(emotions, usages, images)))
    with pytest.raises(RuntimeError, match="icml_face_data.csv not found in .* or corrupted. You can download it"):
        datasets.FER2013(tmp_path)
    monkeypatch.setattr(datasets.FER2013, "_RESOURCES",
                        {**resources, "icml": ("icml_face_data.csv", md5(base / "icml_face_data.csv"))})
    icml_test = datasets.FER2013(tmp_path, split="test")
    assert [icml_test[i][1] for i in range(2)] == emotions[1:].tolist()
    tv = pytest.importorskip("torchvision.datasets")
    monkeypatch.setattr(tv.FER2013, "_RESOURCES", datasets.FER2013._RESOURCES)
    assert_same_as_torchvision(icml_test, "FER2013", tmp_path, tmp_path, split="test")


def test_clevr_counts_objects(tmp_path):
    data = tmp_path / "clevr" / "CLEVR_v1.0"
    names = ["CLEVR_val_000001.png", "CLEVR_val_000000.png"]
    pixels = {name: write_image(data / "images" / "val" / name, i, "PNG") for i, name in enumerate(names)}
    write_image(data / "images" / "test" / "CLEVR_test_000000.png", 5, "PNG")
    write_text(data / "scenes" / "CLEVR_val_scenes.json", json.dumps({"scenes": [
        {"image_filename": "CLEVR_val_000000.png", "objects": [{}, {}, {}]},
        {"image_filename": "CLEVR_val_000001.png", "objects": [{}]}]}))
    val = datasets.CLEVRClassification(tmp_path, split="val")
    assert val._labels == [3, 1] and np.array_equal(np.asarray(val[0][0]), pixels["CLEVR_val_000000.png"])
    assert datasets.CLEVRClassification(tmp_path, split="test")[0][1] is None
    assert_same_as_torchvision(val, "CLEVRClassification", tmp_path, tmp_path, split="val")
    with pytest.raises(RuntimeError, match="^Dataset not found or corrupted"):
        datasets.CLEVRClassification(tmp_path / "nothing")


def test_inaturalist_2021_taxonomy(tmp_path):
    folders = ["00000_Animalia_Chordata_Aves_Passeriformes_Corvidae_Corvus_corax",
               "00001_Animalia_Chordata_Aves_Passeriformes_Paridae_Parus_major",
               "00002_Plantae_Tracheophyta_Magnoliopsida_Rosales_Rosaceae_Rosa_canina"]
    pixels = {(f, i): write_image(tmp_path / "2021_valid" / f / f"{i}.jpg", 3 * j + i)
              for j, f in enumerate(folders) for i in range(2)}
    ds = datasets.INaturalist(tmp_path, version="2021_valid", target_type=["full", "family", "kingdom"])
    assert len(ds) == 6 and ds.categories_index["kingdom"] == {"Animalia": 0, "Plantae": 1}
    for i in range(len(ds)):
        cat_id, fname = ds.index[i]
        image, target = ds[i]
        assert target == (cat_id, cat_id, cat_id // 2)
        assert np.array_equal(np.asarray(image), pixels[folders[cat_id], int(fname[0])])
    assert ds.category_name("family", 1) == "Paridae" and ds.category_name("full", 2) == folders[2]
    with pytest.raises(ValueError, match="^Invalid category type 'species'$"):
        ds.category_name("species", 0)
    with pytest.raises(ValueError, match="Unknown value 'super' for argument target_type"):
        datasets.INaturalist(tmp_path, version="2021_valid", target_type="super")
    assert_same_as_torchvision(ds, "INaturalist", tmp_path, tmp_path, version="2021_valid",
                               target_type=["full", "family", "kingdom"])
    os.rename(tmp_path / "2021_valid" / folders[2], tmp_path / "2021_valid" / ("00003" + folders[2][5:]))
    with pytest.raises(RuntimeError, match="^Unexpected category id 00003, expecting 00002$"):
        datasets.INaturalist(tmp_path, version="2021_valid")


def test_inaturalist_2018_super_categories(tmp_path):
    for scat, sub in [("Plantae", "1"), ("Aves", "0"), ("Aves", "2")]:
        write_image(tmp_path / "2018" / scat / sub / "a.jpg", int(sub))
    ds = datasets.INaturalist(tmp_path, version="2018", target_type=["super", "full"])
    assert ds.all_categories == [os.path.join("Aves", "0"), os.path.join("Plantae", "1"), os.path.join("Aves", "2")]
    assert [ds[i][1] for i in range(3)] == [(0, 0), (1, 1), (0, 2)]
    assert_same_as_torchvision(ds, "INaturalist", tmp_path, tmp_path, version="2018", target_type=["super", "full"])
    with pytest.raises(RuntimeError, match="^Dataset not found or corrupted"):
        datasets.INaturalist(tmp_path, version="2019")


@pytest.mark.skipif(importlib.util.find_spec("h5py") is None, reason="needs h5py")
def test_pcam_hdf5(tmp_path):
    import h5py
    base = tmp_path / "pcam"
    base.mkdir()
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 256, (3, 4, 4, 3), dtype=np.uint8), np.array([1, 0, 1], dtype=np.uint8).reshape(3, 1, 1, 1)
    with h5py.File(base / "camelyonpatch_level_2_split_valid_x.h5", "w") as f:
        f["x"] = x
    with h5py.File(base / "camelyonpatch_level_2_split_valid_y.h5", "w") as f:
        f["y"] = y
    ds = datasets.PCAM(tmp_path, split="val")
    assert len(ds) == 3 and [ds[i][1] for i in range(3)] == [1, 0, 1]
    assert np.array_equal(np.asarray(ds[1][0]), x[1]) and ds[1][0].mode == "RGB"
    assert_same_as_torchvision(ds, "PCAM", tmp_path, tmp_path, split="val")
    with pytest.raises(RuntimeError, match="^Dataset not found. You can use download=True to download it$"):
        datasets.PCAM(tmp_path, split="test")


def test_pcam_without_h5py_names_it(tmp_path, monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_h5py(name, *args, **kwargs):
        if name == "h5py":
            raise ImportError("No module named 'h5py'")
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_h5py)
    with pytest.raises(ImportError, match="needs h5py"):
        datasets.PCAM(tmp_path)
