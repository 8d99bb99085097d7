"""Caltech101/256, StanfordCars, FGVCAircraft, SUN397, QMNIST, SEMEION, USPS, LFW, Omniglot and MovingMNIST from
miniature copies of their real on-disk formats; with torchvision installed, the same files read by torchvision give
the same items and printed form."""
import bz2
import os
import tarfile

import numpy as np
import pytest

import ember
from ember.vision import datasets
from tests.vision._helpers import closed_port_url, http_server, needs_pil, write_idx
from tests.vision.datasets._files import (assert_same_as_torchvision, md5, needs_scipy, savemat, write_image,
                                          write_text)

pytestmark = needs_pil


# ------------------------------------------------------------------------------------------- Caltech
def _caltech101_tree(root):
    base = root / "caltech101"
    pixels = {}
    for j, (category, n) in enumerate([("accordion", 2), ("Faces", 1), ("BACKGROUND_Google", 1)]):
        for i in range(1, n + 1):
            path = base / "101_ObjectCategories" / category / f"image_{i:04d}.jpg"
            pixels[category, i] = write_image(path, 10 * j + i)
    return pixels


@needs_scipy
def test_caltech101_categories_numbers_and_annotations(tmp_path):
    pixels = _caltech101_tree(tmp_path)
    contour = np.arange(6, dtype=np.float64).reshape(2, 3)
    for folder, i in [("Faces_2", 1), ("accordion", 1), ("accordion", 2)]:
        savemat(tmp_path / "caltech101" / "Annotations" / folder / f"annotation_{i:04d}.mat",
                {"obj_contour": contour + i + len(folder)})
    ds = datasets.Caltech101(tmp_path, target_type=["category", "annotation"])
    assert ds.categories == ["Faces", "accordion"] and ds.annotation_categories == ["Faces_2", "accordion"]
    assert len(ds) == 3 and ds.y == [0, 1, 1] and ds.index == [1, 1, 2]
    img, (category, outline) = ds[0]
    assert category == 0 and np.array_equal(outline, contour + 8) and img.mode == "RGB"
    assert np.array_equal(np.asarray(img), pixels["Faces", 1])
    only = datasets.Caltech101(tmp_path)
    assert only[2][1] == 1 and repr(only).splitlines()[-1] == "    Target type: ['category']"
    assert_same_as_torchvision(ds, "Caltech101", tmp_path, tmp_path, target_type=["category", "annotation"])
    with pytest.raises(ValueError, match="Unknown value 'box' for argument target_type"):
        datasets.Caltech101(tmp_path, target_type="box")
    with pytest.raises(RuntimeError, match="^Dataset not found or corrupted. You can use download=True"):
        datasets.Caltech101(tmp_path / "nothing")


def test_caltech256_counts_only_jpgs(tmp_path):
    base = tmp_path / "caltech256" / "256_ObjectCategories"
    pixels = {(c, i): write_image(base / folder / f"{c:03d}_{i:04d}.jpg", 3 * c + i)
              for c, folder, n in [(1, "001.ak47", 2), (2, "002.american-flag", 1)] for i in range(1, n + 1)}
    write_text(base / "002.american-flag" / "notes.txt", "not an image")
    ds = datasets.Caltech256(str(tmp_path), target_transform=lambda t: -t)
    assert ds.categories == ["001.ak47", "002.american-flag"] and len(ds) == 3
    img, label = ds[2]
    assert label == -1 and np.array_equal(np.asarray(img), pixels[2, 1])
    assert_same_as_torchvision(datasets.Caltech256(str(tmp_path)), "Caltech256", tmp_path, str(tmp_path))


