"""What a backward node shows as ``grad_fn._saved_<name>`` (torchviz's ``show_saved`` draws these).

An op class declares ``saved_attrs``: PyTorch's attribute names, each with a reader that derives the value
from what the node keeps anyway (its saved tensors, its inputs' shapes, the scalars its forward stored on
the context).  Nothing is computed in the forward: a reader runs only when the attribute is read.

PyTorch shows ``int64_t`` arguments as unsigned numbers (``dim=-1`` reads 18446744073709551615); the
readers do the same so the values compare equal.
"""

_U64 = 1 << 64


def as_int64(v):
    """An int as PyTorch's nodes give an ``int64_t`` argument: negatives wrapped to unsigned; a dim as the
    user gave it (a negative one wrapped to its place keeps the value given: ops/_util.GivenDim)."""
    v = getattr(v, 'given', v)
    return v + _U64 if v < 0 else v


def show_as_given(result, name, value):
    """``result`` with the node that made it showing ``value`` as ``_saved_<name>``: for the rare call whose op
    ran with that argument in another form than the one given (a 0-dim input's softmax without its dim, an
    empty dim list kept as None for every dim), so the node shows what PyTorch's shows. Only such calls pay
    for it: one dict on the node."""
    node = getattr(result, '_grad_fn', None)
    if node is not None:
        node.__dict__.setdefault('_shown_as_given', {})[name] = value
    return result


def saved(k):
    """The ``k``-th tensor the forward saved (None where it saved none); ``_raw_saved_<name>`` is it too."""
    def read(node):
        value = node._read_saved(k)
        return value if value is None or hasattr(value, '_data') else wrapped_number(value)
    read.saved_index = k
    return read


def saved_if_wanted(k, needed_input):
    """Saved tensor ``k``, shown only when input ``needed_input``'s gradient is wanted: PyTorch's node keeps
    it for that gradient alone (fmod's and remainder's by a tensor), ember's keeps it anyway."""
    def read(node):
        return node._read_saved(k) if node.needs_input_grad[needed_input] else None
    read.saved_index = k
    return read


def number(k):
    """The ``k``-th value the forward saved where PyTorch's node keeps a number (a ``Scalar``: clamp's bounds),
    so it shows as the number and is no SavedTensor."""
    return lambda node: node._read_saved(k)


def wrapped_number(value):
    """A Python number an op saved (``x * 2``), shown as PyTorch's node shows it: a 0-dim tensor of the
    number's own type (int64, float64, bool, complex128), not of the default dtype."""
    import numpy as np
    from ember._tensor import Tensor
    return Tensor._make(np.asarray(value))


def input_sizes(k=0, saved_as=None):
    """The shape of the ``k``-th tensor input, as a tuple of ints.  An input that needs no gradient has
    no shape on record: then it is read off its saved copy (``saved_as``, its index among the saved)."""
    def read(node):
        meta = node._input_meta[k] if k < len(node._input_meta) else None
        if meta is None:
            t = None if saved_as is None else node._read_saved(saved_as)
            return None if t is None else tuple(t.shape)
        return tuple(meta[0])
    return read


def input_numel(k=0):
    def read(node):
        n = 1
        for s in node._input_meta[k][0]:
            n *= s
        return n
    return read


