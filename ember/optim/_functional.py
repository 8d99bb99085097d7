"""The optimizers' update rules as functions over lists of tensors (math in functions).

Each function takes parallel lists (parameters, gradients, state tensors) and updates them in
place. They work on the raw arrays (``t._data``) with in-place ufuncs (``out=``), so a step
allocates no Tensors and records no graph; the array module is NumPy or CuPy, whichever holds
the parameter. Since the Tensor API is bypassed, each updated parameter's version counter is
bumped by hand, as an in-place Tensor op would.

The order of operations follows PyTorch's single-tensor implementations (for instance Adam's
``denom = sqrt(v) / sqrt(bias_correction2) + eps`` and ``p += (-step_size * m) / denom``) so that
float32 trajectories agree with PyTorch's to rounding.
"""
import numpy as np

from ember import backend

__all__ = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'adadelta']


def _xp(arr):
    return np if type(arr) is np.ndarray else backend.array_module_of(arr)


def _real(arr):
    """A real view of a complex array (PyTorch's view_as_real): the update is applied per component."""
    if arr.dtype.kind == 'c':
        return arr[..., None].view(arr.real.dtype)
    return arr


def _hyper(x):
    """A hyperparameter as a scalar: a Python float, or for a Tensor a NumPy scalar of its dtype, so that
    arithmetic on it (bias corrections) rounds like PyTorch's 0-dim tensor arithmetic."""
    if hasattr(x, '_data'):
        return x._data.dtype.type(x.item())
    return float(x)


def _check_no_scaler(grad_scale, found_inf):
    if grad_scale is not None or found_inf is not None:
        raise AssertionError("Expected grad_scale and found_inf to be None")


def _bump_step(step_t):
    """``step += 1`` on a 0-dim step tensor; returns the new value as a Python float."""
    arr = step_t._data
    arr.fill(arr.item() + 1)
    step_t._version.value += 1
    return arr.item()


def _grad_with_decay(xp, g, x, weight_decay, maximize):
    """``(-g if maximize else g) + weight_decay * x`` as a fresh array, or g itself when both are off.

    The caller owns the result only when ``g`` was copied (second return value True)."""
    if maximize:
        g = xp.negative(g)
        if weight_decay != 0:
            tmp = xp.multiply(x, weight_decay)
            xp.add(g, tmp, out=g)
        return g, True
    if weight_decay != 0:
        g2 = xp.multiply(x, weight_decay)
        xp.add(g, g2, out=g2)
        return g2, True
    return g, False


def _lerp_(xp, a, b, w, tmp):
    """``a.lerp_(b, w)`` with PyTorch's two-sided formula (accurate for weights near 0 and near 1)."""
    xp.subtract(b, a, out=tmp)
    if abs(w) < 0.5:
        xp.multiply(tmp, w, out=tmp)
        xp.add(a, tmp, out=a)
    else:
        xp.multiply(tmp, 1 - a.dtype.type(w), out=tmp)
        xp.subtract(b, tmp, out=a)


def _addcmul_sq_(xp, acc, g, value, tmp):
    """``acc.addcmul_(g, g, value=value)``: acc + (value * g) * g."""
    if value == 1:
        xp.multiply(g, g, out=tmp)
    else:
        xp.multiply(g, value, out=tmp)
        xp.multiply(tmp, g, out=tmp)
    xp.add(acc, tmp, out=acc)


