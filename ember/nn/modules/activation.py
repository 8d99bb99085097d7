"""Activation layers: thin Modules over ember.nn.functional, with PyTorch's reprs."""
import warnings

from ember import _autocast
from ember._tensor import Tensor
from ember.autograd import function as _function, grad_mode as _grad_mode
from ember.backends import mha as _mha
from ember.nn import functional as F
from ember.nn import init
from ember.nn.modules.linear import NonDynamicallyQuantizableLinear
from ember.nn.modules.module import Module
from ember.nn.parameter import Parameter
from ember.ops import attention as _A
from ember.ops.attention import _float_mask
from ember.ops.creation import empty

__all__ = ['Threshold', 'ReLU', 'RReLU', 'Hardtanh', 'ReLU6', 'Sigmoid', 'Hardsigmoid', 'Tanh', 'SiLU', 'Mish',
           'Hardswish', 'ELU', 'CELU', 'SELU', 'GLU', 'GELU', 'Hardshrink', 'LeakyReLU', 'LogSigmoid', 'Softplus',
           'Softshrink', 'PReLU', 'Softsign', 'Tanhshrink', 'Softmin', 'Softmax', 'Softmax2d', 'LogSoftmax',
           'MultiheadAttention']


def _inplace_suffix(inplace):
    return ', inplace=True' if inplace else ''


class _InplaceActivation(Module):
    """An activation whose only option is ``inplace`` (shown in the repr when set)."""
    __constants__ = ['inplace']

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def extra_repr(self):
        return 'inplace=True' if self.inplace else ''


class Threshold(Module):
    """``x if x > threshold else value``.

    Example::

        >>> nn.Threshold(0.5, -1.0)(ember.tensor([0.1, 0.5, 0.9]))
        tensor([-1.0000, -1.0000,  0.9000])
    """
    __constants__ = ['threshold', 'value', 'inplace']

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        return f'threshold={self.threshold}, value={self.value}{_inplace_suffix(self.inplace)}'


class ReLU(_InplaceActivation):
    """``max(x, 0)``.

    >>> ReLU()(ember.tensor([-1., 2.]))
    tensor([0., 2.])
    """

    def forward(self, input):
        return F.relu(input, inplace=self.inplace)


class RReLU(Module):
    """Randomised leaky ReLU: a random negative slope in [lower, upper] while training.

    Example::

        >>> m = nn.RReLU(0.1, 0.3)
        >>> m(ember.tensor([-1.0, -1.0, 2.0]))
        tensor([-0.2940, -0.2416,  2.0000])
        >>> m.eval()(ember.tensor([-1.0, 2.0]))
        tensor([-0.2000,  2.0000])
    """
    __constants__ = ['lower', 'upper', 'inplace']

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower = lower
        self.upper = upper
        self.inplace = inplace

    def forward(self, input):
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return f'lower={self.lower}, upper={self.upper}{_inplace_suffix(self.inplace)}'


class Hardtanh(Module):
    """``clamp(x, min_val, max_val)``.

    Example::

        >>> nn.Hardtanh(-2.0, 2.0)(ember.tensor([-3.0, -1.0, 1.0, 3.0]))
        tensor([-2., -1.,  1.,  2.])
    """
    __constants__ = ['min_val', 'max_val', 'inplace']

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None):
        super().__init__()
        # min_value/max_value are PyTorch's old spellings: still honoured, with its FutureWarning.
        if min_value is not None:
            warnings.warn("keyword argument `min_value` is deprecated and renamed to `min_val`", FutureWarning,
                          stacklevel=2)
            min_val = min_value
        if max_value is not None:
            warnings.warn("keyword argument `max_value` is deprecated and renamed to `max_val`", FutureWarning,
                          stacklevel=2)
            max_val = max_value
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace
        if self.max_val <= self.min_val:
            raise AssertionError(f"max_val ({self.max_val}) must be greater than min_val ({self.min_val})")

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return f'min_val={self.min_val}, max_val={self.max_val}{_inplace_suffix(self.inplace)}'


