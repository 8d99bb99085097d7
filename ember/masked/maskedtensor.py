"""``MaskedTensor``: a tensor whose elements are each either specified or masked out.

A MaskedTensor is a Tensor (its values are the data, and autograd records through them) carrying a
bool mask of the same shape. Its methods follow PyTorch's prototype ``torch.masked.MaskedTensor``:

- unary elementwise methods (``exp``, ``sin``, ``abs`` ...) apply to the data and keep the mask;
- binary ops (``+``, ``*``, ``<`` ... and their method spellings) take a MaskedTensor and a tensor or
  number, or two MaskedTensors with equal masks, and keep the mask;
- reductions (``sum``, ``mean``, ``amax``, ``argmin``, ``prod``, ``all``, ``norm``, ``var``, ``std``)
  use only the specified elements; an output element is specified where any input element was;
- ``softmax`` normalises over the specified elements;
- views (``view``, ``reshape``, ``transpose``, ``t``, ``unsqueeze``, ``expand``, ``select``,
  indexing, ``split``, ``flatten``) move the data and the mask together.

Other Tensor methods raise a TypeError naming the method. Functions (``ember.exp(mt)``,
``ember.sum(mt, 1)``, ``F.softmax(mt, 0)``) reach these methods through ``__torch_function__``;
``ember.cat`` and ``ember.where`` combine masks as PyTorch's MaskedTensor does.
"""
import warnings

from ember import _torch_function
from ember.overrides import DisableTorchFunctionSubclass
from ember._dtype import bool as _bool, float16, float32, float64, int8, int16, int32, int64
from ember._tensor import Tensor
from ember.autograd.function import Function

__all__ = ['MaskedTensor', 'is_masked_tensor', 'masked_tensor', 'as_masked_tensor']

_SUPPORTED = (float16, float32, float64, _bool, int8, int16, int32, int64)


def is_masked_tensor(obj, /):
    """Whether ``obj`` is a :class:`MaskedTensor`.

    Example::

        >>> import warnings
        >>> from ember.masked import as_masked_tensor, is_masked_tensor
        >>> with warnings.catch_warnings():   # it warns that the API is a prototype
        ...     warnings.simplefilter('ignore')
        ...     mt = as_masked_tensor(ember.ones(2), ember.tensor([True, False]))
        >>> is_masked_tensor(mt)
        True
        >>> is_masked_tensor(ember.ones(2))
        False
    """
    return isinstance(obj, MaskedTensor)


def _as(t, cls):
    """``t`` (a fresh op result) as an instance of ``cls``, keeping its autograd history."""
    if not _torch_function._active:     # a MaskedTensor exists: functions must dispatch on it from now on
        _torch_function.activate()
    out = Tensor.view(t, tuple(t.shape)) if t.requires_grad else Tensor.detach(t)
    out.__class__ = cls
    return out


def _wrap(data, mask):
    """The op result ``data`` as a MaskedTensor with ``mask`` (nested lists/tuples elementwise)."""
    if isinstance(data, (list, tuple)):
        return type(data)(_wrap(d, m) for d, m in zip(data, mask))
    out = _as(data, MaskedTensor)
    out._masked_mask = mask
    return out


def _warn_prototype(stacklevel):
    warnings.warn("The PyTorch API of MaskedTensors is in prototype stage and will change in the near future. "
                  "Please open a Github issue for features requests and see our documentation on the "
                  "torch.masked module for further information about the project.", UserWarning,
                  stacklevel=stacklevel + 1)


def _check_members(data, mask):
    if mask.dtype != _bool:
        raise TypeError("mask must have dtype bool.")
    if data.dtype not in _SUPPORTED:
        raise TypeError(f"{data.dtype} is not supported in MaskedTensor.")
    if data.dim() != mask.dim():
        raise ValueError("data.dim() must equal mask.dim()")
    if data.size() != mask.size():
        raise ValueError("data.size() must equal mask.size()")


def _data(x):
    return x.get_data() if isinstance(x, MaskedTensor) else x


