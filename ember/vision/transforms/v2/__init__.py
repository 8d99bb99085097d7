"""ember.vision.transforms.v2 (torchvision.transforms.v2): transforms that take whole samples (images,
videos, masks, bounding boxes, key points, labels in any nesting of tuples, lists and dicts) and
transform each part by its :mod:`ember.vision.tv_tensors` type.

>>> from ember.vision.transforms import v2
>>> from ember.vision import tv_tensors
>>> img = tv_tensors.Image(ember.zeros(3, 4, 8))
>>> boxes = tv_tensors.BoundingBoxes([[0, 0, 4, 2]], format="XYXY", canvas_size=(4, 8))
>>> out_img, out_boxes = v2.Resize((2, 4))(img, boxes)
>>> out_boxes.tolist(), out_boxes.canvas_size
([[0, 0, 2, 1]], (2, 4))
"""
from ember.vision.transforms.functional import InterpolationMode  # noqa: F401
from ember.vision.transforms.v2 import functional  # noqa: F401
from ember.vision.transforms.v2._auto_augment import (AugMix, AutoAugment, AutoAugmentPolicy,  # noqa: F401
                                                      RandAugment, TrivialAugmentWide)
from ember.vision.transforms.v2._augment import CutMix, MixUp, RandomErasing  # noqa: F401
from ember.vision.transforms.v2._color import (RGB, ColorJitter, Grayscale, RandomAdjustSharpness,  # noqa: F401
                                               RandomAutocontrast, RandomChannelPermutation, RandomEqualize,
                                               RandomGrayscale, RandomInvert, RandomPhotometricDistort,
                                               RandomPosterize, RandomSolarize)
from ember.vision.transforms.v2._container import Compose, RandomApply, RandomChoice, RandomOrder  # noqa: F401
from ember.vision.transforms.v2._geometry import (CenterCrop, Pad, RandomAffine, RandomCrop,  # noqa: F401
                                                  RandomHorizontalFlip, RandomResizedCrop, RandomRotation,
                                                  RandomVerticalFlip, RandomZoomOut, Resize)
from ember.vision.transforms.v2._detection import (RandomIoUCrop, RandomResize, RandomShortestSize,  # noqa: F401
                                                   ScaleJitter, get_bounding_boxes)
from ember.vision.transforms.v2._meta import (ClampKeyPoints, SanitizeKeyPoints, SetClampingMode,  # noqa: F401
                                              UniformTemporalSubsample)
from ember.vision.transforms.v2._misc import (ClampBoundingBoxes, ConvertBoundingBoxFormat,  # noqa: F401
                                              ConvertImageDtype, GaussianBlur, Identity, Lambda, Normalize, SanitizeBoundingBoxes,
                                              ToDtype)
from ember.vision.transforms.v2._multi_crop import FiveCrop, TenCrop  # noqa: F401
from ember.vision.transforms.v2._pixels import JPEG, GaussianNoise, LinearTransformation  # noqa: F401
from ember.vision.transforms.v2._transform import Transform  # noqa: F401
from ember.vision.transforms.v2._type_conversion import (PILToTensor, ToImage, ToPILImage, ToPureTensor,  # noqa: F401
                                                         ToTensor)
from ember.vision.transforms.v2._utils import (check_type, get_keypoints, has_all, has_any,  # noqa: F401
                                              query_chw, query_size)
from ember.vision.transforms.v2._warps import ElasticTransform, RandomPerspective  # noqa: F401
