"""FakeQuantize: an observer and fake quantization in one module, for quantization-aware training."""
import ember
from ember import nn
from ember.quantized import _dtypes
from ember.ao.quantization.observer import (MovingAverageMinMaxObserver, MovingAveragePerChannelMinMaxObserver,
                                            FixedQParamsObserver, default_fixed_qparams_range_0to1_observer,
                                            default_fixed_qparams_range_neg1to1_observer, _with_args,
                                            resize_to_saved)

__all__ = ['FakeQuantizeBase', 'FakeQuantize', 'disable_fake_quant', 'enable_fake_quant', 'disable_observer',
           'enable_observer', 'default_fake_quant', 'default_weight_fake_quant', 'default_dynamic_fake_quant',
           'default_per_channel_weight_fake_quant', 'FusedMovingAvgObsFakeQuantize', 'default_fused_act_fake_quant',
           'default_fused_wt_fake_quant', 'default_fused_per_channel_wt_fake_quant', 'FixedQParamsFakeQuantize',
           'default_fixed_qparams_range_0to1_fake_quant', 'default_fixed_qparams_range_neg1to1_fake_quant',
           'default_affine_fixed_qparams_fake_quant', 'default_symmetric_fixed_qparams_fake_quant',
           'default_histogram_fake_quant', 'default_embedding_fake_quant', 'default_embedding_fake_quant_4bit']

_PER_CHANNEL = ('per_channel_affine', 'per_channel_symmetric', 'per_channel_affine_float_qparams')
_PER_TENSOR = ('per_tensor_affine', 'per_tensor_symmetric')


class FakeQuantizeBase(nn.Module):
    """Base of fake quantization modules: the ``fake_quant_enabled`` and ``observer_enabled`` switches."""

    def __init__(self):
        super().__init__()
        self.register_buffer('fake_quant_enabled', ember.tensor([1], dtype=ember.uint8))
        self.register_buffer('observer_enabled', ember.tensor([1], dtype=ember.uint8))

    def forward(self, x):
        raise NotImplementedError

    def calculate_qparams(self, **kwargs):
        raise NotImplementedError

    def enable_fake_quant(self, enabled=True):
        """Turns fake quantization on (or off with ``enabled=False``)."""
        self.fake_quant_enabled[0] = 1 if enabled else 0

    def disable_fake_quant(self):
        """Turns fake quantization off: the module passes its input through."""
        self.enable_fake_quant(False)

    def enable_observer(self, enabled=True):
        """Turns observation on (or off with ``enabled=False``)."""
        self.observer_enabled[0] = 1 if enabled else 0

    def disable_observer(self):
        """Turns observation off: the scale and zero point stay as they are."""
        self.enable_observer(False)

    @classmethod
    def with_args(cls, **kwargs):
        return _with_args(cls, **kwargs)


