"""Downloads against a local HTTP server: mirrors, checksums, extraction, offline errors."""
import gzip
import io
import os
import sys
import tarfile
import zipfile

import numpy as np
import pytest

from ember.vision import datasets
from ember.vision.datasets import utils
from tests.vision._helpers import closed_port_url, http_server, md5, write_cifar10, write_mnist_raw


@pytest.fixture
def served_mnist(tmp_path):
    """A folder with the four MNIST .gz files under ok/ (and nothing under missing/), served locally."""
    site = tmp_path / "site"
    arrays = write_mnist_raw(str(site / "ok"), gz=True)
    resources = [(name, md5(str(site / "ok" / name))) for name in sorted(os.listdir(site / "ok"))]
    with http_server(str(site)) as base:
        yield base, resources, arrays


def _mnist_class(mirrors, resources):
    return type("MNIST", (datasets.MNIST,), {"mirrors": mirrors, "resources": resources})


def test_download_success_and_layout(tmp_path, served_mnist, capsys):
    base, resources, arrays = served_mnist
    cls = _mnist_class([base + "ok/"], resources)
    ds = cls(str(tmp_path / "data"), train=True, download=True)
    raw = tmp_path / "data" / "MNIST" / "raw"
    # torchvision's layout: the .gz as downloaded and its extracted file, no partial files left
    assert sorted(os.listdir(raw)) == sorted([n for n, _ in resources] + [n[:-3] for n, _ in resources])
    np.testing.assert_array_equal(ds.data.numpy(), arrays["train"][0])
    assert f"Downloading {base}ok/train-images-idx3-ubyte.gz" in capsys.readouterr().out
    # a second construction finds the files: nothing is fetched (the server is not even asked)
    cls2 = _mnist_class([closed_port_url()], resources)
    assert len(cls2(str(tmp_path / "data"), train=False, download=True)) == 4


def test_first_mirror_404_falls_back_to_second(tmp_path, served_mnist, capsys):
    base, resources, _ = served_mnist
    cls = _mnist_class([base + "missing/", base + "ok/"], resources)
    assert len(cls(str(tmp_path), download=True)) == 6
    out = capsys.readouterr().out
    assert "Failed to download (trying next):\nHTTP Error 404" in out
    assert f"Downloading {base}ok/t10k-labels-idx1-ubyte.gz" in out


def test_checksum_mismatch_rejected_and_not_kept(tmp_path, served_mnist):
    base, resources, _ = served_mnist
    bad = [(name, "0" * 32 if i == 1 else h) for i, (name, h) in enumerate(resources)]
    cls = _mnist_class([base + "ok/"], bad)
    with pytest.raises(RuntimeError) as info:
        cls(str(tmp_path), download=True)
    msg = str(info.value)
    assert bad[1][0] in msg and "MD5" in msg and "does not match the expected " + "0" * 32 in msg
    raw = tmp_path / "MNIST" / "raw"
    assert bad[1][0] not in os.listdir(raw)
    assert not [n for n in os.listdir(raw) if n.endswith(".part")]


def test_offline_error_names_every_url(tmp_path, served_mnist):
    _, resources, _ = served_mnist
    dead1, dead2 = closed_port_url() + "a/", closed_port_url() + "b/"
    cls = _mnist_class([dead1, dead2], resources)
    with pytest.raises(RuntimeError) as info:
        cls(str(tmp_path), download=True)
    msg = str(info.value)
    first = resources[0][0]
    assert msg.startswith(f"Error downloading {first}; tried 2 URL(s):")
    assert f"{dead1}{first}: " in msg and f"{dead2}{first}: " in msg
    assert "Connection refused" in msg
    assert not os.listdir(tmp_path / "MNIST" / "raw")


def test_download_without_tqdm(tmp_path, served_mnist, monkeypatch):
    base, resources, _ = served_mnist
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm now raises ImportError
    assert len(_mnist_class([base + "ok/"], resources)(str(tmp_path), download=True)) == 6


