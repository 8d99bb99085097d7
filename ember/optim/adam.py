"""Adam: the state (moments, step counters); the math is ``_functional.adam``."""
from ember._tensor import Tensor
from ember.optim._common import check_capturable, check_capturable_groups
from ember.optim._functional import adam
from ember.optim.optimizer import (Optimizer, _check_differentiable, _new_step, _steps_to_tensors, _to_scalar,
                                   _use_grad_for_differentiable, _zeros_like_param)

__all__ = ['Adam', 'adam']


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2014) with optional AMSGrad, like ``torch.optim.Adam``.

    ``decoupled_weight_decay=True`` makes it AdamW.

    >>> import ember
    >>> w = ember.tensor([1., -1.], requires_grad=True)
    >>> opt = ember.optim.Adam([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([ 0.9000, -0.9000], requires_grad=True)
    """
    _sparse_refusal = 'Adam does not support sparse gradients, please consider SparseAdam instead'

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        if isinstance(lr, Tensor):
            if foreach and not capturable:
                raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
            if lr.numel() != 1:
                raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        for i in (0, 1):
            if isinstance(betas[i], Tensor):
                if not capturable and foreach:
                    raise ValueError(f"betas[{i}] as a Tensor is not supported for capturable=False and "
                                     "foreach=True")
                if betas[i].numel() != 1:
                    raise ValueError(f"Tensor betas[{i}] must be 1-element")
        betas = tuple(map(_to_scalar, betas))
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable, differentiable=differentiable,
                        fused=fused, decoupled_weight_decay=decoupled_weight_decay)
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
            group.setdefault('amsgrad', False)
            group.setdefault('maximize', False)
            group.setdefault('foreach', None)
            group.setdefault('capturable', False)
            group.setdefault('differentiable', False)
            group.setdefault('decoupled_weight_decay', False)
            group.setdefault('fused', None)
        _steps_to_tensors(self)

    def _init_group(self, group, params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps):
        amsgrad = group['amsgrad']
        for p in group['params']:
            g = p._grad
            if g is None:
                continue
            params.append(p)
            grads.append(g)
            state = self.state[p]
            if len(state) == 0:
                state['step'] = _new_step()
                state['exp_avg'] = _zeros_like_param(p)
                state['exp_avg_sq'] = _zeros_like_param(p)
                if amsgrad:
                    state['max_exp_avg_sq'] = _zeros_like_param(p)
            exp_avgs.append(state['exp_avg'])
            exp_avg_sqs.append(state['exp_avg_sq'])
            if amsgrad:
                max_exp_avg_sqs.append(state['max_exp_avg_sq'])
            state_steps.append(state['step'])

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = self._evaluate(closure)
        check_capturable_groups(self)
        for group in self.param_groups:
            params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps = [], [], [], [], [], []
            self._init_group(group, params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps)
            check_capturable(group, params)
            if not params:
                continue
            beta1, beta2 = group['betas']
            adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps,
                 decoupled_weight_decay=group['decoupled_weight_decay'], amsgrad=group['amsgrad'], beta1=beta1,
                 beta2=beta2, lr=group['lr'], weight_decay=group['weight_decay'], eps=group['eps'],
                 maximize=group['maximize'])
        return loss