def _format_rows(data, mask):
    """PyTorch's layout: one bracketed line per innermost row, '--' for masked-out elements."""
    if data.ndim == 1:
        values = data.tolist()
        texts = [f"{v:8.4f}" if isinstance(v, float) else str(v) for v in values]
        flags = mask.tolist()
        width = max((8 if not m else len(t)) for t, m in zip(texts, flags)) if texts else 0
        return '[' + ', '.join(t if m else '--'.rjust(width) for t, m in zip(texts, flags)) + ']'
    subs = [_format_rows(d, m) for d, m in zip(data, mask)]
    subs = ['\n'.join('  ' + line for line in s.split('\n')) for s in subs]
    return '[\n' + ',\n'.join(subs) + '\n]'


class MaskedTensor(Tensor):
    """A tensor with a bool mask saying which elements are specified (see the module docstring).

    Args:
        data (Tensor): the values (copied); float16/32/64, bool or int8/16/32/64.
        mask (Tensor): bool, the same shape: True where an element is specified.
        requires_grad (bool): whether autograd records operations on it.

    Example::

        >>> import warnings
        >>> with warnings.catch_warnings():   # it warns that the API is a prototype
        ...     warnings.simplefilter('ignore')
        ...     mt = ember.masked.masked_tensor(ember.tensor([1., 2., 3.]), ember.tensor([True, False, True]))
        >>> mt.exp().sum()
        MaskedTensor( 22.8038, True)
    """
    __slots__ = ()
    _torch_function_on_demand = True   # dispatch switches on when the first MaskedTensor is made (_as)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        """``ember.<fn>(mt, ...)`` and ``F.<fn>(mt, ...)`` as the MaskedTensor method of that name."""
        kwargs = kwargs or {}
        name = getattr(func, '__name__', '')
        with DisableTorchFunctionSubclass():
            combine = _COMBINING.get(name)
            if combine is not None:
                return combine(*args, **kwargs)
            method = getattr(cls, name, None) if args and isinstance(args[0], MaskedTensor) else None
            if method is None or not callable(method):
                method = _unsupported(name)
            return method(*args, **kwargs)

    _grad_keeps_type = True    # a leaf's .grad stays a MaskedTensor, as in PyTorch

    def __new__(cls, data, mask, requires_grad=False):
        if isinstance(data, MaskedTensor) or not isinstance(data, Tensor):
            raise TypeError("data must be a Tensor")
        if isinstance(mask, MaskedTensor) or not isinstance(mask, Tensor):
            raise TypeError("mask must be a Tensor")
        _warn_prototype(2)
        if data.requires_grad:
            warnings.warn("It is not recommended to create a MaskedTensor with a tensor that requires_grad. To avoid "
                          "this, you can use data.detach().clone()", UserWarning, stacklevel=2)
        _check_members(data, mask)
        out = _as(Tensor.clone(Tensor.detach(data)), cls)
        out._masked_mask = Tensor.clone(mask)
        if requires_grad:
            Tensor.requires_grad_(out)
        return out

    def __init__(self, data, mask, requires_grad=False):
        pass   # everything happens in __new__

    # ------------------------------------------------------------------ members
    def get_data(self):
        """The values, masked-out ones included, as a plain tensor (gradients flow back to this one)."""
        return _as(self, Tensor)

    def get_mask(self):
        """The bool mask: True where an element is specified."""
        return self._masked_mask

    def to_tensor(self, value):
        """A plain tensor with the masked-out elements set to ``value``."""
        return self.get_data().masked_fill(~self._masked_mask, value)

    def _set_data_mask(self, data, mask):
        _check_members(data, mask)
        self._data = data._data
        self._masked_mask = mask

    def is_sparse_coo(self):
        return False

    def is_sparse_csr(self):
        return False

    @property
    def is_sparse(self):
        return False

    @property
    def grad(self):
        g = Tensor.grad.fget(self)
        return None if g is None else _wrap(g, self._masked_mask)

    @grad.setter
    def grad(self, value):
        Tensor.grad.fset(self, _data(value))

    @grad.deleter
    def grad(self):
        Tensor.grad.fdel(self)

    def _as_own_gradient(self, g):
        """The plain gradient ``g`` the engine computed for this tensor, as the MaskedTensor PyTorch gives."""
        return g if isinstance(g, MaskedTensor) else _wrap(g, self._masked_mask)

    def register_hook(self, hook):
        """Registers ``hook(grad)``, called with each gradient with respect to this tensor, a MaskedTensor with
        this tensor's mask (as in PyTorch); what it returns replaces the gradient.

        Example::

            >>> from ember.masked import masked_tensor
            >>> m = masked_tensor(ember.tensor([1., 2.]), ember.tensor([True, False]), requires_grad=True)
            >>> h = m.register_hook(lambda g: print(type(g).__name__))
            >>> (m * 2).sum().backward()
            MaskedTensor
        """
        def on_gradient(grad):
            result = hook(self._as_own_gradient(grad))
            return None if result is None else _data(result)
        return Tensor.register_hook(self, on_gradient)

    def detach(self):
        return _wrap(Tensor.detach(self), self._masked_mask)

    def clone(self, *, memory_format=None):
        kwargs = {} if memory_format is None else {'memory_format': memory_format}
        return _wrap(Tensor.clone(self.get_data(), **kwargs), Tensor.clone(self._masked_mask))

    # ------------------------------------------------------------------ printing
    def __repr__(self):
        if self.dim() == 0:
            value = self.get_data().item()
            text = f"{value:8.4f}" if isinstance(value, float) else str(value)
            specified = bool(self._masked_mask.item())
            return f"MaskedTensor({text if specified else '--'}, {specified})"
        body = _format_rows(self.get_data(), self._masked_mask)
        return 'MaskedTensor(\n' + '\n'.join('  ' + line for line in body.split('\n')) + '\n)'

    __str__ = __repr__

    def __format__(self, spec):
        return format(repr(self), spec)

    # ------------------------------------------------------------------ reductions
    def _reduce(self, name, *args, **kwargs):
        from ember import masked
        mask = self._masked_mask
        if not args and not kwargs:                            # over everything
            if name == 'all':
                data = self.get_data().masked_fill(~mask, True).all()
            else:
                data = getattr(masked, name)(self, mask=mask)
            return _wrap(data, mask.any())
        dim, keepdim, dtype = _reduce_dim_args(*args, **kwargs)
        if name == 'all':
            data = self.get_data().masked_fill(~mask, True).all(dim=dim, keepdim=keepdim)
        else:
            data = getattr(masked, name)(self, dim=dim, keepdim=keepdim, dtype=dtype, mask=mask)
        out_mask = mask
        for d in sorted([dim] if isinstance(dim, int) else dim, reverse=True):
            out_mask = out_mask.any(dim=d, keepdim=keepdim)
        return _wrap(data, out_mask)

    # ------------------------------------------------------------------ normalizations
    def _normalize(self, name, dim, dtype=None):
        from ember import masked
        return _wrap(getattr(masked, name)(self, dim, dtype=dtype, mask=self._masked_mask), self._masked_mask)

    def softmax(self, dim, dtype=None):
        return self._normalize('softmax', dim, dtype)

    # ------------------------------------------------------------------ the rest
    def __lt__(self, other):
        return self._binary('lt', other)


