"""``autocast``: a context manager (and decorator) running ops in the dtypes of PyTorch's autocast policies;
``custom_fwd``/``custom_bwd`` for a custom ``autograd.Function`` under autocast."""
import collections.abc
import functools
import warnings

import numpy as np

import ember
from ember._dtype import float16, float64
from ember._tensor import Tensor
from ember.amp import _state

__all__ = ['autocast_decorator', 'autocast', 'is_autocast_available', 'custom_fwd', 'custom_bwd']

# NOTE: ember's devices; autocast for other PyTorch device types (mps, xpu, ...) is refused
_AVAILABLE = ('cpu', 'cuda')


def is_autocast_available(device_type):
    """Returns whether autocast can run on ``device_type``.

    Args:
        device_type (str): a device type such as ``'cpu'`` or ``'cuda'``.

    Returns:
        bool: ``True`` for ``'cpu'`` and ``'cuda'``, the device types ember runs on.

    Example::

        >>> ember.amp.is_autocast_available('cpu')
        True
    """
    return _state._device_type(device_type) in _AVAILABLE


def autocast_decorator(autocast_instance, func):
    @functools.wraps(func)
    def decorate_autocast(*args, **kwargs):
        with autocast_instance:
            return func(*args, **kwargs)
    return decorate_autocast


def _supported_dtypes():
    return [ember.bfloat16, float16] if ember._dtype.HAS_BFLOAT16 else [float16]


class autocast:
    """Run the enclosed ops in mixed precision: matmuls and convolutions in ``dtype``, precision-sensitive
    ops (losses, reductions, linear algebra) in float32, following PyTorch's per-op lists.

    Args:
        device_type (str): 'cpu' or 'cuda'.
        dtype: the lower-precision dtype (default: bfloat16 on CPU, float16 on CUDA).
        enabled (bool): whether autocast is on in the region.
        cache_enabled (bool): cache the lower-precision copies of weights within the region.

    >>> import ember
    >>> a, b = ember.ones(2, 3), ember.ones(3, 2)
    >>> with ember.autocast('cpu', dtype=ember.float16):
    ...     (a @ b).dtype
    ember.float16
    """

    def __init__(self, device_type, dtype=None, enabled=True, cache_enabled=None):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        self.device = device_type
        if not is_autocast_available(device_type):
            raise RuntimeError(f"User specified an unsupported autocast device_type '{device_type}'")
        self.fast_dtype = _state.get_autocast_dtype(device_type) if dtype is None else dtype
        self._cache_enabled = _state.is_autocast_cache_enabled() if cache_enabled is None else cache_enabled
        if enabled:
            if device_type == 'cuda' and not ember.cuda.is_available():
                warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.", stacklevel=2)
                enabled = False
            elif device_type == 'cpu' and self.fast_dtype is None:
                # NOTE: the CPU default is bfloat16, which ember has only with the ml_dtypes package
                raise RuntimeError("CPU autocast defaults to ember.bfloat16, which needs the ml_dtypes package "
                                   "(pip install ml_dtypes); or pass dtype=ember.float16")
            elif self.fast_dtype not in _supported_dtypes():
                name = device_type.upper()
                warnings.warn(f"In {name} autocast, but the target dtype is not supported. Disabling autocast.\n"
                              f"{name} Autocast only supports dtypes of "
                              + ", ".join(map(str, _supported_dtypes())) + " currently.", stacklevel=2)
                enabled = False
        self._enabled = enabled

    def __enter__(self):
        self.prev_cache_enabled = _state.is_autocast_cache_enabled()
        self.prev = _state.is_autocast_enabled(self.device)
        self.prev_fastdtype = _state.get_autocast_dtype(self.device)
        _state.set_autocast_enabled(self.device, self._enabled)
        _state.set_autocast_dtype(self.device, self.fast_dtype)
        _state.autocast_increment_nesting()
        _state.set_autocast_cache_enabled(self._cache_enabled)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if _state.autocast_decrement_nesting() == 0:
            _state.clear_autocast_cache()
        _state.set_autocast_enabled(self.device, self.prev)
        _state.set_autocast_dtype(self.device, self.prev_fastdtype)
        _state.set_autocast_cache_enabled(self.prev_cache_enabled)
        return False

    def __call__(self, func):
        if not callable(func):
            raise TypeError(f"autocast()(func) requires a callable, but got {type(func).__name__}. "
                            "Did you mean to use autocast as a context manager? For example:\n"
                            "    with ember.autocast(device_type=...):\n"
                            "        output = model(input)")
        return autocast_decorator(self, func)


