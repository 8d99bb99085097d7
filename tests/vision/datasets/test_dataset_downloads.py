"""download=True: fetched archives are verified, unpacked into the layout the dataset reads, and offline the error
names the URL (nothing half-written is left). Served from a local HTTP server or a closed port: no network."""
import os
import tarfile

import numpy as np
import pytest

from ember.vision import datasets
from tests.vision._helpers import closed_port_url, http_server, needs_pil
from tests.vision.datasets._files import md5, write_image, write_text

pytestmark = needs_pil


def _tar_gz(path, folder, arcname):
    with tarfile.open(path, "w:gz") as tar:
        tar.add(str(folder), arcname=arcname)


def test_sun397_and_fgvc_download_and_unpack(tmp_path, monkeypatch):
    served = tmp_path / "served"
    src = tmp_path / "src" / "SUN397"
    write_text(src / "ClassName.txt", "/a/abbey\n")
    pixels = write_image(src / "a" / "abbey" / "sun_x.jpg", 1)
    served.mkdir()
    _tar_gz(served / "SUN397.tar.gz", src, "SUN397")
    fgvc = tmp_path / "src" / "fgvc-aircraft-2013b" / "data"
    write_text(fgvc / "variants.txt", "707-320\n")
    write_text(fgvc / "images_variant_trainval.txt", "0000001 707-320\n")
    write_image(fgvc / "images" / "0000001.jpg", 2)
    _tar_gz(served / "fgvc-aircraft-2013b.tar.gz", fgvc.parent, "fgvc-aircraft-2013b")
    with http_server(str(served)) as url:
        monkeypatch.setattr(datasets.SUN397, "_DATASET_URL", url + "SUN397.tar.gz")
        monkeypatch.setattr(datasets.SUN397, "_DATASET_MD5", md5(served / "SUN397.tar.gz"))
        sun = datasets.SUN397(tmp_path / "data", download=True)
        monkeypatch.setattr(datasets.FGVCAircraft, "_URL", url + "fgvc-aircraft-2013b.tar.gz")
        aircraft = datasets.FGVCAircraft(tmp_path / "data", download=True)
    assert len(sun) == 1 and np.array_equal(np.asarray(sun[0][0]), pixels) and sun[0][1] == 0
    assert len(aircraft) == 1 and aircraft.classes == ["707-320"]
    # a second construction finds the unpacked folder and does not download again
    assert len(datasets.SUN397(tmp_path / "data", download=True)) == 1


def test_checksum_mismatch_is_refused(tmp_path, monkeypatch):
    served = tmp_path / "served"
    served.mkdir()
    write_text(served / "SUN397.tar.gz", "not the published archive")
    with http_server(str(served)) as url:
        monkeypatch.setattr(datasets.SUN397, "_DATASET_URL", url + "SUN397.tar.gz")
        with pytest.raises(RuntimeError, match="MD5 .* does not match the expected 8ca2778205c41d23104230ba66911c7a"):
            datasets.SUN397(tmp_path / "data", download=True)
    assert os.listdir(tmp_path / "data") == []


_OFFLINE = [
    (datasets.SUN397, "_DATASET_URL", "SUN397.tar.gz", {}),
    (datasets.FGVCAircraft, "_URL", "fgvc-aircraft-2013b.tar.gz", {}),
    (datasets.CLEVRClassification, "_URL", "CLEVR_v1.0.zip", {}),
    (datasets.MovingMNIST, "_URL", "mnist_test_seq.npy", {}),
    (datasets.Omniglot, "download_url_prefix", "images_background.zip", {}),
    (datasets.Kitti, "data_url", "data_object_image_2.zip", {}),
    (datasets.Places365, "_BASE_URL", "filelist_places365-standard.tar", {}),
]


@pytest.mark.parametrize("cls, attribute, filename, kwargs", _OFFLINE, ids=[c[0].__name__ for c in _OFFLINE])
def test_offline_download_names_the_url(tmp_path, monkeypatch, cls, attribute, filename, kwargs):
    base = closed_port_url()
    value = base if attribute in ("data_url", "_BASE_URL") else base.rstrip("/") if attribute == "download_url_prefix" \
        else base + filename
    monkeypatch.setattr(cls, attribute, value)
    with pytest.raises(RuntimeError, match=f"Error downloading {filename}; tried 1 URL") as info:
        cls(tmp_path / "data", download=True, **kwargs)
    assert base in str(info.value)
    leftovers = [f for _, _, files in os.walk(tmp_path) for f in files]
    assert not [f for f in leftovers if f.endswith(".part")]


def test_caltech101_unpacks_the_inner_archives(tmp_path, monkeypatch):
    import zipfile
    src = tmp_path / "src"
    pixels = write_image(src / "101_ObjectCategories" / "accordion" / "image_0001.jpg", 3)
    os.makedirs(src / "101_ObjectCategories" / "BACKGROUND_Google")
    _tar_gz(src / "101_ObjectCategories.tar.gz", src / "101_ObjectCategories", "101_ObjectCategories")
    served = tmp_path / "served"
    served.mkdir()
    with zipfile.ZipFile(served / "caltech-101.zip", "w") as zf:
        zf.write(src / "101_ObjectCategories.tar.gz", "caltech-101/101_ObjectCategories.tar.gz")
    with http_server(str(served)) as url:
        monkeypatch.setattr(datasets.Caltech101, "_URL", url + "caltech-101.zip")
        monkeypatch.setattr(datasets.Caltech101, "_MD5", md5(served / "caltech-101.zip"))
        ds = datasets.Caltech101(tmp_path / "data", download=True)
    assert ds.categories == ["accordion"] and np.array_equal(np.asarray(ds[0][0]), pixels)
    assert sorted(os.listdir(tmp_path / "data" / "caltech101")) == ["101_ObjectCategories"]   # zip and folder removed
