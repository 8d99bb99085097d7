"""Adamax: Adam with the infinity norm in place of the second moment (Kingma & Ba, 2014, section 7)."""
from ember.optim._common import check_capturable, check_capturable_groups, check_adam_like, gather, restore_defaults
from ember.optim._functional import _bump_step, _effective_grad, _hyper, _lerp_, _real, _xp
from ember.optim.optimizer import Optimizer, _check_differentiable, _new_step, _use_grad_for_differentiable, \
    _zeros_like_param

__all__ = ['Adamax', 'adamax']


def adamax(params, grads, exp_avgs, exp_infs, state_steps, foreach=None, maximize=False, differentiable=False,
           capturable=False, has_complex=False, *, eps, beta1, beta2, lr, weight_decay):
    """Adamax's update, in place on each parameter and its state (``exp_avg``, ``exp_inf``, ``step``)."""
    lr, eps, weight_decay = _hyper(lr), float(eps), float(weight_decay)
    for p, g, m_t, u_t, step_t in zip(params, grads, exp_avgs, exp_infs, state_steps):
        x = p._data
        xp = _xp(x)
        step = _bump_step(step_t)
        g = _effective_grad(xp, g._data, x, weight_decay, maximize)
        x, g, m, u = _real(x), _real(g), _real(m_t._data), _real(u_t._data)
        _lerp_(xp, m, g, 1 - beta1, xp.empty_like(m))
        xp.multiply(u, beta2, out=u)
        bound = xp.abs(g)
        xp.add(bound, eps, out=bound)
        xp.maximum(u, bound, out=u)
        clr = lr / (1 - beta1 ** step)
        upd = xp.multiply(m, -clr)          # addcdiv_(m, u, value=-clr): p + (value * m) / u
        xp.divide(upd, u, out=upd)
        xp.add(x, upd, out=x)
        for t in (p, m_t, u_t):
            t._version_counter.value += 1


class Adamax(Optimizer):
    """Adamax, like ``torch.optim.Adamax``: steps scaled by an exponentially weighted infinity norm.

    >>> import ember
    >>> w = ember.tensor([1., -1.], requires_grad=True)
    >>> opt = ember.optim.Adamax([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([ 0.9000, -0.9000], requires_grad=True)
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        check_adam_like(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)
        _check_differentiable(differentiable)

    def __setstate__(self, state):
        super().__setstate__(state)
        restore_defaults(self, dict(foreach=None, maximize=False, differentiable=False, capturable=False))

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = self._evaluate(closure)
        check_capturable_groups(self)
        for group in self.param_groups:
            params, grads, states = gather(self, group, lambda p: dict(
                step=_new_step(), exp_avg=_zeros_like_param(p), exp_inf=_zeros_like_param(p)))
            check_capturable(group, params)
            beta1, beta2 = group['betas']
            adamax(params, grads, [s['exp_avg'] for s in states], [s['exp_inf'] for s in states],
                   [s['step'] for s in states], maximize=group['maximize'], eps=group['eps'], beta1=beta1,
                   beta2=beta2, lr=group['lr'], weight_decay=group['weight_decay'])
        return loss