# ---------------------------------------------------------------------------------------------- SGD
def sgd(params, d_p_list, momentum_buffer_list, has_sparse_grad=False, foreach=None, fused=None,
        grad_scale=None, found_inf=None, *, weight_decay, momentum, lr, dampening, nesterov, maximize):
    """SGD with optional momentum, dampening, Nesterov momentum, weight decay and maximize.

    Missing (None) entries of ``momentum_buffer_list`` are filled with new buffers in place.
    """
    _check_no_scaler(grad_scale, found_inf)
    lr, weight_decay, momentum, dampening = _hyper(lr), float(weight_decay), float(momentum), float(dampening)
    for i, p in enumerate(params):
        x = p._data
        xp = _xp(x)
        g, owned = _grad_with_decay(xp, d_p_list[i]._data, x, weight_decay, maximize)

        if momentum != 0:
            buf_t = momentum_buffer_list[i]
            if buf_t is None:
                from ember._tensor import Tensor
                buf = g.copy()
                momentum_buffer_list[i] = Tensor._make(buf, p._device)
            else:
                buf = buf_t._data
                xp.multiply(buf, momentum, out=buf)
                if dampening == 0:
                    xp.add(buf, g, out=buf)
                else:
                    xp.add(buf, xp.multiply(g, 1 - dampening), out=buf)
                buf_t._version.value += 1
            if nesterov:
                if owned:
                    xp.add(g, xp.multiply(buf, momentum), out=g)
                else:
                    g = xp.add(g, xp.multiply(buf, momentum))
                    owned = True
            else:
                g, owned = buf, False

        # p += (-lr) * g, done as p -= lr * g (bitwise the same: rounding is sign-symmetric)
        if owned:
            xp.multiply(g, lr, out=g)
            xp.subtract(x, g, out=x)
        else:
            xp.subtract(x, xp.multiply(g, lr), out=x)
        p._version.value += 1


# --------------------------------------------------------------------------------------------- Adam
def adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, foreach=None, capturable=False,
         differentiable=False, fused=None, grad_scale=None, found_inf=None, has_complex=False,
         decoupled_weight_decay=False, *, amsgrad, beta1, beta2, lr, weight_decay, eps, maximize):
    """Adam (and AdamW when ``decoupled_weight_decay``), with optional AMSGrad and maximize."""
    _check_no_scaler(grad_scale, found_inf)
    lr, beta1, beta2 = _hyper(lr), _hyper(beta1), _hyper(beta2)
    weight_decay, eps = float(weight_decay), float(eps)
    for i, p in enumerate(params):
        x = p._data
        xp = _xp(x)
        g = grads[i]._data
        step = _bump_step(state_steps[i])

        if weight_decay != 0 and decoupled_weight_decay:
            xp.multiply(x, 1 - lr * weight_decay, out=x)
            g, _ = _grad_with_decay(xp, g, x, 0.0, maximize)
        else:
            g, _ = _grad_with_decay(xp, g, x, weight_decay, maximize)

        xr, g = _real(x), _real(g)
        m, v = _real(exp_avgs[i]._data), _real(exp_avg_sqs[i]._data)
        tmp = xp.empty_like(xr)
        _lerp_(xp, m, g, 1 - beta1, tmp)
        xp.multiply(v, beta2, out=v)
        _addcmul_sq_(xp, v, g, 1 - beta2, tmp)

        bias_correction1 = 1 - beta1 ** step
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        step_size = lr / bias_correction1

        if amsgrad:
            vmax = _real(max_exp_avg_sqs[i]._data)
            xp.maximum(vmax, v, out=vmax)
            v = vmax
        denom = tmp
        xp.sqrt(v, out=denom)
        xp.divide(denom, bias_correction2_sqrt, out=denom)
        xp.add(denom, eps, out=denom)
        # addcdiv_(m, denom, value=-step_size): p + (value * m) / denom
        upd = xp.multiply(m, -step_size)
        xp.divide(upd, denom, out=upd)
        xp.add(xr, upd, out=xr)
        p._version.value += 1


def adamw(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, foreach=None, capturable=False,
          differentiable=False, fused=None, grad_scale=None, found_inf=None, has_complex=False, *, amsgrad,
          beta1, beta2, lr, weight_decay, eps, maximize):
    """AdamW: Adam with decoupled weight decay (``p *= 1 - lr * weight_decay`` before the update)."""
    adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, grad_scale=grad_scale,
         found_inf=found_inf, decoupled_weight_decay=True, amsgrad=amsgrad, beta1=beta1, beta2=beta2, lr=lr,
         weight_decay=weight_decay, eps=eps, maximize=maximize)


