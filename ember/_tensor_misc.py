"""Smaller Tensor attributes PyTorch exposes: ``name``, ``grad_dtype``, ``record_stream`` and the
legacy pickling hook ``__setstate__``."""
from ember._dtype import dtype as _dtype_type
from ember._tensor import Tensor, _scalar_type_name
from ember._tensor_user_dict import instance_dict

_SLOTS = frozenset(Tensor.__slots__)

# grad_dtype's default: follow the tensor's own dtype (an explicit None means "any dtype")
_SAME_AS_DTYPE = object()


def _name(self):
    """Always ``None`` (a read-only attribute of every tensor in PyTorch)."""
    return None


def _grad_dtype_get(self):
    if self._grad_fn is not None:
        raise RuntimeError('grad_dtype can only be accessed on leaf tensors.')
    value = instance_dict(self).get('_grad_dtype', _SAME_AS_DTYPE)
    return self.dtype if value is _SAME_AS_DTYPE else value


def _grad_dtype_set(self, value):
    if self._grad_fn is not None:
        raise RuntimeError('grad_dtype can only be set on leaf tensors.')
    if value is not None and not isinstance(value, _dtype_type):
        raise RuntimeError(f'grad_dtype must be a ember.dtype or None, but got {type(value).__name__}')
    grad = self._grad
    if value is not None and grad is not None and grad.dtype is not value:
        from ember.ops.inplace import _C_TYPE_NAMES
        raise RuntimeError(
            f"Cannot set grad_dtype to '{_scalar_type_name(value)}' because there is already a gradient with dtype "
            f"'{_C_TYPE_NAMES.get(grad.dtype.name, grad.dtype.name)}'. Please clear the gradient (.grad = None) before "
            "changing grad_dtype, or ensure the new grad_dtype matches the existing gradient's dtype.")
    instance_dict(self)['_grad_dtype'] = value


_grad_dtype_doc = """The dtype a leaf tensor's ``.grad`` must have: by default the tensor's own dtype.

Set it to another dtype to have the engine cast incoming gradients to it (and to allow assigning
``.grad`` of that dtype), or to ``None`` to accept gradients of any dtype. Only leaf tensors have it.

Example::

    >>> w = ember.ones(2, requires_grad=True)
    >>> w.grad_dtype
    ember.float32
    >>> w.grad_dtype = ember.float64
    >>> (w * 2).sum().backward()
    >>> w.grad
    tensor([2., 2.], dtype=ember.float64)
"""


def check_assigned_grad_dtype(tensor, grad):
    """PyTorch's refusal of a ``.grad`` whose dtype is not the tensor's ``grad_dtype``."""
    wanted = instance_dict(tensor).get('_grad_dtype', _SAME_AS_DTYPE)
    if wanted is None:
        return
    wanted = tensor.dtype if wanted is _SAME_AS_DTYPE else wanted
    if grad.dtype is not wanted:
        from ember.ops.inplace import _C_TYPE_NAMES
        raise RuntimeError(
            f"attempting to assign a gradient with dtype '{_C_TYPE_NAMES.get(grad.dtype.name, grad.dtype.name)}' to a "
            f"tensor with grad_dtype '{_scalar_type_name(wanted)}'. The gradient must match the tensor's grad_dtype "
            "(defaults to the tensor's dtype). You can set the tensor's grad_dtype attribute with a specific dtype, "
            "or None to allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its "
            "gradient may break downstream systems that assume they match.")


def cast_to_grad_dtype(tensor, grad):
    """The incoming gradient in the leaf's explicitly set ``grad_dtype`` (unchanged by default)."""
    wanted = instance_dict(tensor).get('_grad_dtype', _SAME_AS_DTYPE)
    if wanted is _SAME_AS_DTYPE or wanted is None or grad.dtype is wanted:
        return grad
    return grad.to(wanted)


