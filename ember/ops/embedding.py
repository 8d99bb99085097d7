"""Lookup tables: F.embedding, F.embedding_bag and F.one_hot."""
import numbers
import numpy as np

from ember import backend
from ember._tensor import Tensor
from ember.autograd import _saved_attrs as _sa
from ember.autograd import grad_mode
from ember.autograd.function import Primitive
from ember.ops import _argparse, _one_node
from ember.ops._half import is_half_array
from ember.ops._registry import op
from ember.ops._util import python_reads, require_tensor


class Embedding(Primitive):
    """Rows of ``weight`` picked by integer ``indices``."""
    node_name = 'EmbeddingBackward0'
    # (a padding index of None shows as PyTorch's -1)
    saved_attrs = {'indices': _sa.saved(0),
                   'padding_idx': _sa.item('args', 1, lambda p: _sa.as_int64(-1 if p is None else p)),
                   'scale_grad_by_freq': _sa.item('args', 2), 'sparse': _sa.const(False),
                   'weight_sym_argsize_0': _sa.item('args', 0)}  # grad_fn._saved_*, read lazily

    @staticmethod
    def forward(ctx, weight, indices, padding_idx, scale_grad_by_freq):
        xp = ctx.xp
        n = weight.shape[0]
        if indices.size and (int(indices.min()) < 0 or int(indices.max()) >= n):
            raise IndexError("index out of range in self")
        ctx.args = (n, padding_idx, scale_grad_by_freq)
        ctx.save_for_backward(indices)
        return xp.take(weight, indices, axis=0)

    @staticmethod
    def backward(ctx, g):
        n, padding_idx, scale = ctx.args
        indices, = ctx.saved_tensors
        flat = indices._data.reshape(-1)
        factor = None
        xp = indices._xp
        if padding_idx is not None and padding_idx >= 0:
            factor = (flat != padding_idx).astype(g._data.dtype)
        if scale:
            counts = xp.bincount(flat, minlength=n)[flat].astype(g._data.dtype)
            factor = 1.0 / counts if factor is None else factor / counts
        f = None if factor is None else Tensor._make(factor[:, None], g._device)
        return EmbeddingDenseBackward.apply(g.reshape(-1, g.shape[-1]), Tensor._make(flat, g._device), f, n), \
            None, None, None


class SparseEmbedding(Embedding):
    """``Embedding`` whose weight gradient is a sparse COO tensor of the looked-up rows
    (``sparse=True``): one row per index, the padding index left out, as PyTorch's."""
    node_name = 'EmbeddingBackward0'
    saved_attrs = dict(Embedding.saved_attrs, sparse=_sa.const(True))  # grad_fn._saved_*, read lazily

    @staticmethod
    def backward(ctx, g):
        from ember.sparse._coo import _make
        n, padding_idx, scale = ctx.args
        if scale:
            raise RuntimeError("embedding_backward: scale_grad_by_freq not supported with sparse gradients")
        indices, = ctx.saved_tensors
        flat = indices._data.reshape(-1)
        rows = g.reshape(-1, g.shape[-1])
        keep = None if padding_idx is None or padding_idx < 0 else flat != padding_idx
        if keep is not None:
            flat = flat[keep]
            rows = rows[Tensor._make(keep, g._device)]
        grad = _make(Tensor._make(flat[None], g._device), rows, (n, g.shape[-1]))
        return grad, None, None, None


class EmbeddingDenseBackward(Primitive):
    """Sum rows of ``g`` (times an optional per-row constant) into an ``(n, dim)`` zero table."""
    node_name = 'EmbeddingDenseBackwardBackward0'

    @staticmethod
    def forward(ctx, g, flat, factor, n):
        xp = ctx.xp
        ctx.save_for_backward(flat, factor)
        rows = g * factor if factor is not None else g
        out = xp.zeros((n, g.shape[1]), g.dtype)
        backend.scatter_ufunc('add', out, flat, rows)
        return out

    @staticmethod
    def backward(ctx, gg):
        flat, factor = ctx.saved_tensors
        rows = gg.index_select(0, flat)
        return (rows * factor if factor is not None else rows), None, None, None


