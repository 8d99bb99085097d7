"""``ember.ops.quantized``: the quantized kernels graphs call by name (``torch.ops.quantized.add_relu``, as
FX graph mode quantization writes them), ahead of any user-defined operator in that namespace."""
from ember.library._namespaces import _OpNamespace


class QuantizedOp:
    """One kernel of ``quantized::``; the scale and zero point may be given as one-element tensors."""

    def __init__(self, name, kernel):
        self.__name__ = self.__qualname__ = name
        self.__module__ = 'ember.ops.quantized'
        self._kernel = kernel

    def __call__(self, qa, qb, scale, zero_point):
        return self._kernel(qa, qb, float(scale), int(zero_point))

    def __repr__(self):
        return f'quantized.{self.__name__}'

    def name(self):
        return f'quantized::{self.__name__}'

    def __reduce__(self):
        return (_op, (self.__name__,))


def _kernels():
    from ember.quantized import _qops
    return {name: getattr(_qops, name) for name in ('add', 'add_relu', 'mul', 'mul_relu', 'matmul')}


_OPS = {}


def _op(name):
    if not _OPS:
        _OPS.update({n: QuantizedOp(n, k) for n, k in _kernels().items()})
    return _OPS[name]


class QuantizedNamespace(_OpNamespace):
    def __getattr__(self, op):
        if not op.startswith('__') and op in _kernels():
            return _op(op)
        return super().__getattr__(op)
