"""Muon: momentum SGD whose update for a weight matrix is orthogonalised by a Newton-Schulz iteration
(Jordan et al., 2024), like ``torch.optim.Muon``."""
import math

import numpy as np

from ember._tensor import Tensor
from ember.autograd import grad_mode
from ember.optim._common import gather
from ember.optim._functional import _hyper, _lerp_, _xp
from ember.optim.optimizer import Optimizer, _zeros_like_param

__all__ = ['Muon', 'muon']

EPS = 1e-7
DEFAULT_A, DEFAULT_B, DEFAULT_C = 3.4445, -4.7750, 2.0315
DEFAULT_NS_STEPS = 5


def _bf16(xp, a):
    """``a`` rounded to bfloat16 precision (round to nearest even), kept as float32.

    PyTorch runs the iteration on bfloat16 tensors, whose CPU matrix products accumulate in float32 and
    round once; float32 arithmetic rounded after each op gives the same numbers without a bfloat16 dtype.
    """
    bits = xp.ascontiguousarray(a, dtype=np.float32).view(np.uint32)
    bits = (bits + (((bits >> 16) & 1) + 0x7FFF)) & 0xFFFF0000
    return bits.astype(np.uint32).view(np.float32)


def _zeropower_via_newtonschulz(xp, grad, ns_coefficients, ns_steps, eps):
    """An approximately orthogonal matrix with ``grad``'s singular vectors (singular values pushed toward 1)."""
    if ns_steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if grad.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(ns_coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = (np.float32(v) for v in ns_coefficients)
    x = _bf16(xp, grad)
    tall = grad.shape[0] > grad.shape[1]
    if tall:
        x = x.T
    norm = _bf16(xp, xp.sqrt(xp.sum(x * x, dtype=np.float32)))
    x = _bf16(xp, x / xp.maximum(norm, _bf16(xp, xp.float32(eps))))
    for _ in range(ns_steps):
        gram = _bf16(xp, x @ x.T)
        gram_update = _bf16(xp, b * gram + c * (gram @ gram))
        x = _bf16(xp, a * x + gram_update @ x)
    return x.T if tall else x


def _adjust_lr(lr, adjust_lr_fn, shape):
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == 'original':
        ratio = math.sqrt(max(1, rows / cols))
    elif adjust_lr_fn == 'match_rms_adamw':
        ratio = 0.2 * math.sqrt(max(rows, cols))
    else:
        ratio = 1.0
    return lr * ratio


def muon(params, grads, muon_momentum_bufs, *, foreach=None, lr, weight_decay, momentum, nesterov, ns_coefficients,
         ns_steps, eps, adjust_lr_fn, has_complex=False):
    """Muon's update, in place on each (2-D) parameter and its momentum buffer."""
    if foreach:
        raise RuntimeError("Foreach is not supported for Muon yet")
    if has_complex:
        raise ValueError("Complex parameters are not supported")
    lr = _hyper(lr)
    for p, g_t, buf_t in zip(params, grads, muon_momentum_bufs):
        g, buf, x = g_t._data, buf_t._data, p._data
        xp = _xp(x)
        if g.ndim != 2:
            raise ValueError("Param gradient must be a 2D matrix")
        _lerp_(xp, buf, g, 1 - momentum, xp.empty_like(buf))
        if nesterov:
            update = g.copy()
            _lerp_(xp, update, buf, momentum, xp.empty_like(update))
        else:
            update = buf
        update = _zeropower_via_newtonschulz(xp, update, ns_coefficients, ns_steps, eps)
        adjusted_lr = _adjust_lr(lr, adjust_lr_fn, x.shape)
        xp.multiply(x, 1 - lr * weight_decay, out=x)
        xp.add(x, update.astype(x.dtype) * -adjusted_lr, out=x)
        p._version_counter.value += 1
        buf_t._version_counter.value += 1


class Muon(Optimizer):
    """Muon, like ``torch.optim.Muon``, for 2-D parameters (weight matrices): momentum (Nesterov by default)
    whose update is orthogonalised by ``ns_steps`` Newton-Schulz iterations in bfloat16 precision, with
    decoupled weight decay; ``adjust_lr_fn`` ('original' or 'match_rms_adamw') scales the step by shape.

    >>> import ember
    >>> w = ember.tensor([[1., 0.], [0., 2.]], requires_grad=True)
    >>> opt = ember.optim.Muon([w], lr=0.1, weight_decay=0)
    >>> (w ** 2).sum().backward()
    >>> opt.step()
    >>> w.shape
    ember.Size([2, 2])
    """

    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(DEFAULT_A, DEFAULT_B, DEFAULT_C), eps=EPS, ns_steps=DEFAULT_NS_STEPS,
                 adjust_lr_fn=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ['original', 'match_rms_adamw']:
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                        ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps, adjust_lr_fn=adjust_lr_fn)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group['params']:
                if p.ndim != 2:
                    raise ValueError(f"Muon only supports 2D parameters whereas we found a parameter with size: "
                                     f"{p.size()}")

    def step(self, closure=None):
        """Perform a single optimization step; ``closure`` re-evaluates the model and returns the loss."""
        loss = self._evaluate(closure)
        with grad_mode.no_grad():
            for group in self.param_groups:
                for p in group['params']:
                    if p._grad is not None and p.is_complex():
                        raise RuntimeError("Muon does not support complex parameters")
                params, grads, states = gather(self, group, lambda p: dict(momentum_buffer=_zeros_like_param(p)))
                muon(params, grads, [s['momentum_buffer'] for s in states], lr=group['lr'],
                     weight_decay=group['weight_decay'], momentum=group['momentum'], nesterov=group['nesterov'],
                     ns_coefficients=group['ns_coefficients'], eps=group['eps'], ns_steps=group['ns_steps'],
                     adjust_lr_fn=group['adjust_lr_fn'])
        return loss
