"""``backward()`` under a ``TorchDispatchMode`` as PyTorch's engine runs it: the mode sees the ATen calls of
PyTorch's backward formulas (``aten.mse_loss_backward``, ``aten.t`` + ``aten.mm`` for a matrix product,
``aten.threshold_backward`` for ``relu``, ...), the engine's own steps (``aten.ones_like`` for the implicit
gradient of a scalar, ``aten.detach`` as a leaf keeps its gradient, ``aten.sum.dim_IntList`` + ``aten.view``
where a gradient is summed to a broadcast input's shape) and PyTorch's ``aten.detach`` of a saved output,
in the order PyTorch's engine runs its nodes.

How: while a mode is entered, each op handed to it remembers its ATen call on the graph node it made
(``remember``); a node observer (``ember/autograd/_op_observers.py``) then runs that node's backward as the
ATen calls of PyTorch's formula for the op (``_FORMULAS``), each handed to the mode. A node made outside a
mode, of an op without a formula here, or run with ``create_graph=True`` runs ember's own backward (the mode
then sees whatever public ops it calls).
"""
from ember.autograd import _op_observers as _observe

# ATen ops whose PyTorch backward formula reads the op's output: PyTorch detaches the output as it saves
# it (and again as the backward unpacks it), and modes see both detaches
SAVES_RESULT = frozenset(('relu', '_log_softmax', '_softmax', 'sigmoid', 'tanh', 'exp', 'sqrt', 'rsqrt',
                          '_scaled_dot_product_flash_attention_for_cpu'))


def _hand(name, overload, *args, **kwargs):
    from ember.utils._python_dispatch import _hand_aten
    return _hand_aten(name, overload, *args, **kwargs)


def _tensor(value):
    from ember._tensor import Tensor
    return isinstance(value, Tensor)


# ------------------------------------------------------------------------------------------ the forward
def remember(func, args, kwargs, result):
    """Keep ``func(*args, **kwargs)`` (the arguments PyTorch's formula reads), the op's other outputs and its
    saved output on the graph node the call made for ``result``; the saved output is detached as PyTorch
    detaches it."""
    first = result[0] if type(result) in (tuple, list) and result else result
    if not _tensor(first):
        return
    node = first.grad_fn
    name = func.overloadpacket.__name__
    if node is None or (not name.endswith('_') and any(_tensor(a) and a.grad_fn is node for a in args)):
        return                       # (no node, or an input's own: the op returned its input)
    saved = _hand('detach', 'default', first) if name in SAVES_RESULT else None   # (detached: no cycle)
    if '_aten_call' not in node.__dict__:     # the op that made the node (an op returning its input made none)
        node._aten_call = (name, args, kwargs, tuple(result[1:]) if type(result) in (tuple, list) else (), saved)


# ----------------------------------------------------------------------------------- the engine's steps
class _EngineSteps:
    """The engine's own ATen calls (``ember.autograd.engine.dispatch_steps`` while a mode is entered)."""

    @staticmethod
    def root(out):
        import ember
        from ember.utils._python_dispatch import _modes
        if not _modes.any():
            return ember.ones_like(out)
        return ember.ones_like(out, memory_format=ember.preserve_format)

    @staticmethod
    def leaf(node, g, create_graph):
        from ember._tensor import Tensor
        from ember._tensor_user_dict import instance_dict
        from ember.utils._python_dispatch import _modes
        if not _modes.any() or create_graph or g.is_sparse or type(g) is not Tensor or \
                '_grad_dtype' in instance_dict(node.variable):
            return g
        var = node.variable
        old = var.grad
        if old is None:
            if not _obeys_layout(g, var):             # a copy laid out as the leaf is
                import ember
                copy = _hand('new_empty_strided', 'default', g, list(var.shape), list(var.stride()), dtype=g.dtype,
                             layout=ember.strided, device=g.device)
                _hand('copy_', 'default', copy, g)
                return copy
            return _hand('detach', 'default', g)      # AccumulateGrad keeps a detached gradient
        if type(old) is Tensor and not old.requires_grad and old.shape == g.shape and old.dtype == g.dtype:
            _hand('add_', 'Tensor', old, g)           # and adds a later one into it in place
            return None
        return g