def _reduce_dim_args(dim, keepdim=False, dtype=None):
    return dim, keepdim, dtype


def masked_tensor(data, mask, requires_grad=False):
    """A :class:`MaskedTensor` holding copies of ``data`` and ``mask``.

    Args:
        data (Tensor): the values.
        mask (Tensor): bool, the same shape: True where an element is specified.
        requires_grad (bool): whether autograd records operations on the result.

    Example::

        >>> import warnings
        >>> from ember.masked import masked_tensor
        >>> with warnings.catch_warnings():   # it warns that the API is a prototype
        ...     warnings.simplefilter('ignore')
        ...     mt = masked_tensor(ember.tensor([1., 2., 3.]), ember.tensor([True, False, True]))
        >>> mt
        MaskedTensor(
          [  1.0000,       --,   3.0000]
        )
    """
    return MaskedTensor(data, mask, requires_grad)


def as_masked_tensor(data, mask):
    """A :class:`MaskedTensor` over ``data`` that keeps its autograd history: gradients reaching the
    result flow back to ``data`` as MaskedTensors with the result's mask, so a leaf wrapped directly
    gets a MaskedTensor ``.grad``, as in PyTorch.

    NOTE: ember's backward formulas compute on plain values, so a masked gradient that passes back
    through other ops (``as_masked_tensor(x * 2, mask)``) reaches ``x`` as a plain tensor, where PyTorch
    carries the MaskedTensor on. The masked-out elements of a gradient hold zeros (in PyTorch, whatever
    its kernels computed there); the specified ones agree.

    Example::

        >>> import warnings
        >>> from ember.masked import as_masked_tensor
        >>> x = ember.tensor([1., 2., 3.], requires_grad=True)
        >>> with warnings.catch_warnings():   # it warns that the API is a prototype
        ...     warnings.simplefilter('ignore')
        ...     mt = as_masked_tensor(x, ember.tensor([True, False, True]))
        ...     (mt * 2).sum().backward()
        >>> x.grad
        MaskedTensor(
          [  2.0000,       --,   2.0000]
        )
    """
    if isinstance(data, MaskedTensor) or not isinstance(data, Tensor):
        raise TypeError("data must be a Tensor")
    if isinstance(mask, MaskedTensor) or not isinstance(mask, Tensor):
        raise TypeError("mask must be a Tensor")
    _warn_prototype(2)
    _check_members(data, mask)
    mask = Tensor.clone(mask)
    if not data.requires_grad:
        return _wrap(data, mask)
    out = _GradientsAsMasked.apply(data, mask)
    out.__class__ = MaskedTensor
    out._masked_mask = mask
    return out