# ------------------------------------------------------------------------------------------ RMSprop
def rmsprop(params, grads, square_avgs, grad_avgs, momentum_buffer_list, state_steps, foreach=None,
            maximize=False, differentiable=False, capturable=False, has_complex=False, *, lr, alpha, eps,
            weight_decay, momentum, centered):
    """RMSprop with optional centering, momentum, weight decay and maximize."""
    lr, alpha, eps = _hyper(lr), float(alpha), float(eps)
    weight_decay, momentum = float(weight_decay), float(momentum)
    for i, p in enumerate(params):
        x = p._data
        xp = _xp(x)
        _bump_step(state_steps[i])
        g, _ = _grad_with_decay(xp, grads[i]._data, x, weight_decay, maximize)
        xr, g = _real(x), _real(g)
        v = _real(square_avgs[i]._data)
        tmp = xp.empty_like(xr)

        xp.multiply(v, alpha, out=v)
        _addcmul_sq_(xp, v, g, 1 - alpha, tmp)
        avg = tmp
        if centered:
            ga = _real(grad_avgs[i]._data)
            _lerp_(xp, ga, g, 1 - alpha, tmp)
            xp.multiply(ga, ga, out=avg)          # addcmul(ga, ga, value=-1): v - ga * ga
            xp.subtract(v, avg, out=avg)
            xp.sqrt(avg, out=avg)
        else:
            xp.sqrt(v, out=avg)
        xp.add(avg, eps, out=avg)

        if momentum > 0:
            buf = _real(momentum_buffer_list[i]._data)
            xp.multiply(buf, momentum, out=buf)
            xp.add(buf, xp.divide(g, avg), out=buf)   # addcdiv_(g, avg) with value 1
            xp.subtract(xr, xp.multiply(buf, lr), out=xr)
        else:
            upd = xp.multiply(g, -lr)
            xp.divide(upd, avg, out=upd)
            xp.add(xr, upd, out=xr)
        p._version.value += 1


# ------------------------------------------------------------------------------------------ Adagrad
def adagrad(params, grads, state_sums, state_steps, fused=None, grad_scale=None, found_inf=None,
            has_sparse_grad=False, foreach=None, differentiable=False, has_complex=False, *, lr, weight_decay,
            lr_decay, eps, maximize):
    """Adagrad with learning-rate decay, weight decay and maximize."""
    _check_no_scaler(grad_scale, found_inf)
    lr, weight_decay, lr_decay, eps = _hyper(lr), float(weight_decay), float(lr_decay), float(eps)
    for p, grad, state_sum, step_t in zip(params, grads, state_sums, state_steps):
        x = p._data
        xp = _xp(x)
        step = _bump_step(step_t)
        g, _ = _grad_with_decay(xp, grad._data, x, weight_decay, maximize)
        clr = lr / (1 + (step - 1) * lr_decay)
        xr, g, s = _real(x), _real(g), _real(state_sum._data)
        std = xp.empty_like(xr)
        _addcmul_sq_(xp, s, g, 1, std)
        xp.sqrt(s, out=std)
        xp.add(std, eps, out=std)
        upd = xp.multiply(g, -clr)
        xp.divide(upd, std, out=upd)
        xp.add(xr, upd, out=xr)
        p._version.value += 1


# ----------------------------------------------------------------------------------------- Adadelta
def adadelta(params, grads, square_avgs, acc_deltas, state_steps, capturable=False, foreach=None,
             differentiable=False, has_complex=False, *, lr, rho, eps, weight_decay, maximize):
    """Adadelta with weight decay and maximize."""
    lr, rho, eps, weight_decay = _hyper(lr), float(rho), float(eps), float(weight_decay)
    for p, grad, square_avg, acc_delta, step_t in zip(params, grads, square_avgs, acc_deltas, state_steps):
        x = p._data
        xp = _xp(x)
        _bump_step(step_t)
        g, _ = _grad_with_decay(xp, grad._data, x, weight_decay, maximize)
        xr, g = _real(x), _real(g)
        v, u = _real(square_avg._data), _real(acc_delta._data)
        tmp = xp.empty_like(xr)

        xp.multiply(v, rho, out=v)
        _addcmul_sq_(xp, v, g, 1 - rho, tmp)
        std = xp.add(v, eps)
        xp.sqrt(std, out=std)
        delta = xp.add(u, eps)
        xp.sqrt(delta, out=delta)
        xp.divide(delta, std, out=delta)
        xp.multiply(delta, g, out=delta)
        xp.multiply(u, rho, out=u)
        _addcmul_sq_(xp, u, delta, 1 - rho, tmp)
        xp.subtract(xr, xp.multiply(delta, lr), out=xr)
        p._version.value += 1
