"""``JaggedTensor``: PyTorch's nested tensors with ``layout=ember.jagged``.

A jagged tensor of logical shape ``(B, ..., j, ...)`` has one ragged dim (``_ragged_idx``, 1 when
made) whose size differs between the ``B`` batch entries. It is stored as PyTorch stores it: one
ordinary tensor ``values`` whose shape is the logical shape without the batch dim, the ragged dim
holding every entry's rows one after another, and ``offsets`` (``B + 1`` int64 numbers) saying
where each entry starts. Operations that leave the batch and ragged dims alone (elementwise math,
``linear``, ``layer_norm``, ``dropout``, views of the other dims) run once on ``values``, so they
record autograd and draw random numbers exactly as they do on the values; attention runs entry by
entry on slices of the values. The ragged size is a :class:`NestedInt` (printed ``j1``, ``j2``...):
a new one for every new ``offsets``, shared by results that keep them, as in PyTorch.
"""
import builtins
import itertools
import operator

import ember
from ember import _torch_function
from ember._formats import jagged
from ember._tensor import Size, Tensor
from ember.nested._nested_tensor import _NO_ARRAY, NestedTensor

__all__ = ['JaggedTensor', 'NestedInt']

_ids = itertools.count(1)


class NestedInt:
    """The size of a ragged dim: one symbol per set of offsets (``j1``, ``j2``...), equal only to itself."""
    __slots__ = ('_id',)

    def __init__(self):
        self._id = next(_ids)

    def __repr__(self):
        return f'j{self._id}'

    __str__ = __repr__

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return hash(('j', self._id))


def _from_values(values, offsets, ragged_idx=1, size=None):
    """A jagged tensor over ``values`` (no copy) with ``offsets``; ``size`` (a NestedInt) is shared with
    the tensor the offsets came from."""
    if not _torch_function._active:     # functions must dispatch on nested tensors from now on
        _torch_function.activate()
    nt = object.__new__(JaggedTensor)
    nt._data = _NO_ARRAY
    nt._values = values
    nt._offsets = offsets
    nt._ragged_idx = ragged_idx
    nt._jsize = size if size is not None else NestedInt()
    return nt


def _like(nt, values, ragged_idx=None):
    """A jagged tensor with ``nt``'s offsets and ragged size over new ``values``."""
    return _from_values(values, nt._offsets, nt._ragged_idx if ragged_idx is None else ragged_idx, nt._jsize)


def _shape_text(nt):
    return '(' + ', '.join(str(s) for s in nt.shape) + ')'