class _GradientsAsMasked(Function):
    """The identity on ``data``, whose gradient leaves as a MaskedTensor with ``mask``: PyTorch's
    ``as_masked_tensor`` hands ``data`` the MaskedTensor gradient it receives, so ``x.grad`` (and every
    gradient on the way back to ``x``) is a MaskedTensor."""

    @staticmethod
    def forward(ctx, data, mask):
        ctx.mask = mask
        return Tensor.view(data, tuple(data.shape))

    @staticmethod
    def backward(ctx, grad):
        return (grad if isinstance(grad, MaskedTensor) else _wrap(grad, ctx.mask)), None


# ====================================================================== generated methods
_UNARY = ['abs', 'absolute', 'acos', 'arccos', 'acosh', 'arccosh', 'angle', 'asin', 'arcsin', 'asinh', 'arcsinh',
          'atan', 'arctan', 'atanh', 'arctanh', 'bitwise_not', 'ceil', 'clamp', 'clip', 'conj_physical', 'cos', 'cosh',
          'deg2rad', 'digamma', 'erf', 'erfc', 'erfinv', 'exp', 'exp2', 'expm1', 'fix', 'floor', 'frac', 'lgamma',
          'log', 'log10', 'log1p', 'log2', 'logit', 'i0', 'isnan', 'nan_to_num', 'neg', 'negative', 'positive', 'pow',
          'rad2deg', 'reciprocal', 'round', 'rsqrt', 'sigmoid', 'sign', 'sgn', 'signbit', 'sin', 'sinc', 'sinh',
          'sqrt', 'square', 'tan', 'tanh', 'trunc', 'relu']
_UNARY_INPLACE = [n + '_' for n in _UNARY if n not in ('angle', 'positive', 'signbit', 'isnan')]
_BINARY = ['add', 'atan2', 'arctan2', 'bitwise_and', 'bitwise_or', 'bitwise_xor', 'bitwise_left_shift',
           'bitwise_right_shift', 'div', 'divide', 'floor_divide', 'fmod', 'logaddexp', 'logaddexp2', 'mul', 'multiply',
           'nextafter', 'remainder', 'sub', 'subtract', 'true_divide', 'eq', 'ne', 'le', 'ge', 'greater',
           'greater_equal', 'gt', 'less_equal', 'lt', 'less', 'maximum', 'minimum', 'fmax', 'fmin', 'not_equal']
_BINARY_INPLACE = [n + '_' for n in _BINARY if n not in ('logaddexp', 'logaddexp2', 'fmin', 'minimum', 'maximum',
                                                         'fmax')]
