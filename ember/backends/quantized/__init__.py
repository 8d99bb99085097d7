"""``torch.backends.quantized``: the engine that runs quantized operators.

ember computes every quantized operator with FBGEMM's arithmetic (PyTorch's x86 engine), so it offers the
two names PyTorch gives that arithmetic, ``'x86'`` (the default) and ``'fbgemm'``. (On CPUs with VNNI,
PyTorch's ``'x86'`` engine runs convolutions with symmetric weights through oneDNN, whose rounding can
differ in the last integer; ``'fbgemm'`` there matches ember exactly.) Other engines compute differently
and are refused, as PyTorch refuses engines it was built without.
"""
import sys
import types

_ENGINES = ('x86', 'fbgemm')
_state = {'engine': 'x86'}


class _QuantizedModule(types.ModuleType):
    @property
    def engine(self):
        """The quantized engine's name: ``'x86'`` or ``'fbgemm'``."""
        return _state['engine']

    @engine.setter
    def engine(self, name):
        name = 'x86' if name is None else str(name)
        if name == 'none':
            name = 'x86'
        if name in ('qnnpack', 'onednn'):
            raise RuntimeError(f"quantized engine {name.upper()} is not supported")
        if name not in _ENGINES:
            raise RuntimeError(f"{name} is not a valid value for quantized engine")
        _state['engine'] = name

    @property
    def supported_engines(self):
        """The engines ember offers."""
        return list(_ENGINES)


sys.modules[__name__].__class__ = _QuantizedModule
