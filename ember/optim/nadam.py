"""NAdam: Adam with Nesterov momentum and a decaying momentum schedule (Dozat, 2016)."""
from ember.optim._common import (check_capturable, check_capturable_groups,
                                   check_adam_like, gather, restore_defaults, scalar_state)
from ember.optim._functional import _addcmul_sq_, _bump_step, _effective_grad, _hyper, _lerp_, _real, _xp
from ember.optim.optimizer import Optimizer, _check_differentiable, _new_step, _use_grad_for_differentiable, \
    _zeros_like_param

__all__ = ['NAdam', 'nadam']


def nadam(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps, decoupled_weight_decay=False,
          foreach=None, capturable=False, differentiable=False, has_complex=False, maximize=False, *, beta1, beta2,
          lr, weight_decay, momentum_decay, eps):
    """NAdam's update, in place on each parameter and its state."""
    lr, eps, weight_decay = _hyper(lr), float(eps), float(weight_decay)
    for p, g, m_t, v_t, mu_prod_t, step_t in zip(params, grads, exp_avgs, exp_avg_sqs, mu_products, state_steps):
        x = p._data
        xp = _xp(x)
        step = _bump_step(step_t)
        bias_correction2 = 1 - beta2 ** step
        if weight_decay != 0 and decoupled_weight_decay:
            xp.multiply(x, 1 - lr * weight_decay, out=x)
            g = _effective_grad(xp, g._data, x, 0.0, maximize)
        else:
            g = _effective_grad(xp, g._data, x, weight_decay, maximize)
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
        # NOTE: the running product lives in a 0-dim tensor of the scalar dtype (float32 by default) and
        # is multiplied in that precision, as PyTorch's ``mu_product *= mu`` is
        mp = mu_prod_t._data
        mp[...] = mp * mp.dtype.type(mu)
        mu_prod_t._version_counter.value += 1
        mu_product = mp.item()
        x, g, m, v = _real(x), _real(g), _real(m_t._data), _real(v_t._data)
        tmp = xp.empty_like(m)
        _lerp_(xp, m, g, 1 - beta1, tmp)
        xp.multiply(v, beta2, out=v)
        _addcmul_sq_(xp, v, g, 1 - beta2, tmp)
        denom = xp.divide(v, bias_correction2)
        xp.sqrt(denom, out=denom)
        xp.add(denom, eps, out=denom)
        mu_product_next = mu_product * mu_next
        for t, value in ((g, -lr * (1.0 - mu) / (1.0 - mu_product)), (m, (-lr * mu_next) / (1.0 - mu_product_next))):
            upd = xp.multiply(t, value)     # addcdiv_(t, denom, value): p + (value * t) / denom
            xp.divide(upd, denom, out=upd)
            xp.add(x, upd, out=x)
        for t in (p, m_t, v_t):
            t._version_counter.value += 1


class NAdam(Optimizer):
    """NAdam, like ``torch.optim.NAdam``; ``decoupled_weight_decay=True`` gives NAdamW.

    >>> import ember
    >>> w = ember.tensor([1., -1.], requires_grad=True)
    >>> opt = ember.optim.NAdam([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([ 0.8944, -0.8944], requires_grad=True)
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        check_adam_like(lr, betas, eps, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)
        _check_differentiable(differentiable)

    def __setstate__(self, state):
        super().__setstate__(state)
        restore_defaults(self, dict(maximize=False, foreach=None, capturable=False, differentiable=False,
                                    decoupled_weight_decay=False), ('step', 'mu_product'))

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = self._evaluate(closure)
        check_capturable_groups(self, 'params, mu_products and state_steps')
        for group in self.param_groups:
            params, grads, states = gather(self, group, lambda p: dict(
                step=_new_step(), mu_product=scalar_state(1.0), exp_avg=_zeros_like_param(p),
                exp_avg_sq=_zeros_like_param(p)))
            check_capturable(group, params, 'params, mu_products and state_steps')
            beta1, beta2 = group['betas']
            nadam(params, grads, [s['exp_avg'] for s in states], [s['exp_avg_sq'] for s in states],
                  [s['mu_product'] for s in states], [s['step'] for s in states],
                  decoupled_weight_decay=group['decoupled_weight_decay'], maximize=group['maximize'], beta1=beta1,
                  beta2=beta2, lr=group['lr'], weight_decay=group['weight_decay'],
                  momentum_decay=group['momentum_decay'], eps=group['eps'])
        return loss
