"""Differentiable collectives (PyTorch's ``torch.distributed.nn.functional``)."""
from ember.autograd.function import Function
from ember.distributed._reduce_op import ReduceOp, as_red_op


class _AllReduceSum(Function):
    @staticmethod
    def forward(ctx, group, tensor):
        import ember.distributed as dist
        ctx.group = group
        out = tensor.clone()
        dist.all_reduce(out, group=group)
        return out

    @staticmethod
    def backward(ctx, grad):
        # every rank's output is the sum of every rank's input: the input's gradient is the sum of
        # the outputs' gradients over the ranks
        import ember.distributed as dist
        g = grad.clone()
        dist.all_reduce(g, group=ctx.group)
        return None, g


def all_reduce(tensor, op=ReduceOp.SUM, group=None):
    """The sum of ``tensor`` over the ranks of ``group``, differentiable (every rank must run backward)."""
    if as_red_op(op) is not ReduceOp.SUM:
        raise ValueError(f"the differentiable all_reduce supports ReduceOp.SUM only, got {op}")
    return _AllReduceSum.apply(group, tensor)
