"""ember.vision: datasets and image transforms, what torchvision is to PyTorch.

>>> from ember.vision import datasets, transforms
>>> transforms.ToTensor()
ToTensor()

Images are Pillow images (optional extra ``pillow``): ``import ember.vision`` works without it,
and the first use of an image says how to install it.
"""
import importlib

from ember.version import TorchVersion, ember_version
from ember.vision import datasets, transforms  # noqa: F401
from ember.vision import extension, io, ops, tv_tensors, utils  # noqa: F401,E402

# the torchvision release whose names and behaviour ember.vision follows, with ember's own release as the label
__version__ = TorchVersion(f'0.28.0+ember.{ember_version}')

_image_backend = "PIL"


def __getattr__(name):
    # ``ember.vision.models`` (dozens of architectures and their weight tables) loads on first use, so that
    # ``import ember.vision`` stays quick while ``torchvision.models.resnet18()`` works as after
    # ``import torchvision``
    if name == 'models':
        return importlib.import_module('ember.vision.models')
    raise AttributeError(f"module 'ember.vision' has no attribute '{name}'")


def set_image_backend(backend):
    """Only Pillow ('PIL') is supported; accimage is not."""
    if backend != "PIL":
        raise ValueError(f"Invalid backend '{backend}'. Options are 'PIL' and 'accimage'"
                         if backend != "accimage" else "ember.vision supports only the 'PIL' image backend")


def get_image_backend():
    """The name of the package used to load images: always 'PIL'."""
    return _image_backend


_video_backend = "pyav"


def set_video_backend(backend):
    """Chooses the package that decodes videos; torchvision's only one is 'pyav'.

    Args:
        backend (str): the backend's name: 'pyav'.

    Example:
        >>> set_video_backend("pyav")
        >>> get_video_backend()
        'pyav'
    """
    if backend != "pyav":
        raise ValueError(f"Invalid video backend '{backend}'. The only video backend is 'pyav'")


def get_video_backend():
    """The name of the package that decodes videos: 'pyav'.

    Example:
        >>> get_video_backend()
        'pyav'
    """
    return _video_backend


def disable_beta_transforms_warning():
    """Kept for scripts written for older torchvision, whose v2 transforms warned that they were in beta;
    neither torchvision 0.28 nor ember warns, so there is nothing to turn off.

    Example:
        >>> disable_beta_transforms_warning()
    """
