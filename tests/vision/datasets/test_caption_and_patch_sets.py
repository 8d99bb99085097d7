"""Flickr8k, Flickr30k, SBU, PhotoTour and LSUN from miniature copies of their real on-disk formats; with
torchvision installed, the same files read by torchvision give the same items and printed form."""
import importlib.util
import io

import numpy as np
import pytest

import ember
from ember.vision import datasets
from tests.vision._helpers import needs_pil
from tests.vision.datasets._files import assert_same_as_torchvision, md5, write_image, write_text

pytestmark = needs_pil

_FLICKR8K_HTML = """<html><body><table>
<tr><td><a href="http://www.flickr.com/photos/user/2513260012/">http://www.flickr.com/photos/user/2513260012/</a></td>
<td><ul><li>A dog runs .</li><li>A brown dog in the grass .</li></ul></td></tr>
<tr><td>Image Not Found</td><td><ul><li>lost caption</li></ul></td></tr>
<tr><td><a href="http://www.flickr.com/photos/user/1000268201/">http://www.flickr.com/photos/user/1000268201/</a></td>
<td><ul><li>A child climbs stairs .</li></ul></td></tr>
</table></body></html>
"""


def test_flickr8k_and_flickr30k(tmp_path):
    pixels = {name: write_image(tmp_path / "images" / name, i)
              for i, name in enumerate(["2513260012_03d33305cf.jpg", "1000268201_693b08cb0e.jpg"])}
    write_text(tmp_path / "captions.html", _FLICKR8K_HTML)
    f8 = datasets.Flickr8k(tmp_path / "images", str(tmp_path / "captions.html"))
    assert len(f8) == 2
    img, captions = f8[0]
    assert captions == ["A child climbs stairs ."]
    assert np.array_equal(np.asarray(img), pixels["1000268201_693b08cb0e.jpg"])
    assert f8[1][1] == ["A dog runs .", "A brown dog in the grass ."]
    assert_same_as_torchvision(f8, "Flickr8k", tmp_path, tmp_path / "images", str(tmp_path / "captions.html"))
    write_text(tmp_path / "results.token", "b.jpg#0\tTwo men .\na.jpg#0\tA cat .\nb.jpg#1\tMen talking .\n")
    for i, name in enumerate(["a.jpg", "b.jpg"]):
        write_image(tmp_path / "f30k" / name, 10 + i)
    f30 = datasets.Flickr30k(str(tmp_path / "f30k"), str(tmp_path / "results.token"))
    assert f30.ids == ["a.jpg", "b.jpg"] and f30[1][1] == ["Two men .", "Men talking ."]
    assert_same_as_torchvision(f30, "Flickr30k", tmp_path, str(tmp_path / "f30k"), str(tmp_path / "results.token"))


def test_sbu_keeps_photos_on_disk(tmp_path, monkeypatch):
    folder = tmp_path / "dataset"
    write_text(folder / "SBU_captioned_photo_dataset_urls.txt",
               "http://static.flickr.com/1/11_a.jpg\nhttp://static.flickr.com/2/22_b.jpg\n"
               "http://static.flickr.com/3/33_c.jpg\n")
    write_text(folder / "SBU_captioned_photo_dataset_captions.txt", "first\nsecond, gone\nthird\n")
    pixels = {name: write_image(folder / name, i) for i, name in enumerate(["11_a.jpg", "33_c.jpg"])}
    write_text(tmp_path / "SBUCaptionedPhotoDataset.tar.gz", "stands for the archive")
    with pytest.raises(RuntimeError, match="^Dataset not found or corrupted"):
        datasets.SBU(tmp_path, download=False)
    monkeypatch.setattr(datasets.SBU, "md5_checksum", md5(tmp_path / "SBUCaptionedPhotoDataset.tar.gz"))
    ds = datasets.SBU(tmp_path)
    assert ds.photos == ["11_a.jpg", "33_c.jpg"] and ds.captions == ["first", "third"]
    assert np.array_equal(np.asarray(ds[1][0]), pixels["33_c.jpg"]) and ds[1][1] == "third"
    tv = pytest.importorskip("torchvision.datasets")
    monkeypatch.setattr(tv.SBU, "md5_checksum", datasets.SBU.md5_checksum)
    assert_same_as_torchvision(ds, "SBU", tmp_path, tmp_path)


