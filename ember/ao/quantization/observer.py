"""Observers: modules that watch the tensors passing through them and choose a scale and zero point
for quantizing them (``calculate_qparams``), computed in float32 as PyTorch's observers compute them."""
import functools
import warnings
from abc import ABC  # noqa: F401  (PyTorch's observer module exposes it)

import numpy as np

import ember
from ember import nn
from ember.quantized import _dtypes

__all__ = ['ObserverBase', 'UniformQuantizationObserverBase', 'MinMaxObserver', 'MovingAverageMinMaxObserver',
           'PerChannelMinMaxObserver', 'MovingAveragePerChannelMinMaxObserver', 'PlaceholderObserver',
           'default_observer', 'default_placeholder_observer', 'default_weight_observer',
           'weight_observer_range_neg_127_to_127', 'default_per_channel_weight_observer',
           'per_channel_weight_observer_range_neg_127_to_127', 'default_dynamic_quant_observer',
           'default_float_qparams_observer', 'default_float_qparams_observer_4bit', 'get_observer_state_dict',
           'load_observer_state_dict', 'FixedQParamsObserver', 'default_fixed_qparams_range_0to1_observer',
           'default_fixed_qparams_range_neg1to1_observer', 'default_affine_fixed_qparams_observer',
           'default_symmetric_fixed_qparams_observer', 'RecordingObserver', 'NoopObserver',
           'default_debug_observer', 'ReuseInputObserver', 'default_reuse_input_observer']

_EPS = float(np.finfo(np.float32).eps)
_PER_TENSOR = ('per_tensor_affine', 'per_tensor_symmetric')
_PER_CHANNEL = ('per_channel_affine', 'per_channel_symmetric', 'per_channel_affine_float_qparams')


class _PartialWrapper:
    """A class with some constructor arguments bound (``Observer.with_args(...)``); calling it makes a new
    instance each time."""

    def __init__(self, p):
        self.p = p
        self.callable_args = {}

    def __call__(self, *args, **keywords):
        for name, make in self.callable_args.items():
            if name not in keywords:
                keywords = {**keywords, name: make()}
        return self.p(*args, **keywords)

    def __repr__(self):
        return repr(self.p) + repr(self.callable_args)

    def with_args(self, **kwargs):
        return _with_args(self, **kwargs)

    def with_callable_args(self, **kwargs):
        result = _PartialWrapper(self.p)
        result.callable_args = {**self.callable_args, **kwargs}
        return result


def _with_args(cls_or_self, **kwargs):
    return _PartialWrapper(functools.partial(cls_or_self, **kwargs))


def _with_callable_args(cls_or_self, **kwargs):
    result = _PartialWrapper(functools.partial(cls_or_self))
    result.callable_args = dict(kwargs)
    return result


def calculate_qmin_qmax(quant_min, quant_max, has_customized_qrange, dtype, reduce_range):
    """The quantized range an observer uses: the user's (halved by ``reduce_range``) or its dtype's."""
    if has_customized_qrange:
        n = quant_max - quant_min + 1
        if dtype in (_dtypes.qint8, ember.int8) and not 0 < n <= 256:
            raise AssertionError("quantization range should be positive and not exceed the maximum bit range (=256).")
        if dtype in (_dtypes.qint32, ember.int32) and not 0 < n <= 2 ** 32:
            raise AssertionError("quantization range should be positive and not exceed the maximum bit range "
                                 "(=4294967296).")
        if reduce_range:
            quant_min, quant_max = quant_min // 2, quant_max // 2
        return quant_min, quant_max
    if dtype in (_dtypes.qint8, ember.int8):
        return (-64, 63) if reduce_range else (-128, 127)
    if dtype in (_dtypes.quint8, ember.uint8):
        return (0, 127) if reduce_range else (0, 255)
    if dtype in (_dtypes.qint32, ember.int32):
        return -2 ** 31, 2 ** 31 - 1
    if dtype is ember.int16:
        return -2 ** 15, 2 ** 15 - 1
    return 0, 15


