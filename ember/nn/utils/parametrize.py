"""Parametrizations: a module's parameter computed by small modules from stored "original" tensors.

``register_parametrization(m, 'weight', P())`` moves ``m.weight`` to
``m.parametrizations.weight.original`` and makes ``m.weight`` a property that returns
``P()(original)`` on every access (or once per :func:`cached` block). Assigning ``m.weight = X``
stores ``P.right_inverse(X)`` in the original. The module's class becomes a subclass named
``Parametrized<Class>``, as in PyTorch, so reprs and state-dict keys read the same.
"""
import collections.abc
import copyreg
from contextlib import contextmanager
from copy import deepcopy

from ember._tensor import Tensor
from ember.autograd import grad_mode
from ember.nn.modules.container import ModuleDict, ModuleList
from ember.nn.parameter import Parameter

__all__ = ['cached', 'ParametrizationList', 'register_parametrization', 'is_parametrized', 'remove_parametrizations',
           'type_before_parametrizations', 'transfer_parametrizations_and_params']

_cache_enabled = 0
_cache = {}


@contextmanager
def cached():
    """Within this block each parametrized tensor is computed once, at its first access.

    Example::

        >>> class Double(nn.Module):
        ...     def forward(self, X):
        ...         return 2 * X
        >>> layer = nn.Linear(2, 2)
        >>> _ = nn.utils.parametrize.register_parametrization(layer, 'weight', Double())
        >>> with nn.utils.parametrize.cached():
        ...     layer.weight is layer.weight
        True
        >>> layer.weight is layer.weight
        False
    """
    global _cache_enabled
    _cache_enabled += 1
    try:
        yield
    finally:
        _cache_enabled -= 1
        if not _cache_enabled:
            _cache.clear()


def _register_parameter_or_buffer(module, name, value):
    if isinstance(value, Parameter):
        module.register_parameter(name, value)
    else:
        module.register_buffer(name, value)


