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


# F.linear beyond a matrix input: PyTorch's decomposition gives a different graph by the input's dims and layout,
# the bias's dims and which operands require grad (a view over addmm; matmul's fold or bmm under an _unsafe_view;
# the bias added after matmul). Each case is a function of the framework module returning F.linear's output.
LINEAR_DEPTH = 6      # deep enough to reach the leaves under bmm's expanded, reshaped input


def _linear_input(T, shape, layout, grad):
    n = float(np.prod(shape))
    if layout == 'contiguous':
        x = T.arange(n, dtype=T.float32).reshape(shape)
    elif layout == 'transposed':     # the last two dims swapped: the rows do not fold into a matrix
        x = T.arange(n, dtype=T.float32).reshape(*shape[:-2], shape[-1], shape[-2]).transpose(-1, -2)
    else:       # 'batch_permuted': the first two dims swapped, the rest contiguous
        x = T.arange(n, dtype=T.float32).reshape(shape[1], shape[0], *shape[2:]).transpose(0, 1)
    return (x / n).requires_grad_(grad)


def _linear_case(shape, layout, bias, x_grad, w_grad):
    def case(T):
        x = _linear_input(T, shape, layout, x_grad)
        w = (T.arange(15.0, dtype=T.float32).reshape(5, 3) / 7).requires_grad_(w_grad)
        b = None if bias is None else (T.arange(float(np.prod(bias[1])), dtype=T.float32).reshape(bias[1]) / 3
                                       ).requires_grad_(bias[0])
        return T.nn.functional.linear(x, w, b)
    return case


def _linear_cases():
    cases = {}
    for shape in ((3,), (2, 3), (2, 4, 3), (2, 2, 4, 3)):
        layouts = ('contiguous',) + (('transposed',) if len(shape) >= 3 else ()) + \
            (('batch_permuted',) if len(shape) >= 4 else ())
        biases = (None, (True, (5,)), (False, (5,))) + (((True, ()), (True, (4, 5))) if len(shape) >= 3 else ())
        for layout in layouts:
            for bias in biases:
                for x_grad, w_grad in ((True, True), (False, True), (True, False), (False, False)):
                    b = 'nobias' if bias is None else f"bias{'x'.join(map(str, bias[1])) or '0d'}" + \
                        ('' if bias[0] else '_nograd')
                    name = f"{'x'.join(map(str, shape))}_{layout}_{b}_x{'g' if x_grad else 'n'}w{'g' if w_grad else 'n'}"
                    cases[name] = _linear_case(shape, layout, bias, x_grad, w_grad)
    return cases


def _ones_case(*shapes):
    """F.linear of all-ones operands of these shapes (input, weight[, bias]), each requiring grad."""
    def case(T):
        return T.nn.functional.linear(*(T.ones(s, requires_grad=True) for s in shapes))
    return case


LINEAR_CASES = {**_linear_cases(), 'vector_weight_1d': _ones_case((3,), (3,)),
                'vector_weight_2d': _ones_case((4, 3), (3,)), 'vector_weight_3d': _ones_case((2, 4, 3), (3,)),
                'vector_weight_3d_bias0d': _ones_case((2, 4, 3), (3,), ()),
                'transposed_bias1': lambda T: T.nn.functional.linear(
                    T.ones(2, 3, 4).transpose(1, 2), T.ones(5, 3), T.ones(1, requires_grad=True))}

# F.linear's errors off the matrix path (each a function of the module; recorded as 'Type: text')
LINEAR_ERROR_CASES = {
    'vector_weight_bias': _ones_case((2, 4, 3), (3,), (1,)), 'vector_weight_2d_bias': _ones_case((4, 3), (3,), (1,)),
    'vector_weight_mismatch': _ones_case((2, 4, 3), (2,)), 'vector_weight_vector_mismatch': _ones_case((3,), (2,)),
    'batch_mismatch': _ones_case((2, 4, 3), (5, 2), (5,)), 'batch_mismatch_nobias': _ones_case((2, 4, 3), (5, 2)),
    'vector_mismatch': _ones_case((3,), (5, 2)), 'vector_mismatch_bias': _ones_case((3,), (5, 2), (5,)),
    'batch_bad_bias': _ones_case((2, 4, 3), (5, 3), (4,)), 'empty_batch_mismatch': _ones_case((0, 4, 3), (5, 2), (5,)),
    'transposed_bad_bias': lambda T: T.nn.functional.linear(T.ones(2, 3, 4).transpose(1, 2), T.ones(5, 3), T.ones(4))}
LINEAR_ERROR_CASES['transposed_mismatch'] = lambda T: T.nn.functional.linear(
    T.ones(2, 3, 4).transpose(1, 2).requires_grad_(), T.ones(5, 2, requires_grad=True), T.ones(5))


def linear_record(T, case):
    """What a linear case pins: its output's tree (LINEAR_DEPTH levels), shape and strides, and the top node's
    saved sizes or alpha."""
    y = case(T)
    fn = y.grad_fn
    saved = {a: list(v) if isinstance(v, tuple) else v for a in ('_saved_self_sym_sizes', '_saved_alpha')
             if fn is not None and (v := getattr(fn, a, None)) is not None}
    return {'tree': edge_tree(fn, LINEAR_DEPTH), 'shape': list(y.shape), 'stride': list(y.stride()), 'saved': saved}


def linear_error(T, case):
    try:
        case(T)
    except Exception as e:
        return f'{type(e).__name__}: {e}'
    return None