# --------------------------------------------------------------------------------- StanfordCars, FGVC
def _stanford_cars_tree(root):
    base = root / "stanford_cars"
    savemat(base / "devkit" / "cars_meta.mat",
            {"class_names": np.array([["AM General Hummer SUV 2000", "Acura RL Sedan 2012", "Audi TT 2011"]],
                                     dtype=object)})
    annotations = np.array([("00002.jpg", 3), ("00001.jpg", 1)], dtype=[("fname", "O"), ("class", "O")])
    savemat(base / "devkit" / "cars_train_annos.mat", {"annotations": annotations[None, :]})
    return {name: write_image(base / "cars_train" / name, i) for i, name in enumerate(["00001.jpg", "00002.jpg"])}


@needs_scipy
def test_stanford_cars_reads_the_devkit(tmp_path):
    pixels = _stanford_cars_tree(tmp_path)
    ds = datasets.StanfordCars(tmp_path)
    assert ds.classes[2] == "Audi TT 2011" and ds.class_to_idx["Acura RL Sedan 2012"] == 1 and len(ds) == 2
    img, label = ds[0]
    assert label == 2 and np.array_equal(np.asarray(img), pixels["00002.jpg"])
    assert_same_as_torchvision(ds, "StanfordCars", tmp_path, tmp_path)
    with pytest.raises(ValueError, match="The original URL is broken so the StanfordCars dataset cannot be "
                                         "downloaded anymore."):
        datasets.StanfordCars(tmp_path, download=True)
    with pytest.raises(RuntimeError, match="^Dataset not found.$"):
        datasets.StanfordCars(tmp_path, split="test")


def _fgvc_tree(root):
    data = root / "fgvc-aircraft-2013b" / "data"
    write_text(data / "variants.txt", "707-320\nA300B4\nBoeing 717\n")
    write_text(data / "families.txt", "Boeing 707\nA300\n")
    write_text(data / "images_variant_trainval.txt", "0034309 A300B4\n1025794 Boeing 717\n0056978 707-320\n")
    write_text(data / "images_family_test.txt", "0056978 Boeing 707\n")
    return {name: write_image(data / "images" / f"{name}.jpg", i)
            for i, name in enumerate(["0034309", "1025794", "0056978"])}


def test_fgvc_aircraft_levels_and_splits(tmp_path):
    pixels = _fgvc_tree(tmp_path)
    ds = datasets.FGVCAircraft(tmp_path)
    assert ds.classes == ["707-320", "A300B4", "Boeing 717"] and ds._labels == [1, 2, 0]
    assert np.array_equal(np.asarray(ds[1][0]), pixels["1025794"])
    family = datasets.FGVCAircraft(tmp_path, split="test", annotation_level="family")
    assert len(family) == 1 and family[0][1] == 0
    assert_same_as_torchvision(ds, "FGVCAircraft", tmp_path, tmp_path)
    with pytest.raises(ValueError, match="Unknown value 'model' for argument annotation_level"):
        datasets.FGVCAircraft(tmp_path, annotation_level="model")


def test_sun397_class_paths(tmp_path):
    base = tmp_path / "SUN397"
    write_text(base / "ClassName.txt", "/a/abbey\n/a/apartment_building/outdoor\n/b/bedroom\n")
    pixels = {"abbey": write_image(base / "a" / "abbey" / "sun_aa.jpg", 1),
              "outdoor": write_image(base / "a" / "apartment_building" / "outdoor" / "sun_bb.jpg", 2),
              "bedroom": write_image(base / "b" / "bedroom" / "sun_cc.jpg", 3)}
    write_image(base / "b" / "bedroom" / "other.jpg", 4)          # not named sun_*: not an item
    ds = datasets.SUN397(tmp_path)
    assert ds.classes == ["abbey", "apartment_building/outdoor", "bedroom"] and len(ds) == 3
    by_label = {label: np.asarray(img) for img, label in ds}
    assert np.array_equal(by_label[1], pixels["outdoor"]) and np.array_equal(by_label[2], pixels["bedroom"])
    assert_same_as_torchvision(ds, "SUN397", tmp_path, tmp_path)