def _maybe_set(dest, src):
    # the stored original keeps its identity (optimizers hold it) and takes the new values' storage
    dest.data = src


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, applied in order, with the ``original`` tensor(s) they read.
    :func:`register_parametrization` makes one per parametrized tensor and keeps it in
    ``module.parametrizations.<name>``; calling it computes the parametrized value.

    Args:
        modules (sequence of nn.Module): the parametrizations, at least one.
        original (Tensor): the unparametrized value (passed through the ``right_inverse`` methods, where the
            parametrizations have them, to give ``original``).
        unsafe (bool, optional): skip the checks that the parametrized value keeps the shape and dtype.
            Default: ``False``.

    Example::

        >>> class Double(nn.Module):
        ...     def forward(self, x):
        ...         return 2 * x
        >>> lin = nn.Linear(2, 2)
        >>> _ = nn.utils.parametrize.register_parametrization(lin, 'bias', Double())
        >>> plist = lin.parametrizations.bias
        >>> type(plist).__name__, bool((lin.bias == 2 * plist.original).all())
        ('ParametrizationList', True)
    """

    def __init__(self, modules, original, unsafe=False):
        if len(modules) == 0:
            raise ValueError('ParametrizationList requires one or more modules.')
        super().__init__(modules)
        self.unsafe = unsafe
        original_shape, original_dtype = original.shape, original.dtype
        with grad_mode.no_grad():
            new = original
            for module in reversed(self):
                if hasattr(module, 'right_inverse'):
                    try:
                        new = module.right_inverse(new)
                    except NotImplementedError:
                        pass
        if not isinstance(new, (Tensor, collections.abc.Sequence)):
            raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                             f"Got {type(new).__name__}")
        self.is_tensor = isinstance(new, Tensor)
        self.ntensors = 1 if self.is_tensor else len(new)
        if self.is_tensor:
            if original.dtype != new.dtype:
                raise ValueError('When `right_inverse` outputs one tensor, it may not change the dtype.\n'
                                 f'original.dtype: {original.dtype}\nright_inverse(original).dtype: {new.dtype}')
            if original.device != new.device:
                raise ValueError('When `right_inverse` outputs one tensor, it may not change the device.\n'
                                 f'original.device: {original.device}\n'
                                 f'right_inverse(original).device: {new.device}')
            with grad_mode.no_grad():
                _maybe_set(original, new)
            _register_parameter_or_buffer(self, 'original', original)
        else:
            for i, part in enumerate(new):
                if not isinstance(part, Tensor):
                    raise ValueError("'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). "
                                     f"Got element {i} of the sequence with type {type(part).__name__}.")
                if isinstance(original, Parameter):
                    part = Parameter(part, original.requires_grad)
                part.requires_grad_(original.requires_grad)
                _register_parameter_or_buffer(self, f'original{i}', part)
        if not self.unsafe:
            z = self()
            if not isinstance(z, Tensor):
                raise ValueError(f'A parametrization must return a tensor. Got {type(z).__name__}.')
            if z.dtype != original_dtype:
                raise ValueError('Registering a parametrization may not change the dtype of the tensor, unless '
                                 f'`unsafe` flag is enabled.\nunparametrized dtype: {original_dtype}\n'
                                 f'parametrized dtype: {z.dtype}')
            if z.shape != original_shape:
                raise ValueError('Registering a parametrization may not change the shape of the tensor, unless '
                                 f'`unsafe` flag is enabled.\nunparametrized shape: {original_shape}\n'
                                 f'parametrized shape: {z.shape}')

    def right_inverse(self, value):
        """Store ``value`` as the parametrized tensor: the right inverses in reverse order, into the originals."""
        with grad_mode.no_grad():
            for module in reversed(self):
                if not hasattr(module, 'right_inverse'):
                    raise RuntimeError(f'parametrization {type(module).__name__} does not implement right_inverse.')
                value = module.right_inverse(value)
            if self.is_tensor:
                if not isinstance(value, Tensor):
                    raise ValueError(f'`right_inverse` should return a tensor. Got {type(value).__name__}')
                if value.dtype != self.original.dtype:
                    raise ValueError(f'The tensor returned by `right_inverse` has dtype {value.dtype} while '
                                     f'`original` has dtype {self.original.dtype}')
                _maybe_set(self.original, value)
            else:
                if not isinstance(value, collections.abc.Sequence):
                    raise ValueError(f"'right_inverse' must return a sequence of tensors. Got {type(value).__name__}.")
                if len(value) != self.ntensors:
                    raise ValueError(f"'right_inverse' must return a sequence of tensors of length {self.ntensors}. "
                                     f"Got a sequence of length {len(value)}.")
                for i, t in enumerate(value):
                    original_i = getattr(self, f'original{i}')
                    if not isinstance(t, Tensor):
                        raise ValueError("'right_inverse' must return a sequence of tensors or reference-type opaques."
                                         f" Got element {i} of type {type(t).__name__}.")
                    if original_i.dtype != t.dtype:
                        raise ValueError(f'Tensor {i} returned by `right_inverse` has dtype {t.dtype} while '
                                         f'`original{i}` has dtype {original_i.dtype}')
                    _maybe_set(original_i, t)

    def forward(self):
        if self.is_tensor:
            x = self[0](self.original)
        else:
            x = self[0](*(getattr(self, f'original{i}') for i in range(self.ntensors)))
        for module in list(self)[1:]:
            x = module(x)
        return x


def _inject_new_class(module):
    cls = module.__class__

    def default_deepcopy(self, memo):
        obj = memo.get(id(self), None)
        if obj is not None:
            return obj
        replica = self.__new__(self.__class__)
        memo[id(self)] = replica
        replica.__dict__ = deepcopy(self.__dict__, memo)
        for slot in copyreg._slotnames(self.__class__):
            if hasattr(self, slot):
                setattr(replica, slot, deepcopy(getattr(self, slot), memo))
        return replica

    def getstate(self):
        raise RuntimeError('Serialization of parametrized modules is only supported through state_dict(). See:\n'
                           'https://pytorch.org/tutorials/beginner/saving_loading_models.html'
                           '#saving-loading-a-general-checkpoint-for-inference-and-or-resuming-training')

    namespace = {'__getstate__': getstate}
    if not hasattr(cls, '__deepcopy__'):
        namespace['__deepcopy__'] = default_deepcopy
    module.__class__ = type(f'Parametrized{cls.__name__}', (cls,), namespace)


def _inject_property(module, tensor_name):
    if hasattr(module, tensor_name):
        raise AssertionError(f"Module already has an attribute named '{tensor_name}'")

    def get_parametrized(self):
        parametrization = self.parametrizations[tensor_name]
        if _cache_enabled:
            key = (id(self), tensor_name)
            tensor = _cache.get(key)
            if tensor is None:
                tensor = _cache[key] = parametrization()
            return tensor
        return parametrization()

    def set_original(self, value):
        self.parametrizations[tensor_name].right_inverse(value)

    setattr(module.__class__, tensor_name, property(get_parametrized, set_original))


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    """Make ``module.<tensor_name>`` the output of ``parametrization`` (see the module docstring).

    Registering a second parametrization on the same tensor chains it after the first.
    ``unsafe=True`` allows the parametrization to change the tensor's shape or dtype.

    Example::

        >>> class Symmetric(nn.Module):
        ...     def forward(self, X):
        ...         return X.triu() + X.triu(1).T
        >>> layer = nn.Linear(3, 3)
        >>> _ = nn.utils.parametrize.register_parametrization(layer, 'weight', Symmetric())
        >>> ember.equal(layer.weight, layer.weight.T)
        True
        >>> layer.parametrizations.weight.original.shape
        ember.Size([3, 3])
    """
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name):
        if not unsafe:
            y = getattr(module, tensor_name)
            x = parametrization(y)
            if not isinstance(x, Tensor):
                raise ValueError(f'A parametrization must return a tensor. Got {type(x).__name__}.')
            if x.dtype != y.dtype:
                raise ValueError('Registering a parametrization may not change the dtype of the tensor, unless the '
                                 f'`unsafe` flag is enabled.\nmodule.{tensor_name}.dtype: {y.dtype}\n'
                                 f'parametrization(module.{tensor_name}).dtype: {x.dtype}')
            if x.shape != y.shape:
                raise ValueError('Registering a parametrization may not change the shape of the tensor, unless the '
                                 f'`unsafe` flag is enabled.\nmodule.{tensor_name}.shape: {y.shape}\n'
                                 f'parametrization(module.{tensor_name}).shape: {x.shape}')
            if hasattr(parametrization, 'right_inverse'):
                try:
                    z = parametrization.right_inverse(x)
                except NotImplementedError:
                    pass
                else:
                    if not isinstance(z, Tensor):
                        raise ValueError(f'parametrization.right_inverse must return a tensor. Got: '
                                         f'{type(z).__name__}')
                    if z.dtype != y.dtype:
                        raise ValueError('The tensor returned by parametrization.right_inverse must have the same '
                                         f'dtype as module.{tensor_name}, unless the `unsafe` flag is enabled.\n'
                                         f'module.{tensor_name}.dtype: {y.dtype}\nreturned dtype: {z.dtype}')
                    if z.shape != y.shape:
                        raise ValueError('The tensor returned by parametrization.right_inverse must have the same '
                                         f'shape as module.{tensor_name}, unless the `unsafe` flag is enabled.\n'
                                         f'module.{tensor_name}.shape: {y.shape}\nreturned shape: {z.shape}')
        module.parametrizations[tensor_name].append(parametrization)
        module.parametrizations[tensor_name].unsafe |= unsafe
    elif tensor_name in module._buffers or tensor_name in module._parameters:
        original = getattr(module, tensor_name)
        parametrizations = ParametrizationList([parametrization], original, unsafe=unsafe)
        delattr(module, tensor_name)
        if not is_parametrized(module):
            _inject_new_class(module)
            module.parametrizations = ModuleDict()
        _inject_property(module, tensor_name)
        module.parametrizations[tensor_name] = parametrizations
    else:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a parametrized element with name "
                         f"'{tensor_name}'")
    return module


def is_parametrized(module, tensor_name=None):
    """Whether ``module`` has a parametrization (on ``tensor_name``, when given).

    Example::

        >>> layer = nn.Linear(2, 2)
        >>> nn.utils.parametrize.is_parametrized(layer)
        False
        >>> _ = nn.utils.parametrize.register_parametrization(layer, 'weight', nn.Identity())
        >>> nn.utils.parametrize.is_parametrized(layer), nn.utils.parametrize.is_parametrized(layer, 'bias')
        (True, False)
    """
    parametrizations = getattr(module, 'parametrizations', None)
    if parametrizations is None or not isinstance(parametrizations, ModuleDict):
        return False
    return len(parametrizations) > 0 if tensor_name is None else tensor_name in parametrizations


def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    """Undo :func:`register_parametrization` on ``tensor_name``.

    ``leave_parametrized=True`` keeps the current parametrized value (in the original Parameter
    object); ``False`` restores the stored original (only for a single original tensor).

    Example::

        >>> class Double(nn.Module):
        ...     def forward(self, X):
        ...         return 2 * X
        >>> layer = nn.Linear(2, 2, bias=False)
        >>> _ = nn.init.ones_(layer.weight)
        >>> _ = nn.utils.parametrize.register_parametrization(layer, 'weight', Double())
        >>> _ = nn.utils.parametrize.remove_parametrizations(layer, 'weight')
        >>> layer.weight
        Parameter containing:
        tensor([[2., 2.],
                [2., 2.]], requires_grad=True)
        >>> nn.utils.parametrize.is_parametrized(layer)
        False
    """
    if not is_parametrized(module, tensor_name):
        raise ValueError(f'Module {module} does not have a parametrization on {tensor_name}')
    parametrizations = module.parametrizations[tensor_name]
    if parametrizations.is_tensor:
        original = parametrizations.original
        if leave_parametrized:
            with grad_mode.no_grad():
                t = getattr(module, tensor_name)
                _maybe_set(original, t)
    else:
        if not leave_parametrized:
            raise ValueError('Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized '
                             'in terms of a sequence of tensors.')
        t = getattr(module, tensor_name)
        original = Parameter(t.detach()) if t.requires_grad else t
    delattr(module.__class__, tensor_name)
    del module.parametrizations[tensor_name]
    _register_parameter_or_buffer(module, tensor_name, original)
    if not is_parametrized(module):
        delattr(module, 'parametrizations')
        module.__class__ = module.__class__.__bases__[0]
    return module


def type_before_parametrizations(module):
    """The module's class before any parametrization was registered.

    Example::

        >>> layer = nn.Linear(2, 2)
        >>> _ = nn.utils.parametrize.register_parametrization(layer, 'weight', nn.Identity())
        >>> type(layer).__name__, nn.utils.parametrize.type_before_parametrizations(layer).__name__
        ('ParametrizedLinear', 'Linear')
    """
    return module.__class__.__bases__[0] if is_parametrized(module) else type(module)


def transfer_parametrizations_and_params(from_module, to_module, tensor_name=None):
    """Give ``to_module`` the parametrizations (and their originals) of ``from_module``.

    Only ``tensor_name`` when given, otherwise every parametrized tensor.

    Example::

        >>> class Double(nn.Module):
        ...     def forward(self, X):
        ...         return 2 * X
        >>> src, dst = nn.Linear(2, 2), nn.Linear(2, 2)
        >>> _ = nn.utils.parametrize.register_parametrization(src, 'weight', Double())
        >>> _ = nn.utils.parametrize.transfer_parametrizations_and_params(src, dst)
        >>> nn.utils.parametrize.is_parametrized(dst, 'weight')
        True
        >>> ember.equal(dst.weight, src.weight)
        True
    """
    if not is_parametrized(from_module):
        return to_module
    names = list(from_module.parametrizations) if tensor_name is None else [tensor_name]
    for name in names:
        if not hasattr(to_module, name):
            setattr(to_module, name, Parameter(getattr(from_module, name)))
        for parametrization in from_module.parametrizations[name]:
            register_parametrization(to_module, name, parametrization)
        with grad_mode.no_grad():
            source = from_module.parametrizations[name]
            target = to_module.parametrizations[name]
            if source.is_tensor:
                target.original.data = source.original.detach().clone()
            else:
                for i in range(source.ntensors):
                    getattr(target, f'original{i}').data = getattr(source, f'original{i}').detach().clone()
    return to_module
