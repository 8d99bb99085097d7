"""Adagrad: the state (sums of squared gradients); the math is ``_functional.adagrad``."""
from ember._tensor import Tensor
from ember.optim._functional import adagrad
from ember.optim.optimizer import (Optimizer, _check_differentiable, _new_step, _steps_to_tensors,
                                   _use_grad_for_differentiable, _zeros_like_param)

__all__ = ['Adagrad', 'adagrad']


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011), like ``torch.optim.Adagrad``. State is created eagerly, for every parameter.

    >>> import ember
    >>> w = ember.tensor([1., -1.], requires_grad=True)
    >>> opt = ember.optim.Adagrad([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([ 0.9000, -0.9000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        _check_differentiable(differentiable)
        for group in self.param_groups:
            for p in group['params']:
                state = self.state[p]
                state['step'] = _new_step()
                # NOTE: PyTorch fills from the constructor's value, not a group's own option
                value = initial_accumulator_value
                state['sum'] = _zeros_like_param(p, complex(value, value) if p.is_complex() else value)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault('foreach', None)
            group.setdefault('maximize', False)
            group.setdefault('differentiable', False)
            group.setdefault('fused', None)
        _steps_to_tensors(self)

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = self._evaluate(closure)
        init_value = self.defaults['initial_accumulator_value']
        for group in self.param_groups:
            params, grads, state_sums, state_steps = [], [], [], []
            for p in group['params']:
                g = p._grad
                if g is None:
                    continue
                params.append(p)
                grads.append(g)
                state = self.state[p]
                if len(state) == 0:  # a group added after construction
                    state['step'] = _new_step()
                    state['sum'] = _zeros_like_param(p, init_value)
                state_sums.append(state['sum'])
                state_steps.append(state['step'])
            if not params:
                continue
            adagrad(params, grads, state_sums, state_steps, lr=group['lr'], weight_decay=group['weight_decay'],
                    lr_decay=group['lr_decay'], eps=group['eps'], maximize=group['maximize'])
        return loss
