"""The public dotted name of an ember function (``ember.relu``, ``ember.nn.functional.relu``), which
fx prints in graphs and generated code instead of the file that happens to define it."""
import sys

# searched in this order: the first namespace holding the very object names it
_NAMESPACES = ('ember', 'ember.nn.functional', 'ember.linalg', 'ember.fft', 'ember.special')


def public_name(func):
    from ember._torch_function import unwrapped
    name = getattr(func, '__name__', None)
    if not isinstance(name, str):
        return None
    func = unwrapped(func)
    for space in _NAMESPACES:
        module = sys.modules.get(space)
        if module is not None and unwrapped(module.__dict__.get(name)) is func:
            return f'{space}.{name}'
    from ember._tensor import Tensor
    if unwrapped(Tensor.__dict__.get(name)) is func:
        return f'ember.Tensor.{name}'
    return None
