"""The tensor vmap hands its function: a physical tensor with one hidden batch dimension.

A :class:`BatchedTensor` at vmap level ``level`` wraps ``value`` (a plain tensor, or a
BatchedTensor of an enclosing vmap's lower level) whose dimension ``bdim`` is the batch. Everything
that asks about its shape sees the logical shape (the batch dimension removed), as each call of the
per-element loop would. While a vmap runs, ``Function.apply`` and ``apply_inplace`` are swapped
(as the profiler and the tracer swap them) for versions that send calls with batched arguments to
the batching rules (:mod:`ember.func._batching_rules`); nothing changes for any other call.

Code that reads a batched tensor's raw array (``_data``) gets a stand-in that answers shape/dtype
questions and raises :class:`Unbatchable` on any use of the values: vmap then reruns the function
as the per-element loop, so an op with neither a rule nor a ``Function`` underneath still gives the
loop's result.
"""
import sys

import numpy as np

from ember._torch_function import _disabled_torch_function_impl
from ember._tensor import Tensor, Size

_new = object.__new__


class Unbatchable(BaseException):
    """A batched tensor's values were needed outside the batching rules: vmap falls back to its loop.

    A BaseException so that no ``except Exception`` on the way swallows it."""


_LEVELS = []     # (level, batch size) of the vmaps running, outermost first


def active_levels():
    return _LEVELS


def inside_transform():
    """Whether a function transform (vmap, grad, vjp, jacrev, ...) is running the user's function."""
    if _LEVELS:
        return True
    autodiff = sys.modules.get('ember.func._autodiff')
    return autodiff is not None and autodiff._active[0] > 0


def _refuse(*_args, **_kwargs):
    raise Unbatchable()


class _LogicalArray:
    """What ``_data`` of a batched tensor returns: the logical metadata, and no values."""
    __slots__ = ('shape', 'dtype', 'ndim', 'size', 'itemsize', '_source')
    __array_priority__ = 1e9
    _lstrides = None     # no 'meta' array's layout: the *_like constructors ask before arranging theirs

    def __init__(self, shape, dtype, source):
        self.shape = shape
        self.dtype = dtype
        self.ndim = len(shape)
        self.size = int(np.prod(shape)) if shape else 1
        self.itemsize = dtype.itemsize
        self._source = source

    # Whole-tensor tests answered over every element of the batch at once. Ops use them to validate
    # arguments (indices in range, matrices invertible) before computing: "some element fails" is
    # what the per-element loop would find too, and the error itself is raised by that loop (the
    # message reads the values). With an axis they would mean something per element: refused.
    def min(self, *args, **kwargs):
        return self._whole('min', args, kwargs)

    def max(self, *args, **kwargs):
        return self._whole('max', args, kwargs)

    def any(self, *args, **kwargs):
        return self._whole('any', args, kwargs)

    def all(self, *args, **kwargs):
        return self._whole('all', args, kwargs)

    def _whole(self, name, args, kwargs):
        if args or kwargs:
            raise Unbatchable()
        return getattr(leaf(self._source)._data, name)()

    @property
    def flags(self):
        # a batched result is made contiguous by the rules that need it (clone asks before copying)
        return _FLAGS

    def __getattr__(self, name):
        raise Unbatchable()

    __array__ = __array_ufunc__ = __array_function__ = __getitem__ = __setitem__ = _refuse
    __iter__ = __len__ = __float__ = __int__ = __bool__ = __index__ = __complex__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _refuse
    __neg__ = __pow__ = __matmul__ = __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = _refuse
    __and__ = __or__ = __xor__ = __invert__ = __iadd__ = __imul__ = __isub__ = __itruediv__ = _refuse
    __hash__ = None


class _Flags:
    c_contiguous = True
    f_contiguous = False
    writeable = True


_FLAGS = _Flags()

_ITEM_ERROR = ("vmap: It looks like you're calling .item() on a Tensor. We don't support vmap over calling .item() "
               "on a Tensor, please try to rewrite what you're doing with other operations. If error is occurring "
               "somewhere inside PyTorch internals, please file a bug report.")
_REQUIRES_GRAD_ERROR = ("You are attempting to call Tensor.requires_grad_() (or perhaps using "
                        "ember.autograd.functional.* APIs) inside of a function being transformed by a functorch "
                        "transform. This is unsupported, please attempt to use the functorch transforms (e.g. grad, "
                        "vjp, jacrev, jacfwd, hessian) or call requires_grad_() outside of a function being "
                        "transformed instead.")
