"""Half-precision math as PyTorch's CPU kernels do it: compute in float32, round once.

PyTorch's kernels for float16 and bfloat16 load each element as float32 (its "opmath" type), run
the whole formula there, scalars included, and round the result once. NumPy (and ml_dtypes for
bfloat16) rounds after every step instead, and turns a Python scalar into the half type first,
so a multi-step op (``silu``, ``layer_norm``, ``x * 0.1``) would differ from PyTorch in the last
bit of many elements. A built-in op that computes in several steps sets ``_opmath = ALWAYS`` and
half-precision inputs then run its forward on float32 copies; ``WITH_NUMBER`` does the same only
when a Python number is an operand (``x * 0.1`` is computed in float32; ``x * y`` of two halves is
one rounding already). Ops of other dtypes pay one class-attribute test.
"""
import numpy as _np

_F32 = _np.dtype(_np.float32)
ALWAYS, WITH_NUMBER = 1, 2


def _low_precision(args):
    """The half-precision dtype of the first array among ``args``, or None."""
    for a in args:
        dt = getattr(a, 'dtype', None)
        if dt is not None and not isinstance(a, (_np.generic, type)):
            return dt if dt.itemsize == 2 and dt.kind in 'fV' else None
    return None


def opmath_forward(forward):
    """``forward`` computing in float32 when its array inputs are float16/bfloat16, rounding once at the end."""
    def run(ctx, *args, **kwargs):
        low = _low_precision(args)
        if low is None:
            return forward(ctx, *args, **kwargs)
        up = [a.astype(_F32) if getattr(a, 'dtype', None) == low and not isinstance(a, _np.generic) else a
              for a in args]
        ctx._opmath_dtype = low    # for a forward that rounds some steps as PyTorch's kernel does
        ctx._opmath_widened = tuple(u is not a for u, a in zip(up, args))   # which arguments were half
        out = forward(ctx, *up, **kwargs)
        outs = out if type(out) is tuple else (out,)
        keep = getattr(ctx, '_keep_float32', ())     # outputs the forward means to hand over in float32
        downs = tuple(o.astype(low) if getattr(o, 'dtype', None) == _F32 and i not in keep else o
                      for i, o in enumerate(outs))
        saved = getattr(ctx, '_to_save', None)
        if saved:
            # an output saved for backward must stay the very array returned (it then carries the history)
            swap = {id(o): d for o, d in zip(outs, downs) if o is not d}
            if swap:
                ctx._to_save = tuple(swap.get(id(s), s) for s in saved)
        return downs if type(out) is tuple else downs[0]
    run.__wrapped__ = forward
    run.__name__ = getattr(forward, '__name__', 'forward')
    return run


def half_aware(cls, raw, all_tensors):
    """The forward an ``_opmath`` op runs on these arrays: its float32 version for half-precision inputs."""
    dt = getattr(raw[0], 'dtype', None)
    if dt is not None and dt.itemsize == 1 and dt.kind in 'fV':
        # float8 (ml_dtypes: kind 'f' or 'V'): PyTorch's refusal when it refuses the op, else the op's own
        # float8 version where it has one (a product computed in float32 and rounded once)
        from ember.ops import _float8
        _float8.refuse_node(cls, dt)
        return getattr(cls, 'float8_forward', cls.forward)
    if (cls._opmath == WITH_NUMBER and all_tensors) or _low_precision(raw) is None:
        return cls.forward
    return cls._half_forward
