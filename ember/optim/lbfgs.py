"""L-BFGS with an optional strong-Wolfe line search (Nocedal & Wright, Numerical Optimization, ch. 6-7).

The parameters are handled as one flat vector: gradients are gathered into a flat array, the
two-loop recursion computes the quasi-Newton direction from the last ``history_size`` curvature
pairs, and a step of length ``t`` along it is scattered back into the parameters. The sequence of
decisions (first step length, curvature test, termination tests, the line search's bracketing and
zoom phases) is the one PyTorch uses, so both take the same steps.
"""
import numpy as np

from ember._tensor import Tensor
from ember.autograd.grad_mode import enable_grad as _enable_grad
from ember.optim._functional import _real
from ember.optim.optimizer import Optimizer, _use_grad_for_differentiable

__all__ = ['LBFGS']


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """Minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1, g2, clipped to ``bounds``.

    Nocedal & Wright eq. (3.59); falls back to the middle of the bounds when the cubic has no minimum.
    """
    if bounds is not None:
        lo, hi = bounds
    else:
        lo, hi = (x1, x2) if x1 <= x2 else (x2, x1)
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 ** 2 - g1 * g2
    if d2_square < 0:
        return (lo + hi) / 2.
    d2 = np.sqrt(d2_square)
    if x1 <= x2:
        min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(min_pos, lo), hi)


def _strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """Find a step ``t`` along ``d`` meeting the strong Wolfe conditions (N&W algorithms 3.5 and 3.6).

    ``obj_func(x, t, d)`` returns (loss, flat gradient) at ``x + t * d``. Returns the accepted
    (loss, gradient, t, number of evaluations).
    """
    d_norm = abs(d).max()
    g = g.copy()
    f_new, g_new = obj_func(x, t, d)
    evals = 1
    gtd_new = g_new.dot(d)

    # phase 1: grow t until an interval is known to hold an acceptable step
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        sufficient_decrease_fails = f_new > (f + c1 * t * gtd)
        if sufficient_decrease_fails or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:   # curvature condition holds too: t is acceptable
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:                # the slope turned: a minimiser lies between t_prev and t
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        # extrapolate: a cubic step, kept within [t + 0.01 (t - t_prev), 10 t]
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        t_next = _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step))
        t_prev, f_prev, g_prev, gtd_prev = t, f_new, g_new.copy(), gtd_new
        t = t_next
        f_new, g_new = obj_func(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1

    if ls_iter == max_ls:  # out of evaluations: choose between the start and the last trial
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    # phase 2 (zoom): shrink the bracket by cubic interpolation until a step is acceptable
    insufficient_progress = False
    low, high = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1])

        # keep t at least 10% of the bracket away from its ends, so the bracket keeps shrinking
        b_max, b_min = max(bracket), min(bracket)
        margin = 0.1 * (b_max - b_min)
        if min(b_max - t, t - b_min) < margin:
            if insufficient_progress or t >= b_max or t <= b_min:
                t = b_max - margin if abs(t - b_max) < abs(t - b_min) else b_min + margin
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False

        f_new, g_new = obj_func(x, t, d)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1

        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low]:
            # not enough decrease: t becomes the new high end
            bracket[high], bracket_f[high] = t, f_new
            bracket_g[high], bracket_gtd[high] = g_new.copy(), gtd_new
            low, high = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                # the minimiser lies on the other side of t: the old low end becomes the high end
                bracket[high], bracket_f[high] = bracket[low], bracket_f[low]
                bracket_g[high], bracket_gtd[high] = bracket_g[low], bracket_gtd[low]
            bracket[low], bracket_f[low] = t, f_new
            bracket_g[low], bracket_gtd[low] = g_new.copy(), gtd_new

    return bracket_f[low], bracket_g[low], bracket[low], evals


def _unwrap(value):
    """State at rest holds Tensors (as PyTorch's does); the algorithm works on arrays and scalars."""
    if isinstance(value, Tensor):
        return value._data[()] if value._data.ndim == 0 else value._data
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


def _wrap(value, device):
    if isinstance(value, np.generic):
        return Tensor._make(np.asarray(value))
    if isinstance(value, list):
        return [_wrap(v, device) for v in value]
    if hasattr(value, 'shape') and not isinstance(value, Tensor):
        return Tensor._make(value, device)
    return value


