"""The optimizers' update rules as functions over lists of tensors (math in functions).

Each function takes parallel lists (parameters, gradients, state tensors) and updates them in
place. They work on the raw arrays (``t._data``) with in-place ufuncs (``out=``), so a step
allocates no Tensors and records no graph; the array module is NumPy or CuPy, whichever holds
the parameter. Since the Tensor API is bypassed, each updated parameter's version counter is
bumped by hand, as an in-place Tensor op would.

The order of operations follows PyTorch's single-tensor implementations (for instance Adam's
``denom = sqrt(v) / sqrt(bias_correction2) + eps`` and ``p += (-step_size * m) / denom``), so
float64 results agree with PyTorch's to ~1e-16. PyTorch's CPU kernels fuse the multiply-adds of
``add(alpha=)``, ``addcmul`` and ``lerp`` into one rounding (a vector FMA); NumPy rounds the product
first, which differs in the last bit for a fraction of a percent of the elements at each step. So with
``ember.numerics.set_pytorch_bits(True)`` (the default) float32 updates on NumPy arrays do those steps
with ``fma32_to`` (one double pass and a check for the rare double-rounding cases), giving PyTorch's
float32 bits; with it off, and for other dtypes and devices, they take the cheaper two roundings.

The per-parameter math sits in ``_*_block`` kernels that work on any slice of the arrays: the
updates are elementwise, so a large parameter is processed in cache-sized blocks, each going
through all the update's passes while it is still in cache (the same numbers, about twice as fast).
"""
import numpy as np

from ember import backend, numerics
from ember._random.exact import fma32_to
from ember.optim._blas_axpy import axpy_ as _blas_axpy_

__all__ = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'adadelta']

# elements per block: ~6 float32 arrays of this size stay within a 1 MiB L2 cache
_BLOCK = 1 << 15


def _xp(arr):
    return np if type(arr) is np.ndarray else backend.array_module_of(arr)


def _real(arr):
    """A real view of a complex array (PyTorch's view_as_real): the update is applied per component. A 0-d
    array comes back as a 1-element view, on which NumPy's ufuncs return arrays (``out=`` targets), not scalars."""
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.dtype.kind == 'c':
        return arr[..., None].view(arr.real.dtype)
    return arr


def _blocks(*arrays):
    """Matching slices of same-shaped arrays (None entries pass through): one slice of each for small,
    non-contiguous or GPU arrays, else flat blocks of ``_BLOCK`` elements."""
    first = arrays[0]
    n = first.size
    if first.ndim == 0:     # a 0-d parameter as a 1-element view: NumPy's ufuncs then return arrays, not scalars
        yield [a.reshape(1) if a is not None else None for a in arrays]
        return
    if n <= 2 * _BLOCK or type(first) is not np.ndarray or \
            not all(a.flags.c_contiguous for a in arrays if a is not None):
        yield arrays
        return
    flats = [a.reshape(-1) if a is not None else None for a in arrays]
    for start in range(0, n, _BLOCK):
        yield [f[start:start + _BLOCK] if f is not None else None for f in flats]


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
    step_t._version_counter.value += 1
    return arr.item()


def _fused(arr):
    """Whether ``arr``'s multiply-adds round once, as PyTorch's CPU kernels do (see the module's docstring)."""
    return numerics.ENABLED[0] and type(arr) is np.ndarray and arr.dtype == np.float32


def _axpy_(xp, y, a, x, out):
    """``out = y + a * x`` (PyTorch's ``y.add(x, alpha=a)``): fused when :func:`_fused`; ``out`` may be ``y``
    (then float32 NumPy arrays take BLAS's saxpy, one pass instead of two or three: with PyTorch's bits
    only where saxpy rounds once, as :func:`fma32_to` does, see ember/optim/_blas_axpy.py)."""
    if _fused(y):
        if out is y and _blas_axpy_(y, np.float32(a), x, exact=True):
            return y
        return fma32_to(x, np.float32(a), y, out)
    if out is y and _blas_axpy_(y, a, x):
        return y
    return xp.add(y, xp.multiply(x, a), out=out)


