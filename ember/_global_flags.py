"""Process-wide switches PyTorch scripts set at the top: deterministic algorithms, warn-always,
anomaly detection, float32 matmul precision, denormal flushing, the legacy default tensor type.

ember's kernels are NumPy's, which give the same result on every run for the same inputs, so
``use_deterministic_algorithms(True)`` holds by construction; the flags are kept and reported so
code that checks them sees what it set.
"""
import warnings

_deterministic = {'enabled': False, 'warn_only': False, 'fill_uninitialized_memory': True}
_warn_always = False
_matmul_precision = 'highest'
_DEBUG_MODES = ('default', 'warn', 'error')


def fill_uninitialized(t, start=0):
    """What deterministic mode promises for memory nobody wrote (``empty``, ``empty_like``, what ``resize_``
    adds from flat index ``start``): NaN in floating and complex tensors, the largest value in integer ones,
    True in bool ones, as PyTorch fills it while ``ember.utils.deterministic.fill_uninitialized_memory`` is
    on. Otherwise ember's empty tensors hold zeros, and memory ``resize_`` adds is left as the allocator
    gave it."""
    if not (_deterministic['enabled'] and _deterministic['fill_uninitialized_memory']) or t.device.type == 'meta':
        return t
    import numpy as np
    from ember import strided
    if t.layout is not strided:     # an empty sparse tensor stores no elements: there is nothing to fill
        return t
    data = t._data
    kind = data.dtype.kind
    if kind == 'b':
        value = True
    elif kind in 'iu':
        value = np.iinfo(data.dtype).max
    else:
        value = float('nan')
    if start == 0:
        data[...] = value
    else:       # resize_'s new tail: its array is freshly made, contiguous, so the flat view writes through
        data.reshape(-1)[start:] = value
    return t


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Asks for deterministic algorithms only: the same inputs then always give bitwise the same results. Every
    ember operation is already deterministic, so the setting changes no result; it is kept so that scripts that
    set it run unchanged, and :func:`ember.are_deterministic_algorithms_enabled` reports it.

    Args:
        mode (bool): turn deterministic mode on (``True``) or off (``False``).

    Keyword args:
        warn_only (bool, optional): in PyTorch, warn instead of raising when an operation has no deterministic
            implementation. Default: ``False``.

    Example::

        >>> ember.use_deterministic_algorithms(True)
        >>> ember.are_deterministic_algorithms_enabled()
        True
        >>> ember.use_deterministic_algorithms(False)
    """
    # (PyTorch's argument errors name the internal function its parser checks them for)
    if not isinstance(mode, bool):
        raise TypeError("_set_deterministic_algorithms(): argument 'mode' (position 1) must be bool, not "
                        f"{type(mode).__name__}")
    if not isinstance(warn_only, bool):
        raise TypeError(f"_set_deterministic_algorithms(): argument 'warn_only' must be bool, not "
                        f"{type(warn_only).__name__}")
    _deterministic['enabled'], _deterministic['warn_only'] = mode, warn_only


def are_deterministic_algorithms_enabled():
    """Returns ``True`` if :func:`ember.use_deterministic_algorithms` has turned deterministic mode on (every ember
    operation is deterministic either way).

    Example::

        >>> ember.are_deterministic_algorithms_enabled()
        False
    """
    return _deterministic['enabled']


def is_deterministic_algorithms_warn_only_enabled():
    """Returns ``True`` if deterministic mode was turned on with ``warn_only=True``.

    Example::

        >>> ember.is_deterministic_algorithms_warn_only_enabled()
        False
    """
    return _deterministic['warn_only']


def set_deterministic_debug_mode(debug_mode):
    """Sets deterministic mode with one value, an alternative spelling of :func:`ember.use_deterministic_algorithms`.

    Args:
        debug_mode (str or int): ``'default'`` or ``0`` turns deterministic mode off; ``'warn'`` or ``1`` turns
            it on with ``warn_only=True``; ``'error'`` or ``2`` turns it on.

    Example::

        >>> ember.set_deterministic_debug_mode('error')
        >>> ember.are_deterministic_algorithms_enabled(), ember.is_deterministic_algorithms_warn_only_enabled()
        (True, False)
        >>> ember.set_deterministic_debug_mode('default')
    """
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, `error`, but got "
                               f"{debug_mode}")
        debug_mode = _DEBUG_MODES.index(debug_mode)
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode():
    """Returns the deterministic debug mode as set by :func:`ember.set_deterministic_debug_mode`: ``0`` (off),
    ``1`` (warn) or ``2`` (error).

    Example::

        >>> ember.set_deterministic_debug_mode('warn')
        >>> ember.get_deterministic_debug_mode()
        1
        >>> ember.set_deterministic_debug_mode(0)
    """
    if not _deterministic['enabled']:
        return 0
    return 1 if _deterministic['warn_only'] else 2


def set_warn_always(b, /):
    """Asks that warnings PyTorch shows once per process be shown every time. ember's warnings go through
    Python's :mod:`warnings` filters, which decide how often they show; the flag is kept and reported by
    :func:`ember.is_warn_always_enabled`.

    Args:
        b (bool): the new setting.

    Example::

        >>> ember.set_warn_always(True)
        >>> ember.is_warn_always_enabled()
        True
        >>> ember.set_warn_always(False)
    """
    global _warn_always
    _warn_always = bool(b)


def is_warn_always_enabled():
    """Returns ``True`` if :func:`ember.set_warn_always` has asked for warnings to be shown every time.

    Example::

        >>> ember.is_warn_always_enabled()
        False
    """
    return _warn_always


def set_float32_matmul_precision(precision):
    """Sets how much precision float32 matrix multiplications may give up for speed on hardware with faster
    internal formats (TF32, bfloat16). ember's CPU matmuls always compute in full float32 whatever the setting.

    Args:
        precision (str): ``'highest'`` (the default: full float32), ``'high'`` or ``'medium'``. Any other value
            warns and changes nothing.

    Example::

        >>> ember.set_float32_matmul_precision('high')
        >>> ember.get_float32_matmul_precision()
        'high'
        >>> ember.set_float32_matmul_precision('highest')
    """
    global _matmul_precision
    if precision not in ('highest', 'high', 'medium'):
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    _matmul_precision = precision


def get_float32_matmul_precision():
    """Returns the float32 matrix multiplication precision set by :func:`ember.set_float32_matmul_precision`:
    ``'highest'`` (the default), ``'high'`` or ``'medium'``.

    Example::

        >>> ember.get_float32_matmul_precision()
        'highest'
    """
    return _matmul_precision


def set_flush_denormal(mode):
    """Asks the CPU to flush denormal (subnormal) floating-point numbers to zero.

    With ``mode=True`` results too small to be normal numbers become zero, and such numbers read as
    zero, in every float32/float64 computation ember runs on the CPU. As in PyTorch, this sets the x86
    control register's flush-to-zero and denormals-are-zero bits. The register belongs to a thread: the
    calling thread and the threads it starts afterwards flush; threads already running (a BLAS library's
    workers) keep their setting.

    ember sets the register through the C library on x86-64 Linux with glibc, and returns ``True``
    there (as PyTorch does on x86 CPUs); elsewhere it returns ``False`` and changes nothing.

    Args:
        mode (bool): ``True`` to flush denormals, ``False`` to keep them.

    Returns:
        bool: whether the setting could be applied.

    Example::

        >>> if ember.set_flush_denormal(True):   # 1e-39 is a float32 denormal
        ...     print(ember.tensor([1e-39]), ember.tensor([1e-38]) / 100)
        tensor([0.]) tensor([0.])
        >>> _ = ember.set_flush_denormal(False)
        >>> ember.tensor([1e-38]) / 100
        tensor([9.9999e-41])
    """
    if not isinstance(mode, bool):
        raise RuntimeError(f"flush_denormal expects a bool, but got {type(mode).__name__}")
    from ember.backend import _denormals
    return _denormals.set_flush_to_zero(mode)


def set_anomaly_enabled(enabled, check_nan=True):
    """Switches autograd's anomaly detection on or off (what :class:`ember.autograd.set_detect_anomaly` does for a
    block of code), until it is switched again.

    Args:
        enabled (bool): turn anomaly detection on or off.
        check_nan (bool, optional): also raise when a backward function returns ``nan``. Default: ``True``.

    Example::

        >>> ember.set_anomaly_enabled(True)
        >>> ember.is_anomaly_enabled(), ember.is_anomaly_check_nan_enabled()
        (True, True)
        >>> ember.set_anomaly_enabled(False)
    """
    from ember.autograd import anomaly_mode
    anomaly_mode._set(enabled, check_nan)


def is_anomaly_enabled():
    """Returns ``True`` if autograd anomaly detection is on (see :class:`ember.autograd.detect_anomaly`).

    Example::

        >>> ember.is_anomaly_enabled()
        False
        >>> with ember.autograd.detect_anomaly():
        ...     print(ember.is_anomaly_enabled())
        ...
        True
    """
    from ember.autograd import anomaly_mode
    return anomaly_mode._enabled


def is_anomaly_check_nan_enabled():
    """Returns ``True`` if anomaly detection also checks every backward result for ``nan`` (the ``check_nan``
    argument of :class:`ember.autograd.detect_anomaly`).

    Example::

        >>> with ember.autograd.detect_anomaly(check_nan=False):
        ...     print(ember.is_anomaly_check_nan_enabled())
        ...
        False
    """
    from ember.autograd import anomaly_mode
    return anomaly_mode._check_nan


def set_default_tensor_type(t, /):
    """Deprecated: use :func:`ember.set_default_dtype`. Sets the default floating-point dtype from a legacy tensor
    type, with a ``UserWarning``.

    Args:
        t (type or str): a floating-point legacy tensor type (``ember.DoubleTensor``) or its name
            (``'torch.FloatTensor'``).

    Example::

        >>> ember.set_default_tensor_type(ember.DoubleTensor)
        >>> ember.tensor([1.5]).dtype
        ember.float64
        >>> ember.set_default_tensor_type('torch.FloatTensor')
        >>> ember.get_default_dtype()
        ember.float32
    """
    from ember import _dtype
    warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.", UserWarning,
                  stacklevel=2)
    name = t if isinstance(t, str) else getattr(t, '__name__', str(t))
    name = name.split('.')[-1]
    by_name = {'FloatTensor': 'float32', 'DoubleTensor': 'float64', 'HalfTensor': 'float16',
               'BFloat16Tensor': 'bfloat16'}
    if name not in by_name:
        raise TypeError("only floating-point types are supported as the default type")
    _dtype.set_default_dtype(_dtype._dtype_by_name(by_name[name]))
