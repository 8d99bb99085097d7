"""ATen operators that have no ``ember.*`` function of their own but that programs name through
``ember.ops.aten`` (PyTorch's ``torch.ops.aten``): each written with ember's public ops. Most are the
backward operators PyTorch's autograd formulas call (what a dispatch mode sees during ``backward()``);
they give the gradients of ember's own op for the given output gradient."""

_REDUCTIONS = ('none', 'mean', 'sum')


def _vjp(forward, primals, wanted, grad_output):
    """The gradients of ``forward(*primals)`` for ``grad_output``: one per primal, None where ``wanted`` is
    False (or the primal is None)."""
    import ember
    from ember.autograd import grad
    leaves = [None if p is None else p.detach().requires_grad_(bool(w)) for p, w in zip(primals, wanted)]
    chosen = [t for t, w in zip(leaves, wanted) if w and t is not None]
    with ember.enable_grad():
        out = forward(*leaves)
        found = iter(grad(out, chosen, grad_output, allow_unused=True) if chosen else ())
    return tuple(next(found) if w and t is not None else None for t, w in zip(leaves, wanted))


def convolution_backward(grad_output, input, weight, bias_sizes, stride, padding, dilation, transposed,
                         output_padding, groups, output_mask):
    """The gradients ``(grad_input, grad_weight, grad_bias)`` of ``ember.convolution`` for the output's
    gradient ``grad_output``; an entry whose ``output_mask`` flag is False is None."""
    import ember
    bias = None if bias_sizes is None else ember.zeros(tuple(bias_sizes), dtype=weight.dtype, device=weight.device)
    return _vjp(lambda x, w, b: ember.convolution(x, w, b, stride, padding, dilation, transposed, output_padding,
                                                  groups), (input, weight, bias), output_mask, grad_output)


def mse_loss_backward(grad_output, self, target, reduction):
    """The gradient of ``F.mse_loss(self, target)`` with respect to ``self``."""
    import ember.nn.functional as F
    return _vjp(lambda s: F.mse_loss(s, target, reduction=_REDUCTIONS[reduction]), (self,), (True,), grad_output)[0]


def threshold_backward(grad_output, self, threshold):
    """``grad_output`` where ``self`` is above ``threshold``, else 0 (``relu``'s backward reads its output)."""
    import ember
    return ember.where(self > threshold, grad_output, ember.zeros((), dtype=grad_output.dtype))


def gelu_backward(grad_output, self, *, approximate='none'):
    """The gradient of ``F.gelu(self, approximate=approximate)``."""
    import ember.nn.functional as F
    return _vjp(lambda s: F.gelu(s, approximate=approximate), (self,), (True,), grad_output)[0]


def _log_softmax_backward_data(grad_output, output, dim, input_dtype):
    """The gradient of ``log_softmax`` from its output: ``grad - exp(output) * grad.sum(dim)``."""
    return grad_output - output.exp() * grad_output.sum(dim, keepdim=True)


def _softmax_backward_data(grad_output, output, dim, input_dtype):
    """The gradient of ``softmax`` from its output: ``output * (grad - (grad * output).sum(dim))``, in the
    gradient's dtype, with PyTorch's CPU kernel's bits for float32 and half types where no gradient of it
    is recorded. ``input_dtype`` matters as in PyTorch's CPU kernel: a float32 gradient of a float16 input
    (the half-to-float case only CUDA computes) is refused."""
    import numpy as np

    import ember
    from ember._tensor import Tensor, _scalar_type_name
    from ember._threads import intra_op_threads
    from ember.numerics import ENABLED
    from ember.ops import _softmax_grad_bits
    from ember.ops._half import is_half_array
    from ember.ops._util import wrap_dim
    if grad_output.shape != output.shape:
        raise RuntimeError(f"Expected tensor for argument #1 'grad' to have same size as tensor for argument #2 "
                           f"'output'; but {list(grad_output.shape)} does not equal {list(output.shape)} (while "
                           f"checking arguments for softmax_backward)")
    ndim = max(grad_output.dim(), 1)
    dim = wrap_dim(dim, ndim)
    if not grad_output.dtype.is_floating_point or grad_output.dtype.itemsize == 1:
        kernel = 'softmax_backward_lastdim_kernel_impl' if dim == ndim - 1 else 'softmax_backward_kernel_impl'
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_scalar_type_name(grad_output.dtype)}\'')
    # the result's dtype (PyTorch's: the gradient's, but half for a float32 gradient of a float16 input),
    # then the output's, must be the gradient's, which the kernel reads them as
    result = ember.float16 if grad_output.dtype == ember.float32 and input_dtype == ember.float16 else \
        grad_output.dtype
    for other in (result, output.dtype):
        if other != grad_output.dtype:
            raise RuntimeError(f'expected scalar type {_scalar_type_name(grad_output.dtype)} but found '
                               f'{_scalar_type_name(other)}')
    g, y = grad_output._data, output._data
    recorded = ember.is_grad_enabled() and (grad_output.requires_grad or output.requires_grad)
    if not recorded and ENABLED[0] and type(g) is np.ndarray and type(y) is np.ndarray and y.size:
        if y.dtype == np.float32:
            gx = _softmax_grad_bits.softmax_backward(g, y, dim, intra_op_threads())
            return Tensor._make(gx, grad_output._device)
        if is_half_array(y):
            gx = _softmax_grad_bits.half_softmax_backward(g, y, dim, intra_op_threads())
            return Tensor._make(gx, grad_output._device)
    return output * (grad_output - (grad_output * output).sum(dim, keepdim=True))