def _effective_grad(xp, g, x, weight_decay, maximize):
    """``(-g if maximize else g) + weight_decay * x``: a fresh array, or ``g`` itself when both are off."""
    if g.ndim == 0:         # (a 0-d parameter: 1-element views, so that results are arrays)
        g, x = g.reshape(1), x.reshape(1)
    if weight_decay != 0 and _fused(g):
        g = xp.negative(g) if maximize else g
        return fma32_to(x, np.float32(weight_decay), g, g if maximize else xp.empty_like(g))
    if maximize:
        g = xp.negative(g)
        if weight_decay != 0:
            xp.add(g, xp.multiply(x, weight_decay), out=g)
        return g
    if weight_decay != 0:
        g2 = xp.multiply(x, weight_decay)
        xp.add(g, g2, out=g2)
        return g2
    return g


def _lerp_(xp, a, b, w, tmp):
    """``a.lerp_(b, w)`` with PyTorch's two-sided formula (accurate for weights near 0 and near 1)."""
    xp.subtract(b, a, out=tmp)
    if _fused(a):           # a + w * (b - a), or b - (b - a) * (1 - w), each one fused multiply-add
        w = np.float32(w)
        if abs(w) < 0.5:    # (BLAS's saxpy in one pass where it rounds once, as for _axpy_)
            if not _blas_axpy_(a, w, tmp, exact=True):
                fma32_to(tmp, w, a, a)
        else:
            fma32_to(xp.negative(tmp, out=tmp), 1 - w, b, a)
        return
    if abs(w) < 0.5:
        xp.multiply(tmp, w, out=tmp)
        xp.add(a, tmp, out=a)
    else:
        xp.multiply(tmp, 1 - a.dtype.type(w), out=tmp)
        xp.subtract(b, tmp, out=a)


def _addcmul_sq_(xp, acc, g, value, tmp):
    """``acc.addcmul_(g, g, value=value)``: acc + (value * g) * g."""
    if _fused(acc):         # the product (value * g) * g and the sum round once
        fma32_to(g if value == 1 else xp.multiply(g, value, out=tmp), g, acc, acc)
        return
    if value == 1:
        xp.multiply(g, g, out=tmp)
    else:
        xp.multiply(g, value, out=tmp)
        xp.multiply(tmp, g, out=tmp)
    xp.add(acc, tmp, out=acc)


# ---------------------------------------------------------------------------------------------- SGD
def _sgd_block(xp, x, g, buf, new_buf, weight_decay, momentum, lr, dampening, nesterov, maximize):
    g = _effective_grad(xp, g, x, weight_decay, maximize)
    if buf is not None:
        if new_buf:                        # the first step: the buffer is the gradient itself
            buf[...] = g
        else:
            xp.multiply(buf, momentum, out=buf)
            if dampening == 0:
                xp.add(buf, g, out=buf)
            else:
                _axpy_(xp, buf, 1 - dampening, g, buf)
        g = _axpy_(xp, g, momentum, buf, xp.empty_like(g)) if nesterov else buf
    if _fused(x):
        _axpy_(xp, x, -lr, g, x)
    elif not _blas_axpy_(x, -lr, g):    # (BLAS: one pass) p += (-lr) * g, done as p -= lr * g (bitwise
        xp.subtract(x, xp.multiply(g, lr), out=x)    # the same: rounding is sign-symmetric)


def _check_buffer_shapes(params, buffers):
    """A loaded momentum buffer of another shape is refused before any parameter changes, with
    PyTorch's text for the buffer's update (PyTorch has updated the earlier parameters by then)."""
    from ember.ops._util import broadcast_error
    for p, buf in zip(params, buffers):
        if buf is not None and buf.shape != p.shape:
            raise broadcast_error(buf.shape, p.shape)


