"""``__torch_dispatch__``: TorchDispatchMode and wrapper tensor subclasses, as PyTorch's
``torch.utils._python_dispatch``.

While a ``TorchDispatchMode`` is entered, or when an op's arguments include a Tensor subclass defining
``__torch_dispatch__``, the op is handed over as the ATen overload PyTorch names for it
(``ember.ops.aten.mul.Tensor``) with its arguments normalised to the schema: ``mode.__torch_dispatch__(func,
types, args, kwargs)``, then each subclass's. Calling ``func(*args, **kwargs)`` there runs the op (the mode is
popped meanwhile). A wrapper subclass (``Tensor._make_wrapper_subclass``) carries a shape, dtype and device
and no data of its own; its ``__torch_dispatch__`` computes on the tensors it wraps.

As in PyTorch, composite ops are handed over as their parts: ``F.linear`` as ``aten.t`` and
``aten.addmm``, ``F.conv2d`` as ``aten.convolution`` (``_DECOMPOSED``), ``.to(dtype)`` as ``aten._to_copy.default``,
indexing as its ``select``/``slice``/``index`` steps (``_BEFORE_ATEN``, ``_dispatch_indexing.py``). Where ember's
level still differs: other composites arrive as the op the program called (``aten.gru.input``), and
``backward()`` shows PyTorch's backward calls only for the nodes ``_dispatch_backward.py`` has formulas for (the
others run ember's own backward steps). ember records no
autograd through a wrapper subclass: a differentiable op on one that requires grad (with grad mode on)
raises instead of giving wrong gradients.
"""
import contextlib
import math

from ember._mode_stack import Mode, ModeStack

__all__ = ['TorchDispatchMode', 'is_traceable_wrapper_subclass', 'is_traceable_wrapper_subclass_type',
           'transform_subclass']

_active = False          # set once a mode is entered or a __torch_dispatch__ subclass is defined


def _switch_on():
    global _active
    if not _active:
        _active = True
        from ember._torch_function import activate
        activate()


_modes = ModeStack(on_push=_switch_on)


class TorchDispatchMode(Mode):
    """Every op run while the mode is entered calls ``self.__torch_dispatch__(func, types, args, kwargs)``
    with ``func`` the op's ATen overload (see the module docstring for where ember's level differs).

    Example::

        >>> from ember.utils._python_dispatch import TorchDispatchMode
        >>> class Log(TorchDispatchMode):
        ...     def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        ...         print(func)
        ...         return func(*args, **(kwargs or {}))
        >>> with Log():
        ...     _ = ember.ones(2).mul(3)
        aten.ones.default
        aten.mul.Tensor
    """
    _stack = _modes

    def __init__(self, _dispatch_key=None):
        if _dispatch_key is not None:
            raise NotImplementedError("ember has no dispatch keys: TorchDispatchMode(_dispatch_key=...) is not supported")

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        raise NotImplementedError

    def __enter__(self):
        super().__enter__()
        _follow_backward()
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        super().__exit__(exc_type, exc_val, exc_tb)
        _follow_backward()


def _follow_backward():
    """Backward passes show PyTorch's ATen calls while a mode is entered (``_dispatch_backward.py``)."""
    from ember.utils._dispatch_backward import follow
    follow(_modes.any())


def _grad_on():
    from ember.autograd import grad_mode
    return grad_mode.is_grad_enabled()


def _push_mode(mode):
    _modes.push(mode)
    _follow_backward()


def _pop_mode(k=None):
    mode = _modes.pop()
    _follow_backward()
    return mode


def _pop_mode_temporarily(k=None):
    return _modes.pop_temporarily()


def _get_current_dispatch_mode():
    return _modes.current()


def _get_current_dispatch_mode_stack():
    return list(_modes.modes())


@contextlib.contextmanager
def _disable_current_modes():
    """No dispatch mode inside the block (they are restored after it)."""
    stack = _modes.modes()
    saved = stack[:]
    del stack[:]
    try:
        yield saved
    finally:
        stack[:] = saved