class ReLU6(Hardtanh):
    """``min(max(x, 0), 6)``.

    Example::

        >>> nn.ReLU6()(ember.tensor([-1.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return 'inplace=True' if self.inplace else ''


class Sigmoid(Module):
    """Applies the logistic sigmoid ``1 / (1 + exp(-x))`` element-wise.

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, same shape as the input.

    Example::

        >>> m = nn.Sigmoid()
        >>> m(ember.tensor([-2.0, 0.0, 2.0]))
        tensor([0.1192, 0.5000, 0.8808])
    """
    def forward(self, input):
        return input.sigmoid()


class Hardsigmoid(_InplaceActivation):
    """``relu6(x + 3) / 6``.

    Example::

        >>> nn.Hardsigmoid()(ember.tensor([-4.0, 0.0, 1.5, 4.0]))
        tensor([0.0000, 0.5000, 0.7500, 1.0000])
    """

    def forward(self, input):
        return F.hardsigmoid(input, self.inplace)

    extra_repr = Module.extra_repr  # PyTorch's repr does not show inplace here


class Tanh(Module):
    """Applies the hyperbolic tangent element-wise.

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, same shape as the input.

    Example::

        >>> nn.Tanh()(ember.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.9640,  0.0000,  0.9640])
    """
    def forward(self, input):
        return input.tanh()


class SiLU(_InplaceActivation):
    """``x * sigmoid(x)`` (swish).

    Example::

        >>> nn.SiLU()(ember.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.2689,  0.0000,  0.7311])
    """

    def forward(self, input):
        return F.silu(input, inplace=self.inplace)


class Mish(_InplaceActivation):
    """``x * tanh(softplus(x))``.

    Example::

        >>> nn.Mish()(ember.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.3034,  0.0000,  0.8651])
    """

    def forward(self, input):
        return F.mish(input, inplace=self.inplace)


class Hardswish(_InplaceActivation):
    """``x * relu6(x + 3) / 6``.

    Example::

        >>> nn.Hardswish()(ember.tensor([-4.0, -1.0, 1.0, 4.0]))
        tensor([-0.0000, -0.3333,  0.6667,  4.0000])
    """

    def forward(self, input):
        return F.hardswish(input, self.inplace)

    extra_repr = Module.extra_repr  # PyTorch's repr does not show inplace here


class ELU(Module):
    """``x if x > 0 else alpha * (exp(x) - 1)``.

    Example::

        >>> nn.ELU()(ember.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.6321,  0.0000,  1.0000])
    """
    __constants__ = ['alpha', 'inplace']

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f'alpha={self.alpha}{_inplace_suffix(self.inplace)}'


class CELU(Module):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Example::

        >>> nn.CELU(alpha=2.0)(ember.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.7869,  0.0000,  1.0000])
    """
    __constants__ = ['alpha', 'inplace']

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return F.celu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f'alpha={self.alpha}{_inplace_suffix(self.inplace)}'


class SELU(_InplaceActivation):
    """``scale * elu(x, alpha)`` with the self-normalising constants.

    Example::

        >>> nn.SELU()(ember.tensor([-1.0, 0.0, 1.0]))
        tensor([-1.1113,  0.0000,  1.0507])
    """

    def forward(self, input):
        return F.selu(input, self.inplace)


class GLU(Module):
    """``a * sigmoid(b)`` where ``a, b`` are the halves of the input along ``dim``.

    Example::

        >>> nn.GLU()(ember.tensor([[1.0, 2.0, 0.0, -1.0]]))
        tensor([[0.5000, 0.5379]])
    """
    __constants__ = ['dim']

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.glu(input, self.dim)

    def extra_repr(self):
        return f'dim={self.dim}'