def strides_of_saved(k, needed_input):
    """The strides (in elements) of saved tensor ``k``; ``()`` unless input ``needed_input`` needs a
    gradient, as PyTorch keeps them only then."""
    def read(node):
        if not node.needs_input_grad[needed_input]:
            return ()
        kept = node.__dict__.get('_freed_strides')
        if kept is not None and kept[k] is not None:
            return kept[k]      # (kept when backward freed the tensor, as PyTorch's ints are)
        t = node._read_saved(k)
        if t is not None:
            return tuple(t.stride())
        byte_strides, itemsize = node.__dict__['unsaved_strides'][needed_input]
        return tuple(b // itemsize for b in byte_strides)
    return read


def keep_unsaved_strides(ctx, position, array):
    """For an input whose gradient is wanted but whose tensor the forward does not save: its strides,
    which PyTorch's node still shows (a tuple and an int kept, nothing computed)."""
    ctx.unsaved_strides = {position: (array.strides, array.itemsize)}


def field(name, convert=None):
    """A value the forward stored on the context (``ctx.<name>``), optionally converted."""
    if convert is None:
        return lambda node: node.__dict__[name]
    return lambda node: convert(node.__dict__[name])


def item(name, index, convert=None):
    """One element of a tuple the forward stored on the context."""
    if convert is None:
        return lambda node: node.__dict__[name][index]
    return lambda node: convert(node.__dict__[name][index])


def const(value):
    """A value that is the same for every node of this type (PyTorch's default that ember does not vary)."""
    return lambda node: value


class Omitted(tuple):
    """A default list an op filled in for an argument the user omitted (a pooling stride: the kernel size),
    which PyTorch's node shows as the empty list it was given; a plain tuple when pickled or copied."""

    def __reduce__(self):
        return (tuple, (tuple(self),))


class OmittedInt(int):
    """A number an op filled in for an argument the user omitted (var's correction, 1), which PyTorch's node
    shows as None; a plain int when pickled or copied."""

    def __reduce__(self):
        return (int, (int(self),))


def as_given(v):
    """An optional number as PyTorch's node shows it: None where it was omitted (:class:`OmittedInt`)."""
    return None if type(v) is OmittedInt else v


def as_given_list(v):
    """A list argument as PyTorch's node shows it: empty where it was omitted (:class:`Omitted`)."""
    return () if type(v) is Omitted else tuple(v)


def int_list(v):
    return None if v is None else tuple(as_int64(d) for d in ((v,) if isinstance(v, int) else v))


def reduction_enum(name):
    """A loss's ``reduction`` as PyTorch's node keeps it: 0 none, 1 mean, 2 sum."""
    return {'none': 0, 'mean': 1, 'sum': 2}[name]


def conv_bias_sizes(node):
    """ConvolutionBackward0's ``bias_sym_sizes_opt``: the bias's shape, None without a bias (a bias has one
    value per output channel: the weight's first dim, or its second times groups when transposed); without
    a bias PyTorch shows ``(0,)``."""
    if not node.biased:
        return (0,)
    w_shape, transposed, groups = node.shapes[1], node.args[3], node.args[5]
    return (w_shape[1] * groups,) if transposed else (w_shape[0],)


def conv_padding(node):
    """The padding per spatial dim (ember keeps (before, after) pairs; PyTorch's node one int each)."""
    return tuple(p[0] if isinstance(p, (tuple, list)) else p for p in node.args[1])


def kept_tensor(compute):
    """A reader for a tensor PyTorch's node keeps that ember's derives when it is read (``compute(node)``): it
    is a SavedTensor too (``_raw_saved_<name>``), shown through hooks registered on it."""
    def read(node):
        hooked = node.__dict__.get('_hooked_fields', {}).get(read.field_key)
        if hooked is not None:
            from ember.autograd.function import _unpack
            return _unpack(hooked, node)
        return compute(node)
    read.field_key = (compute.__name__,)
    read.__doc__ = compute.__doc__
    return read


def array_field(name, index=None):
    """An array the forward kept on the context (``ctx.<name>``, or element ``index`` of it), shown as a
    tensor; like a saved tensor it is gone once backward freed the node."""
    def compute(node):
        from ember._tensor import Tensor
        value = node.__dict__[name] if index is None else node.__dict__[name][index]
        return Tensor._make(value, node._input_meta[0][2])
    compute.__name__ = f'{name}[{index}]'
    return kept_tensor(compute)


def layer_norm_shape(node):
    """NativeLayerNormBackward0's ``normalized_shape``: the input's trailing dims that were normalized."""
    shape = node._input_meta[0][0]
    return tuple(shape[a] for a in node.args[0])


def constant_pad(node):
    """ConstantPadNdBackward0's ``pad``: F.pad's list (last dim first) from the (before, after) pair ember keeps
    for every dim; dims left unpadded at the front are not listed."""
    pairs = list(reversed(node.pads))
    while pairs and tuple(pairs[-1]) == (0, 0):
        pairs.pop()
    return tuple(as_int64(v) for pair in pairs for v in pair)


@kept_tensor
def multilabel_is_target(node):
    """MultilabelMarginLossBackward0's ``is_target``: 1 where a class is listed in the target row (the
    entries before its first -1), in the input's dtype and shape."""
    x, target = node._read_saved(0), node._read_saved(1)
    t = target._data
    t2 = t.reshape(1, -1) if t.ndim <= 1 else t
    xp = node.xp
    listed = xp.cumsum(t2 == -1, axis=1) == 0
    hit = (xp.arange(t2.shape[1]) == xp.where(listed, t2, -1)[:, :, None]).any(axis=1)
    from ember._tensor import Tensor
    return Tensor._make(hit.astype(x._data.dtype).reshape(t.shape), x._device)


_INT64_MAX = (1 << 63) - 1


def _last_indexing_step(node):
    """Basic indexing (``x[1, :, None]``) as PyTorch runs it, one step per key element (an int selects, a
    slice not covering its dim slices, None unsqueezes): (the last step's kind, its dim, its arguments, the
    shape it was applied to). PyTorch's node is that last step's."""
    basic = node.key[0]
    shape = list(node.in_shape)
    n_dims = sum(1 for b in basic if b is not None and b is not Ellipsis)
    dim, last = 0, None
    for b in basic:
        if b is Ellipsis:
            dim += len(node.in_shape) - n_dims
            continue
        before = tuple(shape)
        if b is None:
            shape.insert(dim, 1)
            last = ('unsqueeze', dim, (), before)
            dim += 1
        elif isinstance(b, slice):
            start, stop, step = b.indices(shape[dim])
            if (start, stop, step) != (0, shape[dim], 1):
                last = ('slice', dim, (0 if b.start is None else b.start, _INT64_MAX if b.stop is None else b.stop,
                                       1 if b.step is None else b.step), before)
                shape[dim] = len(range(start, stop, step))
            dim += 1
        else:
            last = ('select', dim, (int(b),), before)
            del shape[dim]
    return last


def indexing_step(what):
    """A reader of the last basic-indexing step: 'dim', 'index', 'start', 'end', 'step' or 'self_sym_sizes'."""
    def read(node):
        kind, dim, args, before = _last_indexing_step(node)
        if what == 'dim':
            return dim
        if what == 'self_sym_sizes':
            return before
        return as_int64(args[{'index': 0, 'start': 0, 'end': 1, 'step': 2}[what]])
    return read


def _lu_factors(node, k, part, of_transpose):
    """The LU factorisation of saved tensor ``k`` (a square matrix or a batch), computed when read: PyTorch's
    det/slogdet/solve nodes keep the factors their forward made; ember's forward never made them. det's and
    slogdet's are those of the transpose (LAPACK given the row-major matrix as it lies in memory), laid out
    column-major as LAPACK leaves them."""
    import numpy as np
    from ember._tensor import Tensor
    from ember.backend import move, to_numpy
    from ember.ops.linalg_lu import _getrf
    a = node._read_saved(k)
    host = to_numpy(a._data)
    if of_transpose:
        host = host.swapaxes(-1, -2)
    lu, piv, _ = _getrf(host.reshape((-1,) + host.shape[-2:]))
    if part == 'LU':
        value = np.ascontiguousarray(lu.reshape(host.shape).swapaxes(-1, -2)).swapaxes(-1, -2)
    else:
        value = piv.reshape(host.shape[:-2] + piv.shape[-1:])
    return Tensor._make(move(value, a.device), a.device)


def lu_of_saved(k, part, of_transpose=False):
    """A reader of ``'LU'`` or ``'pivots'`` of saved tensor ``k`` (a SavedTensor too: :func:`kept_tensor`);
    ``of_transpose``: the factors of its transpose (det's and slogdet's)."""
    def compute(node):
        return _lu_factors(node, k, part, of_transpose)
    compute.__name__ = f'lu{k}_{part}{"_t" if of_transpose else ""}'
    return kept_tensor(compute)


def stats_field(index, shape_of):
    """Element ``index`` of the statistics a norm's forward kept (``ctx.stats``: mean and 1/std), shaped as
    PyTorch's node keeps them: ``shape_of(node)`` (batch norm in eval mode keeps empty ones)."""
    def compute(node):
        from ember._tensor import Tensor
        value = node.stats[index]
        shape = shape_of(node)
        value = value.reshape(shape) if 0 not in shape else node.xp.zeros(shape, value.dtype)
        # (the device of any input recorded: the data's own entry is None when it needs no gradient)
        return Tensor._make(value, next(m[2] for m in node._input_meta if m is not None))
    compute.__name__ = f'stats[{index}]'
    return kept_tensor(compute)


def given_tensor(name, index):
    """Element ``index`` of the tensors an op's wrapper kept on the node (``node.<name>``) as given: PyTorch's
    node keeps those very tensor objects (batch norm's running statistics, which the forward updates in place)."""
    def compute(node):
        kept = node.__dict__.get(name)
        return None if kept is None else kept[index]
    compute.__name__ = f'{name}[{index}]'
    return kept_tensor(compute)


def kept_array(name, index):
    """Element ``index`` of a tuple of arrays (or None) the forward kept, shown as a tensor (unversioned)."""
    def compute(node):
        from ember._tensor import Tensor
        value = node.__dict__[name][index]
        return None if value is None else Tensor._make(value, node._input_meta[0][2])
    compute.__name__ = f'{name}[{index}]'
    return kept_tensor(compute)


@kept_tensor
def log_sigmoid_buffer(node):
    """LogSigmoidBackward0's ``buffer``: exp(-|x|), which PyTorch's forward keeps for its backward."""
    from ember._tensor import Tensor
    x = node._read_saved(0)
    return Tensor._make(node.xp.exp(-node.xp.abs(x._data)), x.device)


def prelu_weight(node):
    """PreluKernelBackward0's ``weight``: the weight viewed to broadcast over the input, (1, C, 1, ...)."""
    x, w = node._read_saved(0), node._read_saved(1)
    shape = [1] * x.ndim
    if x.ndim >= 2:
        shape[1] = w.numel()
    return w if tuple(shape) == tuple(w.shape) else w.reshape(shape)   # (no view where none is needed)


prelu_weight.saved_index = 1


def _advanced_index_at(i):
    def compute(node):
        from ember._tensor import Tensor
        adv = node.key[1]
        part = adv[i] if i < len(adv) else None
        if part is None or isinstance(part, slice):
            return None
        return Tensor._make(part, node._input_meta[0][2])
    compute.__name__ = f'indices[{i}]'
    return kept_tensor(compute)


def advanced_indices(node):
    """IndexBackward0's ``indices``: one entry per indexed dim, the index tensor or None for a dim taken whole
    (``x[:, idx]`` keeps ``(None, idx)``), up to the last one indexed, as PyTorch's node keeps them."""
    adv = node.key[1]
    n = max((i + 1 for i, part in enumerate(adv) if not isinstance(part, slice)), default=0)
    return tuple(advanced_indices.element(i)(node) for i in range(n))


advanced_indices.saved_list = True
advanced_indices.element = _advanced_index_at


def all_dims_as_empty(v):
    """A reduction's dims as PyTorch's amax/amin/roll nodes show them: all dims (ember's None) as the empty
    list those ops take for it."""
    return () if v is None else int_list(v)


def reduced_result(k):
    """Saved tensor ``k``, a result ember keeps with the reduced dims (keepdim=True), shaped as the op's
    output: ``ctx.args`` is (input shape, dims, keepdim)."""
    def read(node):
        out = node._read_saved(k)
        shape, dims, keepdim = node.args[:3]
        if out is None or keepdim:
            return out
        return out.reshape([s for i, s in enumerate(shape) if dims is not None and i not in dims])
    read.saved_index = k
    return read


def matvec_folded_sizes(node):
    """BatchedMatvec's ``self_sym_sizes``: the shape of the mv PyTorch's matmul folds a batch and a vector
    into, before its _unsafe_view: (rows of the batch,) (a vector on the left meets the batch transposed)."""
    (a, _, _), (b, _, _) = node._input_meta[0], node._input_meta[1]
    n = 1
    for s in (b[:-2] + b[-1:] if len(a) == 1 else a[:-1]):
        n *= s
    return (n,)


def matmul_folded_sizes(node):
    """BatchedMatmul's ``self_sym_sizes``: the shape of the mm/bmm PyTorch's matmul runs before its
    _unsafe_view: (prod(batch) * n, m) for a batch times a matrix, else (prod(broadcast batch), n, m)."""
    (a, _, _), (b, _, _) = node._input_meta[0], node._input_meta[1]
    if len(b) == 2:
        n = 1
        for s in a[:-1]:
            n *= s
        return (n, b[-1])
    import numpy as np
    batch = int(np.prod(np.broadcast_shapes(tuple(a[:-2]), tuple(b[:-2]))))
    return (batch, a[-2], b[-1])
