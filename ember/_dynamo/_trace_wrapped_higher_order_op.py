"""``torch._dynamo._trace_wrapped_higher_order_op.TransformGetItemToIndex``, the mode libraries enter
(transformers' attention masks) so that indexing a tensor with scalar tensors (``mask[b, kv_idx]``
inside ``vmap``) stays tensor indexing instead of turning the index into a Python number."""
import ember
from ember.overrides import TorchFunctionMode
from ember.utils import _pytree


def mod_index(x, indices):
    """``x`` indexed by a list of integer tensors, one per leading dimension (differentiable in ``x``)."""
    return x[tuple(indices)]


class TransformGetItemToIndex(TorchFunctionMode):
    """Inside it, ``tensor[i, j]`` with integer or integer-tensor indices indexes with tensors (a Python
    int becoming a 0-d int64 tensor); other calls run as they are."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if func is ember.Tensor.__getitem__:
            indexed = args[0]
            if not isinstance(indexed, ember.Tensor):
                raise AssertionError(f"expected torch.Tensor, got {type(indexed)}")
            leaves = _pytree.tree_leaves(args[1])
            if all(isinstance(x, (ember.Tensor, int)) for x in leaves):
                return mod_index(indexed, [ember.tensor(x, dtype=ember.int64, device=indexed.device)
                                           if isinstance(x, int) else x for x in leaves])
        return func(*args, **(kwargs or {}))
