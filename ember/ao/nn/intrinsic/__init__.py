"""Fused modules for quantization (``torch.ao.nn.intrinsic``): float fusions here, their quantized forms in
``ember.ao.nn.intrinsic.quantized``."""
from ember.ao.nn.intrinsic.modules import *  # noqa: F401,F403
from ember.ao.nn.intrinsic.modules import _FusedModule, __all__  # noqa: F401


def __getattr__(name):
    if name in ('quantized', 'qat'):
        import importlib
        return importlib.import_module(f'{__name__}.{name}')
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
