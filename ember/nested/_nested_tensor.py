"""``NestedTensor``: a batch of tensors of the same number of dims whose sizes may differ (PyTorch's
nested tensors with ``layout=ember.strided``).

The tensors are kept as a list of ordinary ember tensors (the components), so autograd records
through them as usual; an operation on a nested tensor runs on each component and returns a nested
tensor of the results. Dimension 0 is the batch; dimension ``d > 0`` of the nested tensor is
dimension ``d - 1`` of every component.

What works, as in PyTorch: construction, ``unbind``/indexing, ``size(d)`` (an error for an irregular
dim), printing, ``to_padded_tensor``, elementwise arithmetic with nested tensors or numbers,
``relu``/``tanh``/``abs``/``neg``/``sqrt``, ``softmax``, ``matmul``/``bmm`` of two nested tensors,
``transpose``/``view``/``reshape``/``unsqueeze``/``squeeze``/``chunk`` off the batch dim,
``masked_fill``, in-place ``add_``/``mul_``/``zero_``/``fill_``, dtype/device conversion, and
gradients (``grad`` is a nested tensor).

Functions reach these methods through ``__torch_function__`` (``ember.matmul(nt, nt2)``,
``F.softmax(nt, -1)``), and, as in PyTorch, ``F.linear`` (so ``nn.Linear``), ``F.gelu``, ``F.silu``,
``F.dropout``, ``F.layer_norm`` (with weight and bias, so ``nn.LayerNorm``),
``F.scaled_dot_product_attention`` and ``ember.cat`` along dim 0 work on nested tensors, one
component at a time. Other functions raise NotImplementedError.
"""
import builtins

import ember
from ember import _torch_function
from ember.overrides import DisableTorchFunctionSubclass
from ember._dtype import dtype as _dtype_cls
from ember._formats import strided
from ember._tensor import Size, Tensor

__all__ = ['NestedTensor']

_UNSUPPORTED = ("ember's nested tensors (layout=ember.strided) do not support this operation; they support "
                "their own methods (unbind, size(d), to_padded_tensor, arithmetic, relu, tanh, softmax, matmul, "
                "bmm, transpose, view, reshape, masked_fill ...) and the ember.nested functions")


class _NoArray:
    """What a nested tensor has where a tensor has its array: any use by an op meant for ordinary
    tensors raises, instead of computing on something that is not the nested tensor's values."""
    __slots__ = ()

    def __getattr__(self, name):
        if name.startswith('__'):   # protocol probes (copy, inspect, NumPy) get the usual answer
            raise AttributeError(name)
        raise NotImplementedError(_UNSUPPORTED)

    def __array__(self, *args, **kwargs):
        raise NotImplementedError(_UNSUPPORTED)

    def __len__(self):
        raise NotImplementedError(_UNSUPPORTED)


def _refuse(self, *args):
    raise NotImplementedError(_UNSUPPORTED)


for _name in ('add', 'sub', 'mul', 'truediv', 'floordiv', 'pow', 'matmul', 'mod', 'and', 'or', 'xor', 'lt', 'le',
              'gt', 'ge', 'eq', 'ne'):
    setattr(_NoArray, f'__{_name}__', _refuse)
    setattr(_NoArray, f'__r{_name}__', _refuse)
for _name in ('neg', 'pos', 'abs', 'invert', 'getitem', 'iter', 'bool', 'float', 'int', 'index'):
    setattr(_NoArray, f'__{_name}__', _refuse)
_NO_ARRAY = _NoArray()


def _make(components):
    """A nested tensor over ``components`` (ember tensors with one number of dims), no copy."""
    if not _torch_function._active:     # a nested tensor exists: functions must dispatch on it from now on
        _torch_function.activate()
    nt = object.__new__(NestedTensor)
    nt._data = _NO_ARRAY
    nt._components = list(components)
    return nt


def _irregular(dim):
    return RuntimeError(f"Given dimension {dim} is irregular and does not have a size.")


