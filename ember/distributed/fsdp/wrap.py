"""Which submodules ``FullyShardedDataParallel(auto_wrap_policy=...)`` wraps in FSDP modules of their own.

A policy is called as ``policy(module=m, recurse=..., nonwrapped_numel=n)``: with ``recurse=True`` it says
whether to look inside ``m``; with ``recurse=False`` whether to wrap ``m`` itself, given the ``n``
parameters of ``m`` not already wrapped below it."""
import ember.nn as nn

__all__ = ['always_wrap_policy', 'lambda_auto_wrap_policy', 'transformer_auto_wrap_policy',
           'size_based_auto_wrap_policy', 'ModuleWrapPolicy', 'CustomPolicy', 'wrap', 'enable_wrap']


def always_wrap_policy(*args, **kwargs):
    """Wrap every submodule."""
    return True


def lambda_auto_wrap_policy(module, recurse, nonwrapped_numel, lambda_fn):
    """Wrap the submodules for which ``lambda_fn(module)`` is True."""
    return True if recurse else bool(lambda_fn(module))


def transformer_auto_wrap_policy(module, recurse, nonwrapped_numel, transformer_layer_cls):
    """Wrap every instance of the classes in ``transformer_layer_cls`` (a transformer's layers)."""
    return True if recurse else isinstance(module, tuple(transformer_layer_cls))


def size_based_auto_wrap_policy(module, recurse, nonwrapped_numel, min_num_params=int(1e8), force_leaf_modules=None,
                                exclude_wrap_modules=None):
    """Wrap a submodule once at least ``min_num_params`` of its parameters are not wrapped below it."""
    force_leaf = size_based_auto_wrap_policy.FORCE_LEAF_MODULES if force_leaf_modules is None else force_leaf_modules
    exclude = size_based_auto_wrap_policy.EXCLUDE_WRAP_MODULES if exclude_wrap_modules is None else exclude_wrap_modules
    big = nonwrapped_numel >= min_num_params
    if recurse:
        return big and not isinstance(module, tuple(force_leaf))
    return big and not isinstance(module, tuple(exclude))


size_based_auto_wrap_policy.EXCLUDE_WRAP_MODULES = {nn.ModuleList, nn.ModuleDict}
size_based_auto_wrap_policy.FORCE_LEAF_MODULES = {nn.MultiheadAttention}


class ModuleWrapPolicy:
    """Wrap every instance of ``module_classes``."""

    def __init__(self, module_classes):
        self._module_classes = tuple(set(module_classes))

    def __call__(self, module, recurse, nonwrapped_numel):
        return True if recurse else isinstance(module, self._module_classes)


class CustomPolicy:
    """Wrap the submodules for which ``lambda_fn(module)`` is True (a dict of FSDP arguments for that
    module is not supported by ember and raises)."""

    def __init__(self, lambda_fn):
        self._lambda_fn = lambda_fn

    def __call__(self, module, recurse, nonwrapped_numel):
        if recurse:
            return True
        result = self._lambda_fn(module)
        if isinstance(result, dict):
            raise NotImplementedError("CustomPolicy returning per-module FSDP arguments is not supported by ember")
        return bool(result)


def recursive_wrap(module, policy, wrapper, ignored=(), only_wrap_children=False):
    """(module or its wrapper, number of its parameters wrapped), wrapping depth first."""
    from ember.distributed.fsdp.fully_sharded_data_parallel import FullyShardedDataParallel
    if isinstance(module, FullyShardedDataParallel) or module in ignored:
        return module, 0
    nonwrapped = sum(p.numel() for p in module.parameters())
    if not policy(module=module, recurse=True, nonwrapped_numel=nonwrapped):
        return module, 0
    wrapped_total = 0
    for name, child in list(module.named_children()):
        new_child, n = recursive_wrap(child, policy, wrapper, ignored)
        if new_child is not child:
            module._modules[name] = new_child
        wrapped_total += n
    remainder = nonwrapped - wrapped_total
    if not only_wrap_children and policy(module=module, recurse=False, nonwrapped_numel=remainder):
        return wrapper(module), nonwrapped
    return module, wrapped_total


_wrap_kwargs = []


def wrap(module, **wrap_overrides):
    """Inside ``enable_wrap(wrapper_cls=..., **kwargs)``: ``wrapper_cls(module, **kwargs)``; else ``module``."""
    if not _wrap_kwargs:
        return module
    kwargs = {**_wrap_kwargs[-1], **wrap_overrides}
    cls = kwargs.pop('wrapper_cls')
    return cls(module, **kwargs)


class enable_wrap:
    """Context in which ``wrap(module)`` wraps with ``wrapper_cls`` and these arguments."""

    def __init__(self, *, wrapper_cls, **wrapper_kwargs):
        self.kwargs = {'wrapper_cls': wrapper_cls, **wrapper_kwargs}

    def __enter__(self):
        _wrap_kwargs.append(self.kwargs)

    def __exit__(self, *exc):
        _wrap_kwargs.pop()
