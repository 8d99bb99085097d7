"""RMSprop: the state (square averages, optional momentum and gradient averages); math in ``_functional``."""
from ember._tensor import Tensor
from ember.optim._common import check_capturable, check_capturable_groups
from ember.optim._functional import rmsprop
from ember.optim.optimizer import (Optimizer, _check_differentiable, _new_step, _steps_to_tensors,
                                   _use_grad_for_differentiable, _zeros_like_param)

__all__ = ['RMSprop', 'rmsprop']


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture 6e), optionally centered and with momentum, like ``torch.optim.RMSprop``.

    >>> import ember
    >>> w = ember.tensor([1., -1.], requires_grad=True)
    >>> opt = ember.optim.RMSprop([w], lr=0.01)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([ 0.9000, -0.9000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach, maximize=maximize,
                        differentiable=differentiable)
        super().__init__(params, defaults)
        _check_differentiable(differentiable)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault('momentum', 0)
            group.setdefault('centered', False)
            group.setdefault('foreach', None)
            group.setdefault('maximize', False)
            group.setdefault('differentiable', False)
            group.setdefault('capturable', False)
        _steps_to_tensors(self)

    def _init_group(self, group, params, grads, square_avgs, momentum_buffer_list, grad_avgs, state_steps):
        use_momentum, centered = group['momentum'] > 0, group['centered']
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
                if use_momentum:
                    state['momentum_buffer'] = _zeros_like_param(p)
                if centered:
                    state['grad_avg'] = _zeros_like_param(p)
            square_avgs.append(state['square_avg'])
            state_steps.append(state['step'])
            if use_momentum:
                momentum_buffer_list.append(state['momentum_buffer'])
            if centered:
                grad_avgs.append(state['grad_avg'])

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = self._evaluate(closure)
        check_capturable_groups(self)
        for group in self.param_groups:
            params, grads, square_avgs, grad_avgs, bufs, state_steps = [], [], [], [], [], []
            self._init_group(group, params, grads, square_avgs, bufs, grad_avgs, state_steps)
            check_capturable(group, params)
            if not params:
                continue
            rmsprop(params, grads, square_avgs, grad_avgs, bufs, state_steps, maximize=group['maximize'],
                    lr=group['lr'], alpha=group['alpha'], eps=group['eps'], weight_decay=group['weight_decay'],
                    momentum=group['momentum'], centered=group['centered'])
        return loss
