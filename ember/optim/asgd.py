"""ASGD: averaged stochastic gradient descent (Polyak & Juditsky, 1992), with a decaying step size."""
from ember._dtype import get_default_dtype
from ember.optim._common import (check_capturable, check_capturable_groups,
                                   check_lr, gather, restore_defaults, scalar_state)
from ember.optim._functional import _bump_step, _effective_grad, _hyper, _real, _xp
from ember.optim.optimizer import Optimizer, _check_differentiable, _new_step, _use_grad_for_differentiable, \
    _zeros_like_param

__all__ = ['ASGD', 'asgd']


def asgd(params, grads, axs, mus, etas, state_steps, foreach=None, maximize=False, differentiable=False,
         capturable=False, has_complex=False, *, lambd, lr, t0, alpha, weight_decay):
    """ASGD's update, in place on each parameter, its average ``ax`` and its scalars ``eta``, ``mu``, ``step``."""
    lr, weight_decay = _hyper(lr), float(weight_decay)
    for p, g, ax_t, mu_t, eta_t, step_t in zip(params, grads, axs, mus, etas, state_steps):
        x = p._data
        xp = _xp(x)
        step = _bump_step(step_t)
        g = _effective_grad(xp, g._data, x, weight_decay, maximize)
        x, g, ax = _real(x), _real(g), _real(ax_t._data)
        eta = eta_t.item()
        xp.multiply(x, 1 - lambd * eta, out=x)            # decay
        xp.add(x, xp.multiply(g, -eta), out=x)            # gradient step
        mu = mu_t.item()
        if mu != 1:
            diff = xp.subtract(x, ax)
            xp.multiply(diff, mu, out=diff)
            xp.add(ax, diff, out=ax)
        else:
            ax[...] = x
        # NOTE: PyTorch makes the new values tensors of the default dtype before copying them into the
        # state, so they are rounded to it even when the state (after load_state_dict) is float64
        rounded = get_default_dtype().np_dtype.type
        eta_t._data[...] = rounded(lr / ((1 + lambd * lr * step) ** alpha))
        mu_t._data[...] = rounded(1 / max(1, step - t0))
        for t in (p, ax_t, eta_t, mu_t):
            t._version_counter.value += 1


class ASGD(Optimizer):
    """Averaged SGD, like ``torch.optim.ASGD``: SGD with step size ``lr / (1 + lambd * lr * t) ** alpha``,
    keeping in ``state['ax']`` the running average of the iterates from step ``t0`` on.

    >>> import ember
    >>> w = ember.tensor([1., -1.], requires_grad=True)
    >>> opt = ember.optim.ASGD([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([ 0.8000, -0.8000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)
        _check_differentiable(differentiable)

    def __setstate__(self, state):
        super().__setstate__(state)
        restore_defaults(self, dict(foreach=None, maximize=False, differentiable=False, capturable=False),
                         ('step', 'eta', 'mu'))

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = self._evaluate(closure)
        check_capturable_groups(self, 'params, mus, etas, and state_steps')
        for group in self.param_groups:
            params, grads, states = gather(self, group, lambda p: dict(
                step=_new_step(), eta=scalar_state(_hyper(group['lr'])), mu=scalar_state(1.0), ax=_zeros_like_param(p)))
            check_capturable(group, params, 'params, mus, etas, and state_steps')
            asgd(params, grads, [s['ax'] for s in states], [s['mu'] for s in states], [s['eta'] for s in states],
                 [s['step'] for s in states], maximize=group['maximize'], lambd=group['lambd'], lr=group['lr'],
                 t0=group['t0'], alpha=group['alpha'], weight_decay=group['weight_decay'])
        return loss
