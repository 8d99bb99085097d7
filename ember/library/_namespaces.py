"""``ember.ops.<namespace>.<op>`` (``torch.ops...``): user-defined operators, and ``aten`` for ember's own."""
from ember.library._ops import OPS, OpOverloadPacket


class _OpNamespace:
    def __init__(self, name):
        self.name = name

    def __getattr__(self, op):
        if op.startswith('__'):
            raise AttributeError(op)
        qualname = f'{self.name}::{op}'
        if qualname not in OPS:
            raise AttributeError(f"'_OpNamespace' '{self.name}' object has no attribute '{op}'")
        return OpOverloadPacket(OPS[qualname])

    def __repr__(self):
        return f"_OpNamespace('{self.name}')"


class _AtenOp:
    """One of ember's own ops under its ATen name; every overload (``.default``, ``.Tensor``,
    ``.Scalar``, ...) is the same function, which takes them all."""

    def __init__(self, name, fn):
        self._name, self._fn = name, fn

    def __call__(self, *args, **kwargs):
        return self._fn(*args, **kwargs)

    def __getattr__(self, overload):
        if overload.startswith('__'):
            raise AttributeError(overload)
        return self

    def name(self):
        return f'aten::{self._name}'

    def __repr__(self):
        return f'aten.{self._name}'

    # ``ember.ops.aten.mm`` makes a new object each time: equal by name, so they work as dictionary keys
    def __eq__(self, other):
        return type(other) is _AtenOp and other._name == self._name

    def __hash__(self):
        return hash(('aten', self._name))


def aten_function(op):
    """ember's own function for the ATen operator ``op`` (``ember.op``, ``F.op`` or ``Tensor.op``)."""
    import ember
    import ember.nn.functional as F
    fn = getattr(ember, op, None) if not op.startswith('_') else None
    if not callable(fn) or isinstance(fn, type):
        fn = getattr(F, op, None)
    if not callable(fn) or isinstance(fn, type):
        method = getattr(ember.Tensor, op, None)
        if method is None or not callable(method):
            raise AttributeError(f"'_OpNamespace' 'aten' object has no attribute '{op}'")
        fn = method
    return fn


_ATEN_NAMES = []


def _pytorch_aten_names():
    """Every ATen operator name PyTorch registers (recorded by scripts/record_aten_names.py)."""
    if not _ATEN_NAMES:
        import pathlib
        _ATEN_NAMES.append(frozenset((pathlib.Path(__file__).parent / '_aten_names.txt').read_text().split()))
    return _ATEN_NAMES[0]


def _no_kernel(op):
    # an operator PyTorch has and ember computes with no function of its own: it resolves (libraries key
    # their tables by such operators at import) and refuses when called
    def refuse(*args, **kwargs):
        raise NotImplementedError(f"Could not run 'aten::{op}' in ember: ember has no kernel for this operator")
    return refuse


class _Aten:
    def __getattr__(self, op):
        if op.startswith('__'):
            raise AttributeError(op)
        from ember.export._aten import packet
        from ember.library._aten_only import ATEN_ONLY
        known = packet(op)       # the operators graphs are made of, with their schemas and overloads
        if known is not None:
            return known
        if op in ATEN_ONLY:
            return _AtenOp(op, ATEN_ONLY[op])
        try:
            return _AtenOp(op, aten_function(op))
        except AttributeError:
            if op not in _pytorch_aten_names():
                raise
            return _AtenOp(op, _no_kernel(op))

    def __repr__(self):
        return "_OpNamespace('aten')"


_NAMESPACES = {'aten': _Aten()}


def namespace(name):
    if name == 'c10d' and name not in _NAMESPACES:      # ember.distributed's collectives under c10d's names
        from ember.distributed._comm_count import _c10d_namespace
        return _c10d_namespace()
    if name == 'profiler' and name not in _NAMESPACES:  # profiler ranges opened and closed as operator calls
        from ember.autograd.profiler import _profiler_namespace
        _NAMESPACES[name] = _profiler_namespace()
    if name == 'quantized' and name not in _NAMESPACES:  # ember's quantized kernels, then user-defined ops
        from ember.quantized._ops_namespace import QuantizedNamespace
        _NAMESPACES[name] = QuantizedNamespace(name)
    if name not in _NAMESPACES:
        _NAMESPACES[name] = _OpNamespace(name)
    return _NAMESPACES[name]