# ----------------------------------------------------------------------------- digits in plain files
def test_qmnist_compat_and_full_targets(tmp_path):
    raw = tmp_path / "QMNIST" / "raw"
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (3, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 1000, (3, 8)).astype(np.int32)
    write_idx(str(raw / "qmnist-test-images-idx3-ubyte"), images)
    write_idx(str(raw / "qmnist-test-labels-idx2-int"), labels)
    ds = datasets.QMNIST(tmp_path, train=False)
    assert ds.what == "test" and len(ds) == 3 and ds.targets.dtype == ember.int64
    img, target = ds[1]
    assert target == int(labels[1, 0]) and np.array_equal(np.asarray(img), images[1]) and img.mode == "L"
    full = datasets.QMNIST(tmp_path, what="test", compat=False)
    assert full[2][1].tolist() == labels[2].tolist()
    assert repr(ds).splitlines()[-1] == "    Split: test"
    assert_same_as_torchvision(ds, "QMNIST", tmp_path, tmp_path, train=False)
    assert_same_as_torchvision(full, "QMNIST", tmp_path, tmp_path, what="test", compat=False)
    with pytest.raises(ValueError, match="Unknown value 'val' for argument what"):
        datasets.QMNIST(tmp_path, what="val")
    with pytest.raises(RuntimeError, match="Dataset not found"):
        datasets.QMNIST(tmp_path, what="nist")


def _semeion_file(root):
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 2, (3, 256))
    digits = [7, 0, 3]
    rows = [" ".join(f"{v}.0000" for v in px) + " " + " ".join("1" if k == d else "0" for k in range(10))
            for px, d in zip(pixels, digits)]
    write_text(root / "semeion.data", "\n".join(rows) + "\n")
    return pixels.reshape(3, 16, 16) * 255, digits


def test_semeion_text_rows_and_checksum(tmp_path, monkeypatch):
    pixels, digits = _semeion_file(tmp_path)
    with pytest.raises(RuntimeError, match="^Dataset not found or corrupted"):
        datasets.SEMEION(tmp_path, download=False)     # the published checksum does not match the miniature
    monkeypatch.setattr(datasets.SEMEION, "md5_checksum", md5(tmp_path / "semeion.data"))
    ds = datasets.SEMEION(tmp_path)                    # download=True by default: the verified file is kept
    assert len(ds) == 3 and [ds[i][1] for i in range(3)] == digits
    assert np.array_equal(np.asarray(ds[0][0]), pixels[0]) and ds[0][0].mode == "L"
    tv = pytest.importorskip("torchvision.datasets")
    monkeypatch.setattr(tv.SEMEION, "md5_checksum", md5(tmp_path / "semeion.data"))
    assert_same_as_torchvision(ds, "SEMEION", tmp_path, tmp_path)


def test_semeion_download_from_a_server_and_offline(tmp_path, monkeypatch):
    served = tmp_path / "served"
    served.mkdir()
    _semeion_file(served)
    monkeypatch.setattr(datasets.SEMEION, "md5_checksum", md5(served / "semeion.data"))
    with http_server(str(served)) as url:
        monkeypatch.setattr(datasets.SEMEION, "url", url + "semeion.data")
        assert len(datasets.SEMEION(tmp_path / "data")) == 3
    monkeypatch.setattr(datasets.SEMEION, "url", closed_port_url() + "semeion.data")
    with pytest.raises(RuntimeError, match="Error downloading semeion.data"):
        datasets.SEMEION(tmp_path / "offline")
    assert not os.listdir(tmp_path / "offline")            # nothing half-written is left


