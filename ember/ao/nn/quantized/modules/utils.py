"""What the quantized modules share: their base class, the weight quantization from an observer, and the
printing that hides packed parameters."""
import numpy as np

import ember
from ember import nn
from ember.quantized import _dtypes

__all__ = ['WeightedQuantizedModule']


class WeightedQuantizedModule(nn.Module):
    """Base of the quantized modules that hold a quantized weight (made with ``from_float``)."""

    @classmethod
    def from_float(cls, mod, use_precomputed_fake_quant=False):
        raise NotImplementedError

    @classmethod
    def from_reference(cls, ref_module, output_scale, output_zero_point):
        raise NotImplementedError


def _quantize_weight(float_wt, observer):
    """``float_wt`` quantized with ``observer``'s parameters, its integers clamped to the observer's range."""
    scale, zero_point = observer.calculate_qparams()
    scheme = observer.qscheme.name
    if scheme in ('per_tensor_symmetric', 'per_tensor_affine'):
        qweight = ember.quantize_per_tensor(float_wt, float(scale), int(zero_point), _dtypes.qint8)
    elif scheme in ('per_channel_symmetric', 'per_channel_affine'):
        qweight = ember.quantize_per_channel(float_wt, scale.to(ember.float64), zero_point.to(ember.int64),
                                             observer.ch_axis, _dtypes.qint8)
    elif scheme == 'per_channel_affine_float_qparams':
        qweight = ember.quantize_per_channel(float_wt, scale.to(ember.float32), zero_point.to(ember.float32),
                                             observer.ch_axis, observer.dtype)
    else:
        raise ValueError("Unexpected qscheme " + str(observer.qscheme))
    low, high = observer.quant_min, observer.quant_max
    if qweight.dtype in (_dtypes.qint8, _dtypes.quint8) and (low, high) != (qweight.dtype.qmin, qweight.dtype.qmax):
        qweight._int = np.clip(qweight._int, low, high).astype(qweight._int.dtype)
    return qweight


def _hide_packed_params_repr(module, params_type):
    """``module``'s repr without its children of ``params_type`` (its packed weight holder)."""
    from ember.nn.modules.module import _addindent
    extra = module.extra_repr()
    extra_lines = extra.split('\n') if extra else []
    child_lines = [f'({key}): ' + _addindent(repr(child), 2) for key, child in module._modules.items()
                   if not isinstance(child, params_type)]
    lines = extra_lines + child_lines
    text = module._get_name() + '('
    if lines:
        if len(extra_lines) == 1 and not child_lines:
            text += extra_lines[0]
        else:
            text += '\n  ' + '\n  '.join(lines) + '\n'
    return text + ')'


def _empty_qweight(shape):
    """A zero qint8 weight (scale 1, zero point 0), what a quantized module holds before it is loaded."""
    from ember.quantized._qtensor import make
    return make(np.zeros(shape, np.int8), _dtypes.qint8, _dtypes.per_tensor_affine, 1.0, 0)


def _activation_qparams(mod):
    """The (scale, zero point) of ``mod``'s output observer as Python numbers."""
    scale, zero_point = mod.activation_post_process.calculate_qparams()
    return float(scale), int(zero_point)