class ObserverBase(nn.Module):
    """Base of all observers: ``forward`` records statistics of its input and returns it unchanged;
    ``calculate_qparams`` turns them into a scale and zero point.

    Args:
        dtype: the quantized dtype the parameters are for.
        is_dynamic: whether the observer stands for dynamic quantization (parameters chosen per input).
    """

    def __init__(self, dtype, is_dynamic=False):
        super().__init__()
        self.dtype = dtype
        self.is_dynamic = is_dynamic

    def forward(self, x):
        raise NotImplementedError

    def calculate_qparams(self, **kwargs):
        raise NotImplementedError

    with_args = classmethod(_with_args)
    with_callable_args = classmethod(_with_callable_args)


class UniformQuantizationObserverBase(ObserverBase):
    """Base of the observers that quantize uniformly: checks the dtype and scheme, and computes the scale
    and zero point from observed minimums and maximums (``_calculate_qparams``).

    Args:
        dtype: ``ember.quint8`` (default), ``ember.qint8``, ``ember.qint32``, ``ember.quint4x2`` ...
        qscheme: the quantization scheme.
        reduce_range: use one bit less of the range (x86 kernels need it for activations).
        quant_min, quant_max: a custom quantized range (both or neither).
        eps: the smallest scale.
    """
    _version = 3

    def __init__(self, dtype=_dtypes.quint8, qscheme=_dtypes.per_tensor_affine, reduce_range=False, quant_min=None,
                 quant_max=None, factory_kwargs=None, eps=_EPS, is_dynamic=False, **kwargs):
        super().__init__(dtype=dtype, is_dynamic=is_dynamic, **kwargs)
        self.qscheme = qscheme
        if reduce_range:
            warnings.warn("Please use quant_min and quant_max to specify the range for observers.                     "
                          "reduce_range will be deprecated in a future release of PyTorch.", stacklevel=2)
        self.reduce_range = reduce_range
        self.register_buffer('eps', ember.tensor([eps]))
        if getattr(qscheme, 'name', None) not in _PER_TENSOR + _PER_CHANNEL:
            raise AssertionError("Default Observer only works for per_tensor_affine, per_tensor_symmetric, "
                                 "per_channel_affine, per_channel_symmetric and per_channel_float_qparams "
                                 "quantization scheme")
        allowed = (_dtypes.qint8, _dtypes.quint8, _dtypes.quint4x2, _dtypes.qint32, ember.int8, ember.uint8,
                   ember.int16, ember.int32, ember.uint16)
        if dtype not in allowed:
            raise AssertionError(f"Default Observer only works for {allowed} data type")
        self.has_customized_qrange = quant_min is not None and quant_max is not None
        if self.has_customized_qrange:
            if not quant_min <= 0 <= quant_max:
                raise AssertionError("Used-specified quantization range must include 0.")
            if quant_min >= quant_max:
                raise AssertionError("qmin must be strictly less than qmax for user-specified quantization range.")
        self.quant_min, self.quant_max = calculate_qmin_qmax(quant_min, quant_max, self.has_customized_qrange,
                                                             dtype, reduce_range)

    def _calculate_qparams(self, min_val, max_val):
        """(scale, zero_point) tensors for the observed ``min_val``/``max_val`` (0-d or one per channel)."""
        lo, hi = min_val.numpy(), max_val.numpy()
        if not _min_max_valid(lo, hi):
            return ember.tensor([1.0]), ember.tensor([0])
        f32 = np.float32
        qmin, qmax = self.quant_min, self.quant_max
        eps = self.eps.numpy().astype(f32)
        lo_neg, hi_pos = np.minimum(lo, f32(0)), np.maximum(hi, f32(0))
        scheme = self.qscheme.name
        if scheme in ('per_tensor_symmetric', 'per_channel_symmetric'):
            hi_pos = np.maximum(-lo_neg, hi_pos)
            scale = np.maximum((hi_pos / f32((qmax - qmin) / 2)).astype(f32), eps)
            middle = 0
            if self.dtype in (_dtypes.quint8, ember.uint8):
                middle = (qmin + qmax) // 2 if self.has_customized_qrange else 128
            elif self.dtype is ember.uint16:
                middle = 2 ** 15
            zero_point = np.full(scale.shape, middle, np.int64)
        elif scheme == 'per_channel_affine_float_qparams':
            scale = ((hi - lo) / f32(qmax - qmin)).astype(f32)
            scale = np.where(scale > eps, scale, f32(1))
            zero_point = (f32(-1) * lo / scale).astype(f32)
        else:
            scale = np.maximum(((hi_pos - lo_neg) / f32(qmax - qmin)).astype(f32), eps)
            zero_point = np.clip(qmin - np.rint(lo_neg / scale).astype(np.int32), qmin, qmax).astype(np.int32)
        return ember.tensor(np.atleast_1d(scale).astype(f32)), ember.tensor(np.atleast_1d(zero_point))

    def reset_min_max_vals(self):
        raise NotImplementedError("Cannot reset min/max values in the given observer.")


