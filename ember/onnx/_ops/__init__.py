"""How each captured ember op becomes ONNX nodes: one small function per op, looked up by the op's
name in ``CONVERTERS``; the families live in their own files and register themselves on import."""
from . import (arith, cumulative, elementwise, fused, index, linalg, nn, predicates, reduce, rnn,  # noqa: F401
               loss, scatter, selection, shape)  # (registration)
from ._core import CONVERTERS, Call

__all__ = ['CONVERTERS', 'Call']