class FakeQuantize(FakeQuantizeBase):
    """Observes its input (``observer``, updating ``scale`` and ``zero_point``) and returns it fake-quantized
    with :func:`ember.fake_quantize_per_tensor_affine` (or the per-channel form), so that training sees the
    rounding a quantized model will apply; gradients pass straight through inside the range.

    Args:
        observer: the observer class (or ``with_args`` constructor).
        quant_min, quant_max: the quantized range.
        is_dynamic: whether the observer is dynamic.
        **observer_kwargs: passed to the observer.

    Example::

        >>> fq = ember.ao.quantization.FakeQuantize(quant_min=0, quant_max=255)
        >>> fq(ember.tensor([-1.0, 0.26, 2.0]))
        tensor([-1.0000,  0.2588,  2.0000])
        >>> fq.scale, fq.zero_point
        (tensor([0.0118]), tensor([85], dtype=ember.int32))
    """

    def __init__(self, observer=MovingAverageMinMaxObserver, quant_min=None, quant_max=None, is_dynamic=False,
                 **observer_kwargs):
        super().__init__()
        if quant_min is not None and quant_max is not None:
            if quant_min > quant_max:
                raise AssertionError("quant_min must be less than or equal to quant_max")
            dtype = observer_kwargs.get('dtype', _dtypes.quint8)
            if hasattr(observer, 'p'):
                dtype = getattr(getattr(observer, 'p', {}), 'keywords', {}).get('dtype', dtype)
            low, high = _range(dtype)
            if low > quant_min:
                raise AssertionError("quant_min out of bound")
            if quant_max > high:
                raise AssertionError("quant_max out of bound")
            observer_kwargs.update({'quant_min': quant_min, 'quant_max': quant_max})
        observer_kwargs['is_dynamic'] = is_dynamic
        self.activation_post_process = observer(**observer_kwargs)
        self.quant_min = self.activation_post_process.quant_min
        self.quant_max = self.activation_post_process.quant_max
        self.is_dynamic = self.activation_post_process.is_dynamic
        float_qparams = self.activation_post_process.qscheme is _dtypes.per_channel_affine_float_qparams
        self.register_buffer('scale', ember.tensor([1.0], dtype=ember.float32))
        self.register_buffer('zero_point', ember.tensor([0], dtype=ember.float32 if float_qparams else ember.int32))
        self.dtype = self.activation_post_process.dtype
        self.qscheme = self.activation_post_process.qscheme
        self.ch_axis = getattr(self.activation_post_process, 'ch_axis', -1)
        if self.qscheme.name not in _PER_CHANNEL + _PER_TENSOR:
            raise AssertionError("Only per channel and per tensor quantization are supported in fake quantize"
                                 f" got qscheme: {self.qscheme}")
        self.is_per_channel = self.qscheme.name in _PER_CHANNEL

    def calculate_qparams(self):
        """The observer's scale and zero point."""
        return self.activation_post_process.calculate_qparams()

    def forward(self, X):
        if self.observer_enabled[0] == 1:
            self.activation_post_process(X.detach())
            scale, zero_point = self.calculate_qparams()
            if self.scale.shape != scale.shape:
                self.scale.resize_(scale.shape)
                self.zero_point.resize_(zero_point.shape)
            self.scale.copy_(scale)
            self.zero_point.copy_(zero_point)
        if self.fake_quant_enabled[0] == 1:
            if self.is_per_channel:
                X = ember.fake_quantize_per_channel_affine(X, self.scale, self.zero_point, self.ch_axis,
                                                           self.activation_post_process.quant_min,
                                                           self.activation_post_process.quant_max)
            else:
                X = ember.fake_quantize_per_tensor_affine(X, self.scale, self.zero_point,
                                                          self.activation_post_process.quant_min,
                                                          self.activation_post_process.quant_max)
        return X

    def extra_repr(self):
        return (f"fake_quant_enabled={self.fake_quant_enabled}, observer_enabled={self.observer_enabled}, "
                f"quant_min={self.activation_post_process.quant_min}, "
                f"quant_max={self.activation_post_process.quant_max}, dtype={self.dtype}, qscheme={self.qscheme}, "
                f"ch_axis={self.ch_axis}, scale={self.scale}, zero_point={self.zero_point}")

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        resize_to_saved(self, ('scale', 'zero_point'), state_dict, prefix, strict, missing_keys)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)


class FusedMovingAvgObsFakeQuantize(FakeQuantize):
    """FakeQuantize with a moving-average min/max observer, observing and fake-quantizing in one step (the
    module PyTorch's default QAT qconfigs use). Takes FakeQuantize's arguments; the observer must be a
    ``MovingAverageMinMaxObserver`` or its per-channel form.

    Example::

        >>> fq = ember.ao.quantization.FusedMovingAvgObsFakeQuantize()
        >>> fq(ember.tensor([-1.0, 0.26, 2.0]))
        tensor([-1.0000,  0.2588,  2.0000])
    """

    def __init__(self, observer=MovingAverageMinMaxObserver, quant_min=0, quant_max=255, **observer_kwargs):
        super().__init__(observer, quant_min, quant_max, **observer_kwargs)
        if not isinstance(self.activation_post_process,
                          (MovingAverageMinMaxObserver, MovingAveragePerChannelMinMaxObserver)):
            raise AssertionError("Fused observer+fake_quant module only works with MovingAverageMinMaxObserver")
        self.register_buffer('fake_quant_enabled', ember.tensor([1], dtype=ember.int64))
        self.register_buffer('observer_enabled', ember.tensor([1], dtype=ember.int64))
        self.is_symmetric_quant = self.qscheme.name in ('per_tensor_symmetric', 'per_channel_symmetric')

    def calculate_qparams(self):
        return self.activation_post_process.calculate_qparams()

    def forward(self, X):
        """As PyTorch's fused kernel: the running minimum and maximum move towards the input's (per output
        channel, along dimension 0, for per-channel schemes), then, while fake quantization is on, the scale
        and zero point are chosen afresh from them, by FBGEMM's rule (symmetric schemes keep zero in the
        middle of the range), and the input is fake-quantized with them."""
        if X.numel() == 0:
            return X.clone()
        observer = self.activation_post_process
        per_channel = self.is_per_channel
        if per_channel:
            if self.ch_axis != 0:
                raise RuntimeError("Per-channel FakeQuant in fused_moving_avg_obs_fake_quant is only supported on "
                                   "axis == 0")
            size = X.shape[self.ch_axis]
            if observer.min_val.numel() == 0:
                observer.min_val.resize_(size).fill_(float('inf'))
                observer.max_val.resize_(size).fill_(float('-inf'))
                self.scale.resize_(size)
                self.zero_point.resize_(size)
        if self.observer_enabled[0] == 1:
            _moving_average(X.detach().numpy(), observer, per_channel)
        if self.fake_quant_enabled[0] != 1:
            return X.clone()
        _choose_fused_qparams(observer, self.scale, self.zero_point, self.is_symmetric_quant)
        if per_channel:
            return ember.fake_quantize_per_channel_affine(X, self.scale, self.zero_point, self.ch_axis,
                                                          observer.quant_min, observer.quant_max)
        return ember.fake_quantize_per_tensor_affine(X, self.scale, self.zero_point, observer.quant_min,
                                                     observer.quant_max)

    def extra_repr(self):
        observer = self.activation_post_process
        return (f"fake_quant_enabled={self.fake_quant_enabled}, observer_enabled={self.observer_enabled}, "
                f"scale={self.scale}, zero_point={self.zero_point}, dtype={self.dtype}, "
                f"quant_min={observer.quant_min}, quant_max={observer.quant_max}, qscheme={self.qscheme}, "
                f"reduce_range={observer.reduce_range}")