def test_usps_libsvm_bz2(tmp_path):
    rng = np.random.default_rng(2)
    values = rng.uniform(-1, 1, (3, 256)).round(6)
    classes = [10, 1, 4]
    text = "".join(f"{c} " + " ".join(f"{k + 1}:{v}" for k, v in enumerate(row)) + "\n"
                   for c, row in zip(classes, values))
    with bz2.open(tmp_path / "usps.t.bz2", "wt") as f:
        f.write(text)
    ds = datasets.USPS(tmp_path, train=False)
    assert ds.targets == [9, 0, 3] and ds.data.shape == (3, 16, 16) and ds.data.dtype == np.uint8
    expected = ((values.astype(np.float32) + 1) / 2 * 255).astype(np.uint8).reshape(3, 16, 16)
    assert np.array_equal(np.asarray(ds[1][0]), expected[1]) and ds[1][1] == 0
    assert_same_as_torchvision(ds, "USPS", tmp_path, tmp_path, train=False)
    with pytest.raises(FileNotFoundError):
        datasets.USPS(tmp_path, train=True)


# --------------------------------------------------------------------------------------------- LFW
def _lfw_tree(root, monkeypatch, classes):
    base = root / "lfw-py"
    write_text(base / "lfw-funneled.tgz", "stands for the archive")
    write_text(base / "lfw-names.txt", "Ann_Lee\t2\nBo_Ng\t1\nCy_Oz\t1\n")
    write_text(base / "peopleDevTrain.txt", "2\nAnn_Lee\t2\nCy_Oz\t1\n")
    write_text(base / "people.txt", "2\n1\nBo_Ng\t1\n1\nAnn_Lee\t1\n")
    write_text(base / "pairsDevTest.txt", "1\nAnn_Lee\t1\t2\nBo_Ng\t1\tCy_Oz\t1\n")
    pixels = {(name, i): write_image(base / "lfw_funneled" / name / f"{name}_{i:04d}.jpg", 5 * j + i)
              for j, (name, n) in enumerate([("Ann_Lee", 2), ("Bo_Ng", 1), ("Cy_Oz", 1)]) for i in range(1, n + 1)}
    for cls in classes:
        sums = {name: md5(base / name) for name in cls.checksums if (base / name).exists()}
        monkeypatch.setattr(cls, "checksums", {**cls.checksums, **sums})
        monkeypatch.setattr(cls, "file_dict", {**cls.file_dict, "funneled": (
            "lfw_funneled", "lfw-funneled.tgz", md5(base / "lfw-funneled.tgz"))})
    return pixels


def test_lfw_people_and_pairs(tmp_path, monkeypatch):
    pixels = _lfw_tree(tmp_path, monkeypatch, [datasets.LFWPeople.__mro__[1]])
    people = datasets.LFWPeople(tmp_path, split="train")
    assert people.class_to_idx == {"Ann_Lee": 0, "Bo_Ng": 1, "Cy_Oz": 2} and people.targets == [0, 0, 2]
    assert np.array_equal(np.asarray(people[1][0]), pixels["Ann_Lee", 2])
    assert repr(people).splitlines()[-3:] == ["    Alignment: funneled", "    Split: train",
                                              "    Classes (identities): 3"]
    assert datasets.LFWPeople(tmp_path).targets == [1, 0]          # both folds of people.txt
    pairs = datasets.LFWPairs(tmp_path, split="test")
    assert pairs.targets == [1, 0] and pairs.pair_names == [("Ann_Lee", "Ann_Lee"), ("Bo_Ng", "Cy_Oz")]
    img1, img2, same = pairs[1]
    assert same == 0 and np.array_equal(np.asarray(img2), pixels["Cy_Oz", 1])
    with pytest.raises(ValueError, match="^LFW dataset is no longer available for automatic download.Please"):
        datasets.LFWPeople(tmp_path, download=True)
    with pytest.raises(RuntimeError, match="^Dataset not found or corrupted"):
        datasets.LFWPairs(tmp_path, split="train")                  # pairsDevTrain.txt is missing
    with pytest.raises(ValueError, match="Unknown value 'aligned' for argument image_set"):
        datasets.LFWPeople(tmp_path, image_set="aligned")


