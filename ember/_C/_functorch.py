"""``torch._C._functorch``'s handles on vmap's batched tensors, which libraries import to tell them apart
and to batch their own containers (tensordict): a batched tensor is a plain tensor with one dimension
hidden at a vmap level."""


def is_batchedtensor(tensor):
    """Whether ``tensor`` is a tensor that ``vmap`` batched (inside a vmapped function).

    Example::

        >>> from ember._C._functorch import is_batchedtensor
        >>> is_batchedtensor(ember.ones(2))
        False
        >>> ember.func.vmap(lambda t: ember.tensor(is_batchedtensor(t)))(ember.ones(3)).tolist()
        [True, True, True]
    """
    from ember.func._batched_tensor import BatchedTensor
    return isinstance(tensor, BatchedTensor)


def _add_batch_dim(tensor, batch_dim, level):
    """``tensor`` with its dimension ``batch_dim`` hidden as the batch of vmap level ``level``.

    Example::

        >>> from ember._C._functorch import _add_batch_dim, get_unwrapped
        >>> b = _add_batch_dim(ember.zeros(4, 3), 1, 1)
        >>> b.shape, get_unwrapped(b).shape
        (ember.Size([4]), ember.Size([4, 3]))
    """
    from ember.func._batched_tensor import batched
    return batched(tensor, batch_dim % tensor.ndim, level)


def _remove_batch_dim(tensor, level, batch_size, out_dim):
    """The plain tensor under ``tensor``'s batch of level ``level``, that batch at dimension ``out_dim``; a
    tensor not batched at that level is repeated ``batch_size`` times there.

    Example::

        >>> from ember._C._functorch import _add_batch_dim, _remove_batch_dim
        >>> _remove_batch_dim(_add_batch_dim(ember.zeros(4, 3), 1, 1), 1, 3, 0).shape
        ember.Size([3, 4])
        >>> _remove_batch_dim(ember.zeros(4), 1, 3, 1).shape
        ember.Size([4, 3])
    """
    from ember.func._batched_tensor import BatchedTensor
    if isinstance(tensor, BatchedTensor) and tensor.level == level:
        return tensor.value.movedim(tensor.bdim, out_dim)
    out = tensor.unsqueeze(out_dim)
    sizes = list(out.shape)
    sizes[out_dim] = batch_size
    return out.expand(*sizes)


def get_unwrapped(tensor):
    """The plain tensor under a batched tensor (its batch dimension included).

    Example::

        >>> from ember._C._functorch import _add_batch_dim, get_unwrapped
        >>> get_unwrapped(_add_batch_dim(ember.arange(6.).view(2, 3), 0, 1)).tolist()
        [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    """
    from ember.func._batched_tensor import BatchedTensor
    if not isinstance(tensor, BatchedTensor):
        raise RuntimeError("get_unwrapped: the tensor is not a batched tensor")
    return tensor.value
