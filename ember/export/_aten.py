"""ATen operator overloads (``ember.ops.aten.linear.default``) and how a call of ember's Python API
becomes a call of one of them, with its arguments normalised as PyTorch records them in graphs.

The schemas are PyTorch's own (``_aten_schemas.json``, recorded by ``scripts/record_aten_schemas.py``).
An overload runs through ember's function of the same name unless its ATen argument order differs
from the Python API's (``_KERNELS``).
"""
import json
import re
from pathlib import Path

from ember.library._schema import _split_top

_SCHEMAS = None
_PACKETS = {}


def _schemas():
    global _SCHEMAS
    if _SCHEMAS is None:
        _SCHEMAS = json.loads((Path(__file__).parent / '_aten_schemas.json').read_text())
    return _SCHEMAS


_ARG = re.compile(r'^(?P<type>\S+)\s+(?P<name>\w+)(?:=(?P<default>.+))?$')
_NO_DEFAULT = object()


class _Arg:
    __slots__ = ('name', 'type', 'default', 'kw_only', 'size')

    def __init__(self, name, type_, default, kw_only):
        self.name, self.type, self.kw_only = name, type_, kw_only
        m = re.search(r'\[(\d*)\]', type_)
        self.size = int(m.group(1)) if m and m.group(1) else None
        self.default = _NO_DEFAULT if default is None else self._parse_default(default)

    def _parse_default(self, text):
        import ember
        if text == 'None':
            return None
        if text in ('True', 'False'):
            return text == 'True'
        if text == '[]':
            return []
        if text.startswith('['):
            return [int(v) for v in text[1:-1].split(',')]
        if text in ('Mean', 'contiguous_format', 'long'):
            return {'Mean': 1, 'contiguous_format': ember.contiguous_format, 'long': ember.int64}[text]
        if text.startswith('"'):
            return text[1:-1]
        try:
            value = int(text)
        except ValueError:
            value = float(text)
        if self.is_list() and not isinstance(value, list):
            return [value] * (self.size or 1)
        return value

    def is_list(self):
        return '[' in self.type

    def base(self):
        return re.sub(r'\(.*?\)|\[\d*\]|\?', '', self.type)


class Schema:
    """One overload's parsed schema: its arguments and the number of values it returns."""

    def __init__(self, name, overload, arg_text, ret_text):
        self.name, self.overload = name, overload
        self.args, kw_only = [], False
        for part in _split_top(arg_text):
            if part == '*':
                kw_only = True
                continue
            m = _ARG.match(re.sub(r'\(([^)]*)\)', lambda g: '(' + g.group(1).replace(' ', '') + ')', part))
            self.args.append(_Arg(m['name'], m['type'], m['default'], kw_only))
        self.returns = len(_split_top(ret_text[1:-1])) if ret_text.startswith('(') else 1
        self.text = f'aten::{name}{"" if overload == "default" else "." + overload}({arg_text}) -> {ret_text}'

    def __str__(self):
        return self.text


class OpOverload:
    """One ATen overload, such as ``ember.ops.aten.add.Tensor``: callable, with its ``_schema``."""

    def __init__(self, packet, overload, schema):
        self._packet, self._overloadname, self._schema = packet, overload, schema
        self.__name__ = f'{packet._name}.{overload}'
        self.__qualname__ = self.__name__
        self.__module__ = 'ember.ops.aten'

    @property
    def overloadpacket(self):
        return self._packet

    _overloadpacket = overloadpacket    # (PyTorch's private spelling, which flop counters read)

    @property
    def tags(self):
        """The overload's tags (``ember.Tag`` values: ``core``, ``pointwise``, ``inplace``, ...), as PyTorch
        lists them."""
        return overload_tags(f'{self._packet._name}.{self._overloadname}')

    def name(self):
        return f'aten::{self._packet._name}' + ('' if self._overloadname == 'default' else f'.{self._overloadname}')

    def __call__(self, *args, **kwargs):
        from ember.export._tracer import record_overload
        recorded = record_overload(self, args, kwargs)      # traced by make_fx or a decomposition
        if recorded is not NotImplemented:
            return recorded
        return self._run(args, kwargs)

    def _run(self, args, kwargs):
        kernel = _KERNELS.get((self._packet._name, self._overloadname)) or _KERNELS.get(self._packet._name)
        if kernel is not None:
            return kernel(*args, **kwargs)
        return self._packet._fn()(*args, **kwargs)

    def __repr__(self):
        return f"<OpOverload(op='aten.{self._packet._name}', overload='{self._overloadname}')>"

    def __str__(self):
        return f'aten.{self.__name__}'

    def __reduce__(self):
        return (overload, (self._packet._name, self._overloadname))


