"""class Tensor: an array, a device, and the autograd fields.

Methods here are one-liners that call ``ember.ops``; printing lives in ``_tensor_str``,
serialization in ``serialization``, device logic in ``_device``/``backend``.
"""
from __future__ import annotations   # annotations are for type checkers: never evaluated at run time

import builtins
import warnings
import weakref
from typing import TYPE_CHECKING, Any, Optional, Union

import numpy as np

from ember import backend
from ember._device import CPU, as_device, device as _device_cls
from ember import _formats, _torch_function
from ember._grad_state import state as _grad_state
from ember._dtype import ALL_DTYPES, FLOAT8_NUMS, _BY_NP, dtype as _dtype_cls, get_default_dtype, to_dtype
from ember._tensor_user_dict import INTERNAL, InstanceState, keep_user_dict, user_dict

_new = object.__new__


class _Version:
    """Version counter shared by a tensor and its views; in-place ops bump it."""
    # NOTE: no __init__ and no __slots__: a counter is made for every op's output, and the class-level
    # 0 saves a Python-level call per tensor; the first bump stores the instance's own value
    value = 0


# names from modules that load after this one, imported on first use and kept: an import statement
# in a method run per op or per step costs about half a microsecond each time
_AccumulateGrad = None   # ember.autograd.function.AccumulateGrad
_inside_transform = None
_BACKWARD_IN_TRANSFORM = ("backward() called inside a functorch transform. This is not supported, please use "
                          "functorch.grad or functorch.vjp instead or call backward() outside of functorch transforms.")
_run_backward = None     # ember.autograd.engine.backward

_INFERENCE_REQUIRES_GRAD = "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed."


class Size(tuple):
    """The shape of a tensor, what ``tensor.shape`` and ``tensor.size()`` return: a tuple of ints that slices
    and concatenates into ``Size`` again.

    Example::

        >>> s = ember.ones(2, 3, 4).shape
        >>> s
        ember.Size([2, 3, 4])
        >>> s[1:], s.numel(), isinstance(s, tuple)
        (ember.Size([3, 4]), 24, True)
        >>> ember.zeros(s + (5,)).shape
        ember.Size([2, 3, 4, 5])
    """

    def __repr__(self):
        return f"ember.Size([{', '.join(str(s) for s in self)}])"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    def __add__(self, other):
        if isinstance(other, tuple):
            return Size(tuple.__add__(self, other))
        # as for PyTorch's Size (a C tuple), the other operand's own addition comes first (MONAI's
        # ``img.shape[1:] + np.array(1)`` is NumPy's broadcast sum, an array), then tuple concatenation refuses it
        reflected = getattr(type(other), '__radd__', None)
        result = NotImplemented if reflected is None else reflected(other, self)
        if result is not NotImplemented:
            return result
        raise TypeError(f"can only concatenate tuple (not {type(other).__name__}) to ember.Size")

    def __radd__(self, other):  # (1,) + Size([2]) is a Size, as in PyTorch
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple.__add__(other, self))

    def __reduce__(self):
        return (Size, (tuple(self),))


_contiguous_strides = _formats.contiguous_strides


