"""RAdam: Adam whose adaptive step is switched on gradually, as its variance estimate becomes reliable
(Liu et al., 2019)."""
from ember.optim._common import check_capturable, check_capturable_groups, check_adam_like, gather, restore_defaults
from ember.optim._functional import _addcmul_sq_, _bump_step, _effective_grad, _hyper, _lerp_, _real, _xp
from ember.optim.optimizer import Optimizer, _check_differentiable, _new_step, _use_grad_for_differentiable, \
    _zeros_like_param

__all__ = ['RAdam', 'radam']


def radam(params, grads, exp_avgs, exp_avg_sqs, state_steps, decoupled_weight_decay=False, foreach=None,
          capturable=False, differentiable=False, has_complex=False, maximize=False, *, beta1, beta2, lr,
          weight_decay, eps):
    """RAdam's update, in place on each parameter and its state."""
    lr, eps, weight_decay = _hyper(lr), float(eps), float(weight_decay)
    rho_inf = 2 / (1 - beta2) - 1
    for p, g, m_t, v_t, step_t in zip(params, grads, exp_avgs, exp_avg_sqs, state_steps):
        x = p._data
        xp = _xp(x)
        step = _bump_step(step_t)
        if weight_decay != 0 and decoupled_weight_decay:
            xp.multiply(x, 1 - lr * weight_decay, out=x)
            g = _effective_grad(xp, g._data, x, 0.0, maximize)
        else:
            g = _effective_grad(xp, g._data, x, weight_decay, maximize)
        x, g, m, v = _real(x), _real(g), _real(m_t._data), _real(v_t._data)
        tmp = xp.empty_like(m)
        _lerp_(xp, m, g, 1 - beta1, tmp)
        xp.multiply(v, beta2, out=v)
        _addcmul_sq_(xp, v, g, 1 - beta2, tmp)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        upd = xp.divide(m, bias_correction1)
        xp.multiply(upd, lr, out=upd)
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        if rho_t > 5.0:      # the variance estimate is tractable: rectified adaptive step
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            adaptive = xp.sqrt(v)
            xp.add(adaptive, eps, out=adaptive)
            # (a number over a tensor: PyTorch multiplies the tensor's reciprocal by the number)
            xp.reciprocal(adaptive, out=adaptive)
            xp.multiply(adaptive, bias_correction2 ** 0.5, out=adaptive)
            xp.multiply(upd, adaptive, out=upd)
            xp.multiply(upd, rect, out=upd)
        xp.subtract(x, upd, out=x)
        for t in (p, m_t, v_t):
            t._version_counter.value += 1


class RAdam(Optimizer):
    """RAdam, like ``torch.optim.RAdam``: momentum SGD for the first steps, then a rectified Adam step.

    ``decoupled_weight_decay=True`` gives RAdamW.

    >>> import ember
    >>> w = ember.tensor([1., -1.], requires_grad=True)
    >>> opt = ember.optim.RAdam([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([ 0.8000, -0.8000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        check_adam_like(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)
        _check_differentiable(differentiable)

    def __setstate__(self, state):
        super().__setstate__(state)
        restore_defaults(self, dict(foreach=None, maximize=False, differentiable=False, decoupled_weight_decay=False,
                                    capturable=False))

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = self._evaluate(closure)
        check_capturable_groups(self)
        for group in self.param_groups:
            params, grads, states = gather(self, group, lambda p: dict(
                step=_new_step(), exp_avg=_zeros_like_param(p), exp_avg_sq=_zeros_like_param(p)))
            check_capturable(group, params)
            beta1, beta2 = group['betas']
            radam(params, grads, [s['exp_avg'] for s in states], [s['exp_avg_sq'] for s in states],
                  [s['step'] for s in states], decoupled_weight_decay=group['decoupled_weight_decay'],
                  maximize=group['maximize'], beta1=beta1, beta2=beta2, lr=group['lr'],
                  weight_decay=group['weight_decay'], eps=group['eps'])
        return loss