class OpOverloadPacket:
    """``ember.ops.aten.<name>``: calls ember's op; its attributes are the overloads."""

    def __init__(self, name, rows):
        self._name = name
        self._overloads = {}
        for ov, arg_text, ret_text in rows:
            if '...' in arg_text:        # vararg schemas (einsum.sublist) are not callable from Python
                continue
            self._overloads[ov] = OpOverload(self, ov, Schema(name, ov, arg_text, ret_text))
        self.__name__ = name

    def _fn(self):
        from ember.library._aten_only import ATEN_ONLY
        from ember.library._namespaces import aten_function
        return ATEN_ONLY.get(self._name) or aten_function(self._name)

    def overloads(self):
        return list(self._overloads)

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        try:
            return self._overloads[name]
        except KeyError:
            raise AttributeError(f"The underlying op of 'aten.{self._name}' has no overload name '{name}'") from None

    def __call__(self, *args, **kwargs):
        return self._fn()(*args, **kwargs)

    def __deepcopy__(self, memo=None):
        # one packet per operator: tables keyed by packets (flop counters deep-copy theirs) must keep
        # matching the packets modes are handed
        return self

    def __repr__(self):
        return f'aten.{self._name}'


def packet(name):
    """The packet ``aten.<name>``, or None for an operator ember.export does not know."""
    p = _PACKETS.get(name)
    if p is None and name in _schemas():
        p = _PACKETS[name] = OpOverloadPacket(name, _schemas()[name])
    return p


def overload(name, ov):
    return getattr(packet(name), ov)


# ---------------------------------------------------------------------------------------- kernels
# ATen overloads whose argument order or results differ from ember's Python function of that name

def _batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled):
    import ember.nn.functional as F
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def _bn_no_training(input, weight, bias, running_mean, running_var, momentum, eps):
    import ember
    import ember.nn.functional as F
    out = F.batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    return out, ember.empty(0, dtype=input.dtype), ember.empty(0, dtype=input.dtype)


def _bn_functional(input, weight, bias, running_mean, running_var, training, momentum, eps):
    # batch norm that returns the updated running statistics instead of writing them
    import ember
    import ember.nn.functional as F
    new_mean, new_var = running_mean.clone(), running_var.clone()
    out = F.batch_norm(input, new_mean, new_var, weight, bias, training, momentum, eps)
    dims = [d for d in range(input.dim()) if d != 1]
    mean = input.mean(dims)
    rstd = ember.rsqrt(input.var(dims, unbiased=False) + eps)
    return out, mean, rstd, new_mean, new_var


def _max_pool(dims, with_indices):
    # aten.max_pool{1,2,3}d[_with_indices]: an empty stride is the kernel's
    def kernel(self, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
        import ember.nn.functional as F
        out = getattr(F, f'max_pool{dims}d')(self, kernel_size, stride or None, padding, dilation, ceil_mode,
                                              return_indices=with_indices)
        return tuple(out) if with_indices else out
    return kernel


def _adaptive_max_pool(dims):
    def kernel(self, output_size):
        import ember.nn.functional as F
        return tuple(getattr(F, f'adaptive_max_pool{dims}d')(self, output_size, return_indices=True))
    return kernel


def _max_unpool(self, indices, output_size, stride=None, padding=None):
    # each value written at its flat index within its plane of the output
    import ember
    planes = self.shape[:self.dim() - len(output_size)]
    flat_in = self.reshape(*planes, -1)
    size = 1
    for s in output_size:
        size *= s
    out = ember.zeros(*planes, size, dtype=self.dtype, device=self.device)
    return out.scatter(-1, indices.reshape(*planes, -1), flat_in).reshape(*planes, *output_size)


def _instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled):
    import ember.nn.functional as F
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def _im2col(self, kernel_size, dilation, padding, stride):
    import ember.nn.functional as F
    return F.unfold(self, kernel_size, dilation, padding, stride)


def _col2im(self, output_size, kernel_size, dilation, padding, stride):
    import ember.nn.functional as F
    return F.fold(self, output_size, kernel_size, dilation, padding, stride)


