"""The 3-d pooling variants PyTorch adds on top of the 1-d/2-d ones: adaptive max, LP and unpooling.

They reuse the n-dimensional kernels of ``ember/ops/pooling.py``; only the argument checks and the
graph-node names (``AdaptiveMaxPool3DBackward0``, ``MaxUnpool3DBackward0``) are 3-d specific.
"""
from ember.ops._registry import op
from ember.ops._util import python_reads
from ember.ops.pooling import AdaptiveMaxPool, MaxUnpool, _adaptive_sizes, _check_unpool_indices, _unpool_size, avg_pool3d


class AdaptiveMaxPool3D(AdaptiveMaxPool):
    node_name = 'AdaptiveMaxPool3DBackward0'
    saved_attrs = AdaptiveMaxPool.saved_attrs


class MaxUnpool3D(MaxUnpool):
    node_name = 'MaxUnpool3DBackward0'
    saved_attrs = MaxUnpool.saved_attrs


@op('F')
def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    """:func:`adaptive_max_pool3d` that always returns ``(output, indices)``; ``return_indices`` is ignored, as in
    PyTorch. The indices are flat positions in each ``D * H * W`` input volume.

    Example::

        >>> F.adaptive_max_pool3d_with_indices(ember.arange(8.).reshape(1, 1, 2, 2, 2), 1)
        (tensor([[[[[7.]]]]]), tensor([[[[[7]]]]]))
    """
    python_reads(input, 'size')
    out = _adaptive_sizes('adaptive_max_pool3d', 3, input, output_size, colon=':')
    return AdaptiveMaxPool3D.apply(input, out)


@op('F')
def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Max pooling of (N, C, D, H, W) or (C, D, H, W) input to a fixed output size.

    Example::

        >>> F.adaptive_max_pool3d(ember.arange(27.).reshape(1, 1, 3, 3, 3), 2).flatten()
        tensor([13., 14., 16., 17., 22., 23., 25., 26.])
    """
    python_reads(input, 'size')
    out, index = adaptive_max_pool3d_with_indices(input, output_size)
    return (out, index) if return_indices else out


@op('F')
def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """(sum over each 3-d window of x ** p) ** (1 / p), composed from avg_pool3d as PyTorch does.

    Example::

        >>> F.lp_pool3d(ember.ones(1, 1, 2, 2, 2), 1, 2)
        tensor([[[[[8.]]]]])
    """
    from ember.ops.activation import relu
    kd, kh, kw = (kernel_size,) * 3 if isinstance(kernel_size, int) else tuple(kernel_size)
    out = avg_pool3d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (out.sign() * relu(out.abs())).mul(kd * kh * kw).pow(1.0 / norm_type)


@op('F')
def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool3d: values back at their indices, zeros elsewhere.

    Example::

        >>> out, idx = F.max_pool3d(ember.arange(8.).reshape(1, 1, 2, 2, 2), 2, return_indices=True)
        >>> F.max_unpool3d(out, idx, 2).flatten()
        tensor([0., 0., 0., 0., 0., 0., 0., 7.])
    """
    python_reads(input, 'size')
    _check_unpool_indices(3, input, indices)
    kernel = (kernel_size,) * 3 if isinstance(kernel_size, int) else tuple(kernel_size)
    stride = kernel if stride is None else ((stride,) * 3 if isinstance(stride, int) else tuple(stride))
    padding = (padding,) * 3 if isinstance(padding, int) else tuple(padding)
    size = _unpool_size(input, kernel, stride, padding, output_size, 3)
    return MaxUnpool3D.apply(input, indices, tuple(size))
