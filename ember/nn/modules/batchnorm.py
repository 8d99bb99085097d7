"""Batch normalization: BatchNorm1d/2d/3d, their lazy forms and SyncBatchNorm (PyTorch's
``torch.nn.modules.batchnorm``). The math is in ember/ops/norm.py; these hold the affine parameters
and the running statistics (buffers ``running_mean``, ``running_var``, ``num_batches_tracked``).
"""
from ember._dtype import int64
from ember.nn import functional as F
from ember.nn import init
from ember.nn.modules.lazy import LazyModuleMixin
from ember.nn.modules.module import Module
from ember.nn.parameter import Parameter, UninitializedBuffer, UninitializedParameter
from ember.ops.creation import empty, ones, tensor, zeros

__all__ = ['BatchNorm1d', 'LazyBatchNorm1d', 'BatchNorm2d', 'LazyBatchNorm2d', 'BatchNorm3d', 'LazyBatchNorm3d',
           'SyncBatchNorm']


class _NormBase(Module):
    """Affine parameters and running statistics shared by batch and instance norm."""
    _version = 2
    __constants__ = ['track_running_stats', 'momentum', 'eps', 'num_features', 'affine']

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None,
                 dtype=None, bias=True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(empty(num_features, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(empty(num_features, device=device, dtype=dtype))
            else:
                self.register_parameter('bias', None)
        else:
            self.register_parameter('weight', None)
            self.register_parameter('bias', None)
        if track_running_stats:
            self.register_buffer('running_mean', zeros(num_features, device=device, dtype=dtype))
            self.register_buffer('running_var', ones(num_features, device=device, dtype=dtype))
            self.register_buffer('num_batches_tracked', tensor(0, dtype=int64, device=device))
        else:
            self.register_buffer('running_mean', None)
            self.register_buffer('running_var', None)
            self.register_buffer('num_batches_tracked', None)
        self.reset_parameters()

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input):
        raise NotImplementedError

    def extra_repr(self):
        return (f'{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, '
                f'bias={self.bias is not None}, track_running_stats={self.track_running_stats}')

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        version = local_metadata.get('version', None)
        if (version is None or version < 2) and self.track_running_stats:
            # checkpoints before version 2 had no num_batches_tracked: it starts at 0
            key = prefix + 'num_batches_tracked'
            if key not in state_dict:
                state_dict[key] = self.num_batches_tracked if self.num_batches_tracked is not None \
                    else tensor(0, dtype=int64)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)


class _BatchNorm(_NormBase):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None,
                 dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def forward(self, input):
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:   # cumulative moving average over all batches seen
                factor = 1.0 / float(self.num_batches_tracked)
        # batch statistics in training, and in eval when there are no running statistics to use
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        # running statistics are only handed over when they are to be used or updated
        hand_over = not self.training or self.track_running_stats
        try:
            return F.batch_norm(input, self.running_mean if hand_over else None,
                                self.running_var if hand_over else None, self.weight, self.bias, use_batch, factor,
                                self.eps)
        except BaseException:
            # a refused input changes nothing: the count goes back (PyTorch's stays one up)
            if self.training and self.track_running_stats and self.num_batches_tracked is not None:
                self.num_batches_tracked.sub_(1)
            raise


