"""The older weight normalization by forward pre-hook (``nn.utils.weight_norm``), deprecated in
PyTorch in favour of ``nn.utils.parametrizations.weight_norm`` but still used by many models.

The module gets parameters ``<name>_g`` (magnitude) and ``<name>_v`` (direction); before each
forward call ``<name>`` is recomputed from them as a plain attribute.
"""
import warnings

from ember.nn.parameter import Parameter, UninitializedParameter
from ember.ops.weight_norm import _weight_norm, norm_except_dim

__all__ = ['WeightNorm', 'weight_norm', 'remove_weight_norm']


class WeightNorm:
    """The forward pre-hook that recomputes ``module.<name>`` from ``<name>_g`` and ``<name>_v``."""

    def __init__(self, name, dim):
        self.name = name
        self.dim = -1 if dim is None else dim

    def compute_weight(self, module):
        g = getattr(module, self.name + '_g')
        v = getattr(module, self.name + '_v')
        return _weight_norm(v, g, self.dim)

    @staticmethod
    def apply(module, name, dim):
        for hook in module._forward_pre_hooks.values():
            if isinstance(hook, WeightNorm) and hook.name == name:
                raise RuntimeError(f'Cannot register two weight_norm hooks on the same parameter {name}')
        fn = WeightNorm(name, dim)
        weight = getattr(module, name)
        if isinstance(weight, UninitializedParameter):
            raise ValueError("The module passed to `WeightNorm` can't have uninitialized parameters. Make sure to run "
                             "the dummy forward before applying weight normalization")
        del module._parameters[name]
        module.register_parameter(name + '_g', Parameter(norm_except_dim(weight, 2, fn.dim).data))
        module.register_parameter(name + '_v', Parameter(weight.data))
        setattr(module, name, fn.compute_weight(module))
        module.register_forward_pre_hook(fn)
        return fn

    def remove(self, module):
        weight = self.compute_weight(module)
        delattr(module, self.name)
        del module._parameters[self.name + '_g']
        del module._parameters[self.name + '_v']
        setattr(module, self.name, Parameter(weight.data))

    def __call__(self, module, inputs):
        setattr(module, self.name, self.compute_weight(module))


def weight_norm(module, name='weight', dim=0):
    """Split ``module.<name>`` into ``<name>_g`` and ``<name>_v`` (deprecated: see
    ``nn.utils.parametrizations.weight_norm``).

    Example::

        >>> _ = ember.manual_seed(0)
        >>> layer = nn.utils.weight_norm(nn.Linear(3, 2))
        >>> layer.weight_g.shape, layer.weight_v.shape
        (ember.Size([2, 1]), ember.Size([2, 3]))
        >>> layer.weight_g
        Parameter containing:
        tensor([[0.5672],
                [0.5039]], requires_grad=True)
    """
    warnings.warn('`torch.nn.utils.weight_norm` is deprecated in favor of '
                  '`torch.nn.utils.parametrizations.weight_norm`.', FutureWarning, stacklevel=2)
    WeightNorm.apply(module, name, dim)
    return module


def remove_weight_norm(module, name='weight'):
    """Undo :func:`weight_norm`: ``<name>`` becomes a Parameter again, holding its current value.

    Example::

        >>> layer = nn.utils.weight_norm(nn.Linear(3, 2))
        >>> layer = nn.utils.remove_weight_norm(layer)
        >>> sorted(name for name, _ in layer.named_parameters())
        ['bias', 'weight']
    """
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, WeightNorm) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"weight_norm of '{name}' not found in {module}")