class JaggedTensor(NestedTensor):
    """A nested tensor with one ragged dim (see the module docstring); make one with
    ``ember.nested.nested_tensor(..., layout=ember.jagged)``."""
    __slots__ = ()

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, '__name__', '')
        handler = _FUNCTIONS.get(name)
        if handler is None:
            raise NotImplementedError(f"{name} is not supported by ember's nested tensors with layout=ember.jagged")
        return handler(*args, **kwargs)

    # ------------------------------------------------------------------ metadata
    @property
    def layout(self):
        return jagged

    @property
    def dtype(self):
        return self._values.dtype

    @property
    def device(self):
        return self._values.device

    @property
    def _components(self):
        return list(self.unbind())

    @property
    def shape(self):
        rest = list(self._values.shape)
        rest[self._ragged_idx - 1] = self._jsize
        return Size([len(self._offsets) - 1, *rest])

    def size(self, dim=None):
        shape = self.shape
        if dim is None:
            return shape
        return shape[_dim(self, dim)]

    def dim(self):
        return self._values.dim() + 1

    ndimension = dim

    def numel(self):
        return self._values.numel()

    nelement = numel

    def is_contiguous(self, memory_format=None):
        return self._values.is_contiguous()

    def values(self):
        """The values buffer: every entry's rows one after another along the ragged dim."""
        return self._values

    def offsets(self):
        """Where each entry starts in the values along the ragged dim (``B + 1`` int64 numbers)."""
        return self._offsets

    def lengths(self):
        """None: the entries are contiguous in the values (their lengths are the offsets' differences)."""
        return None

    # ------------------------------------------------------------------ autograd
    @property
    def requires_grad(self):
        return self._values.requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        self._values.requires_grad = value

    def requires_grad_(self, requires_grad=True):
        self._values.requires_grad_(requires_grad)
        return self

    @property
    def grad_fn(self):
        return self._values.grad_fn

    @property
    def is_leaf(self):
        return self._values.is_leaf

    @property
    def grad(self):
        g = self._values.grad
        return None if g is None else _like(self, g)

    @grad.setter
    def grad(self, value):
        self._values.grad = None if value is None else _values_of(value, 'grad')

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        if gradient is None:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        self._values.backward(_values_of(gradient, 'gradient'), retain_graph=retain_graph,
                              create_graph=create_graph, inputs=inputs)

    def retain_grad(self):
        self._values.retain_grad()

    def detach(self):
        return _like(self, self._values.detach())

    def clone(self, *, memory_format=None):
        return _like(self, self._values.clone())

    def contiguous(self, memory_format=None):
        return _like(self, self._values.contiguous())

    def to(self, *args, **kwargs):
        values = self._values.to(*args, **kwargs)
        return _from_values(values, self._offsets.to(device=values.device), self._ragged_idx, self._jsize)

    # ------------------------------------------------------------------ printing
    def __repr__(self):
        extra = ''
        if self.grad_fn is not None:
            extra = f', grad_fn=<{type(self.grad_fn).__name__} object at {hex(id(self.grad_fn))}>'
        elif self.requires_grad:
            extra = ', requires_grad=True'
        return (f'NestedTensor(size={_shape_text(self)}, offsets={self._offsets!r}{extra}, '
                f'contiguous={self.is_contiguous()})')

    __str__ = __repr__

    # ------------------------------------------------------------------ entries
    def unbind(self, dim=0):
        """The entries, as a tuple of views of the values (only along dim 0)."""
        if dim != 0:
            raise RuntimeError(f"unbind(): only supported for NestedTensor on dim=0, but got dimension {dim}")
        bounds = self._offsets.tolist()
        axis = self._ragged_idx - 1
        return tuple(self._values.narrow(axis, a, b - a) for a, b in zip(bounds[:-1], bounds[1:]))

    def __getitem__(self, index):
        if isinstance(index, builtins.int):
            return self.unbind()[index]
        raise NotImplementedError("ember's jagged nested tensors can only be indexed by an integer (one entry)")

    def __iter__(self):
        return iter(self.unbind())

    def __len__(self):
        return len(self._offsets) - 1


def _dim(nt, dim):
    ndim = nt.dim()
    if not -ndim <= dim < ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})")
    return dim % ndim


def _values_dim(nt, dim, what):
    """The values' dim for logical dim ``dim``, which must be neither the batch nor the ragged dim."""
    d = _dim(nt, dim)
    if d == 0 or d == nt._ragged_idx:
        raise RuntimeError(f"{what}(): not supported for NestedTensor on the batch or ragged dim")
    return d - 1


def _values_of(other, what):
    if isinstance(other, JaggedTensor):
        return other._values
    raise RuntimeError(f"Expected {what} to be a nested tensor with layout=ember.jagged")


# ---------------------------------------------------------------------- functions on the values
def _check_operand(name, first, other):
    """A second jagged operand needs ``first``'s offsets (its ragged size); a dense one must broadcast
    against the values alone."""
    if isinstance(other, JaggedTensor):
        if other._jsize is not first._jsize or other._ragged_idx != first._ragged_idx:
            raise RuntimeError(f"cannot call binary pointwise function {name}.Tensor with inputs of shapes "
                               f"{_shape_text(first)} and {_shape_text(other)}")
    elif isinstance(other, Tensor) and other.dim() > first.dim() - 1:
        raise RuntimeError(f"{name}(): a dense tensor of shape {tuple(other.shape)} does not broadcast against a "
                           f"nested tensor of shape {_shape_text(first)}")


def _pointwise(name):
    """``name`` on the values; a second jagged operand must have the same offsets (the same ragged
    size), a dense one broadcasts against the values' trailing dims."""
    fn = getattr(ember, name, None) or getattr(ember.nn.functional, name)

    def run(*args, **kwargs):
        first = next(a for a in args if isinstance(a, JaggedTensor))
        operands = []
        for a in args:
            _check_operand(name, first, a)
            operands.append(a._values if isinstance(a, JaggedTensor) else a)
        return _like(first, fn(*operands, **kwargs))
    run.__name__ = name
    return run


def _inplace(name):
    def run(self, *args, **kwargs):
        getattr(self._values, name)(*[_values_of(a, 'other') if isinstance(a, JaggedTensor) else a for a in args],
                                    **kwargs)
        return self
    run.__name__ = name
    return run


def _linear(input, weight, bias=None):
    if input._ragged_idx == input.dim() - 1:
        raise RuntimeError("linear(): not supported for NestedTensor on the ragged dim")
    return _like(input, ember.nn.functional.linear(input._values, weight, bias))


