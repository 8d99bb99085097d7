"""``import torchvision`` makes models and transforms.v2 attributes: so does ``import ember.vision``."""
import subprocess
import sys

import pytest


def test_models_and_v2_are_attributes_after_importing_the_package():
    code = ("import sys, ember.vision as tv\n"
            "assert 'ember.vision.models' not in sys.modules   # loaded on first use\n"
            "print(sum(p.numel() for p in tv.models.resnet18().parameters()))\n"
            "print(type(tv.transforms.v2.Compose([tv.transforms.v2.RGB()])).__name__)\n"
            "print(tv.__version__ >= '0.28', tv.__version__.split('+')[0])\n"
            "try:\n    tv.nothing\nexcept AttributeError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ['11689512', 'Compose', 'True 0.28.0',
                                "module 'ember.vision' has no attribute 'nothing'"]


def test_backend_functions_as_torchvision():
    import ember.vision as tv
    tv.disable_beta_transforms_warning()
    assert tv.get_video_backend() == "pyav" and tv.get_image_backend() == "PIL"
    tv.set_video_backend("pyav")
    with pytest.raises(ValueError, match="Invalid video backend 'video_reader'"):
        tv.set_video_backend("video_reader")
    assert tv.get_video_backend() == "pyav"
