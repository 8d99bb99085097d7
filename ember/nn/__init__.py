"""ember.nn: layers, containers, parameters, initialisers and the functional API.

>>> import ember.nn as nn
>>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
"""
from ember.nn.modules import *  # noqa: F401,F403
from ember.nn.modules import Module  # noqa: F401
from ember.nn.parameter import Parameter, Buffer, UninitializedParameter, UninitializedBuffer  # noqa: F401
from ember.nn import init  # noqa: F401
from ember.nn import functional  # noqa: F401
from ember.nn import utils  # noqa: F401
from ember.nn import grad  # noqa: F401
from ember.nn import common_types  # noqa: F401
from ember.nn._factory_kwargs import factory_kwargs  # noqa: F401
from ember.nn.modules.batchnorm import SyncBatchNorm  # noqa: F401
from ember.nn.parallel import DataParallel  # noqa: F401,E402  (and ember.nn.parallel)

from ember.nn import attention  # noqa: F401,E402


def __getattr__(name):
    # the quantized modules load on first use (``ember.nn.quantized``, PyTorch's older home for ember.ao.nn's)
    if name in ('quantized', 'intrinsic', 'qat'):
        import importlib
        return importlib.import_module(f'ember.nn.{name}')
    raise AttributeError(f"module 'ember.nn' has no attribute '{name}'")