def is_traceable_wrapper_subclass(t):
    """Whether ``t`` is an instance of a wrapper subclass that describes its inner tensors
    (``__tensor_flatten__``/``__tensor_unflatten__``)."""
    return is_traceable_wrapper_subclass_type(type(t))


def is_traceable_wrapper_subclass_type(t):
    from ember._tensor import Tensor
    return (isinstance(t, type) and issubclass(t, Tensor) and t is not Tensor
            and hasattr(t, '__tensor_flatten__') and hasattr(t, '__tensor_unflatten__'))


def transform_subclass(t, callback, outer_size=None, outer_stride=None):
    """A new instance of ``t``'s wrapper subclass whose inner tensors are ``callback(name, inner)``."""
    names, ctx = t.__tensor_flatten__()
    inner = {name: callback(name, getattr(t, name)) for name in names}
    return type(t).__tensor_unflatten__(inner, ctx, outer_size if outer_size is not None else t.size(),
                                        outer_stride if outer_stride is not None else t.stride())


# --------------------------------------------------------------------------------- the dispatch step
def _disabled_torch_dispatch_impl(func, types, args=(), kwargs=None):
    """The ``__torch_dispatch__`` of a subclass that takes no part: the op runs as it is."""
    return func(*args, **(kwargs or {}))


def _has_dispatch(t):
    impl = getattr(t, '__torch_dispatch__', None)
    return impl is not None and getattr(impl, '__func__', impl) is not _disabled_torch_dispatch_impl


def _dispatch_args(args, kwargs):
    found = []
    for a in (*args, *kwargs.values()):
        if type(a) in (list, tuple):
            found.extend(b for b in a if _has_dispatch(type(b)))
        elif _has_dispatch(type(a)):
            found.append(a)
    return found


