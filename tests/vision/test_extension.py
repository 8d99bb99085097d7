"""ember.vision.extension, torchvision.extension's module: the operators are always available, and no compiled
library exists to find or load."""
import os

import pytest

import ember.vision
from ember.vision import extension


def test_is_an_attribute_of_the_package_as_in_torchvision():
    assert ember.vision.extension is extension


def test_operators_are_available():
    assert extension._has_ops() is True
    assert extension._assert_has_ops() is None
    assert extension._check_cuda_version() == -1


def test_no_compiled_library_is_found():
    folder = os.path.dirname(extension.__file__)
    with pytest.raises(ImportError) as caught:
        extension._get_extension_path("_C")
    assert str(caught.value) == f"Could not find module '_C' in {folder}"


def test_loading_a_missing_library_returns_false_and_warns_only_when_asked(monkeypatch, recwarn):
    monkeypatch.delenv("TORCHVISION_WARN_WHEN_EXTENSION_LOADING_FAILS", raising=False)
    assert extension._load_library("_C") is False
    assert not recwarn.list
    monkeypatch.setenv("TORCHVISION_WARN_WHEN_EXTENSION_LOADING_FAILS", "1")
    folder = os.path.dirname(extension.__file__)
    with pytest.warns(UserWarning) as caught:
        assert extension._load_library("image") is False
    assert str(caught[0].message) == f"Failed to load 'image' extension: ImportError: Could not find module 'image' in {folder}"


def test_a_library_that_exists_is_found_and_loaded(tmp_path, monkeypatch):
    import _ctypes
    import importlib.machinery
    import shutil
    # a real compiled module (ctypes' own), copied where the finder looks
    target = tmp_path / f"_probe{importlib.machinery.EXTENSION_SUFFIXES[0]}"
    shutil.copy(_ctypes.__file__, target)
    monkeypatch.setattr(extension, "_LIB_DIR", str(tmp_path))
    assert extension._get_extension_path("_probe") == str(target)
    assert extension._load_library("_probe") is True
