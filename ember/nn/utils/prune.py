"""Pruning: zero out parts of a module's parameters through a mask, as ``torch.nn.utils.prune``.

Pruning ``module.weight`` re-parametrizes it: the original values move to the parameter
``weight_orig``, the mask to the buffer ``weight_mask``, and a forward pre-hook (the pruning method
object itself) recomputes the attribute ``weight = weight_mask * weight_orig`` before every call, so
training updates ``weight_orig`` while the pruned entries stay zero. Pruning the same tensor again
combines the methods in a :class:`PruningContainer`, each new mask computed only on what earlier
ones kept. :func:`remove` makes the pruning permanent. Methods that draw random numbers use
ember's generator, so after the same seed they prune what PyTorch prunes.
"""
import numbers
from abc import ABC, abstractmethod
from collections.abc import Iterable

import ember
from ember._formats import contiguous_format

__all__ = ['BasePruningMethod', 'PruningContainer', 'Identity', 'RandomUnstructured', 'L1Unstructured',
           'RandomStructured', 'LnStructured', 'CustomFromMask', 'identity', 'random_unstructured',
           'l1_unstructured', 'random_structured', 'ln_structured', 'global_unstructured', 'custom_from_mask',
           'remove', 'is_pruned']


class BasePruningMethod(ABC):
    """Abstract base class of pruning methods: a subclass defines :meth:`compute_mask` and its
    ``PRUNING_TYPE`` (``'unstructured'``, ``'structured'`` or ``'global'``), which says on which part
    of an already pruned tensor a further pruning acts."""

    _tensor_name = None

    def __call__(self, module, inputs):
        """The forward pre-hook: refresh ``module.<name>`` from the original tensor and the mask."""
        setattr(module, self._tensor_name, self.apply_mask(module))

    @abstractmethod
    def compute_mask(self, t, default_mask):
        """The mask to use for ``t`` (the importance scores), on top of ``default_mask`` (the mask of
        earlier pruning, ones if none), which the result must respect. Same shape as ``t``."""

    def apply_mask(self, module):
        """The pruned tensor: the module's mask times its original tensor."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned")
        mask = getattr(module, self._tensor_name + '_mask')
        orig = getattr(module, self._tensor_name + '_orig')
        return mask.to(dtype=orig.dtype) * orig

    @classmethod
    def apply(cls, module, name, *args, importance_scores=None, **kwargs):
        """Prune ``module.<name>`` with a new ``cls(*args, **kwargs)``, on top of earlier pruning of
        the same tensor, and install the re-parametrization and its forward pre-hook. On failure the
        module is left as it was. Returns the method (a :class:`PruningContainer` when the tensor
        was pruned before)."""
        method = _combined_with_earlier(cls, module, name, *args, **kwargs)
        orig = getattr(module, name)
        if importance_scores is not None:
            if importance_scores.shape != orig.shape:
                raise AssertionError(f"importance_scores should have the same shape as parameter {name} of "
                                     f"{module}, got {importance_scores.shape} vs {orig.shape}")
        else:
            importance_scores = orig
        first_time = not isinstance(method, PruningContainer)
        parameters, buffers = dict(module._parameters), dict(module._buffers)
        if first_time:
            module.register_parameter(name + '_orig', orig)
            del module._parameters[name]
            default_mask = ember.ones_like(orig)
        else:
            default_mask = getattr(module, name + '_mask').detach().clone(memory_format=contiguous_format)
        try:
            mask = method.compute_mask(importance_scores, default_mask=default_mask)
            module.register_buffer(name + '_mask', mask)
            setattr(module, name, method.apply_mask(module))
            module.register_forward_pre_hook(method)
        except Exception:
            # undo the re-parametrization: the module is as before, its parameters and buffers in
            # their order (PyTorch leaves <name>_orig in place of <name>)
            module._parameters.clear()
            module._parameters.update(parameters)
            module._buffers.clear()
            module._buffers.update(buffers)
            if first_time:
                module.__dict__.pop(name, None)
            raise
        return method

    def prune(self, t, default_mask=None, importance_scores=None):
        """``t`` times the mask this method computes for it (from ``importance_scores`` if given)."""
        if importance_scores is not None:
            if importance_scores.shape != t.shape:
                raise AssertionError("importance_scores should have the same shape as tensor t, got "
                                     f"{importance_scores.shape} vs {t.shape}")
        else:
            importance_scores = t
        default_mask = default_mask if default_mask is not None else ember.ones_like(t)
        return t * self.compute_mask(importance_scores, default_mask=default_mask)

    def remove(self, module):
        """Make the pruning permanent: ``module.<name>`` becomes a plain parameter holding the
        pruned values; ``<name>_orig`` and ``<name>_mask`` go away. Pruning is not undone."""
        if self._tensor_name is None:
            raise AssertionError(f"Module {module} has to be pruned before pruning can be removed")
        name = self._tensor_name
        weight = self.apply_mask(module)
        if hasattr(module, name):
            delattr(module, name)
        orig = module._parameters[name + '_orig']
        orig.data = weight.data
        del module._parameters[name + '_orig']
        del module._buffers[name + '_mask']
        setattr(module, name, orig)


def _combined_with_earlier(cls, module, name, *args, **kwargs):
    """A new ``cls`` method for ``module.<name>``, joined with the pruning already hooked there."""
    earlier = [(k, hook) for k, hook in module._forward_pre_hooks.items()
               if isinstance(hook, BasePruningMethod) and hook._tensor_name == name]
    if len(earlier) > 1:
        raise AssertionError(f"Avoid adding multiple pruning hooks to the same tensor {name} of module {module}. "
                             "Use a PruningContainer.")
    for k, _ in earlier:
        del module._forward_pre_hooks[k]
    method = cls(*args, **kwargs)
    method._tensor_name = name
    if not earlier:
        return method
    old = earlier[0][1]
    if isinstance(old, PruningContainer):
        old.add_pruning_method(method)
        return old
    container = PruningContainer(old)
    container.add_pruning_method(method)
    return container


class PruningContainer(BasePruningMethod):
    """The sequence of pruning methods applied to one tensor; its mask is the last method's,
    computed on the part the earlier masks kept (entries for ``'unstructured'`` methods, whole
    channels along the method's ``dim`` for ``'structured'`` ones, everything for ``'global'``)."""

    def __init__(self, *args):
        self._pruning_methods = ()
        if len(args) == 1:
            self._tensor_name = args[0]._tensor_name
            self.add_pruning_method(args[0])
        else:
            for method in args:
                self.add_pruning_method(method)

    def add_pruning_method(self, method):
        """Append ``method`` (which must act on this container's tensor)."""
        if not isinstance(method, BasePruningMethod) and method is not None:
            raise TypeError(f"{type(method)} is not a BasePruningMethod subclass")
        if method is not None and self._tensor_name != method._tensor_name:
            raise ValueError("Can only add pruning methods acting on the parameter named "
                             f"'{self._tensor_name}' to PruningContainer {self}. Found '{method._tensor_name}'")
        self._pruning_methods += (method,)

    def __len__(self):
        return len(self._pruning_methods)

    def __iter__(self):
        return iter(self._pruning_methods)

    def __getitem__(self, idx):
        return self._pruning_methods[idx]

    def compute_mask(self, t, default_mask):
        method = self._pruning_methods[-1]
        mask = default_mask.to(dtype=t.dtype)
        region = _unpruned_region(method, t, default_mask)
        mask[region] = method.compute_mask(t[region], default_mask=default_mask[region]).to(dtype=mask.dtype)
        return mask


def _unpruned_region(method, t, mask):
    """The index of the part of ``t`` that ``method`` prunes further, given the earlier ``mask``."""
    kind = method.PRUNING_TYPE
    if kind == 'unstructured':
        return mask == 1
    if kind == 'structured':
        if not hasattr(method, 'dim'):
            raise AttributeError('Pruning methods of PRUNING_TYPE "structured" need to have the attribute `dim` '
                                 'defined.')
        ndim = t.dim()
        dim = method.dim + ndim if method.dim < 0 else method.dim
        if dim < 0:
            raise IndexError(f"Index is out of bounds for tensor with dimensions {ndim}")
        live_channels = mask.sum(dim=[d for d in range(ndim) if d != dim]) != 0
        index = [slice(None)] * ndim
        index[dim] = live_channels
        return tuple(index)
    if kind == 'global':
        return tuple([slice(None)] * t.dim())
    raise ValueError(f"Unrecognized PRUNING_TYPE {kind}")


class Identity(BasePruningMethod):
    """Prunes nothing: the mask is all ones (useful to re-parametrize a tensor without pruning)."""
    PRUNING_TYPE = 'unstructured'

    def compute_mask(self, t, default_mask):
        return default_mask

    @classmethod
    def apply(cls, module, name):
        return super().apply(module, name)


class RandomUnstructured(BasePruningMethod):
    """Prunes ``amount`` entries of a tensor chosen at random (an int: that many; a float in
    [0, 1]: that fraction)."""
    PRUNING_TYPE = 'unstructured'

    def __init__(self, amount):
        _check_amount(amount)
        self.amount = amount

    def compute_mask(self, t, default_mask):
        k = _count_to_prune(self.amount, t.nelement())
        mask = default_mask.clone(memory_format=contiguous_format)
        if k:
            drawn = ember.rand_like(t)
            mask.view(-1)[ember.topk(drawn.view(-1), k=k).indices] = 0
        return mask

    @classmethod
    def apply(cls, module, name, amount):
        return super().apply(module, name, amount=amount)


class L1Unstructured(BasePruningMethod):
    """Prunes the ``amount`` entries of smallest absolute value (an int: that many; a float in
    [0, 1]: that fraction)."""
    PRUNING_TYPE = 'unstructured'

    def __init__(self, amount):
        _check_amount(amount)
        self.amount = amount

    def compute_mask(self, t, default_mask):
        k = _count_to_prune(self.amount, t.nelement())
        mask = default_mask.clone(memory_format=contiguous_format)
        if k:
            mask.view(-1)[ember.topk(ember.abs(t).view(-1), k=k, largest=False).indices] = 0
        return mask

    @classmethod
    def apply(cls, module, name, amount, importance_scores=None):
        return super().apply(module, name, amount=amount, importance_scores=importance_scores)


class RandomStructured(BasePruningMethod):
    """Prunes ``amount`` whole channels along ``dim``, chosen at random."""
    PRUNING_TYPE = 'structured'

    def __init__(self, amount, dim=-1):
        _check_amount(amount)
        self.amount = amount
        self.dim = dim

    def compute_mask(self, t, default_mask):
        _check_structured(t, self.dim)
        channels = t.shape[self.dim]
        k = _count_to_prune(self.amount, channels)
        if not k:
            return default_mask
        drawn = ember.rand(channels)
        kept = drawn > ember.kthvalue(drawn, k=k).values
        mask = ember.zeros_like(t)
        mask[_along(t, self.dim, kept)] = 1
        mask *= default_mask.to(dtype=mask.dtype)
        return mask

    @classmethod
    def apply(cls, module, name, amount, dim=-1):
        return super().apply(module, name, amount=amount, dim=dim)


class LnStructured(BasePruningMethod):
    """Prunes the ``amount`` channels along ``dim`` of smallest L``n`` norm (``n``: any order
    :func:`ember.norm` accepts, ``float('inf')``, ``'fro'``, ...)."""
    PRUNING_TYPE = 'structured'

    def __init__(self, amount, n, dim=-1):
        _check_amount(amount)
        self.amount = amount
        self.n = n
        self.dim = dim

    def compute_mask(self, t, default_mask):
        _check_structured(t, self.dim)
        channels = t.shape[self.dim]
        k = _count_to_prune(self.amount, channels)
        dim = self.dim + t.dim() if self.dim < 0 else self.dim
        norms = ember.norm(t, p=self.n, dim=[d for d in range(t.dim()) if d != dim])
        kept = ember.topk(norms, k=channels - k, largest=True).indices
        if not k:
            return default_mask
        mask = ember.zeros_like(t)
        mask[_along(t, self.dim, kept)] = 1
        mask *= default_mask.to(dtype=mask.dtype)
        return mask

    @classmethod
    def apply(cls, module, name, amount, n, dim, importance_scores=None):
        return super().apply(module, name, amount=amount, n=n, dim=dim, importance_scores=importance_scores)


class CustomFromMask(BasePruningMethod):
    """Prunes with a given mask (zeros where entries are pruned)."""
    PRUNING_TYPE = 'global'

    def __init__(self, mask):
        self.mask = mask

    def compute_mask(self, t, default_mask):
        if default_mask.shape != self.mask.shape:
            raise AssertionError(f"default_mask shape {default_mask.shape} must match self.mask shape "
                                 f"{self.mask.shape}")
        return default_mask * self.mask.to(dtype=default_mask.dtype)

    @classmethod
    def apply(cls, module, name, mask):
        return super().apply(module, name, mask=mask)


# ----------------------------------------------------------------------------- the functional API
def identity(module, name):
    """Re-parametrizes ``module.<name>`` as ``<name>_orig`` times a mask of ones, pruning nothing.

    Args:
        module (nn.Module): module containing the tensor to prune.
        name (str): parameter name within ``module`` on which pruning will act.

    Returns:
        The module, modified in place.

    Example::

        >>> m = identity(nn.Linear(2, 3), 'bias')
        >>> m.bias_mask
        tensor([1., 1., 1.])
    """
    Identity.apply(module, name)
    return module


def random_unstructured(module, name, amount):
    """Prunes ``amount`` entries of ``module.<name>`` chosen uniformly at random.

    Args:
        module (nn.Module): module containing the tensor to prune.
        name (str): parameter name within ``module`` on which pruning will act.
        amount (int or float): how many entries to prune: a float in [0, 1] is the fraction of
            entries, an int their number.

    Returns:
        The module, modified in place.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> m = random_unstructured(nn.Linear(2, 3), 'weight', amount=0.5)
        >>> int((m.weight == 0).sum())
        3
        >>> m.weight_mask
        tensor([[0., 0.],
                [0., 1.],
                [1., 1.]])
    """
    RandomUnstructured.apply(module, name, amount)
    return module


def l1_unstructured(module, name, amount, importance_scores=None):
    """Prunes the ``amount`` entries of ``module.<name>`` of smallest absolute value (or of smallest
    ``importance_scores``).

    Args:
        module (nn.Module): module containing the tensor to prune.
        name (str): parameter name within ``module`` on which pruning will act.
        amount (int or float): how many entries to prune: a float in [0, 1] is the fraction of
            entries, an int their number.
        importance_scores (Tensor, optional): scores of the same shape as the parameter, used
            instead of it to choose the entries to prune.

    Returns:
        The module, modified in place.

    Example::

        >>> m = nn.Linear(3, 1)
        >>> with ember.no_grad():
        ...     _ = m.weight.copy_(ember.tensor([[0.5, -0.1, 2.0]]))
        >>> m = l1_unstructured(m, 'weight', amount=1)
        >>> m.weight
        tensor([[0.5000, -0.0000, 2.0000]], grad_fn=<MulBackward0>)
        >>> sorted(name for name, _ in m.named_parameters())
        ['bias', 'weight_orig']
    """
    L1Unstructured.apply(module, name, amount=amount, importance_scores=importance_scores)
    return module


def random_structured(module, name, amount, dim):
    """Prunes ``amount`` whole channels of ``module.<name>`` along ``dim``, chosen at random.

    Args:
        module (nn.Module): module containing the tensor to prune.
        name (str): parameter name within ``module`` on which pruning will act.
        amount (int or float): how many channels to prune: a float in [0, 1] is the fraction of
            channels, an int their number.
        dim (int): index of the dimension along which channels are pruned.

    Returns:
        The module, modified in place.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> m = random_structured(nn.Linear(2, 4), 'weight', amount=2, dim=0)
        >>> m.weight_mask
        tensor([[0., 0.],
                [0., 0.],
                [1., 1.],
                [1., 1.]])
    """
    RandomStructured.apply(module, name, amount, dim)
    return module


def ln_structured(module, name, amount, n, dim, importance_scores=None):
    """Prunes the ``amount`` channels of ``module.<name>`` along ``dim`` of smallest L``n`` norm.

    Args:
        module (nn.Module): module containing the tensor to prune.
        name (str): parameter name within ``module`` on which pruning will act.
        amount (int or float): how many channels to prune: a float in [0, 1] is the fraction of
            channels, an int their number.
        n (int, float, inf, -inf, 'fro', 'nuc'): the order of the norm (see :func:`ember.norm`).
        dim (int): index of the dimension along which channels are pruned.
        importance_scores (Tensor, optional): scores of the same shape as the parameter, used
            instead of it to choose the channels to prune.

    Returns:
        The module, modified in place.

    Example::

        >>> m = nn.Linear(2, 3)
        >>> with ember.no_grad():
        ...     _ = m.weight.copy_(ember.tensor([[1., 1.], [0.1, 0.2], [3., -1.]]))
        >>> m = ln_structured(m, 'weight', amount=1, n=2, dim=0)
        >>> m.weight_mask
        tensor([[1., 1.],
                [0., 0.],
                [1., 1.]])
    """
    LnStructured.apply(module, name, amount, n, dim, importance_scores=importance_scores)
    return module


def global_unstructured(parameters, pruning_method, importance_scores=None, **kwargs):
    """Prunes the tensors ``parameters`` together, as if they were one tensor: with
    :class:`L1Unstructured` and ``amount=0.2``, the 20 % of all their entries of smallest absolute
    value, wherever they are.

    Args:
        parameters (Iterable of (module, name) tuples): the parameters to prune.
        pruning_method (type): an unstructured pruning method class (such as
            :class:`L1Unstructured` or :class:`RandomUnstructured`).
        importance_scores (dict, optional): ``{(module, name): scores}`` used instead of the
            parameters to choose what to prune.
        kwargs: the arguments of ``pruning_method`` (such as ``amount``).

    Example::

        >>> a, b = nn.Linear(2, 1, bias=False), nn.Linear(2, 1, bias=False)
        >>> with ember.no_grad():
        ...     _ = a.weight.copy_(ember.tensor([[0.1, 5.0]]))
        ...     _ = b.weight.copy_(ember.tensor([[-0.2, 3.0]]))
        >>> global_unstructured([(a, 'weight'), (b, 'weight')], pruning_method=L1Unstructured, amount=2)
        >>> a.weight_mask, b.weight_mask
        (tensor([[0., 1.]]), tensor([[0., 1.]]))
    """
    if not isinstance(parameters, Iterable):
        raise TypeError("global_unstructured(): parameters is not an Iterable")
    importance_scores = importance_scores if importance_scores is not None else {}
    if not isinstance(importance_scores, dict):
        raise TypeError("global_unstructured(): importance_scores must be of type dict")
    parameters = list(parameters)
    from ember.nn.utils import parameters_to_vector
    scores = parameters_to_vector([importance_scores.get((m, name), getattr(m, name)) for m, name in parameters])
    earlier = parameters_to_vector([getattr(m, name + '_mask', ember.ones_like(getattr(m, name)))
                                    for m, name in parameters])
    method = pruning_method(**kwargs)
    method._tensor_name = 'temp'
    if method.PRUNING_TYPE != 'unstructured':
        raise TypeError('Only "unstructured" PRUNING_TYPE supported for the `pruning_method`. Found method '
                        f"{pruning_method} of type {method.PRUNING_TYPE}")
    container = PruningContainer()
    container._tensor_name = 'temp'
    container.add_pruning_method(method)
    final = container.compute_mask(scores, earlier)
    start = 0
    for m, name in parameters:
        param = getattr(m, name)
        custom_from_mask(m, name, mask=final[start:start + param.numel()].view_as(param))
        start += param.numel()


def custom_from_mask(module, name, mask):
    """Prunes ``module.<name>`` with the given ``mask`` (zeros where entries are pruned).

    Args:
        module (nn.Module): module containing the tensor to prune.
        name (str): parameter name within ``module`` on which pruning will act.
        mask (Tensor): the binary mask to apply to the parameter.

    Returns:
        The module, modified in place.

    Example::

        >>> m = custom_from_mask(nn.Linear(5, 3), name='bias', mask=ember.tensor([0, 1, 0]))
        >>> m.bias_mask
        tensor([0., 1., 0.])
    """
    CustomFromMask.apply(module, name, mask)
    return module


def remove(module, name):
    """Makes the pruning of ``module.<name>`` permanent: the parameter ``<name>`` holds the pruned
    values, and ``<name>_orig``, ``<name>_mask`` and the forward pre-hook are removed. Pruning
    is not undone.

    Args:
        module (nn.Module): module containing the pruned tensor.
        name (str): parameter name within ``module``.

    Returns:
        The module, modified in place.

    Example::

        >>> m = custom_from_mask(nn.Linear(2, 2), 'bias', ember.tensor([1., 0.]))
        >>> m = remove(m, 'bias')
        >>> sorted(name for name, _ in m.named_parameters()), float(m.bias.detach()[1])
        (['bias', 'weight'], 0.0)
    """
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, BasePruningMethod) and hook._tensor_name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"Parameter '{name}' of module {module} has to be pruned before pruning can be removed")


