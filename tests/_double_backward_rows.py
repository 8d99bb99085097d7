"""What the op table's second-order sweep and its recorder share: for each differentiable row and sample,
which first gradients (taken with ``create_graph=True``) require grad, and which inputs each of them reaches
when differentiated again: ``'-'`` not reached, ``'0'`` reached with zeros, ``'x'`` reached with a nonzero
gradient, or the error raised (type and text, "torch" spelled "ember")."""
import numpy as np

from tests._grad_fn_names import ember_inputs, row_keys
from tests._op_harness import pick


def _weights(T, like, salt):
    values = [0.5 + ((i * 7 + salt) % 5) * 0.25 for i in range(like.numel())]
    return T.tensor(values, dtype=like.dtype).reshape(like.shape)


def _error(e):
    return f'{type(e).__name__}: {e}'.replace('torch', 'ember')[:200]


def grad_inputs(T, args, kwargs):
    """The tensors among the arguments that require grad, in order (lists looked into)."""
    found = []
    for a in list(args) + list(kwargs.values()):
        items = a if isinstance(a, (list, tuple)) else (a,)
        found.extend(x for x in items if isinstance(x, T.Tensor) and x.requires_grad)
    return found


def probe(T, fn, args, kwargs, index):
    """The sample's second-order outline under ``T`` (ember or torch), or None where it has nothing to
    differentiate (no float output that requires grad, or a first backward that raises)."""
    inputs = grad_inputs(T, args, kwargs)
    if not inputs:
        return None
    try:
        out = pick(fn(*args, **kwargs), index)
        if not isinstance(out, T.Tensor) or not out.dtype.is_floating_point or not out.requires_grad:
            return None
        firsts = T.autograd.grad((out * _weights(T, out, 1)).sum(), inputs, create_graph=True, allow_unused=True)
    except Exception:    # noqa: BLE001 (first-order behaviour is pinned elsewhere)
        return None
    outline = []
    for k, g in enumerate(firsts):
        if g is None or not g.requires_grad:
            outline.append('unused' if g is None else 'no grad')
            continue
        try:
            seconds = T.autograd.grad((g * _weights(T, g, 2 + k)).sum(), inputs, retain_graph=True,
                                      allow_unused=True)
            outline.append(''.join('-' if s is None else ('x' if bool((s != 0).any()) else '0') for s in seconds))
        except Exception as e:    # noqa: BLE001 (the error's type and text are the result)
            outline.append(_error(e))
    return outline


def samples(ops):
    """``(key, info, sample)`` for each differentiable row's samples, ``key`` naming the row and sample."""
    for key, info in zip(row_keys(ops), ops):
        if not info.grad:
            continue
        for i, sample in enumerate(info.samples(np.random.default_rng(2))):
            yield f'{key}/{i}', info, sample


def ember_call(sample):
    return ember_inputs(sample)