def record_stream(self, s):
    """Mark the tensor as used by stream ``s`` so a caching allocator does not reuse its memory
    early. PyTorch implements it for CUDA tensors only; ember's CPU (and CuPy) tensors refuse it as
    PyTorch's CPU tensors do.

    Args:
        s (Stream): the stream.

    Example::

        >>> ember.ones(2).record_stream(ember.Stream('cpu'))
        Traceback (most recent call last):
            ...
        NotImplementedError: Could not run 'aten::record_stream' with arguments from the 'CPU' backend...
    """
    from ember._streams import Stream
    from ember import cuda
    if not isinstance(s, (Stream, cuda.Stream)):
        raise RuntimeError('unknown parameter type')
    if self.device.type != 'cpu':
        raise NotImplementedError("record_stream is not supported for ember's CuPy tensors: synchronize the stream "
                                  "(s.synchronize()) before the tensor's memory can be freed")
    raise NotImplementedError("Could not run 'aten::record_stream' with arguments from the 'CPU' backend. This could be because the operator doesn't "
                              "exist for this backend, or was omitted during the selective/custom build process "
                              "(if using custom build).")


def __setstate__(self, state):
    """Restore a tensor from the state tuples of PyTorch's legacy (pre-1.0) pickles: four entries
    (storage, offset, size, stride) for a Tensor, five for a Variable (data, ..., requires_grad,
    backward hooks). ``ember.load`` does not go through it.

    Args:
        state (tuple or dict): the pickled state.

    Example::

        >>> t = ember.empty(0)
        >>> t.__setstate__((ember.tensor([1., 2., 3.]).untyped_storage(), 0, (3,), (1,)))
        >>> t
        tensor([1., 2., 3.])
    """
    if self._grad_fn is not None:
        raise RuntimeError('__setstate__ can be only called on leaf Tensors')
    if isinstance(state, dict) or (isinstance(state, tuple) and len(state) == 2
                                   and all(isinstance(s, (dict, type(None))) for s in state)):
        # a plain attribute state (what pickle builds for objects without this method)
        for part in (state if isinstance(state, tuple) else (state,)):
            for key, value in (part or {}).items():
                setattr(self, key, value) if key in _SLOTS else self.__dict__.__setitem__(key, value)
        return
    if len(state) == 4:
        self.set_(*state)
        return
    if len(state) == 5:
        self.data = state[0]
        state = (state[3], state[4], state[2])
    # hooks are never serialized: the third entry is ignored as in PyTorch
    self.requires_grad, _, _ = state


def _name_set(self, value):
    raise AttributeError("attribute 'name' of 'ember._C.TensorBase' objects is not writable")


def to_padded_tensor(self, padding, output_size=None):
    """A nested tensor's components padded with ``padding`` to one size and stacked (see
    :func:`ember.nested.to_padded_tensor`); a regular tensor refuses, as in PyTorch.

    Args:
        padding (float): the value for the missing elements.
        output_size (tuple of ints, optional): the padded size. Default: the largest size of each dim.

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings():   # nested tensors warn that they are a prototype
        ...     warnings.simplefilter('ignore')
        ...     nt = ember.nested.nested_tensor([ember.ones(2), ember.ones(3)])
        >>> nt.to_padded_tensor(0.)
        tensor([[1., 1., 0.],
                [1., 1., 1.]])
    """
    raise NotImplementedError(f"Could not run 'aten::to_padded_tensor' with arguments from the "
                              f"'{self.device.type.upper()}' backend. This could be because the operator doesn't "
                              "exist for this backend, or was omitted during the selective/custom build process "
                              "(if using custom build).")


Tensor.to_padded_tensor = to_padded_tensor
Tensor.name = property(_name, _name_set, doc='Always ``None``: PyTorch keeps this read-only attribute on every tensor.')
Tensor.grad_dtype = property(_grad_dtype_get, _grad_dtype_set, doc=_grad_dtype_doc)
Tensor.record_stream = record_stream
Tensor.__setstate__ = __setstate__