def is_pruned(module):
    """Returns ``True`` if ``module`` or one of its submodules has a pruning hook.

    Example::

        >>> m = nn.Linear(5, 7)
        >>> is_pruned(m)
        False
        >>> is_pruned(identity(m, 'weight'))
        True
    """
    return any(isinstance(hook, BasePruningMethod)
               for _, sub in module.named_modules() for hook in sub._forward_pre_hooks.values())


# ----------------------------------------------------------------------------- argument checks
def _check_amount(amount):
    if not isinstance(amount, numbers.Real):
        raise TypeError(f"Invalid type for amount: {amount}. Must be int or float.")
    if (isinstance(amount, numbers.Integral) and amount < 0) or (
            not isinstance(amount, numbers.Integral) and not 0.0 <= float(amount) <= 1.0):
        raise ValueError(f"amount={amount} should either be a float in the range [0, 1] or a non-negative integer")


def _count_to_prune(amount, size):
    """How many of ``size`` entries or channels ``amount`` means, checked against ``size``."""
    k = amount if isinstance(amount, numbers.Integral) else round(amount * size)
    if isinstance(k, numbers.Integral) and k > size:
        raise ValueError(f"amount={k} should be smaller than the number of parameters to prune={size}")
    return k


def _check_structured(t, dim):
    if t.dim() <= 1:
        raise ValueError("Structured pruning can only be applied to multidimensional tensors. Found tensor of "
                         f"shape {t.shape} with {t.dim()} dims")
    if dim >= t.dim():
        raise IndexError(f"Invalid index {dim} for tensor of size {t.shape}")


def _along(t, dim, index):
    """An index selecting ``index`` along ``dim`` of ``t`` and everything along the others."""
    full = [slice(None)] * t.dim()
    full[dim] = index
    return tuple(full)
