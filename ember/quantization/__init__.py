"""``torch.quantization``, PyTorch's older name for :mod:`ember.ao.quantization` (the same objects)."""
from ember.ao.quantization import *  # noqa: F401,F403
from ember.ao.quantization import __all__  # noqa: F401
from ember.ao.quantization import (observer, qconfig, fake_quantize, stubs, quantize, fuse_modules,  # noqa: F401
                                   fuser_method_mappings, quantization_mappings)
from ember.ao.quantization.quantization_mappings import (DEFAULT_STATIC_QUANT_MODULE_MAPPINGS,  # noqa: F401
                                                         DEFAULT_QAT_MODULE_MAPPINGS,
                                                         DEFAULT_DYNAMIC_QUANT_MODULE_MAPPINGS,
                                                         DEFAULT_MODULE_TO_ACT_POST_PROCESS)
from ember.ao.quantization.observer import ABC  # noqa: F401