def _moving_average(x, observer, per_channel):
    """Moves the observer's running minimum and maximum towards ``x``'s (float32 arithmetic, as the fused
    kernel's); an entry still infinite takes ``x``'s value outright."""
    import numpy as np
    f32 = np.float32
    rows = x.reshape(x.shape[0], -1) if per_channel and x.ndim else x.reshape(1, -1)
    for running, current in ((observer.min_val, rows.min(axis=1)), (observer.max_val, rows.max(axis=1))):
        old = running.numpy().reshape(-1).astype(f32)
        current = current.astype(f32)
        c = f32(observer.averaging_constant)
        with np.errstate(invalid='ignore', over='ignore'):
            new = np.where(np.isinf(old), current, old + c * (current - old)).astype(f32)
        running.copy_(ember.from_numpy(new.reshape(tuple(running.shape))))


def _choose_fused_qparams(observer, scale, zero_point, symmetric):
    """Writes into ``scale``/``zero_point`` what FBGEMM chooses for each running minimum and maximum."""
    import numpy as np
    from ember.quantized._functions import choose_qparams_fbgemm
    scales, zero_points = choose_qparams_fbgemm(observer.min_val.numpy(), observer.max_val.numpy(),
                                                observer.quant_min, observer.quant_max, symmetric)
    zero_points = zero_points.astype(np.int32)
    scale.copy_(ember.from_numpy(scales.reshape(tuple(scale.shape))))
    zero_point.copy_(ember.from_numpy(zero_points.reshape(tuple(zero_point.shape))).to(zero_point.dtype))


class FixedQParamsFakeQuantize(FakeQuantize):
    """Fake quantization with a fixed scale and zero point (those of its ``FixedQParamsObserver``), for
    outputs whose range is known in advance, such as a hardsigmoid's. The module's ``scale`` and
    ``zero_point`` are its observer's own tensors.

    Args:
        observer: a ``FixedQParamsObserver`` class or ``with_args`` constructor.

    Example::

        >>> from ember.ao.quantization import default_fixed_qparams_range_0to1_fake_quant
        >>> fq = default_fixed_qparams_range_0to1_fake_quant()
        >>> fq(ember.tensor([-0.5, 0.3, 2.0]))
        tensor([0.0000, 0.3008, 0.9961])
    """

    def __init__(self, observer):
        super().__init__(observer=observer)
        if type(self.activation_post_process) is not FixedQParamsObserver:
            raise AssertionError(f"{self.__class__.__name__}'s observer must be a {FixedQParamsObserver.__name__}")
        self._observer_ctr = observer
        self.scale = self.activation_post_process.scale
        self.zero_point = self.activation_post_process.zero_point
        if self.qscheme.name not in _PER_TENSOR:
            raise AssertionError("Only per tensor quantization is supported FixedQParamsFakeQuantize module, got "
                                 f"qscheme:{self.qscheme}")

    def calculate_qparams(self):
        return self.scale, self.zero_point

    def extra_repr(self):
        return (f"fake_quant_enabled={self.fake_quant_enabled}, observer_enabled={self.observer_enabled}, "
                f"scale={self.scale}, zero_point={self.zero_point}, dtype={self.dtype}, "
                f"quant_min={self.activation_post_process.quant_min}, "
                f"quant_max={self.activation_post_process.quant_max}, qscheme={self.qscheme}")


