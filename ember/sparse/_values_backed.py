"""What every sparse tensor class shares (COO in ``_coo.py``, CSR/CSC/BSR/BSC in ``_compressed.py``): it keeps
its specified elements in a dense ``values`` tensor beside its index tensors, and takes its dtype, device and
whole autograd state from those values, so that every operation written with dense ops on the values records
its history like any other op.

A subclass sets ``_sp_values`` and ``_sp_size`` and defines ``_with_values(values)`` (the same index structure
over other values: the gradient of a leaf) and ``_same_pattern(other)`` (whether ``other`` could be such a
gradient).
"""
from ember._formats import sparse_coo
from ember._tensor import Tensor


class _NoArray:
    """A sparse tensor's stand-in for the dense array: any use by an op meant for dense tensors raises."""
    __slots__ = ('message',)

    def __init__(self, message):
        self.message = message

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        raise NotImplementedError(self.message)

    def __array__(self, *args, **kwargs):
        raise NotImplementedError(self.message)


class ValuesBacked(Tensor):
    """A sparse tensor whose metadata and autograd state are its values' (see the module docstring)."""
    __slots__ = ()
    # defining the class (importing ember.sparse, as ember.save and ember.load do) leaves every op bound bare: its
    # subclasses switch __torch_function__ dispatch on when their first tensor is made
    _torch_function_on_demand = True

    @property
    def dtype(self):
        return self._sp_values.dtype

    @property
    def device(self):
        return self._sp_values.device

    @property
    def _device(self):
        return self._sp_values.device

    @_device.setter
    def _device(self, value):
        pass

    @property
    def shape(self):
        return self._sp_size

    def size(self, dim=None):
        return self._sp_size if dim is None else self._sp_size[dim]

    def dim(self):
        return len(self._sp_size)

    ndimension = dim

    @property
    def ndim(self):
        return len(self._sp_size)

    def numel(self):
        return self._sp_size.numel()

    nelement = numel

    def is_floating_point(self):
        return self.dtype.is_floating_point

    def is_complex(self):
        return self.dtype.is_complex

    # ------------------------------------------------------------------ autograd (through the values)
    @property
    def requires_grad(self):
        return self._sp_values.requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        self._sp_values.requires_grad = value

    def requires_grad_(self, requires_grad=True):
        self._sp_values.requires_grad_(requires_grad)
        return self

    @property
    def _requires_grad(self):
        return self._sp_values.requires_grad

    @_requires_grad.setter
    def _requires_grad(self, value):
        pass

    @property
    def grad_fn(self):
        return self._sp_values.grad_fn

    @property
    def _grad_fn(self):
        return self._sp_values.grad_fn

    @_grad_fn.setter
    def _grad_fn(self, value):
        pass

    @property
    def is_leaf(self):
        return self._sp_values.grad_fn is None

    @property
    def grad(self):
        """A leaf's gradient: a sparse tensor of its layout over its indices (the gradient of its values), as
        PyTorch's.

        Example::

            >>> s = ember.tensor([[0., 2.], [3., 0.]]).to_sparse().requires_grad_()
            >>> ember.sparse.mm(s, ember.ones(2, 1)).sum().backward()
            >>> s.grad.to_dense()
            tensor([[0., 1.],
                    [1., 0.]])
        """
        g = self._sp_values.grad
        return None if g is None else self._with_values(g)

    @grad.setter
    def grad(self, value):
        if value is None:
            self._sp_values.grad = None
            return
        if not self._same_pattern(value):
            raise RuntimeError("ember can only assign to a sparse tensor's .grad a sparse tensor of its layout over "
                               "the same indices (or None)")
        self._sp_values.grad = value._sp_values

    @grad.deleter
    def grad(self):
        self._sp_values.grad = None

    @property
    def _grad(self):        # (what optimizers' zero_grad reads and clears)
        return self.grad

    @_grad.setter
    def _grad(self, value):
        if value is None:
            self._sp_values._grad = None
        else:
            self.grad = value

    def detach(self):
        return self._with_values(self._sp_values.detach())

    def detach_(self):
        self._sp_values = self._sp_values.detach()
        return self

    # ------------------------------------------------------------------ conversions kept on the values
    def to(self, *args, **kwargs):
        return self._with_values(self._sp_values.to(*args, **kwargs))

    def double(self):
        return self.to(_dtype('float64'))

    def float(self):
        return self.to(_dtype('float32'))

    def half(self):
        return self.to(_dtype('float16'))

    def cpu(self):
        return self.to('cpu')

    def cuda(self, device=None, non_blocking=False):
        return self.to('cuda' if device is None else device, non_blocking=non_blocking)

    def __format__(self, spec):
        return format(repr(self), spec)

    __hash__ = Tensor.__hash__

    def _as_parameter(self, requires_grad):
        """``nn.Parameter(sparse)``: a sparse leaf over the same indices and values, flagged as a parameter (its
        class stays the sparse one, as in PyTorch; ``isinstance(p, nn.Parameter)`` holds)."""
        p = self.detach()
        p._is_param = True
        if requires_grad:
            if not (self.dtype.is_floating_point or self.dtype.is_complex):
                raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
            p.requires_grad_(True)
        return p

    def _parameter_prefix(self):
        """What PyTorch prints before a parameter's tensor."""
        return 'Parameter containing:\n' if self._is_param else ''

    def _sparse_repr(self, parts, layout):
        """PyTorch's repr of a sparse tensor made of the named ``parts`` (indices and values): the device when it
        is not the default one, then the size, the number of elements specified (not for a meta tensor, whose
        parts print as ``...``), a dtype that is not a default one, the layout and the autograd state."""
        from ember._tensor_str import _add_suffixes, _default_dtypes, _device_suffix, _tensor_str
        indent = len('tensor(')
        meta = self.device.type == 'meta'
        suffixes = [s for s in (_device_suffix(self.device),) if s]
        suffixes.append(f'size={tuple(self.shape)}')
        if not meta:
            suffixes.append(f'nnz={self._nnz()}')
        if self.dtype not in _default_dtypes()[1]:
            suffixes.append(f'dtype={self.dtype}')
        texts = []
        for name, t in parts:
            prefix = f'{name}=tensor('
            text = '...' if meta else _tensor_str(t.detach(), indent + len(prefix))
            if meta or t.numel() == 0:
                text += f', size={tuple(t.shape)}'
            texts.append(prefix + text + ')')
        suffixes.append(f'layout={layout}')
        if self.grad_fn is not None:
            suffixes.append(f"grad_fn=<{self.grad_fn.name().rsplit('::', 1)[-1]}>")  # (namespaced: its last part)
        elif self.requires_grad:
            suffixes.append('requires_grad=True')
        return self._parameter_prefix() + _add_suffixes('tensor(' + (',\n' + ' ' * indent).join(texts), suffixes,
                                                        indent, force_newline=layout is sparse_coo)

    # ------------------------------------------------------------------ pickling and copies
    def __reduce_ex__(self, proto):
        """Pickle support: the layout and the parts (index tensors, values, size) it is rebuilt from, as
        PyTorch pickles sparse tensors.

        Example::

            >>> import pickle
            >>> s = ember.tensor([[0., 2.], [3., 0.]]).to_sparse_csr()
            >>> pickle.loads(pickle.dumps(s)).to_dense()
            tensor([[0., 2.],
                    [3., 0.]])
        """
        return rebuild_sparse, (self.layout, self._sparse_parts())

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
                               "because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        import copy
        parts = tuple(copy.deepcopy(p, memo) if isinstance(p, Tensor) else p for p in self._sparse_parts())
        copied = rebuild_sparse(self.layout, parts, check=False)
        memo[id(self)] = copied
        return copied


def rebuild_sparse(layout, data, check=None):
    """A sparse tensor of ``layout`` from its parts (``(indices, values, size[, is_coalesced])`` for COO,
    ``(compressed_indices, plain_indices, values, size)`` for the compressed layouts), unchecked unless ``check``
    (by default: whether :class:`ember.sparse.check_sparse_tensor_invariants` is on)."""
    import ember
    from ember.sparse._coo import check_sparse_tensor_invariants
    check = check_sparse_tensor_invariants.is_enabled() if check is None else check
    if layout is ember.sparse_coo:
        indices, values, size, *coalesced = data
        return ember.sparse_coo_tensor(indices, values, size, check_invariants=check,
                                       is_coalesced=coalesced[0] if coalesced else None)
    compressed, plain, values, size = data
    return ember.sparse_compressed_tensor(compressed, plain, values, size, layout=layout, check_invariants=check)


def _dtype(name):
    import ember
    return getattr(ember, name)
