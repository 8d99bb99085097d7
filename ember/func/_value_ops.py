"""Helpers of ember ops that compute from a tensor's values outside any op (the sorting order behind
sort/argsort, the picks of topk and kthvalue, the positions behind argmax/argmin). A batched tensor cannot give them values, so
while vmap runs they are swapped (as ``Function.apply`` is) for versions that compute a batched
tensor's whole batch at once on its physical tensor; other tensors go to the originals.
"""
from ember.func._batched_tensor import BatchedTensor, batch_first, batched

_saved = []


def _argsort(input, dim, descending):
    from ember.ops import reduce
    if type(input) is not BatchedTensor:
        return _saved[-1][0](input, dim, descending)
    p = batch_first(input, input.level)
    return batched(reduce._argsort(p, dim + 1 if dim >= 0 else dim, descending), 0, input.level)


def _topk_index(input, k, dim, largest, sorted_):
    from ember.ops import reduce
    if type(input) is not BatchedTensor:
        return _saved[-1][2](input, k, dim, largest, sorted_)
    p = batch_first(input, input.level)
    return batched(reduce._topk_index(p, k, dim + 1 if dim >= 0 else dim, largest, sorted_), 0, input.level)


def _kth_index(input, k, dim):
    from ember.ops import reduce
    if type(input) is not BatchedTensor:
        return _saved[-1][3](input, k, dim)
    p = batch_first(input, input.level)
    return batched(reduce._kth_index(p, k, dim + 1 if dim >= 0 else dim), 0, input.level)


def _arg(input, dim, keepdim, take_max):
    from ember.ops import reduce
    from ember.ops._util import wrap_dim
    if type(input) is not BatchedTensor or input.numel() == 0 or input.dim() == 0:
        return _saved[-1][1](input, dim, keepdim, take_max)
    p = batch_first(input, input.level)
    size = p.shape[0]
    if dim is None:
        out = reduce._arg(p.reshape(size, -1), 1, False, take_max)
        if keepdim:
            out = out.reshape((size,) + (1,) * input.dim())
    else:
        out = reduce._arg(p, wrap_dim(dim, input.dim()) + 1, keepdim, take_max)
    return batched(out, 0, input.level)


def install():
    from ember.ops import reduce
    _saved.append((reduce._argsort, reduce._arg, reduce._topk_index, reduce._kth_index))
    reduce._argsort, reduce._arg, reduce._topk_index, reduce._kth_index = _argsort, _arg, _topk_index, _kth_index


def uninstall():
    from ember.ops import reduce
    reduce._argsort, reduce._arg, reduce._topk_index, reduce._kth_index = _saved.pop()