# the ATen ops that record no autograd history: fine on a wrapper that requires grad
_NO_HISTORY = frozenset(('detach', 'alias', 'size', 'stride', 'numel', 'dim', 'is_same_size', 'ones_like',
                         'zeros_like', 'empty_like', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'))


def dispatch(name, fn, args, kwargs):
    """The op ``fn`` (reached by ``name``) handed to the dispatch modes and subclasses, or NotImplemented
    when none takes part."""
    modes = _modes.any()
    subclass_args = _dispatch_args(args, kwargs)
    if not modes and not subclass_args:
        return NotImplemented
    before = _BEFORE_ATEN.get(name)
    if before is not None:           # calls PyTorch's dispatcher sees as several ATen calls of other names
        result = before(fn, *args, **kwargs)
        if result is not NotImplemented:
            return result
    from ember.export._normalize import Unsupported, to_aten
    try:
        func, aargs, akwargs = _at_dispatch_level(*to_aten(name, fn, args, kwargs))
    except Unsupported as e:
        raise NotImplementedError(f"ember cannot hand {name} to __torch_dispatch__: {e}") from None
    if func is None:                 # the op is a no-op at PyTorch's dispatch level (x.to(x.dtype))
        return aargs
    decomposed = _DECOMPOSED.get(func.overloadpacket.__name__)
    if decomposed is not None:       # a composite: its parts reach the modes one by one, as in PyTorch
        result = decomposed(*aargs, **akwargs)
        if result is not NotImplemented:
            return result
    return _hand(func, subclass_args, aargs, akwargs)


def _hand(func, subclass_args, aargs, akwargs):
    """Hand the ATen call to the active mode, then to each ``__torch_dispatch__`` subclass in turn."""
    modes = _modes.any()
    types = tuple(dict.fromkeys(type(a) for a in subclass_args))
    _refuse_untracked_autograd(func, subclass_args)
    if modes:
        with _pop_mode_temporarily() as mode:
            result = mode.__torch_dispatch__(func, types, aargs, akwargs)
        if result is not NotImplemented:
            if _grad_on():           # the node it made keeps the call for a backward under a mode
                from ember.utils._dispatch_backward import remember
                remember(func, aargs, akwargs, result)
            return result
    for cls in types:
        result = cls.__torch_dispatch__(func, types, aargs, akwargs)
        if result is not NotImplemented:
            return result
    raise TypeError(f"Multiple dispatch failed for '{func}'; all __torch_dispatch__ handlers returned "
                    f"NotImplemented:\n\n  - tensor subclass {list(types)}")


def _hand_aten(name, overload, *args, **kwargs):
    """Call the ATen op ``name.overload`` that ember has no public function for, as a mode sees it."""
    from ember.export import _aten
    return _hand(_aten.overload(name, overload), _dispatch_args(args, kwargs), args, kwargs)


def _linear(input, weight, bias=None):
    """``F.linear`` as PyTorch's CompositeImplicitAutograd kernel runs it: ``t`` + ``addmm``/``mm`` on
    a 2-d input, the input folded to 2-d (and the result unfolded) otherwise."""
    import ember
    if input.dim() == 2 and bias is not None:
        return ember.addmm(bias, input, weight.t())
    if bias is not None:             # fold, addmm, unfold
        flat = input.view(-1, input.shape[-1]) if input.dim() != 1 else input.view(1, input.shape[0])
        out = ember.addmm(bias, flat, weight.t())
        return out.view(*input.shape[:-1], weight.shape[0])
    wt = weight.t()
    if input.dim() == 2:
        return ember.mm(input, wt)
    if input.dim() == 1:             # PyTorch squeezes in place (aten.squeeze_.dim), unknown to ember
        return ember.mm(input.unsqueeze(0), wt).squeeze(0)
    out = ember.mm(input.view(-1, input.shape[-1]), wt)
    return _hand_aten('_unsafe_view', 'default', out, [*input.shape[:-1], weight.shape[0]])


def _pair(v, n=2):
    return list(v) if isinstance(v, (list, tuple)) else [v] * n


def _softmax(self, dim, dtype=None):
    if dtype is not None:            # the cast comes first in PyTorch; left whole here
        return NotImplemented
    return _hand_aten('_softmax', 'default', self, dim, False)


def _log_softmax(self, dim, dtype=None):
    if dtype is not None:
        return NotImplemented
    return _hand_aten('_log_softmax', 'default', self, dim, False)


def _matmul(self, other):
    import ember
    if self.dim() == 2 and other.dim() == 2:
        return ember.mm(self, other)
    if self.dim() == 1 and other.dim() == 1:
        return ember.dot(self, other)
    if self.dim() == 2 and other.dim() == 1:
        return ember.mv(self, other)
    if self.dim() >= 3 and other.dim() <= 2 and self.is_contiguous():     # fold the batch into rows
        flat = self.view(-1, self.shape[-1])
        out = ember.mm(flat, other) if other.dim() == 2 else ember.mv(flat, other)
        return _hand_aten('_unsafe_view', 'default', out, [*self.shape[:-1], *other.shape[1:]])
    if self.dim() >= 3 and self.shape[:-2] == other.shape[:-2]:   # same batch dims: expand (a no-op), reshape, bmm
        from ember.utils._dispatch_einsum import reshape
        batch = list(self.shape[:-2])
        n = math.prod(batch)
        a = reshape(self.expand(*batch, *self.shape[-2:]), [n, *self.shape[-2:]])
        b = reshape(other.expand(*batch, *other.shape[-2:]), [n, *other.shape[-2:]])
        return _hand_aten('_unsafe_view', 'default', ember.bmm(a, b), [*batch, self.shape[-2], other.shape[-1]])
    return NotImplemented            # the broadcast forms: handed over whole


def _flatten(self, start_dim=0, end_dim=-1):
    if self.dim() == 0 or not self.is_contiguous():
        return NotImplemented
    start, end = start_dim % self.dim(), end_dim % self.dim()
    if start == end:                 # PyTorch returns the tensor itself, dispatching nothing
        return self
    shape = list(self.shape)
    return self.view(*shape[:start], -1, *shape[end + 1:])


def _reshape(self, shape):
    if not self.is_contiguous():     # a view where the strides allow one, else clone + _unsafe_view
        from ember.utils._dispatch_einsum import reshape
        shape = list(shape)
        if shape.count(-1) == 1:
            known = math.prod(s for s in shape if s != -1)
            shape[shape.index(-1)] = self.numel() // known if known else 0
        return reshape(self, shape)
    return self.view(*shape)


def _conv(n):
    """``conv{n}d`` on a batched input: ``aten.convolution``."""
    def conv(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        if input.dim() != n + 2 or isinstance(padding, str):
            return NotImplemented
        return _hand_aten('convolution', 'default', input, weight, bias, _pair(stride, n), _pair(padding, n),
                          _pair(dilation, n), False, [0] * n, groups)
    return conv


def _conv_transpose(n):
    """``conv_transpose{n}d`` on a batched input: ``aten.convolution`` with ``transposed=True``."""
    def conv_transpose(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
        if input.dim() != n + 2:
            return NotImplemented
        return _hand_aten('convolution', 'default', input, weight, bias, _pair(stride, n), _pair(padding, n),
                          _pair(dilation, n), True, _pair(output_padding, n), groups)
    return conv_transpose


def _layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    return _hand_aten('native_layer_norm', 'default', input, list(normalized_shape), weight, bias, eps)[0]


def _group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    if input.dim() < 2 or not input.is_contiguous():
        return NotImplemented
    n, c = input.shape[0], input.shape[1]
    hxw = input.numel() // (n * c) if n * c else 1
    return _hand_aten('native_group_norm', 'default', input, weight, bias, n, c, hxw, num_groups, eps)[0]


def _dropout(input, p, train):
    """Eval: the input itself; training: PyTorch's CPU steps (a Bernoulli keep-mask drawn into
    ``empty_like``, scaled in place, multiplied in)."""
    import ember
    if not train or p == 0 or input.numel() == 0:
        return input
    if p == 1 and input.dtype.is_floating_point:      # everything dropped: times a zero
        zero = _hand_aten('zeros', 'default', [], dtype=input.dtype, layout=ember.strided, device=input.device)
        return _hand_aten('mul', 'Tensor', input, zero)
    if not 0 < p < 1 or not input.dtype.is_floating_point:
        return NotImplemented
    noise = _hand_aten('empty_like', 'default', input)
    _hand_aten('bernoulli_', 'float', noise, 1 - p)
    _hand_aten('div_', 'Scalar', noise, 1 - p)
    return _hand_aten('mul', 'Tensor', input, noise)


def _max_pool2d(self, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return _hand_aten('max_pool2d_with_indices', 'default', self, _pair(kernel_size), list(stride) if
                      isinstance(stride, (list, tuple)) else _pair(stride), _pair(padding), _pair(dilation),
                      ceil_mode)[0]


def _adaptive_avg_pool2d(self, output_size):
    size = _pair(output_size)
    if any(s is None for s in size):
        return NotImplemented
    if any(s != 1 for s in size):
        return _hand_aten('_adaptive_avg_pool2d', 'default', self, size)
    return self.mean([-1, -2], keepdim=True)


def _batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled=True):
    """``aten.native_batch_norm``, after the empty reserve tensor PyTorch's CPU path makes."""
    import ember
    _hand_aten('empty', 'memory_format', [0], dtype=ember.uint8, layout=ember.strided, device=input.device)
    return _hand_aten('native_batch_norm', 'default', input, weight, bias, running_mean, running_var, training,
                      momentum, eps)[0]


def _nll_loss(self, target, weight=None, reduction=1, ignore_index=-100):
    if self.dim() > 2:               # (nll_loss2d_forward, after views, in PyTorch): handed over whole
        return NotImplemented
    return _hand_aten('nll_loss_forward', 'default', self, target, weight, reduction, ignore_index)[0]


def _cross_entropy(self, target, weight=None, reduction=1, ignore_index=-100, label_smoothing=0.0):
    """Class-index cross entropy: ``aten._log_softmax`` + ``aten.nll_loss_forward``; with class probabilities
    (no weight, no smoothing): ``-(log_softmax * target)`` summed (``mul``, ``sum``, ``neg``, ``div``)."""
    if self.dim() > 2 or (weight is not None and (label_smoothing or target.dtype.is_floating_point)) or \
            (label_smoothing and target.dtype.is_floating_point):
        return NotImplemented
    dim = 1 if self.dim() == 2 else 0
    log_probs = _hand_aten('_log_softmax', 'default', self, dim, False)
    if not target.dtype.is_floating_point and label_smoothing:
        return _smoothed(log_probs, target, reduction, ignore_index, label_smoothing, dim)
    if not target.dtype.is_floating_point:
        return _nll_loss(log_probs, target, weight, reduction, ignore_index)
    product = _hand_aten('mul', 'Tensor', log_probs, target)
    if reduction == 0:
        return _hand_aten('neg', 'default', _hand_aten('sum', 'dim_IntList', product, [dim]))
    total = _hand_aten('neg', 'default', _hand_aten('sum', 'default', product))
    if reduction == 2:
        return total
    return _hand_aten('div', 'Scalar', total, self.numel() // self.shape[dim])


def _smoothed(log_probs, target, reduction, ignore_index, label_smoothing, dim):
    """Label smoothing's cross entropy as PyTorch writes it: the nll loss, and the mean negative log
    probability over classes (zero at ignored targets), mixed."""
    nll = _nll_loss(log_probs, target, None, reduction, ignore_index)
    smooth = _hand_aten('neg', 'default', _hand_aten('sum', 'dim_IntList', log_probs, [dim]))
    ignored = _hand_aten('eq', 'Scalar', target, ignore_index)
    smooth = _hand_aten('masked_fill_', 'Scalar', smooth, ignored, 0.0)
    if reduction == 1:
        count = _hand_aten('sum', 'default', _hand_aten('bitwise_not', 'default', ignored))
        smooth = _hand_aten('div', 'Tensor', _hand_aten('sum', 'default', smooth), count)
    elif reduction == 2:
        smooth = _hand_aten('sum', 'default', smooth)
    smooth = _hand_aten('mul', 'Scalar', smooth, label_smoothing / log_probs.shape[dim])
    return _hand_aten('add', 'Tensor', _hand_aten('mul', 'Scalar', nll, 1 - label_smoothing), smooth)


def _upsample(name, with_corners):
    """``aten.upsample_*.vec`` (what ``F.interpolate`` calls) as its ``.default`` overload: the output
    size computed from the scale factors, which are passed on per dimension."""
    import math

    def vec_to_default(input, output_size, *rest):
        if len(rest) != (2 if with_corners else 1):
            return NotImplemented    # (already the .default form)
        scales = rest[-1]
        corners = [rest[0]] if with_corners else []
        if output_size is not None:
            return _hand_aten(name, 'default', input, list(output_size), *corners)
        size = [int(math.floor(input.shape[i + 2] * float(s))) for i, s in enumerate(scales)]
        return _hand_aten(name, 'default', input, size, *corners, *[float(s) for s in scales])
    return vec_to_default


def _sdpa(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
    """4-d attention without dropout: PyTorch's CPU flash kernel (its math path, for the other forms, is
    left whole)."""
    import ember
    if query.dim() != 4 or dropout_p or enable_gqa or (attn_mask is not None and is_causal):
        return NotImplemented
    if attn_mask is not None and attn_mask.dtype == ember.bool:     # made additive: where(mask, 0, -inf)
        neg_inf = _hand_aten('scalar_tensor', 'default', float('-inf'), dtype=query.dtype, device=query.device)
        zero = _hand_aten('scalar_tensor', 'default', 0.0, dtype=query.dtype, layout=ember.strided,
                          device=query.device)
        attn_mask = _hand_aten('where', 'self', attn_mask, zero, neg_inf)
    elif attn_mask is not None and not attn_mask.dtype.is_floating_point:
        return NotImplemented
    kwargs = {k: v for k, v in (('attn_mask', attn_mask), ('scale', scale)) if v is not None}
    return _hand_aten('_scaled_dot_product_flash_attention_for_cpu', 'default', query, key, value,
                      *((0.0, True) if is_causal else ()), **kwargs)[0]


def _interpolate_area(input, size=None, scale_factor=None, mode='nearest', align_corners=None,
                      recompute_scale_factor=None, antialias=False):
    """``interpolate(mode='area')`` is adaptive average pooling to the output size, as in PyTorch."""
    import math
    import ember.nn.functional as F
    dims = input.dim() - 2
    if mode != 'area' or antialias or align_corners is not None or not 1 <= dims <= 3:
        return NotImplemented
    if size is not None:
        out = list(size) if isinstance(size, (list, tuple)) else [size] * dims
    else:
        scales = list(scale_factor) if isinstance(scale_factor, (list, tuple)) else [scale_factor] * dims
        out = [int(math.floor(input.shape[i + 2] * float(s))) for i, s in enumerate(scales)]
    return getattr(F, f'adaptive_avg_pool{dims}d')(input, out)


def _einsum(equation, tensors, path=None):
    if path is not None:
        return NotImplemented
    from ember.utils._dispatch_einsum import einsum
    return einsum(equation, list(tensors))


def _bernoulli_(fn, self, p=0.5, *, generator=None):
    kwargs = {'generator': generator} if generator is not None else {}
    return _hand_aten('bernoulli_', 'float' if isinstance(p, (int, float)) else 'Tensor', self, p, **kwargs)


def _before_aten(attr):
    def handler(fn, *args, **kwargs):
        from ember.utils import _dispatch_indexing
        return getattr(_dispatch_indexing, attr)(fn, *args, **kwargs)
    return handler


# Python calls PyTorch's dispatcher sees as ATen calls of other names (the Python-level steps of indexing)
_BEFORE_ATEN = {'tensor': _before_aten('tensor'), '__getitem__': _before_aten('getitem'),
                '__setitem__': _before_aten('setitem'), 'index_put_': _before_aten('index_put_'),
                'interpolate': lambda fn, *args, **kwargs: _interpolate_area(*args, **kwargs),
                'bernoulli_': _bernoulli_}


# ATen composites whose parts a mode sees instead of the op itself (PyTorch decomposes them before its
# dispatch modes run); a decomposition answers NotImplemented for the forms it leaves whole
_DECOMPOSED = {'linear': _linear, 'softmax': _softmax, 'log_softmax': _log_softmax, 'matmul': _matmul,
               'flatten': _flatten, 'reshape': _reshape,
               'conv1d': _conv(1), 'conv2d': _conv(2), 'conv3d': _conv(3), 'conv_transpose1d': _conv_transpose(1),
               'conv_transpose2d': _conv_transpose(2), 'conv_transpose3d': _conv_transpose(3), 'layer_norm': _layer_norm, 'group_norm': _group_norm,
               'dropout': _dropout, 'max_pool2d': _max_pool2d, 'adaptive_avg_pool2d': _adaptive_avg_pool2d,
               'cross_entropy_loss': _cross_entropy, 'nll_loss_nd': _nll_loss, 'batch_norm': _batch_norm,
               'scaled_dot_product_attention': _sdpa, 'einsum': _einsum,
               **{f'upsample_nearest{d}d': _upsample(f'upsample_nearest{d}d', False) for d in (1, 2, 3)},
               **{f'_upsample_nearest_exact{d}d': _upsample(f'_upsample_nearest_exact{d}d', False) for d in (1, 2, 3)},
               **{name: _upsample(name, True) for name in ('upsample_linear1d', 'upsample_bilinear2d',
                                                          'upsample_bicubic2d', 'upsample_trilinear3d')}}


def _at_dispatch_level(func, args, kwargs):
    """PyTorch's dispatch-level form of a few composite ops: ``to`` becomes ``_to_copy`` (or nothing)."""
    from ember.export import _aten
    packet = func.overloadpacket.__name__ if hasattr(func.overloadpacket, '__name__') else ''
    if packet == 'to':
        self, rest = args[0], dict(zip([a.name for a in func._schema.args[1:]], args[1:]))
        rest.update(kwargs)
        dtype, device = rest.get('dtype'), rest.get('device')
        if not rest.get('copy') and (dtype is None or dtype == self.dtype) and \
                (device is None or str(device) == str(self.device)):
            return None, self, None
        new = {'dtype': dtype} if dtype is not None and dtype != self.dtype else {}
        if device is not None and str(device) != str(self.device):
            new['device'] = device
        if rest.get('non_blocking'):
            new['non_blocking'] = True
        if rest.get('memory_format') is not None:
            new['memory_format'] = rest['memory_format']
        return _aten.overload('_to_copy', 'default'), (self,), new
    return func, args, kwargs


def _refuse_untracked_autograd(func, subclass_args):
    from ember.autograd import grad_mode
    if not grad_mode.is_grad_enabled() or not any(a.requires_grad for a in subclass_args):
        return
    if func.overloadpacket.__name__ in _NO_HISTORY:
        return
    raise NotImplementedError(f"ember records no autograd through __torch_dispatch__ tensor subclasses: {func} on a "
                              f"{type(subclass_args[0]).__name__} that requires grad would lose its gradient; run it "
                              "under ember.no_grad() or with requires_grad=False")


def subclass_defined(cls):
    """Called for each new Tensor subclass: one defining ``__torch_dispatch__`` switches dispatch on."""
    if _has_dispatch(cls):
        _switch_on()


def make_wrapper_subclass(cls, size, strides=None, storage_offset=None, memory_format=None, dtype=None,
                          layout=None, device=None, pin_memory=False, requires_grad=False,
                          dispatch_sizes_strides_policy=None, dispatch_device=False, dispatch_layout=False,
                          _extra_dispatch_keys=None, storage_size=None):
    """``Tensor._make_wrapper_subclass``: an instance of ``cls`` with this metadata and no data of its own."""
    import ember
    from ember._device import as_device
    from ember._tensor import Tensor
    from ember.backend import meta_array, meta_laid_out
    if not (isinstance(cls, type) and issubclass(cls, Tensor)):
        raise TypeError("_make_wrapper_subclass: cls must be a subclass of Tensor")
    if layout not in (None, ember.strided):
        raise NotImplementedError(f"ember's wrapper subclasses are strided; layout={layout} is not supported")
    for flag, what in ((dispatch_sizes_strides_policy, 'dispatch_sizes_strides_policy'),
                       (_extra_dispatch_keys, '_extra_dispatch_keys')):
        if flag:
            raise NotImplementedError(f"_make_wrapper_subclass({what}=...) is not supported by ember")
    for flag, what in ((dispatch_device, 'dispatch_device'), (dispatch_layout, 'dispatch_layout')):
        if flag:   # ember answers .device and .layout from the metadata given here, never from the subclass
            raise NotImplementedError(f"_make_wrapper_subclass({what}=True) is not supported by ember")
    if memory_format not in (None, ember.contiguous_format) and strides is None:
        raise NotImplementedError(f"_make_wrapper_subclass(memory_format={memory_format}) is not supported by "
                                  "ember: pass strides")
    dtype = dtype if dtype is not None else ember.get_default_dtype()
    data = meta_array(tuple(size), dtype.np_dtype)
    if strides is not None or storage_offset:
        data = meta_laid_out(data, strides if strides is not None else data_strides(size), storage_offset or 0)
    if pin_memory:
        raise NotImplementedError("_make_wrapper_subclass(pin_memory=True) is not supported by ember")
    t = Tensor._make(data, as_device(device) if device is not None else ember.get_default_device(),
                     requires_grad=bool(requires_grad))
    t.__class__ = cls
    return t


def make_subclass(cls, data, require_grad=False, dispatch_sizes_strides_policy=None, dispatch_device=False,
                  dispatch_layout=False):
    """``Tensor._make_subclass``: ``data``'s memory as an instance of ``cls``, with no autograd history."""
    from ember._tensor import Tensor
    if not (isinstance(cls, type) and issubclass(cls, Tensor)):
        raise TypeError("_make_subclass: cls must be a subclass of Tensor")
    if dispatch_sizes_strides_policy or dispatch_device or dispatch_layout:
        raise NotImplementedError("_make_subclass's dispatch_* options are not supported by ember")
    t = data.detach()
    t.__class__ = cls
    t.requires_grad_(bool(require_grad))
    return t


def data_strides(size):
    from ember._tensor import _contiguous_strides
    return _contiguous_strides(tuple(size))