def resize_to_saved(module, names, state_dict, prefix, strict, missing_keys):
    """Gives ``module``'s buffers ``names`` the shapes saved in ``state_dict`` (per-channel statistics have as
    many entries as channels seen), so that loading copies into them."""
    for name in names:
        key = prefix + name
        if key in state_dict:
            getattr(module, name).resize_(state_dict[key].shape)
        elif strict:
            missing_keys.append(key)


def _min_max_valid(lo, hi):
    if lo.size == 0 or hi.size == 0 or (lo.ndim == 0 and lo == np.inf and hi == -np.inf):
        warnings.warn("must run observer before calling calculate_qparams. Returning default values.", stacklevel=3)
        return False
    if lo.ndim == 0:
        if lo > hi:
            raise AssertionError(f"min {ember.tensor(lo)} should be less than max {ember.tensor(hi)}")
    elif np.any(lo > hi):
        raise AssertionError(f"min {ember.tensor(lo)} should be less than max {ember.tensor(hi)}")
    return True


def _float_values(x, like):
    return x.detach().to(like.dtype).numpy()


class MinMaxObserver(UniformQuantizationObserverBase):
    """Records the running minimum and maximum of the tensors it sees and derives a per-tensor scale and zero
    point from them: ``scale = (max - min) / (quant_max - quant_min)`` (affine) or
    ``max(|min|, max) / ((quant_max - quant_min) / 2)`` (symmetric).

    Example::

        >>> obs = ember.ao.quantization.MinMaxObserver()
        >>> _ = obs(ember.tensor([-1.0, 0.5, 2.0]))
        >>> obs
        MinMaxObserver(min_val=-1.0, max_val=2.0)
        >>> obs.calculate_qparams()
        (tensor([0.0118]), tensor([85], dtype=ember.int32))
    """

    def __init__(self, dtype=_dtypes.quint8, qscheme=_dtypes.per_tensor_affine, reduce_range=False, quant_min=None,
                 quant_max=None, factory_kwargs=None, eps=_EPS, is_dynamic=False, **kwargs):
        if getattr(qscheme, 'name', None) not in _PER_TENSOR:
            raise NotImplementedError("MinMaxObserver's qscheme only support torch.per_tensor_symmetric                "
                                      "     and torch.per_tensor_affine.")
        super().__init__(dtype=dtype, qscheme=qscheme, reduce_range=reduce_range, quant_min=quant_min,
                         quant_max=quant_max, factory_kwargs=factory_kwargs, eps=eps, is_dynamic=is_dynamic, **kwargs)
        self.register_buffer('min_val', ember.tensor(float('inf')))
        self.register_buffer('max_val', ember.tensor(float('-inf')))
        if qscheme is _dtypes.per_tensor_symmetric and reduce_range and dtype is _dtypes.quint8:
            raise NotImplementedError("Cannot reduce range for symmetric                                        "
                                      "quantization for quint8")

    def forward(self, x_orig):
        """Records the running minimum and maximum of ``x_orig``; returns it."""
        if x_orig.numel() == 0:
            return x_orig
        x = _float_values(x_orig, self.min_val)
        self.min_val.copy_(ember.tensor(np.minimum(x.min(), self.min_val.numpy())))
        self.max_val.copy_(ember.tensor(np.maximum(x.max(), self.max_val.numpy())))
        return x_orig

    def calculate_qparams(self):
        """The scale and zero point (one-element tensors) for what has been observed."""
        return self._calculate_qparams(self.min_val, self.max_val)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}"

    def reset_min_max_vals(self):
        """Forgets what has been observed."""
        self.min_val.copy_(ember.tensor(float('inf')))
        self.max_val.copy_(ember.tensor(float('-inf')))