class Tensor(InstanceState):
    """A multi-dimensional array of one dtype on one device: what every ember operation takes and returns.

    Tensors are usually made with the factory functions (:func:`ember.tensor`, :func:`ember.zeros`,
    :func:`ember.randn`, ...). Calling ``ember.Tensor`` itself is the legacy constructor: ``ember.Tensor(2, 3)``
    makes a float32 tensor of that shape (zero-filled in ember, uninitialized in PyTorch) and
    ``ember.Tensor(data)`` one holding ``data`` as float32.

    A tensor with ``requires_grad=True`` records the operations applied to it, so that :meth:`backward` can
    compute gradients into the ``grad`` of the tensors it was computed from.

    Example::

        >>> x = ember.tensor([[1., 2.], [3., 4.]], requires_grad=True)
        >>> x.shape, x.dtype, x.device
        (ember.Size([2, 2]), ember.float32, device(type='cpu'))
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([[2., 4.],
                [6., 8.]])
        >>> ember.Tensor([1, 2])
        tensor([1., 2.])
    """
    __slots__ = ('_data', '_device', '_requires_grad', '_grad_fn', '_version_counter')   # (and InstanceState's)
    # NOTE: rarely-set fields are class-level defaults (an instance overrides them in its __dict__),
    # so making a tensor costs five attribute writes instead of twelve
    _grad = None
    _output_nr = 0
    _base = None
    _view_fn = None
    _grad_acc = None
    _hooked_acc = None    # a leaf's accumulator, held once hooks are registered on it (see _hooked_accumulator)
    _retains_grad = False
    _is_param = False
    _inference = False    # made under inference_mode (or a view of such a tensor)
    _live_views = None    # a base's views made while recording (weakly held; see ember/ops/inplace.py)
    _no_grad_view = None  # a view made without recording of a base that requires grad (autograd/_no_grad_views.py)
    _INTERNAL = INTERNAL
    # ``t.__dict__`` and ``vars(t)``: what a user set on the tensor, as in PyTorch, not the fields above
    __dict__ = user_dict()

    if TYPE_CHECKING:
        # ops and operators are bound onto the class at import (ember/ops/_registry.py,
        # _tensor_methods.py); a type checker sees them through these declarations
        def __getattr__(self, name: str) -> Any: ...
        def __add__(self, other: Any) -> Tensor: ...
        def __radd__(self, other: Any) -> Tensor: ...
        def __iadd__(self, other: Any) -> Tensor: ...
        def __sub__(self, other: Any) -> Tensor: ...
        def __rsub__(self, other: Any) -> Tensor: ...
        def __isub__(self, other: Any) -> Tensor: ...
        def __mul__(self, other: Any) -> Tensor: ...
        def __rmul__(self, other: Any) -> Tensor: ...
        def __imul__(self, other: Any) -> Tensor: ...
        def __truediv__(self, other: Any) -> Tensor: ...
        def __rtruediv__(self, other: Any) -> Tensor: ...
        def __itruediv__(self, other: Any) -> Tensor: ...
        def __floordiv__(self, other: Any) -> Tensor: ...
        def __rfloordiv__(self, other: Any) -> Tensor: ...
        def __mod__(self, other: Any) -> Tensor: ...
        def __pow__(self, other: Any) -> Tensor: ...
        def __rpow__(self, other: Any) -> Tensor: ...
        def __matmul__(self, other: Any) -> Tensor: ...
        def __rmatmul__(self, other: Any) -> Tensor: ...
        def __and__(self, other: Any) -> Tensor: ...
        def __or__(self, other: Any) -> Tensor: ...
        def __xor__(self, other: Any) -> Tensor: ...
        def __lshift__(self, other: Any) -> Tensor: ...
        def __rshift__(self, other: Any) -> Tensor: ...
        def __neg__(self) -> Tensor: ...
        def __pos__(self) -> Tensor: ...
        def __abs__(self) -> Tensor: ...
        def __invert__(self) -> Tensor: ...
        def __lt__(self, other: Any) -> Tensor: ...
        def __le__(self, other: Any) -> Tensor: ...
        def __gt__(self, other: Any) -> Tensor: ...
        def __ge__(self, other: Any) -> Tensor: ...
        def __eq__(self, other: Any) -> Tensor: ...  # type: ignore[override]
        def __ne__(self, other: Any) -> Tensor: ...  # type: ignore[override]
        def __getitem__(self, index: Any) -> Tensor: ...
        def __setitem__(self, index: Any, value: Any) -> None: ...
        def __len__(self) -> int: ...
        def __iter__(self) -> Any: ...
        def __bool__(self) -> bool: ...
        def __float__(self) -> builtins.float: ...
        def __int__(self) -> builtins.int: ...
        def __index__(self) -> builtins.int: ...

    def _user_state(self):
        """Attributes a user set on this tensor (what pickling and deepcopy carry over)."""
        return {k: v for k, v in self.__dict__.items() if k not in Tensor._INTERNAL}
    __array_priority__ = 1000  # make NumPy defer to Tensor's reflected operators
    __torch_function__ = classmethod(_torch_function.default_torch_function)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        keep_user_dict(cls)     # (a mixin ahead of Tensor would otherwise expose autograd's fields in __dict__)
        _torch_function.subclass_defined(cls)   # may switch __torch_function__ dispatch on (see there)
        if '__torch_dispatch__' in cls.__dict__:
            from ember.utils import _python_dispatch
            _python_dispatch.subclass_defined(cls)

    def __new__(cls, *args, device=None, dtype=None):
        # legacy constructor: Tensor([1, 2]) copies data; Tensor(2, 3) allocates a float tensor
        from ember.ops import creation
        dt = get_default_dtype() if dtype is None else to_dtype(dtype)
        if len(args) == 1 and not isinstance(args[0], int):
            src = args[0]
            if isinstance(src, Tensor):
                t = src
            else:
                t = creation.tensor(src, dtype=dt, device=device)
        else:
            size = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
            t = creation.empty(*(size or (0,)), dtype=dt, device=device)  # Tensor() is empty, not 0-d
        if cls is not Tensor:
            return cls._from(t)
        return t

    def __init__(self, *args, **kwargs):
        pass

    @classmethod
    def _from(cls, t):
        out = _new(cls)
        out._data, out._device = t._data, t._device
        out._requires_grad, out._grad, out._grad_fn, out._output_nr = False, None, None, 0
        out._version_counter, out._base, out._view_fn, out._grad_acc = _Version(), None, None, None
        out._retains_grad = False
        out._is_param = False
        if t._inference:
            out._inference = True
        return out

    @staticmethod
    def _make(data, device=CPU, requires_grad=False, grad_fn=None, output_nr=0):
        t = _new(Tensor)
        t._data = data
        t._device = device
        t._requires_grad = requires_grad
        t._grad_fn = grad_fn
        if output_nr:
            t._output_nr = output_nr
        t._version_counter = _Version()
        if _grad_state.inference:
            t._inference = True
        return t

    # ---------------------------------------------------------------- metadata
    @property
    def _xp(self):
        return backend.get_array_module(self._device)

    @property
    def dtype(self) -> _dtype_cls:
        return _BY_NP[self._data.dtype]

    @property
    def device(self) -> _device_cls:
        return self._device

    @property
    def is_cuda(self):
        return self._device.type == 'cuda'

    @property
    def is_cpu(self):
        return self._device.type == 'cpu'

    @property
    def is_meta(self):
        return self._device.type == 'meta'

    # NOTE: devices, layouts and formats ember does not have; scripts test these flags, so they answer
    is_xpu = is_mps = is_ipu = is_hpu = is_maia = is_mtia = is_vulkan = is_mkldnn = False
    is_sparse = is_sparse_csr = is_quantized = is_nested = False

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: Optional[builtins.int] = None) -> Any:
        """Returns the size of the tensor: an :class:`ember.Size` (a tuple subclass), or the size of dimension
        ``dim`` as an int.

        Args:
            dim (int, optional): the dimension to retrieve the size of.

        Example::

            >>> t = ember.empty(3, 4, 5)
            >>> t.size()
            ember.Size([3, 4, 5])
            >>> t.size(dim=1)
            4
            >>> t.size(-1)
            5
        """
        if dim is None:
            return Size(self._data.shape)
        try:
            return self._data.shape[_wrap_dim(dim, self._data.ndim)]
        except TypeError:       # a dim not an int: PyTorch's argument error
            from ember.ops import _argparse
            _argparse.refuse_from_stack()
            raise

    def dim(self) -> builtins.int:
        """Returns the number of dimensions of the tensor (also ``ndimension()`` and the ``ndim`` property).

        Example::

            >>> ember.zeros(2, 3).dim()
            2
            >>> ember.tensor(1.5).dim()
            0
        """
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self) -> builtins.int:
        return self._data.ndim

    def numel(self):
        """Returns the total number of elements in the tensor (also ``nelement()`` and :func:`ember.numel`).

        Example::

            >>> ember.zeros(2, 3, 4).numel()
            24
        """
        return self._data.size

    nelement = numel

    def element_size(self):
        """The size in bytes of one element.

        Example::

            >>> ember.zeros(1, dtype=ember.float64).element_size()
            8
            >>> ember.zeros(1, dtype=ember.uint8).element_size()
            1
        """
        return self._data.itemsize

    def stride(self, dim=None):
        """Returns the stride of the tensor: how many elements to skip in memory to step by one along each
        dimension (a tuple), or along dimension ``dim`` (an int).

        Args:
            dim (int, optional): the desired dimension in which stride is required.

        Example::

            >>> x = ember.tensor([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]])
            >>> x.stride()
            (5, 1)
            >>> x.stride(0)
            5
            >>> x.t().stride(-1)
            5
        """
        data = self._data
        if self._device.type == 'meta':     # its own strides are 0: it keeps PyTorch's beside them
            strides = backend.meta_layout(data)[0]
        elif data.size == 0 and not any(data.strides):
            strides = _contiguous_strides(data.shape)
        else:
            strides = tuple(s // data.itemsize for s in data.strides)
        if dim is None:
            return strides
        try:
            return strides[_wrap_dim(dim, data.ndim)]
        except TypeError:       # a dim not an int: PyTorch's argument error
            from ember.ops import _argparse
            _argparse.refuse_from_stack()
            raise

    def storage_offset(self):
        """The offset of this tensor's first element in its storage, counted in elements.

        Example::

            >>> x = ember.arange(10)
            >>> x[3:].storage_offset()
            3
            >>> x.storage_offset()
            0
        """
        if self._device.type == 'meta':
            return backend.meta_layout(self._data)[1]
        return backend.storage_offset(self._data)

    def data_ptr(self):
        """The memory address of this tensor's first element (an int; 0 for a tensor with no elements).

        Example::

            >>> x = ember.arange(4, dtype=ember.float32)
            >>> x[1:].data_ptr() - x.data_ptr()
            4
        """
        return backend.data_ptr(self._data)

    def is_contiguous(self, memory_format=_formats.contiguous_format):
        """Returns whether the elements lie in memory in ``memory_format``'s order without gaps (row-major for
        the default ``ember.contiguous_format``). :meth:`contiguous` makes a tensor that is.

        Args:
            memory_format (ember.memory_format, optional): the order to test. Default:
                ``ember.contiguous_format``.

        Example::

            >>> t = ember.arange(6.).view(2, 3)
            >>> t.is_contiguous(), t.t().is_contiguous(), t.t().contiguous().is_contiguous()
            (True, False, True)
            >>> x = ember.ones(1, 3, 2, 2).to(memory_format=ember.channels_last)
            >>> x.is_contiguous(memory_format=ember.channels_last)
            True
        """
        data = self._data
        if self._device.type == 'meta':     # judged on a view with the layout PyTorch's tensor would have
            data = backend.meta_layout_probe(data)[0]
        return _formats.is_in_format(data, memory_format)

    def is_floating_point(self):
        """Returns ``True`` if the tensor's dtype is a floating-point type (``float64``, ``float32``, ``float16``
        or ``bfloat16``).

        Example::

            >>> ember.tensor([1.]).is_floating_point(), ember.tensor([1]).is_floating_point()
            (True, False)
        """
        return self.dtype.is_floating_point

    def is_complex(self):
        """Returns ``True`` if the tensor's dtype is a complex type (``complex64`` or ``complex128``).

        Example::

            >>> ember.tensor([1j]).is_complex(), ember.tensor([1.]).is_complex()
            (True, False)
        """
        return self.dtype.is_complex

    def is_signed(self):
        """Returns ``True`` if the tensor's dtype can hold negative values (every dtype except ``uint8`` and
        ``bool``).

        Example::

            >>> ember.tensor([1]).is_signed(), ember.tensor([1], dtype=ember.uint8).is_signed()
            (True, False)
        """
        return self.dtype.is_signed

    def _is_view(self) -> builtins.bool:
        """Whether this tensor is a view of another (``_base``), as PyTorch's private method that
        graph-drawing tools such as torchviz call. An inference tensor's views are none (autograd does not
        track them), as PyTorch's."""
        return self._base is not None and not self._inference

    @property
    def is_leaf(self) -> builtins.bool:
        if self._grad_fn is None:
            if self._no_grad_view is not None:
                self._no_grad_view.check_read(self)
            return True
        return False

    @property
    def requires_grad(self) -> builtins.bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: builtins.bool) -> None:
        if self._grad_fn is not None:
            if not value:
                raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to "
                                   "use a computed variable in a subgraph that doesn't require differentiation "
                                   "use var_no_grad = var.detach().")
            return
        if value and not (self.dtype.is_floating_point or self.dtype.is_complex):
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if value and self._inference and not _grad_state.inference:
            raise RuntimeError(_INFERENCE_REQUIRES_GRAD)
        if self._no_grad_view is not None:      # (it keeps reporting its base's requires_grad)
            from ember.autograd._no_grad_views import set_requires_grad
            set_requires_grad(self, value)
            return
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: builtins.bool = True) -> Tensor:
        """Sets whether autograd records operations on this tensor, in place, and returns it. Only floating-point
        and complex tensors can require gradients.

        Args:
            requires_grad (bool): whether autograd should record operations on this tensor. Default: ``True``.

        Example::

            >>> w = ember.zeros(2)
            >>> w.requires_grad_()
            tensor([0., 0.], requires_grad=True)
            >>> w.requires_grad
            True
        """
        if requires_grad.__class__ is not builtins.bool:     # (PyTorch's parser takes a bool only)
            from ember.ops._argparse import type_name
            raise TypeError(f"requires_grad_(): argument 'requires_grad' (position 1) must be bool, not "
                            f"{type_name(requires_grad)}")
        self.requires_grad = requires_grad
        return self

    @property
    def grad_fn(self):
        from ember.autograd import _deferred_nodes as deferred     # NOTE: imported here: autograd builds on this module
        if deferred._pending:       # (fused nodes whose steps wait until a node can be seen: this is where)
            deferred.expand_all()
        return _seen_node(self)

    def _grad_fn_as_is(self):
        """``grad_fn`` leaving deferred steps fused (a subclass's own ``grad_fn`` as it is), for what reads only its
        name (which is the last step's) or where its gradient goes."""
        if type(self).grad_fn is not Tensor.grad_fn:
            return self.grad_fn
        return _seen_node(self)

    @property
    def output_nr(self):
        return self._output_nr

    @property
    def grad(self) -> Optional[Tensor]:
        if self._grad_fn is not None and not self._retains_grad:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
                "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
                "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
                "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
                "instead. See github.com/pytorch/pytorch/pull/30531 for more information.",
                UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            from ember._tensor_misc import check_assigned_grad_dtype
            check_assigned_grad_dtype(self, value)
            if value._data.shape != self._data.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{list(value.shape)}' to a "
                                   f"tensor of size '{list(self.shape)}'. Please ensure that the gradient "
                                   "and the tensor are the same size")
            if value._device != self._device:
                raise RuntimeError("attempting to assign a gradient located on device with index '...' "
                                   "to a tensor located on device with index '...'. Please ensure that "
                                   "the gradient and the tensor are on the same device")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def _version(self):
        """How many times this tensor (or a view sharing its memory) was modified in place: an int,
        read from the counter a tensor shares with its views."""
        return self._version_counter.value

    @property
    def retains_grad(self):
        return self._retains_grad

    # ------------------------------------------------------------- autograd API
    def _grad_accumulator(self):
        """The leaf's AccumulateGrad node, made on first use and held weakly (the graphs hold it); None for a
        view made without recording (see autograd/_no_grad_views.py), which no gradient reaches."""
        if self._no_grad_view is not None:
            return self._no_grad_view.accumulator(self, self._new_accumulator)
        ref = self._grad_acc
        if ref is not None:
            acc = ref()
            if acc is not None:
                return acc
        acc = self._new_accumulator()
        self._grad_acc = weakref.ref(acc)
        return acc

    def _new_accumulator(self):
        global _AccumulateGrad
        if _AccumulateGrad is None:
            from ember.autograd.function import AccumulateGrad as _AccumulateGrad
        return _AccumulateGrad(self)

    def _hooked_accumulator(self):
        """The leaf's accumulator, kept alive by the tensor: it carries the hooks registered on the
        leaf, which must outlive the graphs that reach it (the graphs hold it only while they live)."""
        acc = self._grad_accumulator()
        if acc is None:     # (a view made without recording: it keeps its hooks, which no gradient reaches)
            acc = self._hooked_acc if self._hooked_acc is not None else self._new_accumulator()
        self._hooked_acc = acc
        return acc

    def backward(self, gradient: Optional[Tensor] = None, retain_graph: Optional[builtins.bool] = None,
                 create_graph: builtins.bool = False, inputs: Any = None) -> None:
        """Computes the gradient of the current tensor with respect to the graph leaves.

        The graph is differentiated using the chain rule. If the tensor is non-scalar (has more than one
        element) and requires gradient, ``gradient`` must be given: a tensor of the same shape holding the
        gradient of some scalar with respect to this tensor. Gradients are accumulated (added) into the
        ``.grad`` of the leaves, so zero them before each step.

        Args:
            gradient (Tensor, optional): the gradient of the function being differentiated with respect to
                ``self``; may be omitted for a scalar.
            retain_graph (bool, optional): if ``False``, the graph's saved tensors are freed after this call, so
                a second backward through it raises. Default: the value of ``create_graph``.
            create_graph (bool, optional): if ``True``, the graph of the derivative is recorded, for
                higher-order derivatives. Default: ``False``.
            inputs (sequence of Tensor, optional): the tensors whose ``.grad`` receives gradients; by default
                all leaves that took part.

        Example::

            >>> x = ember.tensor([1., 2., 3.], requires_grad=True)
            >>> y = (x ** 2).sum()
            >>> y.backward()
            >>> x.grad
            tensor([2., 4., 6.])
            >>> (x * 2).backward(ember.tensor([1., 0., 1.]))
            >>> x.grad
            tensor([4., 4., 8.])
        """
        global _run_backward, _inside_transform
        if _run_backward is None:
            from ember.autograd.engine import backward as _run_backward
            from ember.func._batched_tensor import inside_transform as _inside_transform
        if _inside_transform():
            raise RuntimeError(_BACKWARD_IN_TRANSFORM)
        _run_backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def register_hook(self, hook):
        """Registers a backward hook: ``hook(grad)`` is called every time a gradient with respect to this tensor is
        computed, and may return a new gradient to use in place of ``grad``.

        Args:
            hook (Callable): called as ``hook(grad) -> Tensor or None``; it should not modify its argument.

        Returns:
            A handle with a ``remove()`` method that removes the hook.

        Example::

            >>> v = ember.tensor([0., 0., 0.], requires_grad=True)
            >>> h = v.register_hook(lambda grad: grad * 2)
            >>> v.backward(ember.tensor([1., 2., 3.]))
            >>> v.grad
            tensor([2., 4., 6.])
            >>> h.remove()
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            return self._grad_fn._register_tensor_hook(self._output_nr, hook)
        return self._hooked_accumulator()._register_tensor_hook(0, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Registers a hook that runs on a leaf tensor after its gradient has been accumulated into ``.grad``:
        ``hook(tensor)`` gets the tensor itself (read ``tensor.grad``) and returns nothing. Useful to apply an
        optimizer step per parameter as soon as its gradient is ready.

        Args:
            hook (Callable): called as ``hook(tensor) -> None``.

        Returns:
            A handle with a ``remove()`` method that removes the hook.

        Example::

            >>> w = ember.tensor([1., 2.], requires_grad=True)
            >>> seen = []
            >>> h = w.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
            >>> (w * 3).sum().backward()
            >>> seen
            [[3.0, 3.0]]
        """
        if self._grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        acc = self._hooked_accumulator()
        var = self
        return acc.register_hook(lambda gi, go: hook(var))

    def retain_grad(self):
        """Makes a non-leaf tensor keep its ``.grad`` after backward (by default only leaves do). Does nothing on a
        leaf.

        Example::

            >>> x = ember.tensor([1., 2.], requires_grad=True)
            >>> y = x * 3
            >>> y.retain_grad()
            >>> y.sum().backward()
            >>> y.grad
            tensor([1., 1.])
        """
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is None or self._retains_grad:
            return
        import weakref
        ref = weakref.ref(self)

        def retain(g):
            t = ref()
            if t is None:
                return
            if t._grad is None:
                t._grad = Tensor._make(g._data.copy(), g._device)
            else:
                t._grad = t._grad + g.detach()
        retain._retains_grad = True
        self._grad_fn._register_tensor_hook(self._output_nr, retain)
        self._retains_grad = True

    def detach(self) -> Tensor:
        """Returns a new tensor detached from the current graph: it shares this tensor's data, never requires
        gradient, and in-place changes to either are seen by both.

        Example::

            >>> a = ember.tensor([1., 2.], requires_grad=True)
            >>> b = a.detach()
            >>> b.requires_grad
            False
            >>> b[0] = 5.
            >>> a
            tensor([5., 2.], requires_grad=True)
        """
        t = Tensor._make(self._data, self._device)
        t._version_counter = self._version_counter  # detach() shares the version counter (so in-place is detected)
        return t

    def detach_(self):
        """Detaches this tensor from the graph that created it, in place: it becomes a leaf that does not require
        gradient. Views cannot be detached in place.

        Example::

            >>> y = ember.tensor([1., 2.], requires_grad=True) * 2
            >>> y.detach_()
            tensor([2., 4.])
            >>> y.requires_grad, y.grad_fn
            (False, None)
        """
        if self._base is not None and not self._inference:     # (any view, as PyTorch's; an inference tensor's is none)
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) "
                "for training, and gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and "
                "hence detach_() cannot be called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in ember/optim/optimizer.py as the solution.")
        self._grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self) -> Tensor:
        return Tensor._make(self._data, self._device)

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"data must be a Tensor, not {type(value).__name__}")
        if self._requires_grad and value.dtype.category < 2:
            raise RuntimeError("data set to a tensor that requires gradients must be floating point or complex dtype")
        self._data = value._data
        self._device = value._device

    # ---------------------------------------------------------------- conversion
    def item(self) -> Union[builtins.int, builtins.float, builtins.bool, builtins.complex]:
        """Returns the value of a one-element tensor as a Python number (``int``, ``float``, ``bool`` or
        ``complex``). Raises for tensors with zero or several elements.

        Example::

            >>> ember.tensor([[1.5]]).item()
            1.5
            >>> ember.tensor(7).item()
            7
        """
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        if self._device.type == 'meta':
            raise RuntimeError("Tensor.item() cannot be called on meta tensors")
        return backend.to_numpy(self._data).reshape(()).item()

    def tolist(self) -> Any:
        """Returns the tensor as a (nested) list of Python numbers; a 0-dimensional tensor gives a number, as
        :meth:`item` does.

        Example::

            >>> ember.tensor([[1, 2], [3, 4]]).tolist()
            [[1, 2], [3, 4]]
            >>> ember.tensor([0.5, 1.25]).tolist()
            [0.5, 1.25]
        """
        if self._device.type == 'meta':
            raise NotImplementedError("Cannot copy out of meta tensor; no data!")
        return backend.to_numpy(self._data).tolist()

    def numpy(self, force: builtins.bool = False) -> np.ndarray:
        """Returns the tensor as a NumPy ``ndarray`` sharing its memory: changes to one show in the other.

        Raises for a tensor that requires grad while grad mode is on (use ``detach()`` first, as under
        ``no_grad`` or in an autograd.Function's forward nothing is recorded), or that lives on a GPU (use
        ``cpu()`` first), unless ``force=True``, which returns a copy made after detaching and moving to the CPU.

        Args:
            force (bool): copy instead of raising when sharing is impossible. Default: ``False``.

        Example::

            >>> t = ember.tensor([1., 2.])
            >>> a = t.numpy()
            >>> a[0] = 10.
            >>> t
            tensor([10.,  2.])
        """
        if self._requires_grad and _grad_state.enabled and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        if self._device.type != 'cpu' and not force:
            raise TypeError(f"can't convert {self._device} device type tensor to numpy. Use Tensor.cpu() to "
                            "copy the tensor to host memory first.")
        if self._data.dtype.num in FLOAT8_NUMS:    # NumPy has no float8 (ml_dtypes' are not NumPy's)
            raise TypeError(f"Got unsupported ScalarType {self.dtype._legacy[:-len('Tensor')]}")
        return backend.to_numpy(self._data)

    def __array__(self, dtype=None, copy=None):
        """The tensor as a NumPy array (what ``numpy.asarray(tensor)`` calls): :meth:`numpy`'s array, sharing
        memory, so refused for tensors that require grad or live on a GPU, as in PyTorch.

        Args:
            dtype (numpy dtype, optional): convert to this dtype (a copy when it differs).
            copy (bool, optional): ``True`` always copies; ``False`` raises ``ValueError`` when a copy is
                needed; ``None`` copies only when needed. Default: ``None``.

        Example::

            >>> import numpy as np
            >>> np.asarray(ember.tensor([1.5, 2.0]))
            array([1.5, 2. ], dtype=float32)
            >>> np.asarray(ember.tensor([1.5, 2.0]), dtype=np.float64)
            array([1.5, 2. ])
        """
        arr = self.numpy()
        if dtype is not None and np.dtype(dtype) != arr.dtype:
            if copy is False:
                raise ValueError("Unable to avoid copy while creating an array as requested.")
            return arr.astype(dtype)
        return arr.copy() if copy else arr

    def type(self, dtype=None, non_blocking=False):
        """Returns the type string of the tensor when ``dtype`` is not given (``'ember.FloatTensor'``), or a copy
        cast to ``dtype``; a tensor that already has that type is returned as it is.

        Args:
            dtype (dtype or string, optional): the desired type, as a dtype or a type name such as
                ``'ember.DoubleTensor'``.
            non_blocking (bool): copy asynchronously between host and device when possible. Default: ``False``.

        Example::

            >>> t = ember.tensor([1.5, 2.])
            >>> t.type()
            'ember.FloatTensor'
            >>> t.type(ember.int64)
            tensor([1, 2])
        """
        if dtype is None:
            name = self.dtype._legacy
            return f'ember.cuda.{name}' if self._device.type == 'cuda' else f'ember.{name}'
        # a legacy type names a device too: 'ember.cuda.FloatTensor' moves the tensor to CUDA,
        # ember.FloatTensor to the CPU; a plain dtype keeps the device
        device = None
        if isinstance(dtype, str):
            prefix, _, name = dtype.rpartition('.')
            found = [d for d in ALL_DTYPES if d._legacy == name]
            if prefix not in ('ember', 'torch', 'ember.cuda', 'torch.cuda') or not found:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype, device = found[0], 'cuda' if prefix.endswith('cuda') else 'cpu'
        elif isinstance(dtype, type):   # a tensor type (ember.FloatTensor); float or np.float32 is not one
            if not hasattr(dtype, '_ember_dtype'):
                module = dtype.__module__
                raise ValueError(f"invalid type: '{dtype.__qualname__ if module == 'builtins' else f'{module}.{dtype.__qualname__}'}'")
            dtype, device = dtype._ember_dtype, dtype._device_type
        elif not isinstance(dtype, _dtype_cls):
            raise TypeError("dtype must be a type, str, or dtype object")
        if device is not None and device != self._device.type:
            return self.to(device, dtype, non_blocking=non_blocking)
        return self.to(dtype, non_blocking=non_blocking)

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        from ember.ops.convert import to
        return to(self, *args, **kwargs)

    def cpu(self, memory_format: Any = _formats.preserve_format) -> Tensor:
        """Returns a copy of this tensor in CPU memory; a tensor already on the CPU is returned as it is.

        Args:
            memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
                tensor. Default: ``ember.preserve_format``.

        Example::

            >>> t = ember.tensor([1, 2])
            >>> t.cpu() is t
            True
        """
        return self.to('cpu', memory_format=memory_format)

    def cuda(self, device=None, non_blocking=False, memory_format=_formats.preserve_format):
        """Returns a copy of this tensor in CUDA memory (through CuPy); a tensor already on that device is returned
        as it is.

        Args:
            device (:class:`ember.device` or int, optional): the destination GPU device. Default: the current
                CUDA device.
            non_blocking (bool): copy asynchronously with respect to the host when the source is in pinned
                memory. Default: ``False``.
            memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
                tensor. Default: ``ember.preserve_format``.

        Example::

            >>> x = ember.tensor([1., 2.])
            >>> if ember.cuda.is_available():
            ...     x = x.cuda()
            >>> x.device.type == ('cuda' if ember.cuda.is_available() else 'cpu')
            True
        """
        return self.to(_device_cls('cuda', device) if isinstance(device, int) else (device or 'cuda'),
                       non_blocking=non_blocking, memory_format=memory_format)

    def float(self, memory_format=_formats.preserve_format):
        """``self.float()`` is ``self.to(ember.float32)``. See :meth:`to`.

        Args:
            memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
                tensor. Default: ``ember.preserve_format``.

        Example::

            >>> ember.tensor([1, 2]).float()
            tensor([1., 2.])
        """
        return self.to(_d.float32, memory_format=memory_format)

    def double(self, memory_format=_formats.preserve_format):
        """``self.double()`` is ``self.to(ember.float64)``. See :meth:`to`.

        Args:
            memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
                tensor. Default: ``ember.preserve_format``.

        Example::

            >>> ember.tensor([1, 2]).double()
            tensor([1., 2.], dtype=ember.float64)
        """
        return self.to(_d.float64, memory_format=memory_format)

    def half(self, memory_format=_formats.preserve_format):
        """``self.half()`` is ``self.to(ember.float16)``. See :meth:`to`.

        Args:
            memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
                tensor. Default: ``ember.preserve_format``.

        Example::

            >>> ember.tensor([1.1, 2.]).half()
            tensor([1.0996, 2.0000], dtype=ember.float16)
        """
        return self.to(_d.float16, memory_format=memory_format)

    def bfloat16(self, memory_format=_formats.preserve_format):
        """``self.bfloat16()`` is ``self.to(ember.bfloat16)``. See :meth:`to`.

        Args:
            memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
                tensor. Default: ``ember.preserve_format``.

        Example::

            >>> ember.tensor([1.1, 2.]).bfloat16()
            tensor([1.1016, 2.0000], dtype=ember.bfloat16)
        """
        return self.to(_d.bfloat16, memory_format=memory_format)

    def cfloat(self, memory_format=_formats.preserve_format):
        """``self.cfloat()`` is ``self.to(ember.complex64)``. See :meth:`to`.

        Args:
            memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
                tensor. Default: ``ember.preserve_format``.

        Example::

            >>> ember.tensor([1., 2.]).cfloat()
            tensor([1.+0.j, 2.+0.j])
        """
        return self.to(_d.complex64, memory_format=memory_format)

    def cdouble(self, memory_format=_formats.preserve_format):
        """``self.cdouble()`` is ``self.to(ember.complex128)``. See :meth:`to`.

        Args:
            memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
                tensor. Default: ``ember.preserve_format``.

        Example::

            >>> ember.tensor([1., 2.]).cdouble().dtype
            ember.complex128
        """
        return self.to(_d.complex128, memory_format=memory_format)

    def chalf(self, memory_format=None):
        """``self.chalf()`` is ``self.to(ember.complex32)``, which ember cannot make: NumPy has no complex type
        of two float16 halves, so this raises a RuntimeError saying so (as every op whose PyTorch result
        would be complex32 does). See :meth:`to`.

        Args:
            memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
                tensor. Default: ``None`` (``ember.preserve_format``).

        Example::

            >>> ember.tensor([1., 2.]).chalf()
            Traceback (most recent call last):
              ...
            RuntimeError: ember cannot make complex32 tensors: NumPy has no such element type
        """
        return self.to(_d.complex32, memory_format=_formats.preserve_format if memory_format is None else memory_format)

    def long(self, memory_format=_formats.preserve_format):
        """``self.long()`` is ``self.to(ember.int64)``. See :meth:`to`.

        Args:
            memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
                tensor. Default: ``ember.preserve_format``.

        Example::

            >>> ember.tensor([1.7, -2.7]).long()
            tensor([ 1, -2])
        """
        return self.to(_d.int64, memory_format=memory_format)

    def int(self, memory_format=_formats.preserve_format):
        """``self.int()`` is ``self.to(ember.int32)``. See :meth:`to`.

        Args:
            memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
                tensor. Default: ``ember.preserve_format``.

        Example::

            >>> ember.tensor([1.7, -2.7]).int()
            tensor([ 1, -2], dtype=ember.int32)
        """
        return self.to(_d.int32, memory_format=memory_format)

    def short(self, memory_format=_formats.preserve_format):
        """``self.short()`` is ``self.to(ember.int16)``. See :meth:`to`.

        Args:
            memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
                tensor. Default: ``ember.preserve_format``.

        Example::

            >>> ember.tensor([1.7, -2.7]).short()
            tensor([ 1, -2], dtype=ember.int16)
        """
        return self.to(_d.int16, memory_format=memory_format)

    def char(self, memory_format=_formats.preserve_format):
        """``self.char()`` is ``self.to(ember.int8)``. See :meth:`to`.

        Args:
            memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
                tensor. Default: ``ember.preserve_format``.

        Example::

            >>> ember.tensor([1.7, -2.7]).char()
            tensor([ 1, -2], dtype=ember.int8)
        """
        return self.to(_d.int8, memory_format=memory_format)

    def byte(self, memory_format=_formats.preserve_format):
        """``self.byte()`` is ``self.to(ember.uint8)``. See :meth:`to`.

        Args:
            memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
                tensor. Default: ``ember.preserve_format``.

        Example::

            >>> ember.tensor([1.7, 200.]).byte()
            tensor([  1, 200], dtype=ember.uint8)
        """
        return self.to(_d.uint8, memory_format=memory_format)

    def bool(self, memory_format=_formats.preserve_format):
        """``self.bool()`` is ``self.to(ember.bool)``. See :meth:`to`.

        Args:
            memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
                tensor. Default: ``ember.preserve_format``.

        Example::

            >>> ember.tensor([0., 0.5, -2.]).bool()
            tensor([False,  True,  True])
        """
        return self.to(_d.bool_, memory_format=memory_format)

    def type_as(self, other):
        """Returns this tensor cast to the type of ``other`` (unchanged if it already has it):
        ``self.type(other.type())``.

        Args:
            other (Tensor): the tensor whose type is used.

        Example::

            >>> ember.tensor([1.7, -2.2]).type_as(ember.tensor([1]))
            tensor([ 1, -2])
        """
        try:
            return self.to(other.dtype)
        except AttributeError:      # ``other`` not a tensor: PyTorch's argument error
            from ember.ops import _argparse
            _argparse.refuse_from_stack()
            raise

    def __len__(self):
        """The size of dimension 0 (``len()`` of a 0-d tensor is a TypeError).

        Example::

            >>> len(ember.zeros(3, 2))
            3
        """
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self):
        """The truth value of a one-element tensor (``if t:``); ambiguous, so an error, for any other size.

        Example::

            >>> bool(ember.tensor([0.0])), bool(ember.tensor(2))
            (False, True)
        """
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous" if self._data.size == 0
                               else "Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def _one_element(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")

    def __float__(self):
        """The value of a one-element tensor as a Python float.

        Example::

            >>> float(ember.tensor([2.5]))
            2.5
        """
        self._one_element()
        if self._requires_grad:     # (once per process, as PyTorch)
            from ember._warn_once import warn_once
            warn_once("Converting a tensor with requires_grad=True to a scalar may lead to unexpected "
                      "behavior.\nConsider using tensor.detach() first.")
        return float(self.item())

    def __int__(self):
        """The value of a one-element tensor as a Python int (truncated toward zero).

        Example::

            >>> int(ember.tensor(-2.7))
            -2
        """
        self._one_element()
        return int(self.item())

    def __index__(self):
        """A one-element integer tensor used as an index (``items[t]``, ``range(t)``).

        Example::

            >>> ['a', 'b', 'c'][ember.tensor(2)]
            'c'
        """
        if self.dtype.category > 1 or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __complex__(self):
        """The value of a one-element tensor as a Python complex.

        Example::

            >>> complex(ember.tensor(1 + 2j))
            (1+2j)
        """
        self._one_element()
        return complex(self.item())

    def __hash__(self):
        return id(self)

    def __repr__(self, *, tensor_contents=None):
        """The tensor as PyTorch prints it: values, and the dtype, device and grad_fn when not the defaults.

        Example::

            >>> ember.tensor([1.5, 2.0], dtype=ember.float64, requires_grad=True)
            tensor([1.5000, 2.0000], dtype=ember.float64, requires_grad=True)
        """
        from ember._tensor_str import tensor_repr
        return tensor_repr(self, tensor_contents=tensor_contents)

    def __format__(self, spec):
        """``format()`` / f-strings: a 0-d tensor formats as its Python number; others print as ``repr``.

        Example::

            >>> f'{ember.tensor(3.14159):.2f}'
            '3.14'
        """
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, proto):
        """Pickle support: :mod:`pickle` calls it to learn how to rebuild the tensor, from its values, dtype,
        device, ``requires_grad`` and its Python attributes.

        Args:
            proto (int): the pickle protocol.

        Example::

            >>> import pickle
            >>> pickle.loads(pickle.dumps(ember.tensor([1., 2.], requires_grad=True)))
            tensor([1., 2.], requires_grad=True)
        """
        from ember.serialization import _reduce_tensor
        return _reduce_tensor(self)

    def __deepcopy__(self, memo):
        """``copy.deepcopy``: a new leaf tensor with copied values, ``requires_grad``, ``.grad`` and attributes
        (only graph leaves can be deep-copied, as in PyTorch).

        Example::

            >>> import copy
            >>> x = ember.ones(2, requires_grad=True)
            >>> y = copy.deepcopy(x)
            >>> y.requires_grad, y is x
            (True, False)
        """
        if id(self) in memo:
            return memo[id(self)]
        if self._grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the "
                               "deepcopy protocol at the moment.  If you were attempting to deepcopy a "
                               "module, this may be because of a ember.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        new = type(self)._from(Tensor._make(self._data.copy(), self._device)) if type(self) is not Tensor \
            else Tensor._make(self._data.copy(), self._device)
        import copy
        new._requires_grad = self._requires_grad
        if self._is_param:
            new._is_param = True
        memo[id(self)] = new
        for k, v in self._user_state().items():
            setattr(new, k, copy.deepcopy(v, memo))
        if self._grad is not None:
            new._grad = copy.deepcopy(self._grad, memo)
        return new

    def __contains__(self, element):
        """Whether ``element`` (a tensor or a number) equals any element of the tensor (``x in t``).

        Example::

            >>> 2.0 in ember.tensor([1.5, 2.0])
            True
        """
        import numbers
        if not isinstance(element, (Tensor, numbers.Number)):
            raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                               f"{type(element)}.")
        return bool((self == element).any().item())