class GELU(Module):
    """``x * Phi(x)``; ``approximate='tanh'`` uses the tanh approximation.

    Example::

        >>> nn.GELU()(ember.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.1587,  0.0000,  0.8413])
        >>> nn.GELU(approximate='tanh')(ember.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.1588,  0.0000,  0.8412])
    """
    __constants__ = ['approximate']

    def __init__(self, approximate='none'):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f'approximate={repr(self.approximate)}'


class Hardshrink(Module):
    """Applies the hard shrinkage function element-wise: ``x`` where ``|x| > lambd``, ``0`` elsewhere.

    Args:
        lambd (float): the ``lambda`` value of the formula. Default: ``0.5``.

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, same shape as the input.

    Example::

        >>> nn.Hardshrink()(ember.tensor([-2.0, -0.25, 0.0, 1.5]))
        tensor([-2.0000,  0.0000,  0.0000,  1.5000])
    """
    __constants__ = ['lambd']

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return F.hardshrink(input, self.lambd)

    def extra_repr(self):
        return f'{self.lambd}'


class LeakyReLU(Module):
    """``x if x > 0 else negative_slope * x``.

    Example::

        >>> nn.LeakyReLU(0.1)(ember.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.2000,  0.0000,  2.0000])
    """
    __constants__ = ['inplace', 'negative_slope']

    def __init__(self, negative_slope=1e-2, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f'negative_slope={self.negative_slope}{_inplace_suffix(self.inplace)}'


class LogSigmoid(Module):
    """Applies ``log(sigmoid(x))`` element-wise, computed stably.

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, same shape as the input.

    Example::

        >>> nn.LogSigmoid()(ember.tensor([-2.0, 0.0, 2.0]))
        tensor([-2.1269, -0.6931, -0.1269])
    """
    def forward(self, input):
        return F.logsigmoid(input)


class Softplus(Module):
    """``log(1 + exp(beta * x)) / beta``, linear above ``threshold``.

    Example::

        >>> nn.Softplus(beta=2.0)(ember.tensor([-1.0, 0.0, 1.0]))
        tensor([0.0635, 0.3466, 1.0635])
    """
    __constants__ = ['beta', 'threshold']

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f'beta={self.beta}, threshold={self.threshold}'


class Softshrink(Module):
    """Applies the soft shrinkage function element-wise: ``x - lambd`` above ``lambd``, ``x + lambd`` below
    ``-lambd``, ``0`` between.

    Args:
        lambd (float): the ``lambda`` of the formula (must be non-negative). Default: ``0.5``.

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, same shape as the input.

    Example::

        >>> nn.Softshrink(1.0)(ember.tensor([-2.0, -0.5, 0.0, 1.5]))
        tensor([-1.0000, -0.0000,  0.0000,  0.5000])
    """
    __constants__ = ['lambd']

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return F.softshrink(input, self.lambd)

    def extra_repr(self):
        return str(self.lambd)


class PReLU(Module):
    """Leaky ReLU with a learnt negative slope (one, or one per channel), initialised to ``init``.

    Example::

        >>> m = nn.PReLU()
        >>> m.weight
        Parameter containing:
        tensor([0.2500], requires_grad=True)
        >>> m(ember.tensor([-2.0, 1.0]))
        tensor([-0.5000,  1.0000], grad_fn=<PreluKernelBackward0>)
    """
    __constants__ = ['num_parameters']

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        from ember.ops.creation import empty
        self.num_parameters = num_parameters
        super().__init__()
        self.init = init
        self.weight = Parameter(empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        from ember.nn import init
        init.constant_(self.weight, self.init)

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f'num_parameters={self.num_parameters}'


class Softsign(Module):
    """Applies ``x / (1 + |x|)`` element-wise.

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, same shape as the input.

    Example::

        >>> nn.Softsign()(ember.tensor([-2.0, 0.0, 2.0]))
        tensor([-0.6667,  0.0000,  0.6667])
    """
    def forward(self, input):
        return F.softsign(input)


class Tanhshrink(Module):
    """Applies ``x - tanh(x)`` element-wise.

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, same shape as the input.

    Example::

        >>> nn.Tanhshrink()(ember.tensor([-2.0, 0.0, 2.0]))
        tensor([-1.0360,  0.0000,  1.0360])
    """
    def forward(self, input):
        return F.tanhshrink(input)


class _AlongDim(Module):
    """A softmax-family layer over one ``dim`` (``None``: PyTorch's legacy implicit choice)."""
    __constants__ = ['dim']

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, 'dim'):
            self.dim = None

    def extra_repr(self):
        return f'dim={self.dim}'


class Softmin(_AlongDim):
    """Applies the Softmin function to an n-dimensional input: ``softmax(-x)`` along ``dim``, so the elements along
    ``dim`` lie in ``[0, 1]`` and sum to 1.

    Args:
        dim (int): a dimension along which Softmin will be computed.

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, same shape as the input.

    Example::

        >>> m = nn.Softmin(dim=1)
        >>> m(ember.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
        tensor([[0.6652, 0.2447, 0.0900],
                [0.3333, 0.3333, 0.3333]])
    """
    def forward(self, input):
        return F.softmin(input, self.dim, _stacklevel=5)


class Softmax(_AlongDim):
    """Softmax along ``dim``; ``dim=None`` picks PyTorch's legacy implicit dimension (with its warning).

    Example::

        >>> nn.Softmax(dim=1)(ember.tensor([[1.0, 2.0, 3.0]]))
        tensor([[0.0900, 0.2447, 0.6652]])
    """

    def forward(self, input):
        return F.softmax(input, self.dim, _stacklevel=5)


class Softmax2d(Module):
    """Softmax over the channel dimension of (N, C, H, W) or (C, H, W) inputs.

    Example::

        >>> nn.Softmax2d()(ember.zeros(1, 2, 1, 2))
        tensor([[[[0.5000, 0.5000]],
        <BLANKLINE>
                 [[0.5000, 0.5000]]]])
    """

    def forward(self, input):
        if input.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.ndim}D instead")
        return F.softmax(input, -3, _stacklevel=5)