_CONTROL_FLOW_ERROR = ("vmap: It looks like you're attempting to use a Tensor in some data-dependent control flow. "
                       "We don't support that yet, please file an issue at https://github.com/pytorch/pytorch/issues .")


def _refuse_values(message):
    """A batched tensor's value asked for as a Python number: PyTorch's error for the user's code; inside
    an ember op (which PyTorch computes natively, as its per-element fallback would) the op's function
    reruns per element instead."""
    caller = sys._getframe(2).f_globals.get('__name__', '')
    if caller.startswith('ember.') and not caller.startswith('ember.func'):
        raise Unbatchable()
    raise RuntimeError(message)


class BatchedTensor(Tensor):
    """``value`` with its dimension ``bdim`` hidden: the tensor a vmapped function sees."""
    __torch_function__ = _disabled_torch_function_impl   # ops give plain tensors, no dispatch
    __slots__ = ('value', 'bdim', 'level', '_lshape')

    @property
    def _data(self):
        return _LogicalArray(self._lshape, self.value._data.dtype, self)

    @_data.setter
    def _data(self, _):
        raise Unbatchable()

    @property
    def shape(self):
        return Size(self._lshape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._lshape)
        n = len(self._lshape)
        if not -max(n, 1) <= dim < max(n, 1):
            return Tensor.size(self, dim)          # the plain method's IndexError
        return self._lshape[dim]

    def dim(self):
        return len(self._lshape)

    def storage_offset(self):
        return self.value.storage_offset()

    def stride(self, dim=None):
        strides = list(self.value.stride())
        del strides[self.bdim]
        if dim is None:
            return tuple(strides)
        return strides[dim] if -max(len(strides), 1) <= dim < max(len(strides), 1) else Tensor.stride(self, dim)

    ndimension = dim

    @property
    def ndim(self):
        return len(self._lshape)

    @property
    def dtype(self):
        return self.value.dtype

    @property
    def requires_grad(self):
        return self.value.requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self.value.requires_grad = flag

    def requires_grad_(self, requires_grad=True):
        raise RuntimeError(_REQUIRES_GRAD_ERROR)

    @property
    def grad_fn(self):
        return self.value.grad_fn

    @property
    def is_leaf(self):
        return self.value.is_leaf

    def detach(self):
        return batched(self.value.detach(), self.bdim, self.level)

    def item(self):
        _refuse_values(_ITEM_ERROR)

    def __bool__(self):
        _refuse_values(_CONTROL_FLOW_ERROR)

    def __float__(self):
        _refuse_values(_ITEM_ERROR)

    __int__ = __index__ = __complex__ = __float__

    def __repr__(self, *, tensor_contents=None):
        inner = '\n'.join('    ' + line for line in repr(self.value).split('\n'))
        return f"BatchedTensor(lvl={self.level}, bdim={self.bdim}, value=\n{inner}\n)"


def batched(value, bdim, level):
    """Wrap ``value`` as a batched tensor of ``level`` whose batch is ``value``'s dimension ``bdim``."""
    t = _new(BatchedTensor)
    t.value = value
    t.bdim = bdim
    t.level = level
    shape = value.shape
    t._lshape = tuple(shape[:bdim]) + tuple(shape[bdim + 1:])
    t._device = value._device
    t._requires_grad = False
    t._grad_fn = None
    t._version_counter = value._version_counter
    return t


def batch_first(x, level):
    """``x``'s value with its batch at dimension 0 when ``x`` is batched at ``level``, else None."""
    if type(x) is BatchedTensor and x.level == level:
        return x.value if x.bdim == 0 else x.value.movedim(x.bdim, 0)
    return None


# ---------------------------------------------------------------- every level at once (grad inside vmap)

def to_plain(x):
    """``x`` as a plain tensor whose leading dimensions are the batches of every running vmap
    (outermost first), then its logical dimensions; unbatched levels are expanded."""
    for level, size in reversed(_LEVELS):
        p = batch_first(x, level)
        if p is None:
            p = x.unsqueeze(0).expand(size, *x.shape)
        x = p
    return x


def from_plain(p):
    """The inverse of :func:`to_plain`: ``p``'s leading dimensions become the running vmaps' batches."""
    for level, _size in _LEVELS:
        p = batched(p, 0, level)
    return p


def leaf(x):
    """The plain tensor under every level of a tensor made by :func:`from_plain`."""
    while type(x) is BatchedTensor:
        x = x.value
    return x
