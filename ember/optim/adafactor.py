"""Adafactor (Shazeer & Stern, 2018): Adam-like steps whose second moment of a matrix is kept as its row and
column means only (memory O(n + m) instead of O(n m)), with relative step sizes and update clipping."""
import numpy as np

from ember._tensor import Tensor
from ember.optim._common import restore_defaults, with_grads
from ember.optim._functional import _bump_step, _hyper, _lerp_, _xp
from ember.autograd import grad_mode
from ember.optim.optimizer import Optimizer, _new_step, _zeros_like_param

__all__ = ['Adafactor', 'adafactor']


def _zeros(like, shape):
    return Tensor._make(like._xp.zeros(shape, like._data.dtype), like._device)


def _rms(xp, a):
    return float(xp.sqrt(xp.sum(a * a))) / a.size ** 0.5


def adafactor(params, grads, row_vars, col_vars, variances, state_steps, grad_scale=None, found_inf=None,
              foreach=None, maximize=False, has_complex=False, *, d, lr, beta2_decay, weight_decay, eps1, eps2):
    """Adafactor's update, in place on each parameter and its state (``row_var``/``col_var`` for tensors of
    two or more dimensions, ``variance`` for vectors, and ``step``)."""
    if grad_scale is not None or found_inf is not None:
        raise AssertionError("Grad scaling should occur outside of optimizer.step()")
    lr, weight_decay = _hyper(lr), float(weight_decay)
    for p, g, row_t, col_t, var_t, step_t in zip(params, grads, row_vars, col_vars, variances, state_steps):
        x = p._data
        xp = _xp(x)
        g = g._data
        if x.ndim == 0:     # a 0-d parameter as 1-element views: NumPy's ufuncs then return arrays, not scalars
            x, g = x.reshape(1), g.reshape(1)
        g = xp.negative(g) if maximize else g
        if eps1 is None:
            # NOTE: as in PyTorch, the first parameter's dtype fixes eps1 for the rest of the group
            eps1 = float(np.finfo(x.dtype).eps)
        step = _bump_step(step_t)
        one_minus_beta2 = step ** beta2_decay
        rho = min(lr, 1 / step ** 0.5)
        alpha = max(eps2, _rms(xp, x)) * rho        # the step is relative to the parameter's scale
        if weight_decay != 0:
            xp.multiply(x, 1 - lr * weight_decay, out=x)
        if g.ndim > 1:
            row, col = row_t._data, col_t._data
            row_mean = xp.sum(g * g, axis=-1, keepdims=True) / g.shape[-1]
            _lerp_(xp, row, row_mean, one_minus_beta2, xp.empty_like(row))
            col_mean = xp.sum(g * g, axis=-2, keepdims=True) / g.shape[-2]
            _lerp_(xp, col, col_mean, one_minus_beta2, xp.empty_like(col))
            estimate = xp.matmul(row, col)
            xp.divide(estimate, xp.maximum(row.mean(axis=-2, keepdims=True), eps1), out=estimate)
            row_t._version_counter.value += 1
            col_t._version_counter.value += 1
        else:
            var = var_t._data.reshape(g.shape)
            _lerp_(xp, var, g * g, one_minus_beta2, xp.empty_like(var))
            estimate = var.copy()
            var_t._version_counter.value += 1
        xp.maximum(estimate, eps1 * eps1, out=estimate)
        update = 1 / xp.sqrt(estimate)
        xp.multiply(update, g, out=update)
        denom = max(1.0, _rms(xp, update) / d)       # clip the update's RMS to d
        xp.add(x, xp.multiply(update, -alpha / denom), out=x)
        p._version_counter.value += 1


class Adafactor(Optimizer):
    """Adafactor, like ``torch.optim.Adafactor``.

    ``eps=(eps1, eps2)``: eps1 (None: the dtype's machine epsilon) floors the second-moment estimate,
    eps2 the parameter scale used by the relative step size; ``d`` clips the update's RMS.

    >>> import ember
    >>> w = ember.tensor([1., -1.], requires_grad=True)
    >>> opt = ember.optim.Adafactor([w], lr=0.1)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w
    tensor([ 0.9000, -0.9000], requires_grad=True)
    """

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *,
                 foreach=None, maximize=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        restore_defaults(self, dict(foreach=None))

    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = self._evaluate(closure)
        with grad_mode.no_grad():
            for group in self.param_groups:
                params, grads = with_grads(group)
                for p, g in zip(params, grads):
                    if p.is_complex():
                        raise RuntimeError("Adafactor does not support complex parameters")
                    state = self.state[p]
                    if len(state) == 0:
                        state['step'] = _new_step()
                        if g.dim() > 1:
                            state['row_var'] = _zeros(g, g.shape[:-1] + (1,))
                            state['col_var'] = _zeros(g, g.shape[:-2] + (1, g.shape[-1]))
                        else:
                            state['variance'] = _zeros_like_param(g)
                states = [self.state[p] for p in params]
                eps1, eps2 = group['eps']
                adafactor(params, grads, [s.get('row_var') for s in states], [s.get('col_var') for s in states],
                          [s.get('variance') for s in states], [s['step'] for s in states], d=group['d'],
                          lr=group['lr'], beta2_decay=group['beta2_decay'], weight_decay=group['weight_decay'],
                          eps1=eps1, eps2=eps2, maximize=group['maximize'],
                          grad_scale=getattr(self, 'grad_scale', None), found_inf=getattr(self, 'found_inf', None))
        return loss