def sgd(params, d_p_list, momentum_buffer_list, has_sparse_grad=False, foreach=None, fused=None,
        grad_scale=None, found_inf=None, *, weight_decay, momentum, lr, dampening, nesterov, maximize):
    """SGD with optional momentum, dampening, Nesterov momentum, weight decay and maximize.

    Missing (None) entries of ``momentum_buffer_list`` are filled with new buffers in place.
    """
    _check_no_scaler(grad_scale, found_inf)
    lr, weight_decay, momentum, dampening = _hyper(lr), float(weight_decay), float(momentum), float(dampening)
    if momentum != 0:
        _check_buffer_shapes(params, momentum_buffer_list)
    for i, p in enumerate(params):
        if d_p_list[i].is_sparse:
            _sgd_sparse(p, d_p_list[i], i, momentum_buffer_list, weight_decay, momentum, lr, dampening, nesterov,
                        maximize)
            continue
        x = p._data
        xp = _xp(x)
        buf, new_buf = None, False
        if momentum != 0:
            buf_t = momentum_buffer_list[i]
            if buf_t is None:
                from ember._tensor import Tensor
                buf, new_buf = xp.empty_like(x), True
                momentum_buffer_list[i] = Tensor._make(buf, p._device)
            else:
                buf = buf_t._data
                buf_t._version_counter.value += 1
        g = d_p_list[i]._data
        if buf is not None or weight_decay != 0 or maximize or not _blas_axpy_(x, -lr, g, exact=_fused(x)):
            # (plain SGD: p += -lr * g by BLAS over the whole parameter, one pass, where it can)
            for xb, gb, bb in _blocks(x, g, buf):
                _sgd_block(xp, xb, gb, bb, new_buf, weight_decay, momentum, lr, dampening, nesterov, maximize)
        p._version_counter.value += 1


def _sgd_sparse(p, g, i, momentum_buffer_list, weight_decay, momentum, lr, dampening, nesterov, maximize):
    """SGD with a sparse gradient (nn.Embedding(sparse=True)), as PyTorch's: only the rows the gradient
    names move; the momentum buffer is sparse too."""
    if weight_decay != 0:
        raise RuntimeError("add(sparse, dense) is not supported. Use add(dense, sparse) instead.")
    from ember.autograd.grad_mode import no_grad
    with no_grad():
        if maximize:
            g = -g
        if momentum != 0:
            buf = momentum_buffer_list[i]
            buf = g.clone() if buf is None else buf * momentum + g * (1 - dampening)
            momentum_buffer_list[i] = buf
            g = g + buf * momentum if nesterov else buf
        add_sparse_(p, g, -lr)


def add_sparse_(p, g, alpha):
    """``p += alpha * g`` in place, ``g`` sparse (duplicate indices add up)."""
    p.index_put_(tuple(g._indices()), g._values() * alpha, accumulate=True)


def sparse_adam(params, grads, exp_avgs, exp_avg_sqs, state_steps, *, eps, beta1, beta2, lr, maximize=False):
    """Adam on the rows a sparse gradient names (PyTorch's SparseAdam): the moments and the parameter
    change there only."""
    import math
    from ember.autograd.grad_mode import no_grad
    with no_grad():
        for p, grad, exp_avg, exp_avg_sq, step in zip(params, grads, exp_avgs, exp_avg_sqs, state_steps):
            grad = (-grad if maximize else grad).coalesce()
            rows, values = tuple(grad._indices()), grad._values()
            if values.numel() == 0:
                continue
            old_avg, old_avg_sq = exp_avg[rows], exp_avg_sq[rows]
            avg_update = (values - old_avg) * (1 - beta1)
            exp_avg.index_put_(rows, avg_update, accumulate=True)
            avg_sq_update = (values ** 2 - old_avg_sq) * (1 - beta2)
            exp_avg_sq.index_put_(rows, avg_sq_update, accumulate=True)
            numer = avg_update + old_avg
            denom = (avg_sq_update + old_avg_sq).sqrt() + eps
            step_size = lr * math.sqrt(1 - beta2 ** step) / (1 - beta1 ** step)
            p.index_put_(rows, -step_size * (numer / denom), accumulate=True)