class MovingAverageMinMaxObserver(MinMaxObserver):
    """Like :class:`MinMaxObserver`, but keeps moving averages of the minimum and maximum:
    ``min = min + averaging_constant * (min(x) - min)``.

    Example::

        >>> obs = ember.ao.quantization.MovingAverageMinMaxObserver(averaging_constant=0.5)
        >>> _ = obs(ember.tensor([-1.0, 2.0])); _ = obs(ember.tensor([-3.0, 4.0]))
        >>> obs
        MovingAverageMinMaxObserver(min_val=-2.0, max_val=3.0)
    """

    def __init__(self, averaging_constant=0.01, dtype=_dtypes.quint8, qscheme=_dtypes.per_tensor_affine,
                 reduce_range=False, quant_min=None, quant_max=None, eps=_EPS, is_dynamic=False, **kwargs):
        if getattr(qscheme, 'name', None) not in _PER_TENSOR:
            raise NotImplementedError(f"MovingAverageMinMaxObserver's qscheme only support                 "
                                      f"torch.per_tensor_symmetric and torch.per_tensor_affine.                 "
                                      f"but got: {qscheme}")
        self.averaging_constant = averaging_constant
        if is_dynamic and averaging_constant != 1:
            raise NotImplementedError("MovingAverageMinMaxObserver doesn't support dynamic quantization for "
                                      f"averaging constant of {self.averaging_constant}")
        super().__init__(dtype=dtype, qscheme=qscheme, reduce_range=reduce_range, quant_min=quant_min,
                         quant_max=quant_max, eps=eps, is_dynamic=is_dynamic, **kwargs)

    def forward(self, x_orig):
        if x_orig.numel() == 0:
            return x_orig
        x = _float_values(x_orig, self.min_val)
        lo, hi = self.min_val.numpy(), self.max_val.numpy()
        cur_lo, cur_hi = x.min(), x.max()
        if lo == np.inf and hi == -np.inf:
            lo, hi = cur_lo, cur_hi
        else:
            c = np.float32(self.averaging_constant)
            lo, hi = lo + c * (cur_lo - lo), hi + c * (cur_hi - hi)
        self.min_val.copy_(ember.tensor(lo))
        self.max_val.copy_(ember.tensor(hi))
        return x_orig


