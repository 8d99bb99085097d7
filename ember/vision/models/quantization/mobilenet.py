"""``torchvision.models.quantization.mobilenet``: the quantizable MobileNet V2 and V3 together."""
from ember.vision.models.quantization.mobilenetv2 import *  # noqa: F401,F403
from ember.vision.models.quantization.mobilenetv3 import *  # noqa: F401,F403
from ember.vision.models.quantization.mobilenetv2 import __all__ as _v2_all
from ember.vision.models.quantization.mobilenetv3 import __all__ as _v3_all

__all__ = _v2_all + _v3_all