def _layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    normalized_shape = (normalized_shape,) if isinstance(normalized_shape, builtins.int) else tuple(normalized_shape)
    if input.dim() - len(normalized_shape) <= input._ragged_idx:
        raise RuntimeError("layer_norm(): normalizing over ragged dim not supported for nested tensors")
    return _like(input, ember.nn.functional.layer_norm(input._values, normalized_shape, weight, bias, eps))


def _softmax(input, dim, _stacklevel=3, dtype=None):
    return _like(input, ember.softmax(input._values, _values_dim(input, dim, 'softmax'), dtype=dtype))


def _transpose(input, dim0, dim1):
    d0, d1 = _dim(input, dim0), _dim(input, dim1)
    if d0 == 0 or d1 == 0:
        raise ValueError("Transpose is not supported on the batch dimension for jagged NT")
    r = input._ragged_idx
    ragged = d1 if r == d0 else d0 if r == d1 else r
    return _like(input, input._values.transpose(d0 - 1, d1 - 1), ragged)


def _unflatten(input, dim, sizes):
    d = _values_dim(input, dim, 'unflatten')
    ragged = input._ragged_idx + (len(sizes) - 1 if d + 1 < input._ragged_idx else 0)
    return _like(input, input._values.unflatten(d, sizes), ragged)


def _flatten(input, start_dim=0, end_dim=-1):
    s, e = _dim(input, start_dim), _dim(input, end_dim)
    if s == e:
        return input
    if s == 0 or s <= input._ragged_idx <= e:
        raise RuntimeError("flatten(): not supported for NestedTensor on the batch or ragged dim")
    ragged = input._ragged_idx - (e - s if e < input._ragged_idx else 0)
    return _like(input, input._values.flatten(s - 1, e - 1), ragged)