class NestedTensor(Tensor):
    """A nested tensor (see the module docstring); make one with :func:`ember.nested.nested_tensor` or
    :func:`ember.nested.as_nested_tensor`."""
    __slots__ = ()
    _torch_function_on_demand = True   # dispatch switches on when the first nested tensor is made (_make)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        """A function of nested tensors: the method of that name, or the function on each component."""
        kwargs = kwargs or {}
        name = getattr(func, '__name__', '')
        with DisableTorchFunctionSubclass():
            if name in _PER_COMPONENT:
                return _per_component(name, func, args, kwargs)
            if name in ('cat', 'concat', 'concatenate'):
                return _cat(*args, **kwargs)
            method = getattr(cls, name, None) if args and isinstance(args[0], NestedTensor) else None
            if method is None or not callable(method):
                raise NotImplementedError(f"{name} is not supported by ember's nested tensors (layout=ember.strided)")
            return method(*args, **kwargs)

    # ------------------------------------------------------------------ metadata
    @property
    def is_nested(self):
        return True

    @property
    def layout(self):
        return strided

    @property
    def dtype(self):
        return self._components[0].dtype if self._components else ember.get_default_dtype()

    @property
    def device(self):
        return self._components[0].device if self._components else ember.device('cpu')

    @property
    def _device(self):
        return self.device

    @_device.setter
    def _device(self, value):
        pass   # a nested tensor's device is its components'

    @property
    def shape(self):
        raise RuntimeError("Internal error: NestedTensorImpl doesn't support sizes. Please file an issue.")

    def dim(self):
        return (self._components[0].dim() if self._components else 0) + 1

    ndimension = dim

    @property
    def ndim(self):
        return self.dim()

    def size(self, dim=None):
        """``size(d)``: the batch size for ``d = 0``, else the components' common size of dim ``d``; an
        irregular dim (the components differ there) raises, as does ``size()``."""
        if dim is None:
            raise RuntimeError("Internal error: NestedTensorImpl doesn't support sizes. Please file an issue.")
        ndim = self.dim()
        if not -ndim <= dim < ndim:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got "
                             f"{dim})")
        dim %= ndim
        if dim == 0:
            return len(self._components)
        sizes = {c.shape[dim - 1] for c in self._components}
        if len(sizes) != 1:
            raise _irregular(dim)
        return sizes.pop()

    def stride(self, dim=None):
        raise RuntimeError("Internal error: NestedTensorImpl doesn't support strides. Please file an issue.")

    def __len__(self):
        raise RuntimeError("Internal error: NestedTensorImpl doesn't support sizes. Please file an issue.")

    def numel(self):
        return builtins.sum(c.numel() for c in self._components)

    nelement = numel

    def element_size(self):
        return self.dtype.itemsize

    def is_contiguous(self, memory_format=None):
        return builtins.all(c.is_contiguous() for c in self._components)

    def storage_offset(self):
        return 0

    def _nested_tensor_size(self):
        return ember.tensor([list(c.shape) for c in self._components], dtype=ember.int64)

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_complex(self):
        return self.dtype.is_complex

    # ------------------------------------------------------------------ autograd
    @property
    def requires_grad(self):
        return builtins.any(c.requires_grad for c in self._components)

    @requires_grad.setter
    def requires_grad(self, value):
        for c in self._components:
            c.requires_grad = value

    def requires_grad_(self, requires_grad=True):
        for c in self._components:
            c.requires_grad_(requires_grad)
        return self

    @property
    def grad_fn(self):
        return next((c.grad_fn for c in self._components if c.grad_fn is not None), None)

    @property
    def _grad_fn(self):
        return self.grad_fn

    @_grad_fn.setter
    def _grad_fn(self, value):
        pass

    @property
    def _requires_grad(self):
        return self.requires_grad

    @_requires_grad.setter
    def _requires_grad(self, value):
        pass

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def grad(self):
        grads = [c.grad for c in self._components]
        if builtins.all(g is None for g in grads):
            return None
        return _make([g if g is not None else ember.zeros_like(c) for g, c in zip(grads, self._components)])

    @grad.setter
    def grad(self, value):
        parts = [None] * len(self._components) if value is None else _components_of(value, 'grad')
        for c, g in zip(self._components, parts):
            c.grad = g

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        if gradient is None:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        ember.autograd.backward(self._components, _components_of(gradient, 'gradient'), retain_graph=retain_graph,
                                create_graph=create_graph, inputs=inputs)

    def detach(self):
        return _make([c.detach() for c in self._components])

    def clone(self, *, memory_format=None):
        return _make([c.clone() for c in self._components])

    def to(self, *args, **kwargs):
        return _make([c.to(*args, **kwargs) for c in self._components])

    def contiguous(self, memory_format=None):
        return _make([c.contiguous() for c in self._components])

    # ------------------------------------------------------------------ printing
    def __repr__(self):
        def shown(c):
            return repr(c.detach().requires_grad_() if c.requires_grad else c)
        body = ',\n'.join('\n'.join('  ' + line for line in shown(c).split('\n')) for c in self._components)
        fn = self.grad_fn
        suffix = f', grad_fn=<{type(fn).__name__}>' if fn is not None else (
            ', requires_grad=True' if self.requires_grad else '')
        return f'nested_tensor([\n{body}\n]{suffix})'

    __str__ = __repr__

    def __format__(self, spec):
        return format(repr(self), spec)

    # ------------------------------------------------------------------ components
    def unbind(self, dim=0):
        """The components, as a tuple (only along dim 0)."""
        if dim != 0:
            raise RuntimeError(f"unbind(): only supported for NestedTensor on dim=0, but got dimension {dim}")
        return tuple(self._components)

    def __getitem__(self, index):
        if isinstance(index, builtins.int):
            n = len(self._components)
            if not -n <= index < n:
                raise IndexError(f"index {index} is out of bounds for dimension 0 with size {n}")
            return self._components[index]
        if isinstance(index, tuple) and index and isinstance(index[0], builtins.int):
            # nt[i, ...]: component i, indexed by the rest (a regular tensor, as PyTorch's)
            component, rest = self[index[0]], index[1:]
            if rest and isinstance(rest[0], builtins.int) and component.dim() > 0:
                n = component.shape[0]   # (the component's dim 0 is the nested tensor's dim 1)
                if not -n <= rest[0] < n:
                    raise IndexError(f"index {rest[0]} is out of bounds for dimension 1 with size {n}")
            return component[rest]
        raise NotImplementedError("ember's nested tensors can only be indexed by an integer (one component), "
                                  "optionally followed by indices into it")

    def select(self, dim, index):
        if dim % self.dim() != 0:
            raise RuntimeError("select(): only dim=0 is supported for ember's nested tensors")
        return self[index]

    def to_padded_tensor(self, padding, output_size=None):
        """A dense tensor: the components padded with ``padding`` to a common size (``output_size``, by
        default the largest size of every dim) and stacked."""
        from ember.nested import to_padded_tensor
        return to_padded_tensor(self, padding, output_size)

    def __iter__(self):
        return iter(self._components)