def _phototour_tree(root):
    from PIL import Image
    rng = np.random.default_rng(0)
    sheets = [rng.integers(0, 256, (128, 128), dtype=np.uint8), rng.integers(0, 256, (64, 128), dtype=np.uint8)]
    for i, sheet in enumerate(sheets):
        (root / "liberty").mkdir(parents=True, exist_ok=True)
        Image.fromarray(sheet).save(root / "liberty" / f"patch{i:04d}.bmp")
    write_text(root / "liberty" / "info.txt", "0 0\n0 1\n1 0\n2 0\n3 0\n")
    write_text(root / "liberty" / "m50_100000_100000_0.txt", "0 0 0 1 0 0 0\n2 1 0 3 2 0 0\n")
    patches = [s[y:y + 64, x:x + 64] for s in sheets for y in range(0, s.shape[0], 64) for x in range(0, 128, 64)]
    return patches


def test_phototour_patches_and_matches(tmp_path, monkeypatch):
    patches = _phototour_tree(tmp_path)
    monkeypatch.setitem(datasets.PhotoTour.lens, "liberty", 5)
    train = datasets.PhotoTour(tmp_path, "liberty")
    assert len(train) == 5 and train.data.dtype == ember.uint8 and train.labels.tolist() == [0, 0, 1, 2, 3]
    for i in range(5):
        assert np.array_equal(train[i].numpy(), patches[i])
    assert (tmp_path / "liberty.pt").exists()                     # parsed once, then read from the cache
    test = datasets.PhotoTour(tmp_path, "liberty", train=False, transform=lambda p: p.float())
    assert len(test) == 2 and test.matches.tolist() == [[0, 1, 1], [2, 3, 0]]
    p1, p2, same = test[1]
    assert same.item() == 0 and np.array_equal(p2.numpy(), patches[3].astype(np.float32))
    assert repr(datasets.PhotoTour(tmp_path, "liberty", train=False)).splitlines()[-1] == "    Split: Test"
    tv = pytest.importorskip("torchvision.datasets")
    (tmp_path / "liberty.pt").unlink()
    monkeypatch.setitem(tv.PhotoTour.lens, "liberty", 5)
    theirs = tv.PhotoTour(str(tmp_path), "liberty", train=False)
    ours = datasets.PhotoTour(str(tmp_path), "liberty", train=False)    # reads the cache torchvision wrote
    assert ours.data.tolist() == theirs.data.tolist() and ours.matches.tolist() == theirs.matches.tolist()
    assert repr(ours).replace(str(tmp_path), "R") == repr(theirs).replace(str(tmp_path), "R")


@pytest.mark.skipif(importlib.util.find_spec("lmdb") is None, reason="needs lmdb")
def test_lsun_databases(tmp_path, monkeypatch):
    import lmdb
    from PIL import Image
    monkeypatch.chdir(tmp_path)                                   # the key cache goes to the current folder
    pixels = {}
    for c, name in enumerate(["bedroom_val", "tower_val"]):
        env = lmdb.open(str(tmp_path / f"{name}_lmdb"), map_size=1 << 20)
        with env.begin(write=True) as txn:
            for i in range(c + 1):
                arr = np.random.default_rng(10 * c + i).integers(0, 256, (4, 5, 3), dtype=np.uint8)
                buf = io.BytesIO()
                Image.fromarray(arr).save(buf, "PNG")
                txn.put(f"key{i}".encode(), buf.getvalue())
                pixels[c, i] = arr
        env.close()
    ds = datasets.LSUN(str(tmp_path), classes=["bedroom_val", "tower_val"])
    assert len(ds) == 3 and [ds[i][1] for i in range(3)] == [0, 1, 1]
    assert np.array_equal(np.asarray(ds[2][0]), pixels[1, 1]) and repr(ds).splitlines()[-1] == \
        "    Classes: ['bedroom_val', 'tower_val']"
    ours = [(np.asarray(img).tolist(), target) for img, target in ds] + [repr(ds)]
    for db in ds.dbs:
        db.env.close()                                            # lmdb opens a database once per process
    tv = pytest.importorskip("torchvision.datasets")
    theirs = tv.LSUN(str(tmp_path), classes=["bedroom_val", "tower_val"])
    assert ours == [(np.asarray(img).tolist(), target) for img, target in theirs] + [repr(theirs)]
    for db in theirs.dbs:
        db.env.close()
    with pytest.raises(ValueError, match=r"^Unknown value 'garden' for LSUN class. Valid values are \{'bedroom', "):
        datasets.LSUN(str(tmp_path), classes=["garden_val"])
    with pytest.raises(ValueError, match=r"^Unknown value 'dev' for postfix. Valid values are \{'train', 'val', "
                                         r"'test'\}.$"):
        datasets.LSUN(str(tmp_path), classes=["tower_dev"])
    with pytest.raises(ValueError, match="^Expected type str or Iterable for argument classes, but got type "
                                         "<class 'int'>.$"):
        datasets.LSUN(str(tmp_path), classes=3)
