"""ember.vision: datasets and image transforms, what torchvision is to PyTorch.

>>> from ember.vision import datasets, transforms
>>> transforms.ToTensor()
ToTensor()

Images are Pillow images (optional extra ``pillow``): ``import ember.vision`` works without it,
and the first use of an image says how to install it.
"""
from ember.vision import datasets, transforms  # noqa: F401
from ember.vision import io, ops, tv_tensors, utils  # noqa: F401,E402

_image_backend = "PIL"


def set_image_backend(backend):
    """Only Pillow ('PIL') is supported; accimage is not."""
    if backend != "PIL":
        raise ValueError(f"Invalid backend '{backend}'. Options are 'PIL' and 'accimage'"
                         if backend != "accimage" else "ember.vision supports only the 'PIL' image backend")


def get_image_backend():
    """The name of the package used to load images: always 'PIL'."""
    return _image_backend