_DUNDERS = {'__add__': 'add', '__sub__': 'sub', '__mul__': 'mul', '__truediv__': 'div', '__floordiv__': 'floor_divide',
            '__mod__': 'remainder', '__and__': 'bitwise_and', '__or__': 'bitwise_or', '__xor__': 'bitwise_xor',
            '__eq__': 'eq', '__ne__': 'ne', '__le__': 'le', '__ge__': 'ge', '__gt__': 'gt', '__lt__': 'lt',
            '__iadd__': 'add_', '__isub__': 'sub_', '__imul__': 'mul_', '__itruediv__': 'div_'}
_REVERSED = {'__radd__': 'add', '__rsub__': 'sub', '__rmul__': 'mul', '__rtruediv__': 'div'}
_UNARY_DUNDERS = {'__neg__': 'neg', '__abs__': 'abs', '__pos__': 'positive', '__invert__': 'bitwise_not'}
_REDUCTIONS = ['sum', 'mean', 'amin', 'amax', 'argmin', 'argmax', 'prod', 'all', 'norm', 'var', 'std']
_VIEWS = ['view', 'reshape', 'transpose', 't', 'unsqueeze', 'expand', 'expand_as', 'select', 'flatten', 'split',
          'unfold', 'view_as', 'reshape_as', 'narrow', 'contiguous', '__getitem__']
# what the machinery (sizes, autograd, printing, storage) reads: these work on the data as usual
_KEEP = {'size', 'dim', 'ndimension', 'numel', 'nelement', 'stride', 'storage_offset', 'is_contiguous',
         'element_size', 'data_ptr', 'untyped_storage', 'is_floating_point', 'is_complex', 'is_signed',
         'backward', 'requires_grad_', 'retain_grad', 'register_hook', 'register_post_accumulate_grad_hook',
         'get_device', 'is_shared', 'share_memory_', 'is_set_to', 'type', 'as_subclass', 'is_inference',
         'is_nonzero', 'dim_order', 'has_names', 'is_pinned', 'storage', 'storage_type', 'element_size',
         'item', 'tolist', 'numpy', 'to', 'cpu', 'cuda', 'float', 'double', 'half', 'int', 'long', 'bool',
         'short', 'char', 'byte', 'bfloat16', 'new_empty', 'new_zeros', 'new_ones', 'new_full', 'new_tensor',
         'zero_', 'fill_', 'copy_', 'detach_', 'masked_fill', 'masked_fill_'}


def _check_no_tensors(name, args, what):
    if any(isinstance(a, Tensor) for a in args):
        raise TypeError(f"MaskedTensor {what} ops do not support additional Tensor arguments" if what == 'unary' else
                        "MaskedTensor binary ops do not support Tensor arguments aside from the lhs and rhs")


def _unary(name):
    def method(self, *args, **kwargs):
        if 'decimals' in kwargs:   # keyword-only in PyTorch's op schema, which its MaskedTensor refuses
            raise ValueError("MaskedTensor unary ops require that len(kwargs) == 0. If you need support for this, "
                             "please open an issue on Github.")
        _check_no_tensors(name, args, 'unary')
        if name.endswith('_'):
            getattr(Tensor, name)(_as(self, Tensor), *args, **kwargs)
            return self
        return _wrap(getattr(Tensor, name)(self.get_data(), *args, **kwargs), self._masked_mask)
    method.__name__ = name
    method.__doc__ = f"``Tensor.{name}`` of the data; the mask is kept."
    return method


def _masks_of(a, b):
    if isinstance(a, MaskedTensor) and isinstance(b, MaskedTensor):
        ma, mb = a._masked_mask, b._masked_mask
        if not (ma.dim() == mb.dim() and bool((ma == mb).all())):
            raise ValueError("Input masks must match. If you need support for this, please open an issue on Github.")
    return (a if isinstance(a, MaskedTensor) else b)._masked_mask