def _wrap_dim(dim, ndim):
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim


def _scalar_type_name(d):
    return {'float32': 'Float', 'float64': 'Double', 'float16': 'Half', 'bfloat16': 'BFloat16', 'int64': 'Long',
            'int32': 'Int', 'int16': 'Short', 'int8': 'Char', 'uint8': 'Byte', 'bool': 'Bool', 'complex64': 'ComplexFloat',
            'complex128': 'ComplexDouble', 'uint16': 'UInt16', 'uint32': 'UInt32',
            'uint64': 'UInt64'}.get(d.name) or d._legacy[:-len('Tensor')]   # (the float8 types)


def _seen_node(t):
    """``t``'s node as ``grad_fn`` shows it, checked as PyTorch checks it when read."""
    fn = t._grad_fn
    if fn is None:
        if t._no_grad_view is not None:      # (its memory may have been written since it was made)
            t._no_grad_view.check_read(t)
    elif getattr(fn, '_view_error', None) is not None:  # (a view whose base was changed in place: ops/_view_history)
        raise RuntimeError(fn._view_error)
    return fn


from ember import _dtype as _d  # noqa: E402

# PyTorch users see these types as torch.Tensor / torch.Size: show them as ember.Tensor / ember.Size
Tensor.__module__ = 'ember'
Size.__module__ = 'ember'