def _renorm_(weight, indices, max_norm, norm_type):
    """Scale the looked-up rows of ``weight`` in place so their norm is at most ``max_norm``."""
    xp = weight._xp
    rows = xp.unique(indices._data.reshape(-1))
    w = weight._data
    sel = w[rows]
    if norm_type == float('inf'):
        norms = xp.abs(sel).max(axis=1)
    else:
        norms = (xp.abs(sel) ** norm_type).sum(axis=1) ** (1.0 / norm_type)
    scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
    w[rows] = sel * scale[:, None]
    weight._version_counter.value += 1


def _check_float_option(value, name, position):
    if not isinstance(value, numbers.Real) and not (isinstance(value, Tensor) and value.numel() == 1):
        from ember.ops._argparse import type_name
        raise TypeError(f"embedding_renorm_(): argument '{name}' (position {position}) must be float, not "
                        f"{type_name(value)}")


def _check_indices(input, name='embedding'):
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'indices' (position 2) must be Tensor, not {type(input).__name__}")
    if input.dtype.name not in ('int64', 'int32'):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {input.type()} instead (while checking arguments for {name})")


def _padding(padding_idx, n):
    if padding_idx is None:
        return None
    if padding_idx > 0:
        if padding_idx >= n:
            raise AssertionError("Padding_idx must be within num_embeddings")
    elif padding_idx < 0:
        if padding_idx < -n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx = n + padding_idx
    return padding_idx


@op('F')
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False,
              sparse=False):
    """Look up rows of ``weight`` by the integer tensor ``input``; output shape ``input.shape + (dim,)``.

    ``padding_idx``'s row gets no gradient; ``max_norm`` renormalises the looked-up rows in place.

    Example::

        >>> weight = ember.tensor([[0., 0.], [1., 1.], [2., 2.]])
        >>> F.embedding(ember.tensor([[2, 0], [1, 1]]), weight)
        tensor([[[2., 2.],
                 [0., 0.]],
        <BLANKLINE>
                [[1., 1.],
                 [1., 1.]]])
    """
    _check_indices(input)
    if padding_idx is None and max_norm is None:
        require_tensor(weight, 'embedding', 'weight')   # (PyTorch hands it straight to its C function)
    padding_idx = _padding(padding_idx, weight.shape[0])
    if max_norm is not None:
        _check_float_option(max_norm, 'max_norm', 3)    # (PyTorch hands both to embedding_renorm_)
        _check_float_option(norm_type, 'norm_type', 4)
        with grad_mode.no_grad():
            _renorm_(weight, input, max_norm, norm_type)
    if sparse:
        return SparseEmbedding.apply(weight, input, padding_idx, scale_grad_by_freq)
    return Embedding.apply(weight, input, padding_idx, scale_grad_by_freq)


class _BagSum(Primitive):
    """Sums (or, with ``scale`` 1 / size, means) of the rows of ``emb`` grouped by ``bag``, one node as in
    PyTorch; ``scale`` has one row per bag plus a last, zero one for rows that belong to no bag."""
    node_name = 'EmbeddingBagBackward0'

    @staticmethod
    def forward(ctx, emb, bag, scale):
        ctx.save_for_backward(bag, scale)
        if is_half_array(emb):
            # as PyTorch: each bag of float16/bfloat16 rows summed in float32 and rounded, then divided by
            # its size (``scale`` holds 1 / size in float32, 0 for empty bags)
            xp = ctx.xp
            out = xp.zeros((scale.shape[0], emb.shape[1]), np.float32)
            backend.scatter_ufunc('add', out, bag, emb.astype(np.float32))
            summed = out[:-1].astype(emb.dtype).astype(np.float32)
            s = scale[:-1]
            sizes = xp.rint(1 / xp.where(s > 0, s, 1))
            return xp.where(s > 0, summed / sizes, 0).astype(emb.dtype)
        out = ctx.xp.zeros((scale.shape[0], emb.shape[1]), emb.dtype)
        backend.scatter_ufunc('add', out, bag, emb)
        return (out * scale)[:-1]

    @staticmethod
    def backward(ctx, g):
        bag, scale = ctx.saved_tensors
        from ember.ops.shape import cat
        padded = cat([g, g.new_zeros((1, g.shape[1]))])
        return (padded * scale.to(g.dtype)).index_select(0, bag), None, None