def _obeys_layout(g, var):
    """PyTorch's layout contract for a leaf's first gradient: the leaf's strides where it is dense (sizes of
    one aside), else contiguous."""
    from ember.backend.meta_array import contiguous_strides
    shape, strides = tuple(var.shape), tuple(var.stride())
    outer_first = sorted(range(len(shape)), key=lambda d: strides[d], reverse=True)
    expected = contiguous_strides(tuple(shape[d] for d in outer_first))
    dense = 0 not in shape and all(shape[d] == 1 or strides[d] == e for d, e in zip(outer_first, expected))
    if dense:
        return all(n == 1 or a == b for n, a, b in zip(shape, g.stride(), strides))
    return g.is_contiguous()


# -------------------------------------------------------------------------------- PyTorch's formulas
def _sum_to(g, shape):
    """The engine's reduction of a gradient to its input's shape (PyTorch's ``sum_to``)."""
    shape = list(shape)
    if list(g.shape) == shape:
        return g
    if not shape:
        return _hand('sum', 'default', g)
    lead = g.dim() - len(shape)
    dims = list(range(lead)) + [i for i in range(lead, g.dim()) if shape[i - lead] == 1 and g.shape[i] != 1]
    if dims:
        g = _hand('sum', 'dim_IntList', g, dims, True)
    return _hand('view', 'default', g, shape) if lead > 0 else g


def _column_major(t):
    return t.dim() == 2 and t.stride(0) == 1 and t.stride(1) == t.shape[0]


def _mat1_grad(g, mat1, mat2):
    # PyTorch's mm_mat1_backward: a column-major mat1 gets its gradient as a transpose
    if _column_major(mat1):
        return _hand('t', 'default', _hand('mm', 'default', mat2, _hand('t', 'default', g)))
    return _hand('mm', 'default', g, _hand('t', 'default', mat2))


def _mat2_grad(g, mat1, mat2):
    # PyTorch's mm_mat2_backward
    if _column_major(mat2):
        return _hand('t', 'default', _hand('mm', 'default', _hand('t', 'default', g), mat1))
    return _hand('mm', 'default', _hand('t', 'default', mat1), g)


def _addmm(node, g, need, extra, self, mat1, mat2, beta=1, alpha=1):
    if beta != 1 or alpha != 1:
        return NotImplemented
    g1 = _mat1_grad(g, mat1, mat2) if need[1] else None
    g2 = _mat2_grad(g, mat1, mat2) if need[2] else None
    return [_sum_to(g, self.shape) if need[0] else None, g1, g2]


def _mm(node, g, need, extra, self, mat2):
    return [_mat1_grad(g, self, mat2) if need[0] else None, _mat2_grad(g, self, mat2) if need[1] else None]


def _t(node, g, need, extra, self):
    return [_hand('t', 'default', g)]


def _saved_result(node):
    """The op's output as the forward saved it, unpacked as PyTorch's engine unpacks it (detached)."""
    result = node._aten_call[4]
    return None if result is None else _hand('detach', 'default', result)


def _relu(node, g, need, extra, self):
    result = _saved_result(node)
    if result is None:
        return NotImplemented
    return [_hand('threshold_backward', 'default', g, result, 0)]


def _log_softmax(node, g, need, extra, self, dim, half_to_float=False):
    result = _saved_result(node)
    if result is None or half_to_float:
        return NotImplemented
    return [_hand('_log_softmax_backward_data', 'default', g, result, dim, self.dtype)]


def _softmax(node, g, need, extra, self, dim, half_to_float=False):
    result = _saved_result(node)
    if result is None or half_to_float:
        return NotImplemented
    return [_hand('_softmax_backward_data', 'default', g, result, dim, self.dtype)]


def _sdpa_flash(node, g, need, extra, query, key, value, dropout_p=0.0, is_causal=False, *, attn_mask=None,
                scale=None):
    out = _saved_result(node)
    if out is None or dropout_p:
        return NotImplemented
    grads = _hand('_scaled_dot_product_flash_attention_for_cpu_backward', 'default', g, query, key, value, out,
                  extra[0], dropout_p, is_causal, attn_mask=attn_mask, scale=scale)
    return [*grads, None][:len(need)]


def _neg(node, g, need, extra, self):
    return [_hand('neg', 'default', g)]