def _components_of(other, what):
    if isinstance(other, NestedTensor):
        return other._components
    raise RuntimeError(f"Expected {what} to be a nested tensor")


def _nested_dim(nt, dim, op):
    """The component dim for nested dim ``dim`` (the batch dim 0 is refused)."""
    ndim = nt.dim()
    if not -ndim <= dim < ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})")
    dim %= ndim
    if dim == 0:
        raise RuntimeError(op)
    return dim - 1


def _elementwise(name):
    def method(self, *args, **kwargs):
        return _make([getattr(c, name)(*args, **kwargs) for c in self._components])
    method.__name__ = name
    method.__doc__ = f"``Tensor.{name}`` of every component."
    return method


def _inplace(name):
    def method(self, *args, **kwargs):
        for i, c in enumerate(self._components):
            getattr(c, name)(*[a._components[i] if isinstance(a, NestedTensor) else a for a in args], **kwargs)
        return self
    method.__name__ = name
    method.__doc__ = f"``Tensor.{name}`` of every component, in place."
    return method


def _binary(name, reverse=False):
    def method(self, other, *args, **kwargs):
        if isinstance(other, NestedTensor):
            if len(other._components) != len(self._components):
                raise RuntimeError(f"{name}: expected nested tensors with the same number of tensors, got "
                                   f"{len(self._components)} and {len(other._components)}")
            pairs = zip(self._components, other._components)
        elif isinstance(other, Tensor):
            if other.dim() != 0:
                raise RuntimeError("Expected both self and other to be nested, but got a nested self and non-nested "
                                   "other")
            pairs = ((c, other) for c in self._components)
        elif isinstance(other, (builtins.int, builtins.float, builtins.bool, complex)):
            pairs = ((c, other) for c in self._components)
        else:
            return NotImplemented
        if reverse:
            return _make([getattr(ember, name)(o, c, *args, **kwargs) for c, o in pairs])
        return _make([getattr(ember, name)(c, o, *args, **kwargs) for c, o in pairs])
    method.__name__ = name
    method.__doc__ = f"``{name}`` of matching components (or of every component and a number)."
    return method