class _BagMax(Primitive):
    node_name = 'EmbeddingBagBackward0'

    @staticmethod
    def forward(ctx, emb, bag, n_bags):
        xp = ctx.xp
        out = xp.full((n_bags, emb.shape[1]), -xp.inf, emb.dtype)
        backend.scatter_ufunc('maximum', out, bag, emb)
        # the first row of each bag reaching the maximum takes the gradient (per column)
        rows = xp.where(emb == out[bag], xp.arange(emb.shape[0])[:, None], emb.shape[0])
        winner = xp.full(out.shape, emb.shape[0])
        backend.scatter_ufunc('minimum', winner, bag, rows)
        ctx.mask = rows == winner[bag]
        out[out == -xp.inf] = 0   # empty bags give zeros
        ctx.save_for_backward(bag)
        return out

    @staticmethod
    def backward(ctx, g):
        bag, = ctx.saved_tensors
        from ember.ops.index import where
        mask = Tensor._make(ctx.mask, g._device)
        return where(mask, g.index_select(0, bag), 0.0), None, None   # where: 0 * inf would be NaN


@op('F')
def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode='mean',
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """Sums, means or maxima of bags of embeddings, without materialising each bag separately.

    ``input`` is 2-D (each row a bag) or 1-D with ``offsets`` giving where each bag starts.

    Example::

        >>> weight = ember.tensor([[0., 0.], [1., 1.], [2., 2.], [3., 3.]])
        >>> F.embedding_bag(ember.tensor([0, 1, 2, 3]), weight, ember.tensor([0, 3]), mode='sum')
        tensor([[3., 3.],
                [3., 3.]])
    """
    python_reads(input, 'dim')
    if sparse:
        raise RuntimeError("embedding_bag(): ember makes sparse gradients for nn.Embedding / F.embedding only, so "
                           "sparse=True is not available here; use sparse=False")
    _check_indices(input, 'embedding_bag')
    if mode not in ('sum', 'mean', 'max'):
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None and mode != 'sum':
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  "GitHub.")
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type(offsets)}")
        n_bags, length = input.shape
        flat = input.reshape(-1)
        bag_np = np.repeat(np.arange(n_bags), length)
        past_end = None
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.ndim == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.ndim != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        flat = input
        off = backend.to_numpy(offsets._data).astype(np.int64)
        if off.size and off[0] != 0:
            raise RuntimeError("offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from "
                               f"position 0. However, got {int(off[0])}\n[ ember.LongTensor{{}} ]")     # (as a long tensor)
        if off.size and off[-1] > flat.shape[0]:
            raise RuntimeError(f"offsets[-1] can not be greater than input's length {flat.shape[0]} but got "
                               f"offsets[-1] of {int(off[-1])}")
        past_end = None
        if include_last_offset:
            # NOTE: as PyTorch's kernel, indices from the last offset on join the last bag's maximum
            # and count in its mean's divisor, but not in its sum
            past_end = np.arange(flat.shape[0]) >= off[-1] if off.size else None
            if mode != 'max' and off.size > 1 and off[-1] < off[-2]:
                raise RuntimeError("Your input appears to be incorrect: the last offset value should be the size of "
                                   "the indices tensor, but it seems not to be the case.")
            off = off[:-1]
        if mode != 'max' and off.size > 1 and (off[1:] < off[:-1]).any():
            # (PyTorch's sum and mean kernels refuse offsets that go back with the check that catches it)
            raise RuntimeError("Expected i < index_size to be true, but got false.  (Could this error message be "
                               "improved?  If so, please report an enhancement request to PyTorch.)")
        n_bags = len(off)
        bag_np = np.searchsorted(off, np.arange(flat.shape[0]), side='right') - 1
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}")
    padding_idx = _padding(padding_idx, weight.shape[0])

    def value(weight, per_sample_weights):
        return _bag_value(input, flat, weight, per_sample_weights, bag_np, past_end, n_bags, max_norm, norm_type,
                          scale_grad_by_freq, mode, padding_idx)
    if not (grad_mode._state.enabled and (weight.requires_grad or getattr(per_sample_weights, 'requires_grad', False))):
        return value(weight, per_sample_weights)
    result = _one_node.one_node_keeping_graph(EmbeddingBagNode, value, (weight, per_sample_weights))
    if result._grad_fn is not None:     # (what its node shows, grad_fn._saved_*, read lazily; the composite)
        result._grad_fn.__dict__.update(bag_compute=value, bag_given=(
            input, offsets, mode, padding_idx, scale_grad_by_freq, include_last_offset, per_sample_weights))
    return result


