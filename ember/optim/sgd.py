"""Stochastic gradient descent (optionally with momentum): the state; the math is ``_functional.sgd``."""
from ember._tensor import Tensor
from ember.optim._functional import sgd
from ember.optim.optimizer import Optimizer, _check_differentiable, _use_grad_for_differentiable

__all__ = ['SGD', 'sgd']


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum, like ``torch.optim.SGD``.

    >>> import ember
    >>> w = ember.tensor([1., 2.], requires_grad=True)
    >>> opt = ember.optim.SGD([w], lr=0.1, momentum=0.9)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.8000, 1.6000], requires_grad=True)
    """
    _sparse_refusal = None          # sparse gradients move only the rows they name

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, foreach=foreach, differentiable=differentiable,
                        fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        _check_differentiable(differentiable)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault('nesterov', False)
            group.setdefault('maximize', False)
            group.setdefault('foreach', None)
            group.setdefault('differentiable', False)
            group.setdefault('fused', False)

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = self._evaluate(closure)

        for group in self.param_groups:
            params, grads, bufs = [], [], []
            use_momentum = group['momentum'] != 0
            state = self.state
            for p in group['params']:
                g = p._grad
                if g is not None:
                    params.append(p)
                    grads.append(g)
                    if use_momentum:
                        bufs.append(state[p].get('momentum_buffer'))
            if not params:
                continue
            sgd(params, grads, bufs, weight_decay=group['weight_decay'], momentum=group['momentum'],
                lr=group['lr'], dampening=group['dampening'], nesterov=group['nesterov'],
                maximize=group['maximize'])
            if use_momentum:
                for p, buf in zip(params, bufs):
                    state[p]['momentum_buffer'] = buf
        return loss

