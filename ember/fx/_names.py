"""The public dotted name of an ember function (``ember.relu``, ``ember.nn.functional.relu``), which
fx prints in graphs and generated code instead of the file that happens to define it."""
import json
import os
import sys

# searched in this order: the first namespace holding the very object names it
_NAMESPACES = ('ember', 'ember.nn.functional', 'ember.linalg', 'ember.fft', 'ember.special')


_C_NN = []     # ember.nn.functional's functions that PyTorch keeps in torch._C._nn, by their name there


def _c_nn_names():
    if not _C_NN:
        with open(os.path.join(os.path.dirname(__file__), '_c_functional_names.json')) as fh:
            _C_NN.append(json.load(fh))
    return _C_NN[0]


def public_name(func):
    from ember._torch_function import unwrapped
    name = getattr(func, '__name__', None)
    if not isinstance(name, str):
        return None
    func = unwrapped(func)
    functional = sys.modules.get('ember.nn.functional')
    if name in _c_nn_names() and functional is not None and unwrapped(functional.__dict__.get(name)) is func:
        return f'ember._C._nn.{_c_nn_names()[name]}'
    for space in _NAMESPACES:
        module = sys.modules.get(space)
        if module is not None and unwrapped(module.__dict__.get(name)) is func:
            return f'{space}.{name}'
    from ember._tensor import Tensor
    if unwrapped(Tensor.__dict__.get(name)) is func:
        return f'ember.Tensor.{name}'
    return None