def _binary(name, reverse=False):
    def method(self, other, *args, **kwargs):
        if reverse and not isinstance(other, Tensor) and name == 'sub':
            return NotImplemented   # as PyTorch's MaskedTensor: a number minus a MaskedTensor is not defined
        if kwargs:
            raise ValueError("len(kwargs) must equal 0")
        _check_no_tensors(name, args, 'binary')
        lhs, rhs = (other, self) if reverse else (self, other)
        mask = _masks_of(lhs, rhs)
        if name.endswith('_'):
            getattr(Tensor, name)(_as(self, Tensor), _data(other), *args)
            return self
        fn = getattr(Tensor, name, None)
        if reverse or not isinstance(lhs, Tensor):
            import ember
            result = getattr(ember, name)(_data(lhs), _data(rhs), *args)
        else:
            result = fn(_data(lhs), _data(rhs), *args)
        return _wrap(result, mask.expand_as(result))
    method.__name__ = name
    method.__doc__ = f"``{name}`` of the data; the operands' masks must match (a plain tensor or number takes " \
                     "the MaskedTensor's mask), and the result keeps it."
    return method


def _reduction(name):
    def method(self, *args, **kwargs):
        return self._reduce(name, *args, **kwargs)
    method.__name__ = name
    method.__doc__ = (f"``{name}`` over the specified elements (``ember.masked.{name}``); an output element is "
                      "specified where any of its inputs was.")
    return method


def _view(name):
    def method(self, *args, **kwargs):
        args = [_data(a) if isinstance(a, MaskedTensor) else a for a in args]
        data = getattr(Tensor, name)(self.get_data(), *args, **kwargs)
        mask = getattr(Tensor, name)(self._masked_mask, *args, **kwargs)
        return _wrap(data, mask)
    method.__name__ = name
    method.__doc__ = f"``Tensor.{name}`` applied to the data and the mask together."
    return method


def _unsupported(name):
    def method(self, *args, **kwargs):
        raise TypeError(f"{name} is not implemented for MaskedTensor; use get_data() and get_mask() to work on "
                        "the values and the mask")
    method.__name__ = name
    return method


def _mask_or_true(x, like):
    return x._masked_mask if isinstance(x, MaskedTensor) else Tensor.new_ones(like, (), dtype=_bool)


def _cat(tensors, dim=0, *, out=None):
    import ember
    if out is not None:
        raise TypeError("cat(): out= is not supported for MaskedTensor")
    if not all(isinstance(t, MaskedTensor) for t in tensors):
        raise TypeError("cat(): all inputs must be MaskedTensors to concatenate their masks")
    return _wrap(ember.cat([t.get_data() for t in tensors], dim), ember.cat([t._masked_mask for t in tensors], dim))


def _where(condition, input, other, *, out=None):
    """Where ``condition`` holds, ``input`` and its mask; elsewhere ``other`` and its (numbers and plain tensors
    are specified everywhere)."""
    import ember
    if out is not None:
        raise TypeError("where(): out= is not supported for MaskedTensor")
    data = ember.where(_data(condition), _data(input), _data(other))
    mask = ember.where(_data(condition), _mask_or_true(input, data), _mask_or_true(other, data))
    return _wrap(data, mask.expand_as(data).clone())


_COMBINING = {'cat': _cat, 'concat': _cat, 'concatenate': _cat, 'where': _where}


def _install():
    ns = vars(MaskedTensor)
    for name in _UNARY + _UNARY_INPLACE:
        if hasattr(Tensor, name):
            setattr(MaskedTensor, name, _unary(name))
    for name in _BINARY + _BINARY_INPLACE:
        if hasattr(Tensor, name):
            setattr(MaskedTensor, name, _binary(name))
    for dunder, name in _DUNDERS.items():
        setattr(MaskedTensor, dunder, _binary(name))
    for dunder, name in _REVERSED.items():
        setattr(MaskedTensor, dunder, _binary(name, reverse=True))
    for dunder, name in _UNARY_DUNDERS.items():
        setattr(MaskedTensor, dunder, _unary(name))
    MaskedTensor.__pow__ = _unary('pow')
    for name in _REDUCTIONS:
        setattr(MaskedTensor, name, _reduction(name))
    for name in _VIEWS:
        setattr(MaskedTensor, name, _view(name))
    MaskedTensor.__hash__ = Tensor.__hash__
    done = set(vars(MaskedTensor)) | _KEEP
    for name in dir(Tensor):
        if name.startswith('_') or name in done or name in ns:
            continue
        attr = getattr(Tensor, name, None)
        if callable(attr) and not isinstance(attr, type):
            setattr(MaskedTensor, name, _unsupported(name))


_install()
