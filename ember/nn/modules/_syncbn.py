"""SyncBatchNorm: batch normalization whose batch statistics span every rank of a process group."""
from ember.nn.modules.module import Module
from ember.nn.modules.normalization import _BatchNorm

__all__ = ['SyncBatchNorm']


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