def _range(dtype):
    if isinstance(dtype, _dtypes._QuantizedDtype):
        return (dtype.qmin, dtype.qmax) if dtype.bits >= 8 else (0, 255)
    info = ember.iinfo(dtype)
    return info.min, info.max


def _apply_to_fake_quantize(method):
    def apply(mod):
        if isinstance(mod, FakeQuantizeBase):
            getattr(mod, method)()
    apply.__name__ = method
    apply.__doc__ = f"Calls ``{method}()`` on ``mod`` when it is a fake quantization module (use with " \
                    "``model.apply``)."
    return apply


disable_fake_quant = _apply_to_fake_quantize('disable_fake_quant')
enable_fake_quant = _apply_to_fake_quantize('enable_fake_quant')
disable_observer = _apply_to_fake_quantize('disable_observer')
enable_observer = _apply_to_fake_quantize('enable_observer')

default_fake_quant = FakeQuantize.with_args(observer=MovingAverageMinMaxObserver, quant_min=0, quant_max=255,
                                            dtype=_dtypes.quint8, qscheme=_dtypes.per_tensor_affine,
                                            reduce_range=True)
default_weight_fake_quant = FakeQuantize.with_args(observer=MovingAverageMinMaxObserver, quant_min=-128,
                                                   quant_max=127, dtype=_dtypes.qint8,
                                                   qscheme=_dtypes.per_tensor_symmetric, reduce_range=False)
default_dynamic_fake_quant = FakeQuantize.with_args(observer=MovingAverageMinMaxObserver, quant_min=0, quant_max=255,
                                                    is_dynamic=True, dtype=_dtypes.quint8, averaging_constant=1)
default_fused_act_fake_quant = FusedMovingAvgObsFakeQuantize.with_args(
    observer=MovingAverageMinMaxObserver, quant_min=0, quant_max=255, dtype=_dtypes.quint8)
default_fused_wt_fake_quant = FusedMovingAvgObsFakeQuantize.with_args(
    observer=MovingAverageMinMaxObserver, quant_min=-128, quant_max=127, dtype=_dtypes.qint8,
    qscheme=_dtypes.per_tensor_symmetric)
default_fused_per_channel_wt_fake_quant = FusedMovingAvgObsFakeQuantize.with_args(
    observer=MovingAveragePerChannelMinMaxObserver, quant_min=-128, quant_max=127, dtype=_dtypes.qint8,
    qscheme=_dtypes.per_channel_symmetric)
default_per_channel_weight_fake_quant = FakeQuantize.with_args(
    observer=MovingAveragePerChannelMinMaxObserver, quant_min=-128, quant_max=127, dtype=_dtypes.qint8,
    qscheme=_dtypes.per_channel_symmetric, reduce_range=False, ch_axis=0)
default_fixed_qparams_range_neg1to1_fake_quant = FixedQParamsFakeQuantize.with_args(
    observer=default_fixed_qparams_range_neg1to1_observer)
default_fixed_qparams_range_0to1_fake_quant = FixedQParamsFakeQuantize.with_args(
    observer=default_fixed_qparams_range_0to1_observer)
default_symmetric_fixed_qparams_fake_quant = default_fixed_qparams_range_neg1to1_fake_quant
default_affine_fixed_qparams_fake_quant = default_fixed_qparams_range_0to1_fake_quant


def _histogram_fake_quant():
    from ember.ao.quantization.observer import HistogramObserver
    return FakeQuantize.with_args(observer=HistogramObserver, quant_min=0, quant_max=255, dtype=_dtypes.quint8,
                                  qscheme=_dtypes.per_tensor_affine, reduce_range=True)


default_histogram_fake_quant = _histogram_fake_quant()
# per-row float qparams for embedding tables in QAT, the range taken afresh from each weight (averaging 1)
default_embedding_fake_quant = FakeQuantize.with_args(
    observer=MovingAveragePerChannelMinMaxObserver, qscheme=_dtypes.per_channel_affine_float_qparams,
    dtype=_dtypes.quint8, quant_min=0, quant_max=255, ch_axis=0, averaging_constant=1)
default_embedding_fake_quant_4bit = FakeQuantize.with_args(
    observer=MovingAveragePerChannelMinMaxObserver, qscheme=_dtypes.per_channel_affine_float_qparams, ch_axis=0,
    dtype=_dtypes.quint4x2, averaging_constant=1)