def _div(node, g, need, extra, self, other, rounding_mode=None):
    if rounding_mode is not None or (_tensor(other) and need[1]):
        return NotImplemented
    if _tensor(other):
        return [_sum_to(_hand('div', 'Tensor', g, other), self.shape), None]
    return [_hand('div', 'Scalar', g, other)]


def _pow(node, g, need, extra, self, exponent):
    if _tensor(exponent) or not _tensor(self) or exponent == 0:
        return NotImplemented
    scaled = _hand('mul', 'Scalar', _hand('pow', 'Tensor_Scalar', self, exponent - 1), exponent)
    return [_hand('mul', 'Tensor', g, scaled)]


def _masked_fill_(node, g, need, extra, self, mask, value):
    if _tensor(value):
        return NotImplemented
    return [_hand('masked_fill', 'Scalar', g, mask, 0)]


def _sum_dims(node, g, need, extra, self, dim, keepdim=False, dtype=None):
    if dim is None:
        return [_hand('expand', 'default', g, list(self.shape))]
    if not keepdim:
        for d in sorted(d % max(self.dim(), 1) for d in dim):
            g = _hand('unsqueeze', 'default', g, d)
    return [_hand('expand', 'default', g, list(self.shape))]


def _mse_loss(node, g, need, extra, self, target, reduction=1):
    if need[1]:
        return NotImplemented
    return [_hand('mse_loss_backward', 'default', g, self, target, reduction), None]


def _nll_loss(node, g, need, extra, self, target, weight, reduction, ignore_index):
    # one gradient per edge: the node has none for the target or the class weights (as PyTorch's)
    grad = _hand('nll_loss_backward', 'default', g, self, target, weight, reduction, ignore_index, extra[0])
    return [grad] + [None] * (len(need) - 1)


def _gelu(node, g, need, extra, self, approximate='none'):
    kwargs = {'approximate': approximate} if approximate != 'none' else {}
    return [_hand('gelu_backward', 'default', g, self, **kwargs)]


def _view(node, g, need, extra, self, size):
    if not g.is_contiguous():        # (PyTorch's reshape copies then)
        return NotImplemented
    return [_hand('view', 'default', g, list(self.shape))]


def _sum(node, g, need, extra, self, *dims, **kwargs):
    if dims or kwargs.get('dim') is not None:       # sum.dim_IntList
        return _sum_dims(node, g, need, extra, self, *dims, **kwargs)
    return [_hand('expand', 'default', g, list(self.shape))]


def _mean(node, g, need, extra, self, dtype=None):
    return [_hand('div', 'Scalar', _hand('expand', 'default', g, list(self.shape)), self.numel())]