def test_lfw_as_torchvision_reads_it(tmp_path, monkeypatch):
    tv = pytest.importorskip("torchvision.datasets")
    import torchvision.datasets.lfw as tv_lfw
    _lfw_tree(tmp_path, monkeypatch, [datasets.LFWPeople.__mro__[1], tv_lfw._LFW])
    assert_same_as_torchvision(datasets.LFWPeople(tmp_path, split="train"), "LFWPeople", tmp_path, tmp_path,
                               split="train")
    assert_same_as_torchvision(datasets.LFWPairs(tmp_path, split="test"), "LFWPairs", tmp_path, tmp_path,
                               split="test")
    assert tv is not None


# ------------------------------------------------------------------------------- Omniglot, MovingMNIST
def test_omniglot_alphabets_and_characters(tmp_path, monkeypatch):
    base = tmp_path / "omniglot-py"
    target = base / "images_evaluation"
    pixels = {}
    for a, alphabet in enumerate(["Angelic", "Atlantean"]):
        for c in range(1, 3):
            for d in range(1, 3):
                name = f"{a}{c:03d}_{d:02d}.png"
                pixels[alphabet, c, name] = write_image(target / alphabet / f"character{c:02d}" / name,
                                                        100 * a + 10 * c + d, "PNG", mode="L")
    with tarfile.open(base / "images_evaluation.zip", "w") as tar:   # any bytes: only its checksum is read
        tar.add(str(target / "Angelic"), arcname="Angelic")
    with pytest.raises(RuntimeError, match="^Dataset not found or corrupted"):
        datasets.Omniglot(tmp_path, background=False)
    sums = {"images_background": "", "images_evaluation": md5(base / "images_evaluation.zip")}
    monkeypatch.setattr(datasets.Omniglot, "zips_md5", sums)
    ds = datasets.Omniglot(tmp_path, background=False)
    assert len(ds) == 8 and len(ds._characters) == 4
    for i in range(len(ds)):
        image, character = ds[i]
        alphabet, folder = ds._characters[character].split(os.sep)
        name = ds._flat_character_images[i][0]
        assert image.mode == "L" and np.array_equal(np.asarray(image), pixels[alphabet, int(folder[-2:]), name])
    tv = pytest.importorskip("torchvision.datasets")
    monkeypatch.setattr(tv.Omniglot, "zips_md5", sums)
    assert_same_as_torchvision(ds, "Omniglot", tmp_path, tmp_path, background=False)


def test_moving_mnist_splits(tmp_path):
    videos = np.random.default_rng(3).integers(0, 256, (20, 3, 4, 4), dtype=np.uint8)
    os.makedirs(tmp_path / "MovingMNIST")
    np.save(tmp_path / "MovingMNIST" / "mnist_test_seq.npy", videos)
    ds = datasets.MovingMNIST(tmp_path)
    assert len(ds) == 3 and ds[1].shape == (20, 1, 4, 4) and ds[1].dtype == ember.uint8
    assert np.array_equal(ds[1].numpy()[:, 0], videos[:, 1])
    test = datasets.MovingMNIST(tmp_path, split="test", split_ratio=15, transform=lambda v: v.float())
    assert test[2].shape == (5, 1, 4, 4) and np.array_equal(test[2].numpy()[:, 0], videos[15:, 2])
    assert_same_as_torchvision(datasets.MovingMNIST(tmp_path, split="train"), "MovingMNIST", tmp_path, tmp_path,
                               split="train")
    with pytest.raises(ValueError, match=r"^`split_ratio` should be `1 <= split_ratio <= 19`, but got 20 instead.$"):
        datasets.MovingMNIST(tmp_path, split_ratio=20)
    with pytest.raises(TypeError, match="`split_ratio` should be an integer, but got <class 'float'>"):
        datasets.MovingMNIST(tmp_path, split_ratio=2.0)
    with pytest.raises(RuntimeError, match=r"^Dataset not found. You can use download=True to download it.$"):
        datasets.MovingMNIST(tmp_path / "nothing")