class BatchNorm1d(_BatchNorm):
    """Batch normalization over (N, C) or (N, C, L) input.

    >>> BatchNorm1d(3)
    BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    def _check_input_dim(self, input):
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class BatchNorm2d(_BatchNorm):
    """Batch normalization over (N, C, H, W) input: per channel, over batch and space.

    Example::

        >>> bn = nn.BatchNorm2d(2)
        >>> x = ember.arange(8.).reshape(2, 2, 1, 2)
        >>> bn(x).flatten()
        tensor([-1.2127, -0.7276, -1.2127, -0.7276,  0.7276,  1.2127,  0.7276,  1.2127],
               grad_fn=<ViewBackward0>)
        >>> bn.running_mean, bn.num_batches_tracked
        (tensor([0.2500, 0.4500]), tensor(1))
    """

    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")


class BatchNorm3d(_BatchNorm):
    """Applies Batch Normalization over a 5-D input (a mini-batch of 3-D inputs with channels), as described in
    "Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift": ``y = (x -
    mean) / sqrt(var + eps) * gamma + beta`` per channel, with running estimates used in evaluation mode.

    Args:
        num_features (int): ``C`` from an expected input of size ``(N, C, D, H, W)``.
        eps (float): a value added to the denominator for numerical stability. Default: ``1e-5``.
        momentum (float, optional): the weight of the new batch in the running estimates (``None`` for a
            cumulative average). Default: ``0.1``.
        affine (bool): whether the module has learnable affine parameters. Default: ``True``.
        track_running_stats (bool): whether the module tracks running estimates (otherwise batch statistics are
            used in both modes). Default: ``True``.

    Shape:
        - Input: ``(N, C, D, H, W)``.
        - Output: ``(N, C, D, H, W)``, same shape as the input.

    Example::

        >>> m = nn.BatchNorm3d(2)
        >>> x = ember.arange(16.).view(2, 2, 2, 2, 1)
        >>> m(x).flatten()[:4]
        tensor([-1.3242, -1.0835, -0.8427, -0.6019], grad_fn=<SliceBackward0>)
        >>> m.running_mean
        tensor([0.5500, 0.9500])
    """
    def _check_input_dim(self, input):
        if input.dim() != 5:
            raise ValueError(f"expected 5D input (got {input.dim()}D input)")


class _LazyNormBase(LazyModuleMixin, _NormBase):
    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None, *,
                 bias=True):
        super().__init__(0, eps, momentum, False, False, device, dtype, bias=False)
        self.affine = affine
        self.track_running_stats = track_running_stats
        if self.affine:
            self.weight = UninitializedParameter(device=device, dtype=dtype)
            if bias:
                self.bias = UninitializedParameter(device=device, dtype=dtype)
        if self.track_running_stats:
            self.running_mean = UninitializedBuffer(device=device, dtype=dtype)
            self.running_var = UninitializedBuffer(device=device, dtype=dtype)
            self.num_batches_tracked = tensor(0, dtype=int64, device=device)

    def reset_parameters(self):
        if not self.has_uninitialized_params() and self.num_features != 0:
            super().reset_parameters()

    def initialize_parameters(self, input):
        if self.has_uninitialized_params():
            self.num_features = input.shape[1]
            if self.affine:
                self.weight.materialize((self.num_features,))
                if self.bias is not None:
                    self.bias.materialize((self.num_features,))
            if self.track_running_stats:
                self.running_mean.materialize((self.num_features,))
                self.running_var.materialize((self.num_features,))
            self.reset_parameters()


class LazyBatchNorm1d(_LazyNormBase, _BatchNorm):
    """A BatchNorm1d whose ``num_features`` is the channel count of its first input.

    Example::

        >>> m = nn.LazyBatchNorm1d()
        >>> m(ember.ones(4, 3)).shape
        ember.Size([4, 3])
        >>> m.num_features
        3
    """
    cls_to_become = BatchNorm1d
    _check_input_dim = BatchNorm1d._check_input_dim


class LazyBatchNorm2d(_LazyNormBase, _BatchNorm):
    """A :class:`nn.BatchNorm2d` whose ``num_features`` is inferred from the input's second dimension at the first
    forward call, which creates its parameters and buffers and turns the module into a plain
    :class:`nn.BatchNorm2d`.

    Args:
        eps (float): a value added to the denominator for numerical stability. Default: ``1e-5``.
        momentum (float, optional): the weight of the new batch in the running estimates. Default: ``0.1``.
        affine (bool): whether the module has learnable affine parameters. Default: ``True``.
        track_running_stats (bool): whether the module tracks running estimates. Default: ``True``.

    Example::

        >>> m = nn.LazyBatchNorm2d()
        >>> _ = m(ember.randn(2, 3, 4, 4))
        >>> type(m).__name__, m.num_features
        ('BatchNorm2d', 3)
    """
    cls_to_become = BatchNorm2d
    _check_input_dim = BatchNorm2d._check_input_dim


class LazyBatchNorm3d(_LazyNormBase, _BatchNorm):
    """A :class:`nn.BatchNorm3d` whose ``num_features`` is inferred from the input's second dimension at the first
    forward call, which creates its parameters and buffers and turns the module into a plain
    :class:`nn.BatchNorm3d`.

    Args:
        eps (float): a value added to the denominator for numerical stability. Default: ``1e-5``.
        momentum (float, optional): the weight of the new batch in the running estimates. Default: ``0.1``.
        affine (bool): whether the module has learnable affine parameters. Default: ``True``.
        track_running_stats (bool): whether the module tracks running estimates. Default: ``True``.

    Example::

        >>> m = nn.LazyBatchNorm3d()
        >>> _ = m(ember.randn(2, 3, 2, 2, 2))
        >>> type(m).__name__, m.num_features
        ('BatchNorm3d', 3)
    """
    cls_to_become = BatchNorm3d
    _check_input_dim = BatchNorm3d._check_input_dim


class SyncBatchNorm(_BatchNorm):
    """Batch normalization over the whole distributed batch: in training, the mean and variance are
    those of the concatenation of every rank's batch (as if one process saw it all), and backward
    differentiates through the cross-rank sums. In eval mode, or without an initialised process group
    (or with one rank), it is plain batch normalization. Unlike PyTorch, CPU tensors are synchronised
    too (over MPI).

    >>> SyncBatchNorm(4)
    SyncBatchNorm(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 process_group=None, device=None, dtype=None, *, bias=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)
        self.process_group = process_group

    def _check_input_dim(self, input):
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")

    def forward(self, input):
        import ember.distributed as dist
        self._check_input_dim(input)
        if input.size(1) == 0:
            raise ValueError("SyncBatchNorm number of input channels should be non-zero")
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        group = self.process_group or dist.group.WORLD
        if not (use_batch and self.training and dist.is_initialized() and dist.get_world_size(group) > 1):
            return super().forward(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:
                factor = 1.0 / float(self.num_batches_tracked)
        return _sync_batch_norm(input, self, group, factor)

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """Replace every BatchNorm*d in ``module`` by a SyncBatchNorm that shares its parameters and buffers."""
        out = module
        if isinstance(module, _BatchNorm) and not isinstance(module, SyncBatchNorm):
            out = cls(module.num_features, module.eps, module.momentum, module.affine, module.track_running_stats,
                      process_group, bias=module.bias is not None)
            if module.affine:
                out.weight = module.weight
                out.bias = module.bias
            out.running_mean = module.running_mean
            out.running_var = module.running_var
            out.num_batches_tracked = module.num_batches_tracked
            out.training = module.training
            if hasattr(module, 'qconfig'):
                out.qconfig = module.qconfig
        for name, child in module.named_children():
            out.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return out


def _sync_batch_norm(x, bn, group, factor):
    """Normalise with the statistics of every rank's batch, two passes for a stable variance."""
    from ember.autograd.grad_mode import no_grad
    from ember.distributed.nn.functional import all_reduce
    from ember.ops.creation import tensor
    dims = [0] + list(range(2, x.dim()))
    shape = [1, -1] + [1] * (x.dim() - 2)
    count = tensor([float(x.numel() // x.size(1))], dtype=x.dtype, device=x.device)
    sums = all_reduce(x.sum(dims), group=group)
    total = all_reduce(count, group=group)
    mean = sums / total
    centred = x - mean.reshape(shape)
    var = all_reduce((centred * centred).sum(dims), group=group) / total
    y = centred * (var + bn.eps).rsqrt().reshape(shape)
    if bn.weight is not None:
        y = y * bn.weight.reshape(shape)
    if bn.bias is not None:
        y = y + bn.bias.reshape(shape)
    if bn.track_running_stats and bn.running_mean is not None:
        with no_grad():
            n = float(total.item())
            unbiased = var.detach() * (n / max(n - 1.0, 1.0))
            bn.running_mean.mul_(1 - factor).add_(mean.detach() * factor)
            bn.running_var.mul_(1 - factor).add_(unbiased * factor)
    return y
