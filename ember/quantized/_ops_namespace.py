"""``ember.ops.quantized``: the quantized kernels graphs call by name (``torch.ops.quantized.add_relu``,
``quantized.linear`` with a packed weight, as FX graph mode quantization writes them), ahead of any
user-defined operator in that namespace."""
from ember.library._namespaces import _OpNamespace


class PackedWeight:
    """A quantized weight with its float bias (and, for convolutions, their settings), as the packed
    parameters ``quantized.linear``/``quantized.conv2d`` take."""

    def __init__(self, weight, bias, stride=None, padding=None, dilation=None, groups=1):
        self.weight, self.bias = weight, bias
        self.stride, self.padding, self.dilation, self.groups = stride, padding, dilation, groups

    def unpack(self):
        return self.weight, self.bias

    def __repr__(self):
        return f'PackedWeight(weight={tuple(self.weight.shape)}, bias={self.bias is not None})'


def _scalar_args(scale, zero_point):
    return float(scale), int(zero_point)


def _binary(kernel, scalar_kernel=None, relu=False):
    """Two quantized tensors requantized to ``scale``/``zero_point``; or, as ``op(qa, number)``, the
    ``.Scalar`` overload: the number combined into the input's parameters (then clamped at zero for relu)."""
    def run(qa, qb, scale=None, zero_point=None):
        if scale is None and zero_point is None and scalar_kernel is not None and isinstance(qb, (int, float)):
            from ember.quantized import _qops
            out = scalar_kernel(qa, qb)
            return _qops.relu(out) if relu else out
        return kernel(qa, qb, *_scalar_args(scale, zero_point))
    return run


def _linear(relu):
    def run(x, packed, scale, zero_point):
        from ember.quantized import _fbgemm
        return _fbgemm.linear(x, packed.weight, packed.bias, *_scalar_args(scale, zero_point), relu=relu)
    return run


def _conv(relu):
    def run(x, packed, scale, zero_point):
        from ember.quantized import _fbgemm
        return _fbgemm.conv(x, packed.weight, packed.bias, packed.stride, packed.padding, packed.dilation,
                            packed.groups, *_scalar_args(scale, zero_point), relu=relu)
    return run


def _hardswish(x, output_scale, output_zero_point):
    from ember.quantized import _qops
    return _qops.hardswish(x, *_scalar_args(output_scale, output_zero_point))


class QuantizedOp:
    """One kernel of ``quantized::``; scales and zero points may be given as one-element tensors."""

    def __init__(self, name, run):
        self.__name__ = self.__qualname__ = name
        self.__module__ = 'ember.ops.quantized'
        self._run = run

    def __call__(self, *args, **kwargs):
        return self._run(*args, **kwargs)

    def __repr__(self):
        return f'quantized.{self.__name__}'

    def name(self):
        return f'quantized::{self.__name__}'

    def __reduce__(self):
        return (_op, (self.__name__,))


def _runs():
    from ember.quantized import _qops
    runs = {'add': _binary(_qops.add, _qops.add_scalar), 'add_relu': _binary(_qops.add_relu, _qops.add_scalar, True),
            'mul': _binary(_qops.mul, _qops.mul_scalar), 'mul_relu': _binary(_qops.mul_relu, _qops.mul_scalar, True),
            'matmul': _binary(_qops.matmul)}
    runs.update(linear=_linear(False), linear_relu=_linear(True), hardswish=_hardswish)
    for dims in (1, 2, 3):
        runs[f'conv{dims}d'] = _conv(False)
        runs[f'conv{dims}d_relu'] = _conv(True)
    return runs


_OPS = {}


def _op(name):
    if not _OPS:
        _OPS.update({n: QuantizedOp(n, run) for n, run in _runs().items()})
    return _OPS[name]


class QuantizedNamespace(_OpNamespace):
    def __getattr__(self, op):
        if not op.startswith('__'):
            _op('add')
            if op in _OPS:
                return _OPS[op]
        return super().__getattr__(op)