def _scaled_dot_product_flash_attention_for_cpu_backward(grad_out, query, key, value, out, logsumexp, dropout_p,
                                                         is_causal, *, attn_mask=None, scale=None):
    """The gradients ``(query, key, value)`` of ``F.scaled_dot_product_attention`` (without dropout)."""
    import ember.nn.functional as F
    if dropout_p:
        raise NotImplementedError("aten._scaled_dot_product_flash_attention_for_cpu_backward with dropout is not "
                                  "supported by ember")
    grads = _vjp(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask, 0.0, is_causal, scale),
                 (query, key, value), (True, True, True), grad_out)
    # laid out as PyTorch's CPU kernel writes them: (batch, length, heads, features) in memory
    return tuple(g.transpose(1, 2).contiguous().transpose(1, 2) if g.dim() == 4 else g for g in grads)


def nll_loss_backward(grad_output, self, target, weight, reduction, ignore_index, total_weight):
    """The gradient of ``F.nll_loss(self, target, weight)`` with respect to ``self``."""
    import ember.nn.functional as F
    return _vjp(lambda s: F.nll_loss(s, target, weight, ignore_index=ignore_index,
                                     reduction=_REDUCTIONS[reduction]), (self,), (True,), grad_output)[0]


def max_pool2d_with_indices_backward(grad_output, self, kernel_size, stride, padding, dilation, ceil_mode, indices):
    """The gradient of ``F.max_pool2d`` with respect to its input (each window's gradient to its maximum)."""
    import ember.nn.functional as F
    return _vjp(lambda s: F.max_pool2d(s, kernel_size, list(stride) or None, padding, dilation, ceil_mode),
                (self,), (True,), grad_output)[0]


def native_batch_norm_backward(grad_out, input, weight, running_mean, running_var, save_mean, save_invstd, train,
                               eps, output_mask):
    """The gradients ``(input, weight, bias)`` of ``ember.native_batch_norm``."""
    import ember
    import ember.nn.functional as F
    channels = input.shape[1]
    bias = ember.zeros(channels, dtype=input.dtype, device=input.device)
    w = weight if weight is not None else ember.ones(channels, dtype=input.dtype, device=input.device)
    stats = (None, None) if train else (running_mean, running_var)
    return _vjp(lambda x, w_, b: F.batch_norm(x, *stats, w_, b, train, 0.0, eps), (input, w, bias),
                (output_mask[0], output_mask[1] and weight is not None, output_mask[2]), grad_out)


def native_layer_norm_backward(grad_out, input, normalized_shape, mean, rstd, weight, bias, output_mask):
    """The gradients ``(input, weight, bias)`` of ``ember.native_layer_norm`` from its mean and rstd."""
    k = len(normalized_shape)
    norm_axes = tuple(range(input.dim() - k, input.dim()))
    batch_axes = tuple(range(input.dim() - k))
    xhat = (input - mean) * rstd
    gxhat = grad_out * weight if weight is not None else grad_out
    gx = rstd * (gxhat - gxhat.mean(norm_axes, keepdim=True) -
                 xhat * (gxhat * xhat).mean(norm_axes, keepdim=True)) if output_mask[0] else None
    gw = (grad_out * xhat).sum(batch_axes) if output_mask[1] and weight is not None else None
    gb = grad_out.sum(batch_axes) if output_mask[2] and bias is not None else None
    return gx, gw, gb


def embedding_dense_backward(grad_output, indices, num_weights, padding_idx, scale_grad_by_freq):
    """The gradient of ``F.embedding`` with respect to a weight of ``num_weights`` rows."""
    import ember
    import ember.nn.functional as F
    weight = ember.zeros(num_weights, grad_output.shape[-1], dtype=grad_output.dtype, device=grad_output.device)
    return _vjp(lambda w: F.embedding(indices, w, None if padding_idx < 0 else padding_idx,
                                      scale_grad_by_freq=scale_grad_by_freq), (weight,), (True,), grad_output)[0]


ATEN_ONLY = {f.__name__: f for f in (
    convolution_backward, mse_loss_backward, threshold_backward, gelu_backward, _log_softmax_backward_data,
    _softmax_backward_data, _scaled_dot_product_flash_attention_for_cpu_backward,
    nll_loss_backward, max_pool2d_with_indices_backward, native_batch_norm_backward, native_layer_norm_backward,
    embedding_dense_backward)}