def _matmul(self, other):
    """Matrix products of matching components (both operands nested)."""
    if not isinstance(other, NestedTensor):
        raise RuntimeError("Expected both to be nested, but got a nested self and non-nested other")
    if len(other._components) != len(self._components):
        raise RuntimeError(f"matmul: Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{len(self._components)}, ...] but got: [{len(other._components)}, ...].")
    return _make([ember.matmul(a, b) for a, b in zip(self._components, other._components)])


def _bmm(self, mat2):
    """Batched matrix products of matching 2-d components (both operands nested and 3-d)."""
    if not isinstance(mat2, NestedTensor):
        raise RuntimeError("Expected both to be nested, but got a nested self and non-nested other")
    if self.dim() != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor")
    if mat2.dim() != 3:
        raise RuntimeError(f"batch2 must be a 3D tensor")
    return _matmul(self, mat2)


def _softmax(self, dim, dtype=None):
    """Softmax along nested dim ``dim`` (not the batch dim) of every component."""
    d = _nested_dim(self, dim, f"Cannot apply softmax across nested dimension 0")
    return _make([ember.softmax(c, d, dtype=dtype) for c in self._components])


def _transpose(self, dim0, dim1):
    ndim = self.dim()
    d0, d1 = dim0 % ndim, dim1 % ndim
    if d0 == 0 or d1 == 0:
        raise RuntimeError("Nested tensor dimension 0 cannot be transposed")
    return _make([c.transpose(d0 - 1, d1 - 1) for c in self._components])


def _view_like(name):
    def method(self, *shape):
        shape = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)) else shape
        if not shape or shape[0] != len(self._components):
            raise RuntimeError(f"{name}: For now nested {name} cannot change or infer the implicit batch dimension")
        try:
            return _make([_reshape_component(c, shape[1:], name) for c in self._components])
        except RuntimeError as e:
            if 'is invalid for input of size' not in str(e):
                raise
            bad = next(c for c in self._components if not _fits(c, shape[1:]))
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {bad.numel()}") from None
    method.__name__ = name
    method.__doc__ = f"``Tensor.{name}`` of every component; the first size must be the batch size."
    return method


def _fits(c, sizes):
    n = 1
    for i, s in enumerate(sizes):
        n *= c.shape[i] if s == -1 and i < c.dim() else s
    return n == c.numel()


def _reshape_component(c, sizes, name):
    # a -1 keeps the component's own size of that dim (the sizes may differ between components)
    own = [c.shape[i] if s == -1 and i < c.dim() else s for i, s in enumerate(sizes)]
    return getattr(c, name)(*own)


def _unsqueeze(self, dim):
    ndim = self.dim() + 1
    if not -ndim <= dim < ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})")
    dim %= ndim
    if dim == 0:
        raise RuntimeError("unsqueeze(): For nested tensors, unsqueezing dimension 0 is not supported at the moment "
                           "if you need this feature, please open an issue on github describing your use case.")
    return _make([c.unsqueeze(dim - 1) for c in self._components])


def _squeeze(self, dim=None):
    if dim is None:
        raise RuntimeError("squeeze(): For nested tensors, squeeze without the dim argument is not supported at the "
                           "moment, however you can use squeeze(Tensor self, int dim) instead if you need this "
                           "feature, please open an issue on github describing your use case.")
    d = dim % self.dim()
    if d == 0:
        raise RuntimeError("squeeze(): For nested tensors, squeezing dimension 0 is not supported at the moment if "
                           "you need this feature, please open an issue on github describing your use case.")
    return _make([c.squeeze(d - 1) for c in self._components])


def _chunk(self, chunks, dim=0):
    d = dim % self.dim()
    if d != self.dim() - 1:
        raise RuntimeError("Chunk for nested tensors is currently only supported for the last dimension.")
    parts = [c.chunk(chunks, d - 1) for c in self._components]
    return tuple(_make(p) for p in zip(*parts))


def _masked_fill(self, mask, value):
    masks = _components_of(mask, 'mask') if isinstance(mask, NestedTensor) else [mask] * len(self._components)
    return _make([c.masked_fill(m, value) for c, m in zip(self._components, masks)])


# the functions PyTorch's strided nested tensors run one component at a time
_PER_COMPONENT = frozenset(('linear', 'gelu', 'silu', 'dropout', 'layer_norm', 'scaled_dot_product_attention'))


