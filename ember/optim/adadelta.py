"""Adadelta: the state (running averages of squared gradients and updates); math in ``_functional``."""
from ember._tensor import Tensor
from ember.optim._common import check_capturable, check_capturable_groups
from ember.optim._functional import adadelta
from ember.optim.optimizer import (Optimizer, _check_differentiable, _new_step, _steps_to_tensors,
                                   _use_grad_for_differentiable, _zeros_like_param)

__all__ = ['Adadelta', 'adadelta']


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012), like ``torch.optim.Adadelta``.

    >>> import ember
    >>> w = ember.tensor([1., -1.], requires_grad=True)
    >>> opt = ember.optim.Adadelta([w])
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([ 0.9968, -0.9968], requires_grad=True)
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        capturable=capturable, foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)
        _check_differentiable(differentiable)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault('foreach', None)
            group.setdefault('maximize', False)
            group.setdefault('differentiable', False)
            group.setdefault('capturable', False)
        _steps_to_tensors(self)

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = self._evaluate(closure)
        check_capturable_groups(self)
        for group in self.param_groups:
            params, grads, square_avgs, acc_deltas, state_steps = [], [], [], [], []
            for p in group['params']:
                g = p._grad
                if g is None:
                    continue
                params.append(p)
                grads.append(g)
                state = self.state[p]
                if len(state) == 0:
                    state['step'] = _new_step()
                    state['square_avg'] = _zeros_like_param(p)
                    state['acc_delta'] = _zeros_like_param(p)
                square_avgs.append(state['square_avg'])
                acc_deltas.append(state['acc_delta'])
                state_steps.append(state['step'])
            if not params:
                continue
            check_capturable(group, params)
            adadelta(params, grads, square_avgs, acc_deltas, state_steps, lr=group['lr'], rho=group['rho'],
                     eps=group['eps'], weight_decay=group['weight_decay'], maximize=group['maximize'])
        return loss
