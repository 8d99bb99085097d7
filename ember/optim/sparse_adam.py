"""SparseAdam: PyTorch's masked Adam for sparse gradients (``nn.Embedding(sparse=True)``).

ember has no sparse tensors, so no gradient it produces is sparse: ``nn.Embedding(sparse=True)`` refuses
sparse gradients when it runs, and this optimizer, like PyTorch's, refuses every dense gradient. It
exists so that scripts constructing it get PyTorch's argument checks, its ``param_groups`` and
``state_dict``, and PyTorch's error at the first step with a gradient (the hint to use Adam).
"""
from ember._tensor import Tensor
from ember.optim.optimizer import Optimizer

__all__ = ['SparseAdam']


class SparseAdam(Optimizer):
    """Adam restricted to the entries a sparse gradient touches, like ``torch.optim.SparseAdam``.

    PyTorch's SparseAdam takes dense parameters whose gradients are sparse; dense gradients are refused
    ("please consider Adam instead"). ember has no sparse tensors, so every gradient is dense and a step
    on a parameter that has one raises that error; parameters without gradients are skipped.

    Args:
        params (iterable): parameters or dicts defining parameter groups.
        lr (float or Tensor, optional): learning rate. Default: ``1e-3``.
        betas (Tuple[float, float], optional): coefficients of the running averages of the gradient
            and its square. Default: ``(0.9, 0.999)``.
        eps (float, optional): term added to the denominator. Default: ``1e-8``.
        maximize (bool, optional): maximize the objective instead of minimizing. Default: ``False``.

    Example::

        >>> w = ember.tensor([1., 2.], requires_grad=True)
        >>> opt = ember.optim.SparseAdam([w], lr=0.1)
        >>> opt.step()        # no gradient yet: nothing to do
        >>> (w ** 2).sum().backward()
        >>> opt.step()
        Traceback (most recent call last):
            ...
        RuntimeError: SparseAdam does not support dense gradients, please consider Adam instead
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, maximize=maximize))
        complex_params = [[i, j] for i, group in enumerate(self.param_groups)
                          for j, p in enumerate(group['params']) if p.is_complex()]
        if complex_params:
            raise ValueError(f"Complex params at indices {complex_params}: SparseAdam does not support complex "
                             f"parameters")

    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the model and returns the loss.

        Every gradient ember produces is dense, which SparseAdam refuses (as PyTorch's does)."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            for p in group['params']:
                if p.grad is not None:
                    raise RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead")
        return loss