def _max_pool2d(node, g, need, extra, self, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return [_hand('max_pool2d_with_indices_backward', 'default', g, self, kernel_size, stride, padding, dilation,
                  ceil_mode, extra[0])]


def _convolution(node, g, need, extra, input, weight, bias, stride, padding, dilation, transposed, output_padding,
                 groups):
    sizes = [weight.shape[1] * groups if transposed else weight.shape[0]] if bias is not None else None
    out = _hand('convolution_backward', 'default', g, input, weight, sizes, stride, padding, dilation, transposed,
                output_padding, groups, [bool(n) for n in need[:3]])
    return list(out)[:len(need)]


def _native_layer_norm(node, g, need, extra, input, normalized_shape, weight, bias, eps):
    mean, rstd = extra
    out = _hand('native_layer_norm_backward', 'default', g, input, normalized_shape, mean, rstd, weight, bias,
                [bool(n) for n in need[:3]])
    return list(out)[:len(need)]


def _native_batch_norm(node, g, need, extra, input, weight, bias, running_mean, running_var, training, momentum,
                       eps):
    save_mean, save_invstd = extra
    out = _hand('native_batch_norm_backward', 'default', g, input, weight, running_mean, running_var, save_mean,
                save_invstd, training, eps, [bool(n) for n in need[:3]])
    return [*out, None, None][:len(need)]


def _embedding(node, g, need, extra, weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    if sparse:
        return NotImplemented
    return [_hand('embedding_dense_backward', 'default', g, indices, weight.shape[0], padding_idx,
                  scale_grad_by_freq), None]


def _permute(node, g, need, extra, self, dims):
    inverse = [0] * len(dims)
    for i, d in enumerate(dims):
        inverse[d % len(dims)] = i
    return [_hand('permute', 'default', g, inverse)]


def _transpose(node, g, need, extra, self, dim0, dim1):
    return [_hand('transpose', 'int', g, dim0, dim1)]


def _unsqueeze(node, g, need, extra, self, dim):
    return [_hand('squeeze', 'dim', g, dim)]


def _expand(node, g, need, extra, self, size, implicit=False):
    return [_sum_to(g, self.shape)]


def _bmm(node, g, need, extra, self, mat2):
    g1 = _hand('bmm', 'default', g, _hand('transpose', 'int', mat2, 1, 2)) if need[0] else None
    g2 = _hand('bmm', 'default', _hand('transpose', 'int', self, 1, 2), g) if need[1] else None
    return [g1, g2]


def _add(node, g, need, extra, self, other, alpha=1):
    if not (_tensor(self) and _tensor(other)) or alpha != 1:
        return NotImplemented
    return [_sum_to(g, self.shape) if need[0] else None, _sum_to(g, other.shape) if need[1] else None]


def _mul(node, g, need, extra, self, other):
    if _tensor(self) and not _tensor(other):
        return [_hand('mul', 'Scalar', g, other)]
    if not (_tensor(self) and _tensor(other)):
        return NotImplemented
    g1 = _hand('mul', 'Tensor', g, other) if need[0] else None
    g2 = _hand('mul', 'Tensor', g, self) if need[1] else None
    return [None if g1 is None else _sum_to(g1, self.shape), None if g2 is None else _sum_to(g2, other.shape)]


# ATen op -> its backward as PyTorch's formula writes it: (node, grad, which inputs need a gradient, the op's
# other outputs, *the op's arguments) -> the inputs' gradients in the node's order, or NotImplemented
_FORMULAS = {'addmm': _addmm, 'mm': _mm, 't': _t, 'relu': _relu, '_log_softmax': _log_softmax, '_softmax': _softmax,
             'mse_loss': _mse_loss, 'nll_loss_forward': _nll_loss, 'gelu': _gelu, 'view': _view,
             '_unsafe_view': _view, 'sum': _sum, 'mean': _mean, 'max_pool2d_with_indices': _max_pool2d,
             'convolution': _convolution, 'native_layer_norm': _native_layer_norm,
             'native_batch_norm': _native_batch_norm, 'embedding': _embedding, 'permute': _permute,
             'transpose': _transpose, 'unsqueeze': _unsqueeze, 'expand': _expand, 'bmm': _bmm, 'add': _add,
             'mul': _mul, '_scaled_dot_product_flash_attention_for_cpu': _sdpa_flash, 'neg': _neg, 'div': _div,
             'masked_fill_': _masked_fill_, 'pow': _pow}


class _Backward(_observe.OpObserver):
    """Runs a node's backward as PyTorch's ATen calls while a mode is entered."""

    @staticmethod
    def node(proceed, node, args, kwargs):
        call = node.__dict__.get('_aten_call')
        if call is not None:
            grads = _formula_grads(node, call, args[0])
            if grads is not NotImplemented:
                return grads
        return proceed(node, *args, **kwargs)


def _formula_grads(node, call, grads):
    from ember.autograd import grad_mode
    from ember.utils._python_dispatch import _modes
    name, args, kwargs, extra, _ = call
    formula = _FORMULAS.get(name)
    if formula is None or not _modes.any() or grad_mode.is_grad_enabled() or not grads or grads[0] is None \
            or any(g is not None for g in grads[1:]):
        return NotImplemented
    need = [edge is not None and edge[0] is not None for edge in node.next_functions]
    out = formula(node, grads[0], need, extra, *args, **kwargs)
    if out is NotImplemented:
        return NotImplemented
    if len(out) < len(need) and not any(need[len(out):]):      # (slots of Python-number operands)
        out = [*out, *[None] * (len(need) - len(out))]
    if len(out) != len(need):
        return NotImplemented
    return [g if n else None for g, n in zip(out, need)]


_OBSERVER = _Backward()


def follow(active):
    """Start (``active``) or stop running backward passes as PyTorch's ATen calls."""
    from ember.autograd import engine
    if active:
        _observe.add(_OBSERVER)
        engine.dispatch_steps = _EngineSteps
    else:
        _observe.remove(_OBSERVER)
        engine.dispatch_steps = None
