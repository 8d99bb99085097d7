"""Quantizable classification models (``torchvision.models.quantization``): the float networks prepared
for eager-mode quantization, and with ``quantize=True`` the converted int8 models."""
from ember.vision.models.quantization.resnet import *  # noqa: F401,F403
from ember.vision.models.quantization.mobilenetv2 import *  # noqa: F401,F403
from ember.vision.models.quantization.mobilenetv3 import *  # noqa: F401,F403
from ember.vision.models.quantization.shufflenetv2 import *  # noqa: F401,F403
from ember.vision.models.quantization.googlenet import *  # noqa: F401,F403
from ember.vision.models.quantization.inception import *  # noqa: F401,F403
from ember.vision.models.quantization import (resnet, mobilenet, mobilenetv2, mobilenetv3, shufflenetv2,  # noqa: F401
                                              googlenet, inception, utils)
