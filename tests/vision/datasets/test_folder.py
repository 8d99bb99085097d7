"""ImageFolder / DatasetFolder on a small tree of real image files."""
import os

import numpy as np
import pytest

from ember.vision import datasets, transforms

Image = pytest.importorskip("PIL.Image")


@pytest.fixture
def tree(tmp_path):
    rng = np.random.default_rng(0)
    files = {"dog": ["b.png", "a.jpg", os.path.join("sub", "c.bmp")], "cat": ["z.PNG"]}
    for cls, names in files.items():
        for name in names:
            path = tmp_path / cls / name
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(rng.integers(0, 256, (5, 7, 3), dtype=np.uint8)).save(path)
    (tmp_path / "dog" / "notes.txt").write_text("not an image")
    (tmp_path / "stray.png").write_bytes(b"")  # files at the top level are not samples
    return tmp_path


def test_image_folder(tree):
    ds = datasets.ImageFolder(str(tree), transform=transforms.ToTensor())
    assert ds.classes == ["cat", "dog"] and ds.class_to_idx == {"cat": 0, "dog": 1}
    rel = [(os.path.relpath(p, tree), t) for p, t in ds.samples]
    assert rel == [(os.path.join("cat", "z.PNG"), 0), (os.path.join("dog", "a.jpg"), 1),
                   (os.path.join("dog", "b.png"), 1), (os.path.join("dog", "sub", "c.bmp"), 1)]
    assert ds.targets == [0, 1, 1, 1] and ds.imgs is ds.samples and len(ds) == 4
    x, y = ds[2]
    assert tuple(x.shape) == (3, 5, 7) and y == 1
    pixels = np.asarray(Image.open(ds.samples[2][0])).transpose(2, 0, 1)
    np.testing.assert_array_equal(x.numpy(), pixels / np.float32(255))
    assert repr(ds) == (f"Dataset ImageFolder\n    Number of datapoints: 4\n    Root location: {tree}\n"
                        "    StandardTransform\nTransform: ToTensor()")


def test_image_folder_loads_rgb(tree):
    Image.fromarray(np.zeros((3, 3), np.uint8)).save(tree / "cat" / "gray.png")
    img, _ = datasets.ImageFolder(str(tree))[0]
    assert img.mode == "RGB" and img.size == (3, 3)


def test_empty_class_and_no_class(tmp_path, tree):
    (tree / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes empty. Supported extensions are: "
                                                ".jpg, .jpeg, .png"):
        datasets.ImageFolder(str(tree))
    assert len(datasets.ImageFolder(str(tree), allow_empty=True).classes) == 3
    (tmp_path / "flat").mkdir()
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder in"):
        datasets.ImageFolder(str(tmp_path / "flat"))


def test_dataset_folder_custom_loader(tree):
    ds = datasets.DatasetFolder(str(tree), loader=os.path.getsize, extensions=(".txt",), allow_empty=True)
    assert len(ds) == 1 and ds[0] == (len("not an image"), 1)
    only_png = datasets.ImageFolder(str(tree), is_valid_file=lambda p: p.endswith(".png"), allow_empty=True)
    assert [os.path.basename(p) for p, _ in only_png.samples] == ["b.png"]
    with pytest.raises(ValueError, match="Both extensions and is_valid_file cannot be None or not None"):
        datasets.DatasetFolder(str(tree), loader=open)
