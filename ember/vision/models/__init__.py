"""Image classification models with torchvision's names, builders and pretrained weights.

Every builder takes ``weights=`` (a member of its weights enum, its name, or None for random
initialisation) and ``progress=``; pretrained checkpoints download through ``ember.hub`` into
PyTorch's cache directory and are torchvision's own files.

>>> from ember.vision import models
>>> model = models.get_model("resnet18", weights=None)
>>> models.ResNet18_Weights.DEFAULT
ResNet18_Weights.IMAGENET1K_V1
"""
from ember.vision.models._api import (  # noqa: F401
    Weights, WeightsEnum, get_model, get_model_builder, get_model_weights, get_weight, list_models,
)
from ember.vision.models.resnet import *  # noqa: F401,F403
from ember.vision.models.alexnet import *  # noqa: F401,F403
from ember.vision.models.vgg import *  # noqa: F401,F403
from ember.vision.models.mobilenet import *  # noqa: F401,F403
from ember.vision.models.densenet import *  # noqa: F401,F403
from ember.vision.models.squeezenet import *  # noqa: F401,F403
from ember.vision.models.efficientnet import *  # noqa: F401,F403
from ember.vision.models.shufflenetv2 import *  # noqa: F401,F403
from ember.vision.models.mnasnet import *  # noqa: F401,F403
from ember.vision.models.googlenet import *  # noqa: F401,F403
from ember.vision.models.inception import *  # noqa: F401,F403
from ember.vision.models.regnet import *  # noqa: F401,F403
from ember.vision.models.convnext import *  # noqa: F401,F403
from ember.vision.models.vision_transformer import *  # noqa: F401,F403
from ember.vision.models.swin_transformer import *  # noqa: F401,F403
from ember.vision.models.maxvit import *  # noqa: F401,F403
from ember.vision.models import detection  # noqa: F401,E402
from ember.vision.models import segmentation  # noqa: F401,E402
from ember.vision.models import video  # noqa: F401,E402
from ember.vision.models import optical_flow  # noqa: F401,E402
from ember.vision.models import quantization  # noqa: F401,E402
