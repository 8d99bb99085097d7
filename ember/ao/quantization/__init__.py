"""Eager-mode quantization: observers, fake quantization, qconfigs, stubs and ``quantize_dynamic``
(``torch.ao.quantization``; ``ember.quantization`` is the same package under its older name)."""
from ember.ao.quantization.observer import *  # noqa: F401,F403
from ember.ao.quantization.observer import __all__ as _observer_all
from ember.ao.quantization.fake_quantize import *  # noqa: F401,F403
from ember.ao.quantization.fake_quantize import __all__ as _fake_quantize_all
from ember.ao.quantization.qconfig import *  # noqa: F401,F403
from ember.ao.quantization.qconfig import __all__ as _qconfig_all
from ember.ao.quantization.stubs import QuantStub, DeQuantStub, QuantWrapper  # noqa: F401
from ember.ao.quantization.fuse_modules import fuse_modules, fuse_modules_qat  # noqa: F401
from ember.ao.quantization.fuser_method_mappings import (get_fuser_method, fuse_conv_bn, fuse_conv_bn_relu,  # noqa
                                                         fuse_linear_bn, fuse_convtranspose_bn)
from ember.ao.quantization.quantization_mappings import (get_static_quant_module_class,  # noqa: F401
                                                         get_dynamic_quant_module_class, no_observer_set)
from ember.ao.quantization.quantize import *  # noqa: F401,F403
from ember.ao.quantization.quant_type import QuantType  # noqa: F401
from ember.ao.quantization.quantize import __all__ as _quantize_all
from ember.ao.quantization.qconfig_mapping import (QConfigMapping, get_default_qconfig_mapping,  # noqa: F401
                                                   get_default_qat_qconfig_mapping)

__all__ = [*_observer_all, *_fake_quantize_all, *_qconfig_all, 'QuantStub', 'DeQuantStub', 'QuantWrapper',
           'fuse_modules',
           'fuse_modules_qat', 'get_fuser_method', 'QuantType', 'fuse_conv_bn', 'fuse_conv_bn_relu', 'fuse_linear_bn',
           'fuse_convtranspose_bn', 'get_static_quant_module_class', 'get_dynamic_quant_module_class',
           'no_observer_set', 'default_eval_fn', *_quantize_all, 'QConfigMapping', 'get_default_qconfig_mapping',
           'get_default_qat_qconfig_mapping']


def default_eval_fn(model, calib_data):
    """Runs ``model`` on the inputs of ``calib_data`` (pairs of input and target), e.g. to calibrate it."""
    for data, _target in calib_data:
        model(data)