# --------------------------------------------------------------------------------------------- Adam
def _adam_block(xp, x, g, m, v, vmax, lr, beta1, beta2, weight_decay, eps, maximize, decoupled, step_size,
                bias_correction2_sqrt):
    if weight_decay != 0 and decoupled:
        xp.multiply(x, 1 - lr * weight_decay, out=x)
        g = _effective_grad(xp, g, x, 0.0, maximize)
    else:
        g = _effective_grad(xp, g, x, weight_decay, maximize)
    x, g, m, v = _real(x), _real(g), _real(m), _real(v)
    tmp = xp.empty_like(x)
    _lerp_(xp, m, g, 1 - beta1, tmp)
    xp.multiply(v, beta2, out=v)
    _addcmul_sq_(xp, v, g, 1 - beta2, tmp)
    if vmax is not None:          # AMSGrad: normalise by the largest second moment seen so far
        vmax = _real(vmax)
        xp.maximum(vmax, v, out=vmax)
        v = vmax
    denom = tmp
    xp.sqrt(v, out=denom)
    xp.divide(denom, bias_correction2_sqrt, out=denom)
    xp.add(denom, eps, out=denom)
    # addcdiv_(m, denom, value=-step_size): p + (value * m) / denom
    upd = xp.multiply(m, -step_size)
    xp.divide(upd, denom, out=upd)
    xp.add(x, upd, out=x)


def adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, foreach=None, capturable=False,
         differentiable=False, fused=None, grad_scale=None, found_inf=None, has_complex=False,
         decoupled_weight_decay=False, *, amsgrad, beta1, beta2, lr, weight_decay, eps, maximize):
    """Adam (and AdamW when ``decoupled_weight_decay``), with optional AMSGrad and maximize."""
    _check_no_scaler(grad_scale, found_inf)
    lr, beta1, beta2 = _hyper(lr), _hyper(beta1), _hyper(beta2)
    weight_decay, eps = float(weight_decay), float(eps)
    for i, p in enumerate(params):
        x = p._data
        step = _bump_step(state_steps[i])
        bias_correction1 = 1 - beta1 ** step
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        step_size = lr / bias_correction1
        vmax = max_exp_avg_sqs[i]._data if amsgrad else None
        for xb, gb, mb, vb, vmb in _blocks(x, grads[i]._data, exp_avgs[i]._data, exp_avg_sqs[i]._data, vmax):
            _adam_block(_xp(x), xb, gb, mb, vb, vmb, lr, beta1, beta2, weight_decay, eps, maximize,
                        decoupled_weight_decay, step_size, bias_correction2_sqrt)
        p._version_counter.value += 1


def adamw(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, foreach=None, capturable=False,
          differentiable=False, fused=None, grad_scale=None, found_inf=None, has_complex=False, *, amsgrad,
          beta1, beta2, lr, weight_decay, eps, maximize):
    """AdamW: Adam with decoupled weight decay (``p *= 1 - lr * weight_decay`` before the update)."""
    adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, grad_scale=grad_scale,
         found_inf=found_inf, decoupled_weight_decay=True, amsgrad=amsgrad, beta1=beta1, beta2=beta2, lr=lr,
         weight_decay=weight_decay, eps=eps, maximize=maximize)


# ------------------------------------------------------------------------------------------ RMSprop
def _rmsprop_block(xp, x, g, v, ga, buf, lr, alpha, eps, weight_decay, momentum, maximize):
    g = _effective_grad(xp, g, x, weight_decay, maximize)
    x, g, v = _real(x), _real(g), _real(v)
    avg = xp.empty_like(x)
    xp.multiply(v, alpha, out=v)
    _addcmul_sq_(xp, v, g, 1 - alpha, avg)
    if ga is not None:            # centered: subtract the squared running mean of the gradient
        ga = _real(ga)
        _lerp_(xp, ga, g, 1 - alpha, avg)
        if _fused(v):                           # addcmul(ga, ga, value=-1): v + (-ga) * ga
            fma32_to(xp.negative(ga, out=avg), ga, v, avg)
        else:
            xp.multiply(ga, ga, out=avg)
            xp.subtract(v, avg, out=avg)
        xp.sqrt(avg, out=avg)
    else:
        xp.sqrt(v, out=avg)
    xp.add(avg, eps, out=avg)
    if buf is not None:
        buf = _real(buf)
        xp.multiply(buf, momentum, out=buf)
        xp.add(buf, xp.divide(g, avg), out=buf)   # addcdiv_(g, avg) with value 1
        _axpy_(xp, x, -lr, buf, x)
    else:
        upd = xp.multiply(g, -lr)
        xp.divide(upd, avg, out=upd)
        xp.add(x, upd, out=x)