def _convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    import ember.nn.functional as F
    n = weight.dim() - 2
    if transposed:
        fn = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[n - 1]
        return fn(input, weight, bias, stride, padding, output_padding, groups, dilation)
    return (F.conv1d, F.conv2d, F.conv3d)[n - 1](input, weight, bias, stride, padding, dilation, groups)


def _slice(self, dim=0, start=None, end=None, step=1):
    key = (slice(None),) * (dim % self.dim()) + (slice(start, end, step),)
    return self[key]


def _select(self, dim, index):
    return self[(slice(None),) * (dim % self.dim()) + (index,)]


def _index(self, indices):
    # ATen's None keeps a dimension whole (Python's None would insert one)
    return self[tuple(slice(None) if i is None else i for i in indices)]


def _softmax(self, dim, half_to_float):
    import ember
    return ember.softmax(self, dim)


def _log_softmax(self, dim, half_to_float):
    import ember
    return ember.log_softmax(self, dim)


def _rsub(self, other, alpha=1):
    return other - self * alpha if alpha != 1 else other - self


def _to(self, *args, **kwargs):
    return self.to(*args, **kwargs)


def _dropout(input, p, train):
    import ember.nn.functional as F
    return F.dropout(input, p, train)


def _inplace_activation(fn_name):
    # aten.hardswish_ and the like: F's function with inplace=True (ember has no function of the ATen name)
    def kernel(self):
        import ember.nn.functional as F
        return getattr(F, fn_name)(self, inplace=True)
    return kernel


def _native_multi_head_attention(query, key, value, embed_dim, num_head, qkv_weight, qkv_bias, proj_weight, proj_bias,
                                 mask=None, need_weights=True, average_attn_weights=True, mask_type=None):
    # PyTorch's fused self-attention kernel: batch-first inputs, in-projection packed in one weight
    from ember.ops.attention import multi_head_attention_forward
    if mask is not None and mask_type not in (0, 1):
        raise NotImplementedError(f"aten._native_multi_head_attention with mask_type={mask_type} is not supported "
                                  "by ember")
    q = query.transpose(0, 1)
    k = q if key is query else key.transpose(0, 1)
    v = k if value is key else value.transpose(0, 1)
    out, weights = multi_head_attention_forward(q, k, v, embed_dim, num_head, qkv_weight, qkv_bias, None, None, False,
                                                0.0, proj_weight, proj_bias, training=False, need_weights=need_weights,
                                                average_attn_weights=average_attn_weights,
                                                key_padding_mask=mask if mask_type == 1 else None,
                                                attn_mask=mask if mask_type == 0 else None)
    return out.transpose(0, 1), weights if weights is not None else query.new_empty(0)


def _upsample(mode):
    # aten.upsample_*.vec: (input, output_size, [align_corners,] scale_factors), F.interpolate's arguments
    def kernel(input, output_size, *rest):
        import ember.nn.functional as F
        align_corners = rest[0] if len(rest) == 2 else None
        return F.interpolate(input, size=output_size, scale_factor=rest[-1], mode=mode, align_corners=align_corners)
    return kernel


def _upsample_to_size(mode):
    # aten.upsample_*.default: (self, output_size, [align_corners,] scales per dimension, None by default);
    # scales given (what interpolate(scale_factor=...) passes at PyTorch's dispatch level) map coordinates
    def kernel(self, output_size, *rest):
        import math
        import ember.nn.functional as F
        with_corners = not mode.startswith('nearest')
        scales = [s for s in (rest[1:] if with_corners else rest) if s is not None]
        corners = rest[0] if with_corners else None
        if scales:
            if len(scales) != len(output_size) or any(
                    math.floor(self.shape[i + 2] * s) != n for i, (s, n) in enumerate(zip(scales, output_size))):
                raise NotImplementedError(f"aten.upsample ({mode}) with an output size its scales do not give is not "
                                          "supported by ember")
            return F.interpolate(self, scale_factor=scales, mode=mode, align_corners=corners)
        return F.interpolate(self, size=output_size, mode=mode, align_corners=corners)
    return kernel


def _lift_fresh(self):
    return self


def _nll_loss_forward(self, target, weight, reduction, ignore_index):
    # (output, total_weight): the loss, and the summed weight of the targets not ignored
    import ember
    import ember.nn.functional as F
    out = F.nll_loss(self, target, weight, ignore_index=ignore_index, reduction=('none', 'mean', 'sum')[reduction])
    with ember.no_grad():
        kept = target != ignore_index
        per_target = weight[target.clamp(min=0)] if weight is not None else ember.ones_like(target, dtype=self.dtype)
        total = (per_target * kept).sum().to(self.dtype)
    return out, total


