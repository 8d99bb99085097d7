"""Names PyTorch exports from a module file whose class ember defines in another file.

``torch.nn.modules.activation.MultiheadAttention`` lives in ember's transformer.py,
``torch.nn.modules.linear.LazyLinear`` in lazy_layers.py, and so on. Importing those files
from each other at load time would be circular, so each PyTorch-named file resolves these names
on first access through :func:`lookup` (a module ``__getattr__``).
"""
import importlib

_HOMES = {
    'activation': {'MultiheadAttention': 'transformer', 'NonDynamicallyQuantizableLinear': 'transformer'},
    'linear': {'LazyLinear': 'lazy_layers', 'NonDynamicallyQuantizableLinear': 'transformer',
               'LazyModuleMixin': 'lazy', 'UninitializedParameter': '..parameter'},
    'conv': {name: 'lazy_layers' for name in ('LazyConv1d', 'LazyConv2d', 'LazyConv3d', 'LazyConvTranspose1d',
                                              'LazyConvTranspose2d', 'LazyConvTranspose3d', '_LazyConvXdMixin')}
    | {'LazyModuleMixin': 'lazy', 'UninitializedParameter': '..parameter', '_single': 'utils', '_pair': 'utils',
       '_triple': 'utils'},
    'container': {'Container': 'deprecated'},
    'loss': {'NLLLoss2d': 'deprecated', 'PairwiseDistance': 'distance', 'CTCLoss': 'ctc',
             'LinearCrossEntropyLoss': 'linear_cross_entropy'},
    'normalization': {'RMSNorm': 'rms_norm'},
    'pooling': {'AdaptiveMaxPool3d': 'pooling3d', 'LPPool3d': 'pooling3d', 'MaxUnpool3d': 'pooling3d',
                'FractionalMaxPool2d': 'fractional_pool', 'FractionalMaxPool3d': 'fractional_pool',
                '_triple': 'utils'},
    'padding': {'_pair': 'utils', '_quadruple': 'utils'},
    'rnn': {'PackedSequence': 'ember.nn.utils.rnn'},
}


def lookup(module_name, name):
    """The attribute ``name`` of ember's ``module_name`` found in its other home, or AttributeError."""
    file = module_name.rsplit('.', 1)[-1]
    home = _HOMES.get(file, {}).get(name)
    if home is None:
        raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
    if home == '..parameter':
        home = 'ember.nn.parameter'
    target = home if home.startswith('ember.') else f'ember.nn.modules.{home}'
    return getattr(importlib.import_module(target), name)


def names(module_name):
    """The names :func:`lookup` resolves for ``module_name`` (for ``dir()``)."""
    return list(_HOMES.get(module_name.rsplit('.', 1)[-1], ()))