def rmsprop(params, grads, square_avgs, grad_avgs, momentum_buffer_list, state_steps, foreach=None,
            maximize=False, differentiable=False, capturable=False, has_complex=False, *, lr, alpha, eps,
            weight_decay, momentum, centered):
    """RMSprop with optional centering, momentum, weight decay and maximize."""
    lr, alpha, eps = _hyper(lr), float(alpha), float(eps)
    weight_decay, momentum = float(weight_decay), float(momentum)
    for i, p in enumerate(params):
        x = p._data
        _bump_step(state_steps[i])
        ga = grad_avgs[i]._data if centered else None
        buf = momentum_buffer_list[i]._data if momentum > 0 else None
        for xb, gb, vb, gab, bb in _blocks(x, grads[i]._data, square_avgs[i]._data, ga, buf):
            _rmsprop_block(_xp(x), xb, gb, vb, gab, bb, lr, alpha, eps, weight_decay, momentum, maximize)
        p._version_counter.value += 1


# ------------------------------------------------------------------------------------------ Adagrad
def _adagrad_block(xp, x, g, s, clr, eps, weight_decay, maximize):
    g = _effective_grad(xp, g, x, weight_decay, maximize)
    x, g, s = _real(x), _real(g), _real(s)
    std = xp.empty_like(x)
    _addcmul_sq_(xp, s, g, 1, std)
    xp.sqrt(s, out=std)
    xp.add(std, eps, out=std)
    upd = xp.multiply(g, -clr)
    xp.divide(upd, std, out=upd)
    xp.add(x, upd, out=x)


def adagrad(params, grads, state_sums, state_steps, fused=None, grad_scale=None, found_inf=None,
            has_sparse_grad=False, foreach=None, differentiable=False, has_complex=False, *, lr, weight_decay,
            lr_decay, eps, maximize):
    """Adagrad with learning-rate decay, weight decay and maximize."""
    _check_no_scaler(grad_scale, found_inf)
    lr, weight_decay, lr_decay, eps = _hyper(lr), float(weight_decay), float(lr_decay), float(eps)
    for p, grad, state_sum, step_t in zip(params, grads, state_sums, state_steps):
        x = p._data
        step = _bump_step(step_t)
        clr = lr / (1 + (step - 1) * lr_decay)
        for xb, gb, sb in _blocks(x, grad._data, state_sum._data):
            _adagrad_block(_xp(x), xb, gb, sb, clr, eps, weight_decay, maximize)
        p._version_counter.value += 1


# ----------------------------------------------------------------------------------------- Adadelta
def _adadelta_block(xp, x, g, v, u, lr, rho, eps, weight_decay, maximize):
    g = _effective_grad(xp, g, x, weight_decay, maximize)
    x, g, v, u = _real(x), _real(g), _real(v), _real(u)
    tmp = xp.empty_like(x)
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
    _axpy_(xp, x, -lr, delta, x)


def adadelta(params, grads, square_avgs, acc_deltas, state_steps, capturable=False, foreach=None,
             differentiable=False, has_complex=False, *, lr, rho, eps, weight_decay, maximize):
    """Adadelta with weight decay and maximize."""
    lr, rho, eps, weight_decay = _hyper(lr), float(rho), float(eps), float(weight_decay)
    for p, grad, square_avg, acc_delta, step_t in zip(params, grads, square_avgs, acc_deltas, state_steps):
        x = p._data
        _bump_step(step_t)
        for xb, gb, vb, ub in _blocks(x, grad._data, square_avg._data, acc_delta._data):
            _adadelta_block(_xp(x), xb, gb, vb, ub, lr, rho, eps, weight_decay, maximize)
        p._version_counter.value += 1