class PerChannelMinMaxObserver(UniformQuantizationObserverBase):
    """Records the running minimum and maximum of each channel (slices along ``ch_axis``) and derives one
    scale and zero point per channel.

    Example::

        >>> obs = ember.ao.quantization.PerChannelMinMaxObserver(dtype=ember.qint8,
        ...                                                      qscheme=ember.per_channel_symmetric)
        >>> _ = obs(ember.tensor([[-1.0, 0.5], [2.0, 4.0]]))
        >>> obs.calculate_qparams()
        (tensor([0.0078, 0.0314]), tensor([0, 0]))
    """

    def __init__(self, ch_axis=0, dtype=_dtypes.quint8, qscheme=_dtypes.per_channel_affine, reduce_range=False,
                 quant_min=None, quant_max=None, factory_kwargs=None, eps=_EPS, is_dynamic=False, **kwargs):
        if getattr(qscheme, 'name', None) not in _PER_CHANNEL:
            raise NotImplementedError("PerChannelMinMaxObserver's qscheme only support                     "
                                      "torch.per_channel_symmetric, torch.per_channel_affine and "
                                      "torch.per_channel_affine_float_qparams.")
        if is_dynamic:
            raise NotImplementedError("PerChannelMinMaxObserver doesn't support dynamic quantization")
        super().__init__(dtype=dtype, qscheme=qscheme, reduce_range=reduce_range, quant_min=quant_min,
                         quant_max=quant_max, factory_kwargs=factory_kwargs, eps=eps, is_dynamic=is_dynamic, **kwargs)
        self.ch_axis = ch_axis
        self.register_buffer('min_val', ember.tensor([]))
        self.register_buffer('max_val', ember.tensor([]))
        if qscheme is _dtypes.per_channel_symmetric and reduce_range and dtype is _dtypes.quint8:
            raise NotImplementedError("Cannot reduce range for symmetric quantization for quint8")

    def _channel_min_max(self, x_orig):
        x = _float_values(x_orig, self.min_val)
        order = list(range(x.ndim))
        order[self.ch_axis], order[0] = 0, self.ch_axis
        y = x.transpose(order)
        y = y.reshape(y.shape[0], -1)
        return y.min(axis=1), y.max(axis=1)

    def forward(self, x_orig):
        """Records the running per-channel minimum and maximum of ``x_orig``; returns it."""
        if x_orig.numel() == 0:
            return x_orig
        lo, hi = self._channel_min_max(x_orig)
        if self.min_val.numel() and self.max_val.numel():
            lo, hi = np.minimum(lo, self.min_val.numpy()), np.maximum(hi, self.max_val.numpy())
        self._set_min_max(lo, hi)
        return x_orig

    def _set_min_max(self, lo, hi):
        self.min_val.resize_(lo.shape)
        self.max_val.resize_(hi.shape)
        self.min_val.copy_(ember.tensor(lo))
        self.max_val.copy_(ember.tensor(hi))

    def calculate_qparams(self):
        """The scales and zero points, one per channel."""
        return self._calculate_qparams(self.min_val, self.max_val)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}"

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        resize_to_saved(self, ('min_val', 'max_val'), state_dict, prefix, strict, missing_keys)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, False, missing_keys, unexpected_keys,
                                      error_msgs)

    def reset_min_max_vals(self):
        """Forgets what has been observed."""
        self.min_val = ember.rand(0)
        self.max_val = ember.rand(0)


class MovingAveragePerChannelMinMaxObserver(PerChannelMinMaxObserver):
    """Like :class:`PerChannelMinMaxObserver`, with moving averages of each channel's minimum and maximum.

    Example::

        >>> obs = ember.ao.quantization.MovingAveragePerChannelMinMaxObserver(averaging_constant=0.5)
        >>> _ = obs(ember.tensor([[-1.0, 2.0]])); _ = obs(ember.tensor([[-3.0, 4.0]]))
        >>> obs.min_val, obs.max_val
        (tensor([-2.]), tensor([3.]))
    """

    def __init__(self, averaging_constant=0.01, ch_axis=0, dtype=_dtypes.quint8, qscheme=_dtypes.per_channel_affine,
                 reduce_range=False, quant_min=None, quant_max=None, eps=_EPS, is_dynamic=False, **kwargs):
        if getattr(qscheme, 'name', None) not in _PER_CHANNEL:
            raise NotImplementedError("MovingAveragePerChannelMinMaxObserver's qscheme only support                "
                                      "     torch.per_channel_symmetric, torch.per_channel_affine and "
                                      "torch.per_channel_affine_float_qparams.")
        if is_dynamic:
            raise NotImplementedError("MovingAveragePerChannelMinMaxObserver doesn't support dynamic quantization")
        super().__init__(ch_axis=ch_axis, dtype=dtype, qscheme=qscheme, reduce_range=reduce_range,
                         quant_min=quant_min, quant_max=quant_max, eps=eps, is_dynamic=is_dynamic, **kwargs)
        self.averaging_constant = averaging_constant

    def forward(self, x_orig):
        if x_orig.numel() == 0:
            return x_orig
        lo, hi = self._channel_min_max(x_orig)
        if self.min_val.numel() and self.max_val.numel():
            c = np.float32(self.averaging_constant)
            old_lo, old_hi = self.min_val.numpy(), self.max_val.numpy()
            lo, hi = old_lo + c * (lo - old_lo), old_hi + c * (hi - old_hi)
        self._set_min_max(lo, hi)
        return x_orig


