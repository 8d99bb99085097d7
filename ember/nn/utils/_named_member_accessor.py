"""``torch.nn.utils._named_member_accessor``: put a tensor in a module's place for a parameter, buffer or
tensor attribute and get back the one it replaced (tensordict swaps module state this way)."""
from ember._tensor import Tensor

# the value that stands for "no tensor there" (swapping it in removes the name, swapping out reports absence)
_MISSING = object()


def swap_tensor(module, name, tensor, allow_missing=False):
    """Put ``tensor`` where ``module`` keeps ``name`` (a parameter, a buffer or a tensor attribute) and return
    what was there; ``tensor`` may be ``None``. A name the module lacks raises ``AttributeError`` unless
    ``allow_missing``.

    Example::

        >>> from ember.nn.utils._named_member_accessor import swap_tensor
        >>> lin = ember.nn.Linear(2, 1)
        >>> old = swap_tensor(lin, 'bias', ember.zeros(1))
        >>> isinstance(old, ember.nn.Parameter), lin.bias.tolist()
        (True, [0.0])
    """
    from ember.nn.modules.module import Module
    if not isinstance(module, Module):
        raise TypeError(f"{module} is not an instance of ember.nn.Module")
    if tensor is not _MISSING and tensor is not None and not isinstance(tensor, Tensor):
        raise TypeError(f"{tensor} is not an instance of ember.Tensor")
    if '.' in name:
        raise KeyError('tensor name can\'t contain "."')
    if name == '':
        raise KeyError('tensor name can\'t be empty string ""')
    for store in (module._parameters, module._buffers):
        if name in store:
            original = store[name]
            if tensor is _MISSING:
                del store[name]
            else:
                store[name] = tensor
            return original
    if hasattr(module, name):
        original = getattr(module, name)
        if original is not None and not isinstance(original, Tensor):
            raise TypeError(f"attribute `{name}`: {original} is not an instance of ember.Tensor")
    elif allow_missing:
        original = _MISSING
    else:
        raise AttributeError(f"{module._get_name()} has no attribute `{name}`")
    if tensor is not _MISSING:
        setattr(module, name, tensor)
    elif hasattr(module, name):
        delattr(module, name)
    return original


def set_tensor(module, name, tensor):
    """Put ``tensor`` where ``module`` keeps ``name``, as :func:`swap_tensor`, returning nothing.

    Example::

        >>> from ember.nn.utils._named_member_accessor import set_tensor
        >>> lin = ember.nn.Linear(2, 1)
        >>> set_tensor(lin, 'bias', ember.ones(1)); lin.bias.tolist()
        [1.0]
    """
    swap_tensor(module, name, tensor)