def _chunk(input, chunks, dim=0):
    """Chunks along a dense dim share the input's offsets; along the batch dim each chunk is a jagged
    tensor over its own entries' values (with a ragged size of its own)."""
    d = _dim(input, dim)
    if d == input._ragged_idx:
        raise RuntimeError("chunk(): not supported for NestedTensor on ragged dim")
    if d != 0:
        return tuple(_like(input, v) for v in input._values.chunk(chunks, d - 1))
    if input._ragged_idx != 1:
        raise RuntimeError("chunk(): not supported for NestedTensor on the batch dim when transposed")
    batch = len(input._offsets) - 1
    step = -(-batch // chunks)
    pieces = []
    for start in range(0, batch, step):
        offsets = input._offsets[start:min(start + step, batch) + 1]
        first, last = int(offsets[0]), int(offsets[-1])
        pieces.append(_from_values(input._values[first:last], offsets - first))
    return tuple(pieces)


def _sdpa(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
    """Attention entry by entry: query, key and value are ``(B, heads, j, dim)`` jagged tensors (the
    ragged dim is the sequence); the result has the query's offsets."""
    from ember.nested import _warn_prototype
    _check_attention_inputs(query, key, value, attn_mask)
    usable = builtins.all(t.transpose(1, 2).is_contiguous() for t in (query, key, value)) and not is_causal
    if query.dim() != 4 or not usable:     # PyTorch's CPU kernel for nested inputs takes only these
        raise RuntimeError("No viable backend for scaled_dot_product_attention was found.")
    _warn_prototype(4)    # PyTorch's CPU path goes through a strided nested tensor, which warns once
    outs = [ember.nn.functional.scaled_dot_product_attention(q, k, v, dropout_p=dropout_p, is_causal=is_causal,
                                                               scale=scale, enable_gqa=enable_gqa)
            for q, k, v in zip(query.unbind(), key.unbind(), value.unbind())]
    return _like(query, ember.cat(outs, 1))


def _check_attention_inputs(query, key, value, attn_mask):
    if not builtins.all(isinstance(t, NestedTensor) for t in (query, key, value)):
        raise ValueError(f"Expected query, key, and value to be nested tensors, but got query.is_nested: "
                         f"{query.is_nested}, key.is_nested: {key.is_nested}, and value.is_nested: {value.is_nested} "
                         f"instead.")
    if query.dtype != key.dtype or query.dtype != value.dtype:
        raise ValueError(f"Expected query, key, and value to have the same dtype, but got query.dtype: {query.dtype}, "
                         f"key.dtype: {key.dtype}, and value.dtype: {value.dtype} instead.")
    if query.device != key.device or query.device != value.device:
        raise ValueError(f"Expected query, key, and value to have the same device type, but got query.device: "
                         f"{query.device}, key.device: {key.device}, and value.device: {value.device} instead.")
    if query.dim() < 3 or key.dim() < 3 or value.dim() < 3:
        raise ValueError(f"Expected query, key, and value to all be at least 3 dimensional, but got query.dim: "
                         f"{query.dim()}, key.dim: {key.dim()} and value.dim: {value.dim()} instead.")
    if query._ragged_idx != key._ragged_idx or query._ragged_idx != value._ragged_idx:
        raise ValueError(f"Expected query, key, and value to all be ragged on the same dimension, but got ragged "
                         f"dims {query._ragged_idx}, {key._ragged_idx}, and {value._ragged_idx}, respectively.")
    if attn_mask is not None:
        raise ValueError("Masks are not yet supported!")


def _dropout(input, p=0.5, training=True, inplace=False):
    return _like(input, ember.nn.functional.dropout(input._values, p, training, inplace))


def _to_padded(self, padding, output_size=None):
    from ember.nested import to_padded_tensor
    return to_padded_tensor(self, padding, output_size)


_POINTWISE = ('add', 'sub', 'mul', 'div', 'true_divide', 'pow', 'neg', 'abs', 'exp', 'log', 'sqrt', 'rsqrt', 'sin',
              'cos', 'tanh', 'sigmoid', 'relu', 'gelu', 'silu', 'square', 'clamp', 'eq', 'ne', 'lt', 'le',
              'gt', 'ge')
_FUNCTIONS = {name: _pointwise(name) for name in _POINTWISE if hasattr(ember, name) or hasattr(ember.nn.functional,
                                                                                                name)}
_FUNCTIONS.update(linear=_linear, layer_norm=_layer_norm, softmax=_softmax, transpose=_transpose,
                  unflatten=_unflatten, flatten=_flatten, scaled_dot_product_attention=_sdpa, dropout=_dropout,
                  chunk=_chunk,
                  unbind=lambda t, dim=0: t.unbind(dim), detach=lambda t: t.detach(), clone=lambda t, **k: t.clone(),
                  to_padded_tensor=_to_padded)


def _install():
    keep = set(vars(JaggedTensor)) | {'register_hook', 'type', 'get_device', 'is_shared', 'is_inference',
                                      'has_names', 'is_pinned', 'is_signed', 'data_ptr', 'as_subclass',
                                      'element_size', 'is_floating_point', 'is_complex', 'storage_offset'}
    for name in dir(NestedTensor):
        if name.startswith('_') or name in keep:
            continue
        attr = getattr(NestedTensor, name, None)
        if callable(attr) and not isinstance(attr, type) and name not in _FUNCTIONS:
            setattr(JaggedTensor, name, _unsupported(name))
    for name, fn in _FUNCTIONS.items():
        if name not in keep:
            setattr(JaggedTensor, name, fn)
    for name in ('add_', 'sub_', 'mul_', 'div_', 'zero_', 'fill_', 'relu_', 'clamp_'):
        setattr(JaggedTensor, name, _inplace(name))
    for dunder, name, op in (('add', 'add', operator.add), ('sub', 'sub', operator.sub),
                             ('mul', 'mul', operator.mul), ('truediv', 'div', operator.truediv)):
        setattr(JaggedTensor, f'__{dunder}__', _dunder(name, op, False))
        setattr(JaggedTensor, f'__r{dunder}__', _dunder(name, op, True))
    for name in ('float', 'double', 'half', 'bfloat16'):
        setattr(JaggedTensor, name, (lambda n: lambda self: _like(self, getattr(self._values, n)()))(name))
    JaggedTensor.__neg__ = _FUNCTIONS['neg']
    JaggedTensor.__iadd__ = _inplace('add_')
    JaggedTensor.__imul__ = _inplace('mul_')
    JaggedTensor.__hash__ = Tensor.__hash__


def _dunder(name, op, reverse):
    """``nt <op> other`` (or ``other <op> nt``) on the values, with the pointwise rules for the other."""
    def method(self, other):
        _check_operand(name, self, other)
        other = other._values if isinstance(other, JaggedTensor) else other
        return _like(self, op(other, self._values) if reverse else op(self._values, other))
    return method


def _unsupported(name):
    def method(self, *args, **kwargs):
        raise NotImplementedError(f"{name} is not supported by ember's nested tensors with layout=ember.jagged")
    method.__name__ = name
    return method


_install()
