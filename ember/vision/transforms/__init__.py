"""ember.vision.transforms: image transforms (torchvision.transforms).

``from ember.vision.transforms import ToTensor`` and ``import ember.vision.transforms as T`` both
work, as with torchvision; the functional forms are in ``ember.vision.transforms.functional``.
"""
from ember.vision.transforms import functional  # noqa: F401
from ember.vision.transforms.transforms import (Compose, ToTensor, PILToTensor, ConvertImageDtype,  # noqa: F401
                                                ToPILImage, Normalize, Resize, CenterCrop, Pad, Lambda,
                                                RandomCrop, RandomHorizontalFlip, RandomVerticalFlip,
                                                RandomResizedCrop, Grayscale, InterpolationMode,
                                                RandomGrayscale, RandomInvert, RandomPosterize, RandomSolarize,
                                                RandomAdjustSharpness, RandomAutocontrast, RandomEqualize,
                                                ColorJitter, RandomRotation, RandomAffine, RandomPerspective,
                                                ElasticTransform, FiveCrop, TenCrop, GaussianBlur, RandomErasing,
                                                LinearTransformation, RandomApply, RandomOrder, RandomChoice,
                                                RandomTransforms)
from ember.vision.transforms.autoaugment import (AutoAugmentPolicy, AutoAugment, RandAugment,  # noqa: F401
                                                 TrivialAugmentWide, AugMix)
from ember.vision.transforms.transforms import __all__ as _classic_all

__all__ = _classic_all + ["AutoAugmentPolicy", "AutoAugment", "RandAugment", "TrivialAugmentWide", "AugMix"]


def __getattr__(name):
    # ``transforms.v2`` loads on first use, as after ``import torchvision`` (which imports it) it is an attribute
    if name == 'v2':
        import importlib
        return importlib.import_module('ember.vision.transforms.v2')
    raise AttributeError(f"module 'ember.vision.transforms' has no attribute '{name}'")