class PlaceholderObserver(ObserverBase):
    """An observer that records nothing: it names the dtype (and, for dynamic quantization, that the
    parameters are chosen per input) where no statistics are needed.

    Example::

        >>> ember.ao.quantization.PlaceholderObserver(dtype=ember.quint8, is_dynamic=True)
        PlaceholderObserver(dtype=ember.quint8, is_dynamic=True)
    """

    def __init__(self, dtype=ember.float32, custom_op_name='', compute_dtype=None, quant_min=None, quant_max=None,
                 qscheme=None, eps=None, is_dynamic=False):
        super().__init__(dtype=dtype, is_dynamic=is_dynamic)
        self.qscheme = _dtypes.per_tensor_affine if qscheme is None else qscheme
        self.quant_min, self.quant_max = quant_min, quant_max
        self.eps = _EPS if eps is None else eps
        self.custom_op = custom_op_name
        if compute_dtype:
            self.is_dynamic = True
            warnings.warn("Please use `is_dynamic` instead of `compute_dtype`.                     "
                          "`compute_dtype` will be deprecated in a future release                     of PyTorch.",
                          stacklevel=2)

    def forward(self, x):
        return x

    def extra_repr(self):
        return f"dtype={self.dtype}, is_dynamic={self.is_dynamic}"

    def calculate_qparams(self):
        raise Exception("calculate_qparams should not be called for PlaceholderObserver")  # noqa: TRY002


class FixedQParamsObserver(ObserverBase):
    """An observer whose scale and zero point are given, not observed: for outputs whose range is known in
    advance (a sigmoid's [0, 1], a tanh's [-1, 1]). Its input passes through unchanged.

    Args:
        scale (float): the fixed scale.
        zero_point (int): the fixed zero point.
        dtype, qscheme, quant_min, quant_max: what the parameters are for (per tensor only).

    Example::

        >>> obs = ember.ao.quantization.FixedQParamsObserver(scale=1.0 / 256, zero_point=0)
        >>> obs.calculate_qparams()
        (tensor([0.0039]), tensor([0], dtype=ember.int32))
    """

    def __init__(self, scale, zero_point, dtype=_dtypes.quint8, qscheme=_dtypes.per_tensor_affine, quant_min=0,
                 quant_max=255, is_dynamic=False, **kwargs):
        if is_dynamic:
            raise NotImplementedError("FixedQParamsObserver doesn't support dynamic quantization")
        super().__init__(dtype=dtype, is_dynamic=is_dynamic, **kwargs)
        self.quant_min = quant_min
        self.quant_max = quant_max
        self.register_buffer('scale', ember.tensor([scale], dtype=ember.float32))
        self.register_buffer('zero_point', ember.tensor([zero_point], dtype=ember.int32))
        self.dtype = dtype
        self.qscheme = qscheme

    def forward(self, X):
        return X

    def calculate_qparams(self):
        return self.scale, self.zero_point


class RecordingObserver(ObserverBase):
    """A debugging observer that keeps a copy of every tensor passing through it (``get_tensor_value``).

    Example::

        >>> obs = ember.ao.quantization.RecordingObserver()
        >>> _ = obs(ember.tensor([1.0, 2.0]))
        >>> obs.get_tensor_value()
        [tensor([1., 2.])]
    """

    def __init__(self, dtype=_dtypes.quint8):
        super().__init__(dtype=dtype, is_dynamic=False)
        self.tensor_val = []

    def forward(self, x):
        self.tensor_val.append(x.clone())
        return x

    def calculate_qparams(self):
        raise Exception("calculate_qparams should not be called for RecordingObserver")  # noqa: TRY002

    def get_tensor_value(self):
        return self.tensor_val


class NoopObserver(ObserverBase):
    """An observer that records nothing and only names a dtype (float16 by default) for ``from_float``."""

    def __init__(self, dtype=ember.float16, custom_op_name=''):
        super().__init__(dtype=dtype, is_dynamic=False)
        self.dtype = dtype
        self.custom_op = custom_op_name

    def forward(self, x):
        return x

    def calculate_qparams(self):
        raise Exception("calculate_qparams should not be called for NoopObserver")  # noqa: TRY002