class EmbeddingBagNode(Primitive):
    """embedding_bag as PyTorch's one node (EmbeddingBagBackward0) over the table and the per-sample weights (a None
    edge without them). Its value and gradients are the composite's (looked-up rows reduced per bag), recorded in
    the forward on detached inputs; what PyTorch's node keeps (the bag of each index, the bag sizes, the rows that
    gave the maxima) is worked out when read."""
    node_name = 'EmbeddingBagBackward0'
    _none_edges = (1,)   # no per-sample weights: a (None, 0) edge, as PyTorch's node
    saved_attrs = {
        'indices': _sa.kept_tensor(lambda node: _bag_given(node)[0]),
        'mode': lambda node: {'sum': 0, 'mean': 1, 'max': 2}[node.bag_given[2]],
        'offsets': _sa.kept_tensor(lambda node: _bag_given(node)[1]),
        'padding_idx': lambda node: _sa.as_int64(-1 if node.bag_given[3] is None else node.bag_given[3]),
        'per_sample_weights': _sa.kept_tensor(lambda node: node.bag_given[6]),
        'result1': _sa.kept_tensor(lambda node: _bag_results(node)[0]),
        'result2': _sa.kept_tensor(lambda node: _bag_results(node)[1]),
        'result3': _sa.kept_tensor(lambda node: _bag_results(node)[2]),
        'scale_grad_by_freq': lambda node: node.bag_given[4], 'sparse': _sa.const(False),
        # (the table is kept only with per-sample weights, whose gradient needs it)
        'weight': _sa.kept_tensor(lambda node: None if node.bag_given[6] is None else node._read_saved(0)),
        'weight_sym_argsize_0': lambda node: node._input_meta[0][0][0] if node._input_meta[0] is not None
        else node._read_saved(0).shape[0]}

    @staticmethod
    def forward(ctx, weight, per_sample_weights, value):
        ctx.recorded = value
        ctx.save_for_backward(weight, per_sample_weights)
        return _one_node.value_of(value)

    @staticmethod
    def backward(ctx, g):
        weight, per_sample_weights = ctx.saved_tensors
        need = ctx.needs_input_grad
        return _one_node.recorded_grads(ctx, ctx.bag_compute, (weight, per_sample_weights), (need[0], need[1]),
                                        g) + (None,)


def _bag_given(node):
    """(indices, offsets) as PyTorch's kernel takes them: a 2-D input flattened, with an offset per row."""
    from ember.ops.creation import arange
    indices, offsets = node.bag_given[:2]
    if indices.ndim == 2:
        n, length = indices.shape
        return indices.reshape(-1), arange(0, n * length, length, device=indices.device)
    return indices, offsets


