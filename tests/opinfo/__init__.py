"""The op table's building blocks (after PyTorch's OpInfo and Chainer's FunctionTestCase).

Each op family has a module here whose ``OPS`` list holds ``OpInfo`` rows; ``tests/op_db.py``
gathers them, ``test_ops.py`` checks forward values against the NumPy reference and
``test_ops_gradients.py`` runs gradcheck and gradgradcheck in float64 on every differentiable row,
with contiguous and non-contiguous inputs.

A row::

    OpInfo('sin', ember.sin, ref=np.sin, samples=lambda rng: [Sample(rng.standard_normal((3, 4)))])

``Sample`` arguments that are NumPy float arrays become tensors (requiring grad when the row is
differentiable); anything else (ints, tuples, int arrays for indices...) is passed through, except
integer/bool arrays, which become (non-differentiable) ember tensors.  Wrap an array in ``Const``
to pass a float tensor that must not be differentiated.
"""
import dataclasses
from typing import Any, Callable, Optional

import numpy as np


class Const:
    """A float array argument that is passed as a tensor but never differentiated."""

    def __init__(self, array):
        self.array = np.asarray(array)


class Raw:
    """An argument passed to the op exactly as given (e.g. a NumPy array the op expects)."""

    def __init__(self, value):
        self.value = value


class Sample:
    def __init__(self, *args, **kwargs):
        self.args = args
        self.kwargs = kwargs

    def __repr__(self):
        shapes = [getattr(a, 'shape', a) for a in self.args]
        return f'Sample({shapes}, {self.kwargs})'


@dataclasses.dataclass
class ErrorInput:
    """Arguments the op must reject with exactly PyTorch's exception type and message (recorded from
    PyTorch), leaving its tensor inputs unchanged."""
    sample: Sample
    error: type
    message: str


@dataclasses.dataclass
class OpInfo:
    name: str                                   # the exported name the coverage test looks for
    op: Callable                                # ember function taking (tensors..., **kwargs)
    samples: Callable                           # rng -> list[Sample]
    ref: Optional[Callable] = None              # NumPy reference on the same arguments (arrays)
    grad: bool = True                           # run gradcheck / gradgradcheck
    gradgrad: bool = True                       # run gradgradcheck (second order)
    noncontig: bool = True                      # also check non-contiguous inputs
    dtypes: tuple = ('float32', 'float64')      # dtypes for the forward check
    atol: float = 1e-5
    rtol: float = 1.3e-6
    grad_atol: float = 1e-5
    grad_rtol: float = 1e-3
    output_index: Any = None                    # pick one output of a tuple-returning op for checks
    aliases: tuple = ()                         # other exported names this row covers
    error_inputs: Optional[Callable] = None     # () -> list[ErrorInput]: PyTorch's exception type and text
    called: Optional[Callable] = None           # the public function ``op`` wraps (taking a complex result
    #                                             apart), which the grad_fn-name and saved-attribute tests call
    #                                             as their recorders call PyTorch's of the same name and
    #                                             namespace (a ``functools.partial`` ``op`` is called as it
    #                                             is, its arguments passed to PyTorch's function too)

    def __repr__(self):
        return f'OpInfo({self.name})'


def positive(rng, shape, lo=0.5, hi=2.0):
    return rng.uniform(lo, hi, shape)


def unit(rng, shape, margin=0.1):
    return rng.uniform(-1 + margin, 1 - margin, shape)


def distinct(rng, shape):
    """Values with no ties (max/min/sort gradients are only defined without ties)."""
    n = int(np.prod(shape))
    return (rng.permutation(n).astype(np.float64) / n + rng.uniform(0, 0.1 / n, n)).reshape(shape)


def noncontiguous(array):
    """The same values in a non-contiguous layout (every other element of a wider buffer)."""
    if array.ndim == 0:
        return array
    wide = np.repeat(array, 2, axis=-1)
    return wide[..., ::2]
