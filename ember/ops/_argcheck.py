"""PyTorch's argument-type errors, shared by the factories and ops.

PyTorch's argument parser checks each argument against the declared type before an op runs; a
function with one signature names the argument (``zeros(): argument 'dtype' must be torch.dtype, not
str``), one with several overloads lists the types it got. These helpers give the same errors; they
are called where PyTorch's parser would check, with plain ``isinstance`` tests on the normal path.
"""
import numpy as np

from ember._device import device as _device_cls
from ember._dtype import dtype as _dtype_cls

_DEVICE_LIKE = (_device_cls, str, int)
_PYTHON_TYPES = (float, int, bool, complex)     # Python's types stand for dtypes too (float: float64)
_BOOLS = (bool, np.bool_)


def argument_error(fn, param, expected, value, position=None):
    """The TypeError for ``value`` given as ``param`` of ``fn`` where ``expected`` is taken."""
    where = f" (position {position})" if position else ''
    from ember.ops._argparse import type_name
    return TypeError(f"{fn}(): argument '{param}'{where} must be {expected}, not {type_name(value)}")


def bad_factory_option(dtype=None, device=None, requires_grad=False, layout=None):
    """The name and expected type of the first factory option of the wrong type, or None."""
    if dtype is not None and not (isinstance(dtype, _dtype_cls) or any(dtype is t for t in _PYTHON_TYPES)):
        return 'dtype', 'ember.dtype', dtype    # NumPy's dtypes and types are refused, as in PyTorch
    if device is not None and (not isinstance(device, _DEVICE_LIKE) or isinstance(device, bool)):
        return 'device', 'ember.device', device
    if not isinstance(requires_grad, _BOOLS):
        return 'requires_grad', 'bool', requires_grad
    if layout is not None and isinstance(layout, str):
        return 'layout', 'ember.layout', layout
    return None


def check_factory_options(fn, dtype=None, device=None, requires_grad=False, layout=None):
    """PyTorch's TypeError when a factory's ``dtype``/``device``/``requires_grad``/``layout`` has the
    wrong type (``dtype='float32'`` is refused, as in PyTorch)."""
    bad = bad_factory_option(dtype, device, requires_grad, layout)
    if bad is not None:
        from ember.ops import _argparse
        _argparse.refuse_from_stack()   # the error of the function the user called (x.new_zeros)
        raise argument_error(fn, bad[0], bad[1], bad[2])


def signature_text(fn):
    """``fn``'s parameters as the overload line of an invalid-combination error shows them."""
    import inspect
    return str(inspect.signature(fn).replace(return_annotation=inspect.Signature.empty))


def invalid_combination(fn, args, kwargs, signature):
    """The TypeError of a function with several overloads that match none: the types it got
    (keywords as ``name=type``), then the signature ember takes."""
    got = [type(a).__name__ for a in args]
    got += [f"{k}={type(v).__name__}" for k, v in kwargs.items()]
    return TypeError(f"{fn}() received an invalid combination of arguments - got ({', '.join(got)}), "
                     f"but expected one of:\n * {signature}\n")
