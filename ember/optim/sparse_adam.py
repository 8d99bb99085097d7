"""SparseAdam: PyTorch's masked Adam for sparse gradients (``nn.Embedding(sparse=True)``)."""
import ember
from ember._tensor import Tensor
from ember.optim._functional import sparse_adam
from ember.optim.optimizer import Optimizer

__all__ = ['SparseAdam']


class SparseAdam(Optimizer):
    """Adam restricted to the entries a sparse gradient touches, like ``torch.optim.SparseAdam``.

    The parameters are dense; their gradients must be sparse (``nn.Embedding(sparse=True)`` makes them):
    the moments and the parameter change only on the rows a gradient names. Dense gradients are refused
    ("please consider Adam instead"), as in PyTorch.

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
    _sparse_refusal = None

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
        """Perform a single optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            params, grads, exp_avgs, exp_avg_sqs, steps = [], [], [], [], []
            for p in group['params']:
                if p.grad is None:
                    continue
                if not p.grad.is_sparse:
                    raise RuntimeError("SparseAdam does not support dense gradients, please consider Adam instead")
                state = self.state[p]
                if len(state) == 0:
                    state['step'] = 0
                    state['exp_avg'] = ember.zeros_like(p, memory_format=ember.preserve_format)
                    state['exp_avg_sq'] = ember.zeros_like(p, memory_format=ember.preserve_format)
                state['step'] += 1
                params.append(p)
                grads.append(p.grad)
                exp_avgs.append(state['exp_avg'])
                exp_avg_sqs.append(state['exp_avg_sq'])
                steps.append(state['step'])
            beta1, beta2 = group['betas']
            lr = group['lr'].item() if isinstance(group['lr'], Tensor) else group['lr']
            sparse_adam(params, grads, exp_avgs, exp_avg_sqs, steps, eps=group['eps'], beta1=beta1, beta2=beta2,
                        lr=lr, maximize=group['maximize'])
        return loss