def _per_component(name, func, args, kwargs):
    nested = [a for a in (*args, *kwargs.values()) if isinstance(a, NestedTensor)]
    count = len(nested[0]._components)
    if any(len(n._components) != count for n in nested):
        raise RuntimeError(f"{name}: expected nested tensors with the same number of tensors")
    if name == 'layer_norm' and (_argument(args, kwargs, 2, 'weight') is None
                                 or _argument(args, kwargs, 3, 'bias') is None):
        raise ValueError("NestedTensor layer_norm requires weight and bias")

    def pick(a, i):
        return a._components[i] if isinstance(a, NestedTensor) else a
    return _make([func(*[pick(a, i) for a in args], **{k: pick(v, i) for k, v in kwargs.items()})
                  for i in range(count)])


def _argument(args, kwargs, position, keyword):
    return args[position] if len(args) > position else kwargs.get(keyword)


def _cat(tensors, dim=0, *, out=None):
    if out is not None or not all(isinstance(t, NestedTensor) for t in tensors):
        raise NotImplementedError("cat of nested tensors takes only nested tensors and no out=")
    if dim % tensors[0].dim() != 0:
        raise NotImplementedError("cat of nested tensors is supported along dim 0 only")
    return _make([c for t in tensors for c in t._components])


def _narrow(self, dim, start, length):
    if dim % self.dim() != 0:
        raise RuntimeError(f"narrow(): only dim=0 supported for nested tensors, but got: {dim}")
    return _make(self._components[start:start + length])


def _install():
    for name in ('relu', 'tanh', 'abs', 'neg', 'sqrt', 'gelu', 'silu', 'float', 'double', 'half', 'cpu', 'cuda'):
        if hasattr(Tensor, name):
            setattr(NestedTensor, name, _elementwise(name))
    for name in ('add_', 'sub_', 'mul_', 'div_', 'zero_', 'fill_', 'relu_', 'masked_fill_', 'clamp_'):
        setattr(NestedTensor, name, _inplace(name))
    for name in ('add', 'sub', 'mul', 'div', 'gt', 'ge', 'lt', 'le'):
        setattr(NestedTensor, name, _binary(name))
    for dunder, name in (('__add__', 'add'), ('__sub__', 'sub'), ('__mul__', 'mul'), ('__truediv__', 'div'),
                         ('__gt__', 'gt'), ('__ge__', 'ge'), ('__lt__', 'lt'), ('__le__', 'le')):
        setattr(NestedTensor, dunder, _binary(name))
    for dunder, name in (('__radd__', 'add'), ('__rsub__', 'sub'), ('__rmul__', 'mul'), ('__rtruediv__', 'div')):
        setattr(NestedTensor, dunder, _binary(name, reverse=True))
    NestedTensor.__iadd__ = _inplace('add_')
    NestedTensor.__imul__ = _inplace('mul_')
    NestedTensor.__neg__ = _elementwise('neg')
    NestedTensor.__abs__ = _elementwise('abs')
    NestedTensor.matmul = NestedTensor.__matmul__ = _matmul
    NestedTensor.bmm = _bmm
    NestedTensor.softmax = _softmax
    NestedTensor.transpose = _transpose
    NestedTensor.view = _view_like('view')
    NestedTensor.reshape = _view_like('reshape')
    NestedTensor.unsqueeze = _unsqueeze
    NestedTensor.squeeze = _squeeze
    NestedTensor.chunk = _chunk
    NestedTensor.masked_fill = _masked_fill
    NestedTensor.narrow = _narrow
    NestedTensor.__hash__ = Tensor.__hash__
    own = set(vars(NestedTensor))
    keep = {'register_hook', 'retain_grad', 'type', 'get_device', 'is_shared', 'is_inference', 'has_names',
            'is_pinned', 'is_signed', 'data_ptr', 'untyped_storage', 'as_subclass'}
    for name in dir(Tensor):
        if name.startswith('_') or name in own or name in keep:
            continue
        attr = getattr(Tensor, name, None)
        if callable(attr) and not isinstance(attr, (type, _dtype_cls)):
            setattr(NestedTensor, name, _unsupported(name))


def _unsupported(name):
    def method(self, *args, **kwargs):
        raise NotImplementedError(f"{name} is not supported by ember's nested tensors (layout=ember.strided)")
    method.__name__ = name
    return method


_install()