def _bag_results(node):
    from ember.ops.torch_nn_natives import _bag_bookkeeping
    indices, offsets = _bag_given(node)
    _, _, mode, padding_idx, _, include_last_offset, psw = node.bag_given
    weight = node._read_saved(0)
    bags = offsets.numel() - (1 if include_last_offset else 0)
    found = _bag_bookkeeping(weight, indices, offsets, mode, include_last_offset, padding_idx, bags, psw is not None)
    if mode == 'sum':   # (the plain sum kernel leaves the bag of each index out; under autograd it is made)
        found = (_bag_bookkeeping(weight, indices, offsets, 'mean', include_last_offset, padding_idx, bags,
                                  psw is not None)[0],) + tuple(found[1:])
    return found


def _bag_value(input, flat, weight, per_sample_weights, bag_np, past_end, n_bags, max_norm, norm_type,
               scale_grad_by_freq, mode, padding_idx):
    """F.embedding_bag's value (differentiable in the table and the per-sample weights)."""
    emb = embedding(flat, weight, None, max_norm, norm_type, scale_grad_by_freq)
    keep_np = np.ones(flat.shape[0], bool)
    if padding_idx is not None:
        keep_np = backend.to_numpy(flat._data) != padding_idx
    bag_np = bag_np[keep_np]
    sum_bag_np = bag_np if past_end is None else np.where(past_end[keep_np], n_bags, bag_np)
    keep = Tensor._make(backend.move(np.nonzero(keep_np)[0], input._device), input._device)
    if not keep_np.all():
        emb = emb.index_select(0, keep)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.index_select(0, keep)
    bag = Tensor._make(backend.move(bag_np, input._device), input._device)
    if mode == 'max':
        return _BagMax.apply(emb, bag, n_bags)
    if per_sample_weights is not None:
        emb = emb * per_sample_weights.unsqueeze(1)
    # one scale per bag (1, or 1 / its size for the mean), and a last, discarded bag for the rows
    # include_last_offset leaves out of the sums
    # (a half-precision weight's means take 1 / size in float32: the sums are accumulated in float32)
    scale = np.ones(n_bags + 1, np.float32 if is_half_array(weight._data) else weight._data.dtype)
    if mode == 'mean':
        counts = np.bincount(bag_np, minlength=n_bags)[:n_bags]
        scale[:n_bags] = np.where(counts > 0, 1.0 / np.maximum(counts, 1), 0.0)
    scale[n_bags] = 0
    sum_bag = Tensor._make(backend.move(sum_bag_np, input._device), input._device)
    return _BagSum.apply(emb, sum_bag, Tensor._make(backend.move(scale[:, None], weight._device), weight._device))


@op('F', guard=True)
def one_hot(tensor, num_classes=-1):
    """``(..., num_classes)`` int64 tensor with a 1 at each index of ``tensor``.

    Example::

        >>> F.one_hot(ember.tensor([0, 2, 1]))
        tensor([[1, 0, 0],
                [0, 0, 1],
                [0, 1, 0]])
        >>> F.one_hot(ember.tensor([0, 2]), num_classes=4)
        tensor([[1, 0, 0, 0],
                [0, 0, 1, 0]])
    """
    if tensor.dtype.name != 'int64':
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    data = tensor._data
    xp = tensor._xp
    if num_classes.__class__ is not int:
        _argparse.refuse_from_stack()   # (2.5 classes: PyTorch takes an int)
    if num_classes == -1:
        if data.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(data.max()) + 1
    if data.size:
        if int(data.min()) < 0:
            raise RuntimeError("Class values must be non-negative.")
        if int(data.max()) >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    out = xp.ascontiguousarray((data[..., None] == xp.arange(num_classes)).astype(xp.int64))
    return Tensor._make(out, tensor._device)
