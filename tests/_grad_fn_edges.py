"""What the next_functions test and its recorder share: which table rows take integer or bool tensors (index
tensors, masks, conditions: PyTorch gives them no edge), and a node's tree of next_functions, read the same way
from PyTorch's nodes and ember's."""
import numpy as np

from tests.opinfo import Const, Raw

DEPTH = 3


def _non_float_array(a):
    if isinstance(a, Raw):
        return _non_float_array(a.value)
    if isinstance(a, Const):
        return a.array.dtype.kind in 'iub'
    if isinstance(a, np.ndarray):
        return a.dtype.kind in 'iub'
    if isinstance(a, (list, tuple)):
        return any(_non_float_array(x) for x in a)
    return False


def takes_index_tensors(sample):
    """Whether a sample passes an integer or bool array (which becomes a tensor without requires_grad)."""
    return any(_non_float_array(a) for a in list(sample.args) + list(sample.kwargs.values()))


def edge_tree(fn, depth=DEPTH):
    """``fn``'s name and its next_functions, to ``depth`` levels: ``[name, [child, ...]]`` with None for an
    edge to nowhere; PyTorch's namespace is written as ember's (torch::autograd:: -> ember::autograd::)."""
    if fn is None:
        return None
    name = fn.name().replace('torch::', 'ember::')
    if depth == 0:
        return [name, len(fn.next_functions)]
    return [name, [edge_tree(f, depth - 1) for f, _ in fn.next_functions]]


def output_tree(out, depth=DEPTH):
    """The tree of ``out``'s grad_fn (:func:`edge_tree`); for a tuple of outputs (an op's named tuple, an rnn's
    ``(output, h_n)``), the list of each output's tree, so that every output's node is compared (None for an
    output without one: an integer ``info``, an unrecorded result)."""
    if isinstance(out, (tuple, list)):
        return [output_tree(o, depth) for o in out]
    return edge_tree(getattr(out, 'grad_fn', None), depth)


# In-place writes into views, each a function of the framework module (torch or ember) returning the node the
# write leaves on the base: PyTorch's CopySlices, whose edges are the base's and the in-place op's other inputs'.
def _clone_of_leaf(T, *shape):
    return T.arange(float(np.prod(shape)), dtype=T.float64).reshape(shape).requires_grad_().clone()


def _setitem_slice(T):
    x = _clone_of_leaf(T, 3, 4)
    x[1:] = T.ones(2, 4, dtype=T.float64, requires_grad=True)
    return x.grad_fn


def _setitem_number(T):
    x = _clone_of_leaf(T, 3, 4)
    x[0, 0] = 5.0
    return x.grad_fn


def _setitem_broadcast_row(T):
    x = _clone_of_leaf(T, 3, 4)
    x[1:] = T.ones(1, 4, dtype=T.float64, requires_grad=True)
    return x.grad_fn


def _setitem_whole(T):
    x = _clone_of_leaf(T, 3, 4)
    x[:] = T.ones(4, dtype=T.float64, requires_grad=True)
    return x.grad_fn


def _setitem_whole_number(T):
    x = _clone_of_leaf(T, 3, 4)
    x[:] = 2.5          # fill_ of the tensor itself: FillBackward3
    return x.grad_fn


def _setitem_ellipsis_column(T):
    x = _clone_of_leaf(T, 3, 4)
    x[..., 1] = T.ones(3, dtype=T.float64, requires_grad=True)
    return x.grad_fn


def _setitem_step(T):
    x = _clone_of_leaf(T, 4, 3)
    x[::2] = T.ones(2, 3, dtype=T.float64, requires_grad=True)
    return x.grad_fn


def _setitem_rows_of_column(T):
    x = _clone_of_leaf(T, 4, 3)
    x[1:3, 0] = T.ones(2, dtype=T.float64, requires_grad=True)
    return x.grad_fn


def _setitem_zero_dim_value(T):
    x = _clone_of_leaf(T, 3, 4)
    x[1] = T.tensor(2.0, dtype=T.float64, requires_grad=True)     # fill_ of the row with the 0-dim tensor
    return x.grad_fn


def _setitem_leading_ones(T):
    x = _clone_of_leaf(T, 3, 4)
    x[...] = T.ones(1, 3, 4, dtype=T.float64, requires_grad=True)   # a view without the 1s, no expand
    return x.grad_fn


def _setitem_negative_start(T):
    x = _clone_of_leaf(T, 3, 4)
    x[-3:] = 1.0        # all rows, but through a view: its start is not 0
    return x.grad_fn


def _setitem_into_view(T):
    x = _clone_of_leaf(T, 3, 4)
    y = x[1:]
    y[0] = T.ones(4, dtype=T.float64, requires_grad=True)
    return x.grad_fn


def _setitem_index_tensor(T):
    x = _clone_of_leaf(T, 3, 4)
    x[T.tensor([0, 2])] = T.ones(2, 4, dtype=T.float64, requires_grad=True)   # index_put_: IndexPutBackward0
    return x.grad_fn


def _setitem_mask_number(T):
    x = _clone_of_leaf(T, 3, 4)
    x[x > 5] = 0.0
    return x.grad_fn


def _setitem_plain_tensor(T):
    x = T.zeros(3, 4, dtype=T.float64)
    x[1:] = T.ones(2, 4, dtype=T.float64, requires_grad=True)
    return x.grad_fn


def _mul_column(T):
    x = _clone_of_leaf(T, 3, 4)
    x[:, 0].mul_(2)
    return x.grad_fn


def _add_rows(T):
    x = _clone_of_leaf(T, 3, 4)
    x[1:].add_(T.ones(2, 4, dtype=T.float64, requires_grad=True))
    return x.grad_fn


def _copy_into_column(T):
    x = _clone_of_leaf(T, 3, 4)
    x[:, 1].copy_(T.ones(3, dtype=T.float64, requires_grad=True))
    return x.grad_fn


def _exp_of_view(T):
    x = _clone_of_leaf(T, 2, 6)
    x.view(3, 4)[0].exp_()
    return x.grad_fn


INPLACE_CASES = {f.__name__.lstrip('_'): f for f in (_setitem_slice, _setitem_number, _setitem_broadcast_row,
                                                      _setitem_whole, _setitem_whole_number, _setitem_ellipsis_column,
                                                      _setitem_step, _setitem_rows_of_column, _setitem_zero_dim_value,
                                                      _setitem_leading_ones, _setitem_negative_start,
                                                      _setitem_into_view, _setitem_index_tensor, _setitem_mask_number,
                                                      _setitem_plain_tensor, _mul_column, _add_rows,
                                                      _copy_into_column, _exp_of_view)}
