"""Rprop: resilient backpropagation (Riedmiller & Braun, 1993): per-element step sizes driven by gradient signs."""
from ember.optim._common import check_capturable, check_capturable_groups, check_lr, gather, restore_defaults
from ember.optim._functional import _bump_step, _hyper, _real, _xp
from ember.optim.optimizer import Optimizer, _check_differentiable, _new_step, _use_grad_for_differentiable, \
    _zeros_like_param

__all__ = ['Rprop', 'rprop']


def rprop(params, grads, prevs, step_sizes, state_steps, foreach=None, capturable=False, maximize=False,
          differentiable=False, has_complex=False, *, step_size_min, step_size_max, etaminus, etaplus):
    """Rprop's update, in place on each parameter and its state (``prev``, ``step_size``, ``step``)."""
    for p, g, prev_t, size_t, step_t in zip(params, grads, prevs, step_sizes, state_steps):
        x = p._data
        xp = _xp(x)
        _bump_step(step_t)
        g = xp.negative(g._data) if maximize else g._data.copy()
        x, g, prev, size = _real(x), _real(g), _real(prev_t._data), _real(size_t._data)
        sign = xp.sign(g * prev)
        factor = xp.where(sign > 0, etaplus, xp.where(sign < 0, etaminus, xp.where(sign == 0, 1, sign)))
        factor = factor.astype(size.dtype, copy=False)
        xp.multiply(size, factor, out=size)
        xp.clip(size, step_size_min, step_size_max, out=size)
        g[factor == etaminus] = 0          # after a sign change the element rests for one step
        upd = xp.sign(g)
        xp.multiply(upd, size, out=upd)
        xp.subtract(x, upd, out=x)
        prev[...] = g
        for t in (p, prev_t, size_t):
            t._version_counter.value += 1


class Rprop(Optimizer):
    """Rprop, like ``torch.optim.Rprop``: each element's step grows by ``etas[1]`` while its gradient keeps
    its sign and shrinks by ``etas[0]`` when the sign flips, within ``step_sizes``.

    >>> import ember
    >>> w = ember.tensor([1., -1.], requires_grad=True)
    >>> opt = ember.optim.Rprop([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([ 0.9000, -0.9000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
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
            lr = _hyper(group['lr'])
            params, grads, states = gather(self, group, lambda p: dict(
                step=_new_step(), prev=_zeros_like_param(p),
                step_size=_zeros_like_param(p, complex(lr, lr) if p.is_complex() else lr)))
            check_capturable(group, params)
            etaminus, etaplus = group['etas']
            size_min, size_max = group['step_sizes']
            rprop(params, grads, [s['prev'] for s in states], [s['step_size'] for s in states],
                  [s['step'] for s in states], maximize=group['maximize'], step_size_min=size_min,
                  step_size_max=size_max, etaminus=etaminus, etaplus=etaplus)
        return loss