default_debug_observer = RecordingObserver


class ReuseInputObserver(ObserverBase):
    """An observer for ops that keep their input's quantization (``reshape``): FX graph mode preparation
    hands such an op its input's observer instead of a new one, so this one never chooses parameters."""

    def __init__(self):
        super().__init__(ember.quint8, is_dynamic=False)

    def forward(self, x):
        return x

    def calculate_qparams(self):
        raise AssertionError("calculate_qparams should not be called for ReuseInputObserver")


default_reuse_input_observer = ReuseInputObserver


def get_observer_state_dict(mod):
    """The entries of ``mod.state_dict()`` that belong to observers (their names contain
    ``activation_post_process``)."""
    from collections import OrderedDict
    return OrderedDict((k, v) for k, v in mod.state_dict().items()
                       if 'observer' in k or 'activation_post_process' in k)


def load_observer_state_dict(mod, obs_dict):
    """Loads observer statistics saved by :func:`get_observer_state_dict` into the observers of ``mod``."""
    missing_keys, unexpected_keys = [], []
    for name, module in mod.named_modules():
        prefix = name + '.' if name else ''
        if isinstance(module, ObserverBase):
            module._load_from_state_dict(obs_dict, prefix, {}, False, missing_keys, unexpected_keys, [])
    for k in missing_keys:
        if 'observer' in k or 'activation_post_process' in k:
            raise Exception(f"Missing keys for observer {k} in state_dict")  # noqa: TRY002


default_observer = MinMaxObserver.with_args(quant_min=0, quant_max=127)
default_placeholder_observer = PlaceholderObserver
default_weight_observer = MinMaxObserver.with_args(dtype=_dtypes.qint8, qscheme=_dtypes.per_tensor_symmetric)
weight_observer_range_neg_127_to_127 = MinMaxObserver.with_args(
    dtype=_dtypes.qint8, qscheme=_dtypes.per_tensor_symmetric, quant_min=-127, quant_max=127, eps=2 ** -12)
default_per_channel_weight_observer = PerChannelMinMaxObserver.with_args(
    dtype=_dtypes.qint8, qscheme=_dtypes.per_channel_symmetric)
per_channel_weight_observer_range_neg_127_to_127 = PerChannelMinMaxObserver.with_args(
    dtype=_dtypes.qint8, qscheme=_dtypes.per_channel_symmetric, quant_min=-127, quant_max=127, eps=2 ** -12)
default_dynamic_quant_observer = PlaceholderObserver.with_args(dtype=_dtypes.quint8, quant_min=0, quant_max=255,
                                                               is_dynamic=True)
default_float_qparams_observer = PerChannelMinMaxObserver.with_args(
    dtype=_dtypes.quint8, qscheme=_dtypes.per_channel_affine_float_qparams, ch_axis=0)
default_float_qparams_observer_4bit = PerChannelMinMaxObserver.with_args(
    dtype=_dtypes.quint4x2, qscheme=_dtypes.per_channel_affine_float_qparams, ch_axis=0)
# the output ranges of tanh-like ([-1, 1]) and sigmoid-like ([0, 1]) functions, in 256 steps
default_fixed_qparams_range_neg1to1_observer = FixedQParamsObserver.with_args(
    scale=2.0 / 256.0, zero_point=128, dtype=_dtypes.quint8, quant_min=0, quant_max=255)
default_fixed_qparams_range_0to1_observer = FixedQParamsObserver.with_args(
    scale=1.0 / 256.0, zero_point=0, dtype=_dtypes.quint8, quant_min=0, quant_max=255)
default_symmetric_fixed_qparams_observer = default_fixed_qparams_range_neg1to1_observer
default_affine_fixed_qparams_observer = default_fixed_qparams_range_0to1_observer

from ember.ao.quantization._histogram import HistogramObserver  # noqa: E402  (it builds on the classes above)
# PyTorch defines it in this module: reprs of qconfigs and pickles name it here
HistogramObserver.__module__ = __name__

default_histogram_observer = HistogramObserver.with_args(quant_min=0, quant_max=127)
__all__ += ['HistogramObserver', 'default_histogram_observer']
