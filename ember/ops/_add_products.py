"""``addmm``, ``addmv``, ``baddbmm``, ``addbmm`` and ``addr`` (``beta * input + alpha * product``) recorded as
one node each, as PyTorch records them (``AddmmBackward0`` over the input and both factors, with its saved
``alpha``/``beta``/factors), instead of the mul/add/product nodes ember computes the value with.

The value is the composite's, computed unrecorded (so its numbers, half-precision handling and errors stay
those of the functions in ``linalg.py``); the node returns it and differentiates as PyTorch's formulas do,
with ember's ops, so any order of derivatives works.
"""
import ember
from ember.autograd import _saved_attrs as _sa
from ember.autograd.function import Primitive
from ember.ops import _one_node


def _scaled(g, s):
    return g if s == 1 else g * s


class _AddProduct(Primitive):
    """The node of ``beta * input + alpha * product(a, b)``; ``forward`` hands back the value made outside."""
    factor_names = ('mat1', 'mat2')

    @staticmethod
    def forward(ctx, input, a, b, beta, alpha, value):
        need = ctx.needs_input_grad
        ctx.args = (beta, alpha)
        ctx.input_shape = input.shape
        ctx.save_for_backward(a if need[2] else None, b if need[1] else None)
        if need[1] != need[2]:      # one factor's gradient only: the other's strides for grad_fn._saved_*
            _sa.keep_unsaved_strides(ctx, 1, a) if need[1] else _sa.keep_unsaved_strides(ctx, 2, b)
        return value

    @classmethod
    def factor_grads(cls, g, a, b, need):
        raise NotImplementedError

    @classmethod
    def backward(cls, ctx, g):
        a, b = ctx.saved_tensors
        beta, alpha = ctx.args
        need = ctx.needs_input_grad
        gi = _scaled(g, beta).sum_to_size(ctx.input_shape) if need[0] else None
        ga, gb = cls.factor_grads(_scaled(g, alpha), a, b, need)
        return gi, ga, gb, None, None, None


class AddmmNode(_AddProduct):
    keeps_saved_strides = True
    node_name = 'AddmmBackward0'
    saved_names = ('mat1', 'mat2')
    saved_attrs = {'alpha': _sa.item('args', 1), 'beta': _sa.item('args', 0), 'mat1': _sa.saved(0),
                   'mat1_sym_sizes': _sa.input_sizes(1, 0), 'mat1_sym_strides': _sa.strides_of_saved(0, 1),
                   'mat2': _sa.saved(1), 'mat2_sym_sizes': _sa.input_sizes(2, 1),
                   'mat2_sym_strides': _sa.strides_of_saved(1, 2)}  # grad_fn._saved_*, read lazily

    @classmethod
    def factor_grads(cls, g, a, b, need):
        return (g.mm(b.t().conj()) if need[1] else None), (a.t().conj().mm(g) if need[2] else None)


class AddmvNode(_AddProduct):
    node_name = 'AddmvBackward0'
    saved_names = ('mat', 'vec')
    saved_attrs = {'alpha': _sa.item('args', 1), 'beta': _sa.item('args', 0), 'mat': _sa.saved(0),
                   'vec': _sa.saved(1)}

    @classmethod
    def factor_grads(cls, g, a, b, need):
        return (ember.outer(g, b.conj()) if need[1] else None), (a.t().conj().mv(g) if need[2] else None)


class BaddbmmNode(_AddProduct):
    node_name = 'BaddbmmBackward0'
    saved_names = ('batch1', 'batch2')
    saved_attrs = {'alpha': _sa.item('args', 1), 'beta': _sa.item('args', 0), 'batch1': _sa.saved(0),
                   'batch2': _sa.saved(1)}

    @classmethod
    def factor_grads(cls, g, a, b, need):
        return ((g.bmm(b.transpose(1, 2).conj()) if need[1] else None),
                (a.transpose(1, 2).conj().bmm(g) if need[2] else None))


class AddbmmNode(_AddProduct):
    node_name = 'AddbmmBackward0'
    saved_names = ('batch1', 'batch2')
    saved_attrs = {'alpha': _sa.item('args', 1), 'beta': _sa.item('args', 0), 'batch1': _sa.saved(0),
                   'batch1_sym_argsize_0': lambda node: node._input_meta[1][0][0],
                   'batch1_sym_argsize_1': lambda node: node._input_meta[1][0][1],
                   'batch2': _sa.saved(1), 'batch2_sym_argsize_2': lambda node: node._input_meta[2][0][2]}

    @classmethod
    def factor_grads(cls, g, a, b, need):
        count = (a if a is not None else b).shape[0]
        gg = g.unsqueeze(0).expand(count, *g.shape)
        return ((gg.bmm(b.transpose(1, 2).conj()) if need[1] else None),
                (a.transpose(1, 2).conj().bmm(gg) if need[2] else None))


class AddrNode(_AddProduct):
    node_name = 'AddrBackward0'
    saved_names = ('vec1', 'vec2')
    saved_attrs = {'alpha': _sa.item('args', 1), 'beta': _sa.item('args', 0), 'vec1': _sa.saved(0),
                   'vec2': _sa.saved(1)}

    @classmethod
    def factor_grads(cls, g, a, b, need):
        return (g.mv(b.conj()) if need[1] else None), (g.t().mv(a.conj()) if need[2] else None)


def one_node(node, compute, input, a, b, beta, alpha):
    """``compute(input, a, b)`` (the composite) recorded as ``node`` when autograd records the call."""
    return _one_node.one_node(node, compute, (input, a, b), beta, alpha)