class LBFGS(Optimizer):
    """L-BFGS, like ``torch.optim.LBFGS``: ``step(closure)`` runs up to ``max_iter`` iterations.

    Only one parameter group is supported, and all parameters must be on one device. The closure
    must clear the gradients, compute the loss, call ``backward`` and return the loss.

    >>> import ember
    >>> x = ember.tensor([1.5, -0.5], dtype=ember.float64, requires_grad=True)
    >>> opt = ember.optim.LBFGS([x], line_search_fn='strong_wolfe')
    >>> def closure():
    ...     opt.zero_grad()
    ...     loss = ((x - ember.tensor([1., 2.], dtype=ember.float64)) ** 2).sum()
    ...     loss.backward()
    ...     return loss
    >>> _ = opt.step(closure)
    >>> [round(v, 6) for v in x.tolist()]
    [1.0, 2.0]
    """

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
                 history_size=100, line_search_fn=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                        tolerance_change=tolerance_change, history_size=history_size,
                        line_search_fn=line_search_fn)
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]['params']

    # ------------------------------------------------------------ flat-vector views of the params
    def _gather_flat_grad(self):
        xp = self._params[0]._xp
        parts = [_real(p._grad._data if p._grad is not None else xp.zeros_like(p._data)).reshape(-1)
                 for p in self._params]
        return xp.concatenate(parts)

    def _add_grad(self, step_size, update):
        """``p += step_size * update`` for each parameter's slice of the flat ``update``."""
        offset = 0
        for p in self._params:
            x = _real(p._data)
            n = x.size
            x += update[offset:offset + n].reshape(x.shape) * step_size
            p._version_counter.value += 1
            offset += n

    def _clone_param(self):
        return [p._data.copy() for p in self._params]

    def _set_param(self, params_data):
        for p, data in zip(self._params, params_data):
            p._data[...] = data
            p._version_counter.value += 1

    def _directional_evaluate(self, closure, x, t, d):
        self._add_grad(t, d)
        loss = _scalar(closure())
        flat_grad = self._gather_flat_grad()
        self._set_param(x)
        return loss, flat_grad

    # ------------------------------------------------------------------------------------- step
    @_use_grad_for_differentiable
    def step(self, closure):
        """Run up to ``max_iter`` L-BFGS iterations; ``closure`` re-evaluates the model and returns the loss."""
        assert len(self.param_groups) == 1
        group = self.param_groups[0]
        lr = group['lr']
        lr = lr.item() if isinstance(lr, Tensor) else lr
        max_iter, max_eval = group['max_iter'], group['max_eval']
        tolerance_grad, tolerance_change = group['tolerance_grad'], group['tolerance_change']
        line_search_fn, history_size = group['line_search_fn'], group['history_size']

        def evaluate():
            with _enable_grad():
                return closure()

        # all the optimizer's state lives under the first parameter, as in PyTorch
        state = self.state[self._params[0]]
        state.setdefault('func_evals', 0)
        state.setdefault('n_iter', 0)

        orig_loss = evaluate()
        loss = _scalar(orig_loss)
        current_evals = 1
        state['func_evals'] += 1

        flat_grad = self._gather_flat_grad()
        if abs(flat_grad).max() <= tolerance_grad:  # already at a stationary point
            return orig_loss

        d, t = _unwrap(state.get('d')), _unwrap(state.get('t'))
        old_dirs, old_stps = _unwrap(state.get('old_dirs')), _unwrap(state.get('old_stps'))
        ro, H_diag = _unwrap(state.get('ro')), _unwrap(state.get('H_diag'))
        prev_flat_grad, prev_loss = _unwrap(state.get('prev_flat_grad')), state.get('prev_loss')
        al = _unwrap(state['al']) if 'al' in state else None

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state['n_iter'] += 1

            # ---- the search direction
            if state['n_iter'] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                y = flat_grad - prev_flat_grad      # change in gradient
                s = d * t                           # change in parameters
                ys = y.dot(s)
                if ys > 1e-10:                      # keep only pairs with positive curvature
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / y.dot(y)          # scaling of the initial inverse Hessian

                # two-loop recursion: d = -H g, H the L-BFGS inverse-Hessian approximation
                num_old = len(old_dirs)
                if al is None:
                    al = [None] * history_size
                    state['al'] = None   # (filled in below) keeps PyTorch's key order in the state dict
                q = -flat_grad
                for i in range(num_old - 1, -1, -1):
                    al[i] = old_stps[i].dot(q) * ro[i]
                    q += old_dirs[i] * (-al[i])
                d = r = q * H_diag
                for i in range(num_old):
                    be_i = old_dirs[i].dot(r) * ro[i]
                    r += old_stps[i] * (al[i] - be_i)

            if prev_flat_grad is None:
                prev_flat_grad = flat_grad.copy()
            else:
                prev_flat_grad[...] = flat_grad
            prev_loss = loss

            # ---- the step length: on the first iteration scale so the first step is at most lr
            if state['n_iter'] == 1:
                t = min(1., 1. / abs(flat_grad).sum()) * lr
            else:
                t = lr

            gtd = flat_grad.dot(d)                  # directional derivative
            if gtd > -tolerance_change:             # not a descent direction
                break

            ls_func_evals = 0
            if line_search_fn is not None:
                if line_search_fn != 'strong_wolfe':
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = self._clone_param()

                def obj_func(x, t, d):
                    return self._directional_evaluate(evaluate, x, t, d)
                loss, flat_grad, t, ls_func_evals = _strong_wolfe(obj_func, x_init, t, d, loss, flat_grad, gtd,
                                                                  max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = abs(flat_grad).max() <= tolerance_grad
            else:
                self._add_grad(t, d)
                if n_iter != max_iter:
                    # re-evaluate only when another iteration may follow
                    loss = _scalar(evaluate())
                    flat_grad = self._gather_flat_grad()
                    opt_cond = abs(flat_grad).max() <= tolerance_grad
                    ls_func_evals = 1

            current_evals += ls_func_evals
            state['func_evals'] += ls_func_evals

            # ---- termination tests
            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if abs(d * t).max() <= tolerance_change:    # the step changed the parameters too little
                break
            if abs(loss - prev_loss) < tolerance_change:  # the loss changed too little
                break

        device = self._params[0]._device
        state['d'] = _wrap(d, device)
        state['t'] = _wrap(t, device)
        state['old_dirs'] = _wrap(old_dirs, device)
        state['old_stps'] = _wrap(old_stps, device)
        state['ro'] = _wrap(ro, device)
        state['H_diag'] = _wrap(H_diag, device)
        state['prev_flat_grad'] = _wrap(prev_flat_grad, device)
        state['prev_loss'] = prev_loss
        if al is not None:
            state['al'] = _wrap(al, device)
        return orig_loss


def _scalar(loss):
    """The closure's loss as a Python float (``item()``: no requires-grad conversion warning)."""
    return loss.item() if hasattr(loss, 'item') else float(loss)
