"""Turning a table row's Sample into ember arguments and NumPy references."""
import numpy as np

import ember
from tests.opinfo import Const, Raw


def to_ember(sample, dtype, requires_grad, noncontig=False):
    from tests.opinfo import noncontiguous

    def conv(a):
        if isinstance(a, Raw):
            return a.value
        if isinstance(a, Const):
            arr = a.array.astype(dtype) if a.array.dtype.kind == 'f' else a.array
            return ember.tensor(arr)
        if isinstance(a, np.ndarray):
            if a.dtype.kind == 'f':
                arr = a.astype(dtype)
                if noncontig:
                    arr = noncontiguous(arr)
                t = ember.from_numpy(arr.copy() if not noncontig else arr)
                return t.requires_grad_(requires_grad)
            return ember.from_numpy(a.copy())
        if isinstance(a, (list, tuple)) and a and all(isinstance(x, np.ndarray) for x in a):
            return type(a)(conv(x) for x in a)
        return a
    args = [conv(a) for a in sample.args]
    kwargs = {k: conv(v) for k, v in sample.kwargs.items()}
    return args, kwargs


def to_numpy_args(sample, dtype):
    def conv(a):
        if isinstance(a, Raw):
            return a.value
        if isinstance(a, Const):
            return a.array.astype(dtype) if a.array.dtype.kind == 'f' else a.array
        if isinstance(a, np.ndarray) and a.dtype.kind == 'f':
            return a.astype(dtype)
        if isinstance(a, (list, tuple)) and a and all(isinstance(x, np.ndarray) for x in a):
            return type(a)(conv(x) for x in a)
        return a
    return [conv(a) for a in sample.args], {k: conv(v) for k, v in sample.kwargs.items()}


def pick(out, index):
    if index is None:
        return out
    return out[index]


def differentiable_inputs(args, kwargs):
    flat = list(args) + list(kwargs.values())
    found = []
    for a in flat:
        if isinstance(a, ember.Tensor) and a.requires_grad:
            found.append(a)
        elif isinstance(a, (list, tuple)):
            found.extend(x for x in a if isinstance(x, ember.Tensor) and x.requires_grad)
    return found