def _sdpa_flash_cpu(query, key, value, dropout_p=0.0, is_causal=False, *, attn_mask=None, scale=None):
    # (output, logsumexp): attention, and the log-sum-exp of each query's scaled scores
    import math
    import ember
    import ember.nn.functional as F
    out = F.scaled_dot_product_attention(query, key, value, attn_mask, dropout_p, is_causal, scale)
    with ember.no_grad():
        scores = (query @ key.transpose(-2, -1)) * (scale if scale is not None else 1 / math.sqrt(query.shape[-1]))
        if is_causal:
            keep = ember.ones(query.shape[-2], key.shape[-2], dtype=ember.bool, device=query.device).tril()
            scores = scores.masked_fill(~keep, float('-inf'))
        if attn_mask is not None:
            scores = scores + attn_mask
        lse = ember.logsumexp(scores.float(), -1)
    return out, lse


def _native_dropout(input, p, train):
    import ember
    import ember.nn.functional as F
    if not train:
        return input.clone(), ember.ones_like(input, dtype=ember.bool)
    out = F.dropout(input, p, True)
    return out, out != 0


def _unsafe_view(self, size):
    return self.reshape(size)


def _assert_tensor_metadata(a, size=None, stride=None, dtype=None, *, device=None, layout=None):
    # the dtype/device checks PyTorch's graphs make before a ``.to()``
    if dtype is not None and a.dtype != dtype:
        raise RuntimeError(f'Tensor dtype mismatch! Expected: {dtype}, Got: {a.dtype}')


def _vector_norm(self, ord=2, dim=None, keepdim=False, *, dtype=None):
    import ember
    return ember.linalg.vector_norm(self, ord, dim, keepdim, dtype=dtype)


def _adaptive_avg_pool2d(self, output_size):
    import ember.nn.functional as F
    return F.adaptive_avg_pool2d(self, output_size)


def _sym_size(self, dim=None):
    return self.shape[dim] if dim is not None else list(self.shape)


def _to_copy(self, *, dtype=None, layout=None, device=None, pin_memory=None, non_blocking=False,
             memory_format=None):
    import ember
    if layout not in (None, ember.strided):
        raise NotImplementedError(f"aten._to_copy to layout {layout} is not supported by ember")
    out = self.to(device=device if device is not None else self.device, dtype=dtype or self.dtype,
                  non_blocking=non_blocking, copy=True, memory_format=memory_format or ember.preserve_format)
    return out.pin_memory() if pin_memory else out


def _property(name):
    def kernel(self):
        return getattr(self, name)
    return kernel


def _broadcast_tensors(tensors):
    import ember
    return tuple(ember.broadcast_tensors(*tensors))


def _unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
    # ATen's operator always gives three tensors (the ones not asked for empty, except along a dim), where
    # the Python function gives only those asked for; a saved program reads the three
    import ember
    if dim is not None:
        return tuple(ember.unique_consecutive(self, True, True, dim))
    values, inverse, counts = ember.unique_consecutive(self, True, True)
    empty = ember.empty(0, dtype=ember.int64, device=self.device)
    return values, inverse if return_inverse else empty, counts if return_counts else empty


def _rrelu(inplace):
    def kernel(self, lower=0.125, upper=1.0 / 3, training=False, generator=None):
        import ember.nn.functional as F
        if generator is not None:
            raise NotImplementedError('aten.rrelu with a generator is not supported by ember')
        return F.rrelu(self, lower, upper, training, inplace)
    return kernel


def _embedding_bag(weight, indices, offsets, scale_grad_by_freq=False, mode=0, sparse=False, per_sample_weights=None,
                   include_last_offset=False, padding_idx=None):
    import ember
    return ember.embedding_bag(weight, indices, offsets, scale_grad_by_freq, mode, sparse, per_sample_weights,
                               include_last_offset, padding_idx)


def _log_sigmoid(self):
    import ember.nn.functional as F
    return F.logsigmoid(self)


def _loss(fn_name, aten_name):
    # an ATen loss: its arguments by the schema's names, the reduction's number back to F's name for it
    def kernel(*args, **kwargs):
        import ember.nn.functional as F
        schema = overload(aten_name, 'default')._schema
        values = {a.name: a.default for a in schema.args if a.default is not _NO_DEFAULT}
        values.update(zip((a.name for a in schema.args), args))
        values.update(kwargs)
        values['reduction'] = ('none', 'mean', 'sum')[values['reduction']]
        if 'self' in values:
            values['input'] = values.pop('self')
        return getattr(F, fn_name)(**values)
    return kernel


