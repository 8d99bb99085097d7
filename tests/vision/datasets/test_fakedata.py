"""FakeData: reproducible random images, PIL items, no effect on the global generator."""
import pytest

import ember
from ember.vision import datasets, transforms

pytest.importorskip("PIL")


def test_fakedata_items():
    ds = datasets.FakeData(size=5, image_size=(3, 6, 4), num_classes=3, transform=transforms.ToTensor())
    x, y = ds[1]
    assert tuple(x.shape) == (3, 6, 4) and x.dtype == ember.float32 and type(y) is int and 0 <= y < 3
    assert ember.equal(ds[1][0], x) and ds[1][1] == y  # the same every time
    gray, _ = datasets.FakeData(size=2, image_size=(1, 5, 5))[0]
    assert gray.mode == "L" and gray.size == (5, 5)
    assert datasets.FakeData(size=2, image_size=(3, 5, 5))[0][0].mode == "RGB"


def test_fakedata_leaves_global_rng_alone_and_offset_changes_items():
    ds = datasets.FakeData(size=3, image_size=(1, 4, 4), transform=transforms.PILToTensor())
    ember.manual_seed(7)
    expected = ember.rand(3)
    ember.manual_seed(7)
    ds[0]
    assert ember.equal(ember.rand(3), expected)
    shifted = datasets.FakeData(size=3, image_size=(1, 4, 4), transform=transforms.PILToTensor(), random_offset=1)
    assert ember.equal(shifted[0][0], ds[1][0])


def test_fakedata_len_repr_and_bounds():
    ds = datasets.FakeData(size=4)
    assert len(ds) == 4
    assert repr(ds) == "Dataset FakeData\n    Number of datapoints: 4"
    with pytest.raises(IndexError, match="^FakeData index out of range$"):
        ds[4]