class LogSoftmax(_AlongDim):
    """Applies ``log(softmax(x))`` along ``dim``, computed stably (``x - logsumexp(x)``). Pair it with
    :class:`nn.NLLLoss`, or use :class:`nn.CrossEntropyLoss` on the raw scores.

    Args:
        dim (int): a dimension along which LogSoftmax will be computed.

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, same shape as the input, with values in ``[-inf, 0)``.

    Example::

        >>> m = nn.LogSoftmax(dim=1)
        >>> m(ember.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
        tensor([[-2.4076, -1.4076, -0.4076],
                [-1.0986, -1.0986, -1.0986]])
    """
    def forward(self, input):
        return F.log_softmax(input, self.dim, _stacklevel=5)


_FUSED_DEVICES = ('cpu', 'cuda')    # where PyTorch's fused attention runs (on 'meta' it takes the general path)


class MultiheadAttention(Module):
    """Multi-head attention (Vaswani et al.): ``forward(query, key, value)`` returns the attended
    output and (unless ``need_weights=False``) the attention weights, averaged over heads by default.

    Inputs are (L, N, E) sequence-first, (N, L, E) with ``batch_first=True``, or unbatched (L, E).

    Example::

        >>> attn = nn.MultiheadAttention(embed_dim=8, num_heads=2, batch_first=True)
        >>> x = ember.ones(3, 5, 8)
        >>> out, weights = attn(x, x, x)
        >>> out.shape, weights.shape
        (ember.Size([3, 5, 8]), ember.Size([3, 5, 5]))
    """
    __constants__ = ['batch_first']

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, device=None, dtype=None):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f'embed_dim and num_heads must be greater than 0, got embed_dim={embed_dim} and '
                             f'num_heads={num_heads} instead')
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != embed_dim:
            raise AssertionError('embed_dim must be divisible by num_heads')
        kw = dict(dtype=dtype, device=device)
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(empty(embed_dim, embed_dim, **kw))
            self.k_proj_weight = Parameter(empty(embed_dim, self.kdim, **kw))
            self.v_proj_weight = Parameter(empty(embed_dim, self.vdim, **kw))
            self.register_parameter('in_proj_weight', None)
        else:
            self.in_proj_weight = Parameter(empty(3 * embed_dim, embed_dim, **kw))
            self.register_parameter('q_proj_weight', None)
            self.register_parameter('k_proj_weight', None)
            self.register_parameter('v_proj_weight', None)
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, **kw))
        else:
            self.register_parameter('in_proj_bias', None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **kw)
        if add_bias_kv:
            self.bias_k = Parameter(empty(1, 1, embed_dim, **kw))
            self.bias_v = Parameter(empty(1, 1, embed_dim, **kw))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def _batch_first_fast_path(self, query, key, value):
        """Whether this self-attention call takes PyTorch's fused eval path (its conditions, for an unmasked
        call that asks for no weights): computed batch-first, with the same values, by
        ``_batch_first_self_attention``. Not while tools watch the ops (capture, export, FLOP counting)
        or a subclass dispatches."""
        if not (query is key and key is value and self.batch_first and not self.training and query.dim() == 3
                and self._qkv_same_embed_dim and self.in_proj_bias is not None and self.num_heads % 2 == 0
                and self.bias_k is None and self.bias_v is None and not self.add_zero_attn
                and not _function._op_hooks and _autocast._enabled_count == 0 and _mha.get_fastpath_enabled()):
            return False
        args = (query, self.in_proj_weight, self.in_proj_bias, self.out_proj.weight, self.out_proj.bias)
        if any(type(t) not in (Tensor, Parameter) or t.dtype is not query.dtype or t.device.type not in _FUSED_DEVICES
               for t in args):
            return False
        return not (_grad_mode._state.enabled and any(t.requires_grad for t in args))

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        batched = query.dim() == 3
        if (key_padding_mask is None and attn_mask is None and not need_weights and not is_causal
                and self._batch_first_fast_path(query, key, value)):
            return _A._batch_first_self_attention(query, self.embed_dim, self.num_heads, self.in_proj_weight,
                                                  self.in_proj_bias,
                                                 self.out_proj.weight, self.out_proj.bias), None
        key_padding_mask = _float_mask(key_padding_mask, 'key_padding_mask', query.dtype, attn_mask, 'attn_mask')
        attn_mask = _float_mask(attn_mask, 'attn_mask', query.dtype)
        if self.batch_first and batched:
            # keep "key is value" / "query is key" identities: they select the packed projections
            if key is value:
                if query is key:
                    query = key = value = query.transpose(1, 0)
                else:
                    query, key = query.transpose(1, 0), key.transpose(1, 0)
                    value = key
            else:
                query, key, value = (x.transpose(1, 0) for x in (query, key, value))
        separate = not self._qkv_same_embed_dim
        out, weights = _A.multi_head_attention_forward(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight, self.in_proj_bias,
            self.bias_k, self.bias_v, self.add_zero_attn, self.dropout, self.out_proj.weight, self.out_proj.bias,
            training=self.training, key_padding_mask=key_padding_mask, need_weights=need_weights,
            attn_mask=attn_mask, use_separate_proj_weight=separate, q_proj_weight=self.q_proj_weight,
            k_proj_weight=self.k_proj_weight, v_proj_weight=self.v_proj_weight,
            average_attn_weights=average_attn_weights, is_causal=is_causal)
        if self.batch_first and batched:
            return out.transpose(1, 0), weights
        return out, weights