# F's losses -> the ATen operators PyTorch records for them
LOSSES = {name: name for name in (
    'l1_loss', 'mse_loss', 'binary_cross_entropy', 'binary_cross_entropy_with_logits', 'huber_loss', 'smooth_l1_loss',
    'kl_div', 'soft_margin_loss', 'multilabel_margin_loss', 'multi_margin_loss', 'hinge_embedding_loss',
    'cosine_embedding_loss', 'margin_ranking_loss', 'poisson_nll_loss', 'triplet_margin_loss')}
LOSSES.update(cross_entropy='cross_entropy_loss', nll_loss='nll_loss_nd')


_KERNELS = {
    'numpy_T': _property('T'), 'mT': _property('mT'), 'mH': _property('mH'), 'matrix_H': _property('H'),
    'log_sigmoid': _log_sigmoid, 'rrelu': _rrelu(False), 'rrelu_': _rrelu(True), 'embedding_bag': _embedding_bag,
    'unique_consecutive': _unique_consecutive, 'broadcast_tensors': _broadcast_tensors,
    '_to_copy': _to_copy,
    'sym_size': _sym_size,
    'linalg_vector_norm': _vector_norm, '_adaptive_avg_pool2d': _adaptive_avg_pool2d,
    'batch_norm': _batch_norm, '_native_batch_norm_legit_no_training': _bn_no_training,
    '_native_batch_norm_legit_functional': _bn_functional,
    'instance_norm': _instance_norm, 'im2col': _im2col, 'col2im': _col2im,
    **{f'max_pool{d}d': _max_pool(d, False) for d in (1, 2, 3)},
    **{f'max_pool{d}d_with_indices': _max_pool(d, True) for d in (1, 2, 3)},
    **{f'adaptive_max_pool{d}d': _adaptive_max_pool(d) for d in (1, 2, 3)},
    'max_unpool2d': _max_unpool, 'max_unpool3d': _max_unpool, 'convolution': _convolution, 'slice': _slice,
    'select': _select,
    'index': _index, '_softmax': _softmax, '_log_softmax': _log_softmax, 'rsub': _rsub, 'to': _to,
    'dropout': _dropout, **{f'{name}_': _inplace_activation(name) for name in ('hardswish', 'hardsigmoid', 'mish')},
    'native_dropout': _native_dropout, '_unsafe_view': _unsafe_view,
    '_assert_tensor_metadata': _assert_tensor_metadata, '_native_multi_head_attention': _native_multi_head_attention,
    'lift_fresh': _lift_fresh, 'nll_loss_forward': _nll_loss_forward,
    '_scaled_dot_product_flash_attention_for_cpu': _sdpa_flash_cpu,
}
for _fn_name, _name in list(LOSSES.items()) + [('nll_loss', 'nll_loss')]:
    _KERNELS[_name] = _loss(_fn_name, _name)
_UPSAMPLE_MODES = {**{f'upsample_nearest{d}d': 'nearest' for d in (1, 2, 3)},
                   **{f'_upsample_nearest_exact{d}d': 'nearest-exact' for d in (1, 2, 3)},
                   'upsample_linear1d': 'linear', 'upsample_bilinear2d': 'bilinear', 'upsample_bicubic2d': 'bicubic',
                   'upsample_trilinear3d': 'trilinear'}
for _name, _mode in _UPSAMPLE_MODES.items():
    _KERNELS[(_name, 'vec')] = _upsample(_mode)
    _KERNELS[(_name, 'default')] = _upsample_to_size(_mode)


_TAGS = None


def overload_tags(key):
    """The tags of ATen overload ``key`` ('add.Tensor'), in PyTorch's order (by number)."""
    global _TAGS
    if _TAGS is None:
        from ember._tags import Tag
        data = json.loads((Path(__file__).parent / '_aten_tags.json').read_text())
        table = {}
        for name, keys in data['tags'].items():
            for k in keys:
                table.setdefault(k, []).append(Tag[name])
        _TAGS = (table, frozenset(data['lacking_pt2_compliant_tag']), Tag.pt2_compliant_tag)
    table, lacking, pt2 = _TAGS
    tags = list(table.get(key, ()))
    if key not in lacking:
        tags.append(pt2)
    return sorted(tags, key=int)