def _cast(value, device_type, dtype):
    """``value`` with its eligible tensors (floating, not float64, on ``device_type``) cast to ``dtype``,
    looking inside lists, tuples, dicts and other iterables."""
    if isinstance(value, Tensor):
        eligible = value.is_floating_point() and value.device.type == device_type and value.dtype is not float64
        return value.to(dtype) if eligible else value
    if isinstance(value, (str, bytes, np.ndarray)):
        return value
    if isinstance(value, collections.abc.Mapping):
        return {_cast(k, device_type, dtype): _cast(v, device_type, dtype) for k, v in value.items()}
    if isinstance(value, collections.abc.Iterable):
        iterable = (_cast(v, device_type, dtype) for v in value)
        return type(value)(iterable) if isinstance(value, (list, tuple)) else iterable
    return value


def _check_device_type(device_type):
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")


def custom_fwd(fwd=None, *, device_type, cast_inputs=None):
    """Decorate a custom ``autograd.Function``'s ``forward``: with ``cast_inputs``, inside an autocast region
    its floating inputs are cast to that dtype and it runs with autocast off; without, it runs under the
    surrounding autocast state, which :func:`custom_bwd` then restores for ``backward``.

    Example::

        >>> class Scale(ember.autograd.Function):
        ...     @staticmethod
        ...     @ember.amp.custom_fwd(device_type='cpu', cast_inputs=ember.float32)
        ...     def forward(ctx, x):
        ...         return x * 2
        >>> with ember.autocast('cpu', dtype=ember.bfloat16):
        ...     Scale.apply(ember.ones(2, dtype=ember.bfloat16)).dtype
        ember.float32
    """
    _check_device_type(device_type)
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        args[0]._dtype = _state.get_autocast_dtype(device_type)
        if cast_inputs is None:
            args[0]._fwd_used_autocast = _state.is_autocast_enabled(device_type)
            return fwd(*args, **kwargs)
        args[0]._fwd_used_autocast = False
        if _state.is_autocast_enabled(device_type):
            with autocast(device_type=device_type, enabled=False):
                return fwd(*_cast(args, device_type, cast_inputs), **_cast(kwargs, device_type, cast_inputs))
        return fwd(*args, **kwargs)
    return decorate_fwd


def custom_bwd(bwd=None, *, device_type):
    """Decorate a custom ``autograd.Function``'s ``backward`` to run under the autocast state its forward saw.

    Example::

        >>> class Square(ember.autograd.Function):
        ...     @staticmethod
        ...     @ember.amp.custom_fwd(device_type='cpu')
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x * x
        ...     @staticmethod
        ...     @ember.amp.custom_bwd(device_type='cpu')
        ...     def backward(ctx, grad):
        ...         x, = ctx.saved_tensors
        ...         return 2 * x * grad
        >>> x = ember.tensor([3.], requires_grad=True)
        >>> Square.apply(x).sum().backward()
        >>> x.grad
        tensor([6.])
    """
    _check_device_type(device_type)
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)

    @functools.wraps(bwd)
    def decorate_bwd(*args, **kwargs):
        with autocast(device_type=device_type, enabled=args[0]._fwd_used_autocast, dtype=args[0]._dtype):
            return bwd(*args, **kwargs)
    return decorate_bwd