def test_download_url_reuses_verified_file(tmp_path, served_mnist, capsys):
    base, resources, _ = served_mnist
    name, digest = resources[0]
    path = utils.download_url(base + "ok/" + name, str(tmp_path), md5=digest)
    assert path == os.path.join(str(tmp_path), name) and md5(path) == digest
    capsys.readouterr()
    utils.download_url(closed_port_url() + name, str(tmp_path), md5=digest)
    assert "Using downloaded and verified file: " + path in capsys.readouterr().out


def test_cifar10_download_and_extract(tmp_path):
    site = tmp_path / "site"
    batches = write_cifar10(str(tmp_path / "src"))
    site.mkdir()
    with tarfile.open(site / "cifar.tar.gz", "w:gz") as tar:
        tar.add(tmp_path / "src" / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    folder = tmp_path / "src" / "cifar-10-batches-py"
    attrs = {"filename": "cifar.tar.gz", "tgz_md5": md5(str(site / "cifar.tar.gz")),
             "train_list": [[f"data_batch_{i}", md5(str(folder / f"data_batch_{i}"))] for i in range(1, 6)],
             "test_list": [["test_batch", md5(str(folder / "test_batch"))]],
             "meta": {"filename": "batches.meta", "key": "label_names", "md5": md5(str(folder / "batches.meta"))}}
    with http_server(str(site)) as base:
        cls = type("CIFAR10", (datasets.CIFAR10,), dict(attrs, url=base + "missing.tar.gz",
                                                            mirrors=[base + "cifar.tar.gz"]))
        ds = cls(str(tmp_path / "data"), train=False, download=True)
    assert len(ds) == 3 and ds.targets == batches["test_batch"]["labels"]
    assert os.path.isfile(tmp_path / "data" / "cifar.tar.gz")
    offline = type("CIFAR10", (datasets.CIFAR10,), dict(attrs, url=closed_port_url() + "x.tar.gz"))
    with pytest.raises(RuntimeError, match="Error downloading cifar.tar.gz"):
        offline(str(tmp_path / "elsewhere"), download=True)


def test_extract_archive_kinds(tmp_path):
    payload = b"hello ember"
    (tmp_path / "f.gz").write_bytes(gzip.compress(payload))
    utils.extract_archive(str(tmp_path / "f.gz"), str(tmp_path / "out"))
    assert (tmp_path / "out" / "f").read_bytes() == payload
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as zf:
        zf.writestr("inner/x.txt", payload)
    utils.extract_archive(str(tmp_path / "a.zip"), remove_finished=True)
    assert (tmp_path / "inner" / "x.txt").read_bytes() == payload and not (tmp_path / "a.zip").exists()
    with tarfile.open(tmp_path / "b.tar.gz", "w:gz") as tar:
        info = tarfile.TarInfo("d/y.bin")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    utils.extract_archive(str(tmp_path / "b.tar.gz"), str(tmp_path / "t"))
    assert (tmp_path / "t" / "d" / "y.bin").read_bytes() == payload
    (tmp_path / "c.rar").write_bytes(b"")
    with pytest.raises(RuntimeError, match="is neither an archive nor a compressed file"):
        utils.extract_archive(str(tmp_path / "c.rar"))


def test_check_integrity(tmp_path):
    p = tmp_path / "x"
    p.write_bytes(b"abc")
    assert utils.check_integrity(str(p)) and utils.check_integrity(str(p), "900150983cd24fb0d6963f7d28e17f72")
    assert not utils.check_integrity(str(p), "0" * 32) and not utils.check_integrity(str(tmp_path / "nope"))


def test_published_checksums():
    # the values torchvision publishes for the real files
    assert dict(datasets.MNIST.resources)["train-images-idx3-ubyte.gz"] == "f68b3c2dcbeaaa9fbdd348bbdeb94873"
    assert datasets.MNIST.mirrors[0] == "https://ossci-datasets.s3.amazonaws.com/mnist/"
    assert datasets.CIFAR10.tgz_md5 == "c58f30108f718f92721af3b95e74349a"
    assert datasets.CIFAR100.tgz_md5 == "eb9058c3a382ffc7106e4002c42a8d85"
