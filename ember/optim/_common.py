"""Helpers the optimizers share: constructor checks with PyTorch's messages, scalar state, group defaults."""
import numpy as np

from ember._tensor import Tensor
from ember.optim.optimizer import _get_scalar_dtype


def check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def check_adam_like(lr, betas, eps, weight_decay):
    """The checks Adam's relatives (Adamax, NAdam, RAdam) make, in PyTorch's order."""
    check_lr(lr)
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


def scalar_state(value):
    """A 0-dim CPU tensor holding ``value`` in the optimizers' scalar dtype (float32, or float64 when that
    is the default dtype), as PyTorch keeps ``step`` and other per-parameter scalars."""
    return Tensor._make(np.array(value, dtype=_get_scalar_dtype().np_dtype))


def restore_defaults(optimizer, defaults, scalar_keys=('step',)):
    """``__setstate__``'s fix-ups for state saved by older versions: missing group options get their
    defaults, and per-parameter scalars saved as Python numbers become 0-dim tensors."""
    for group in optimizer.param_groups:
        for key, value in defaults.items():
            group.setdefault(key, value)
    for p_state in optimizer.state.values():
        if not isinstance(p_state, dict):
            continue
        for key in scalar_keys:
            if key in p_state and not isinstance(p_state[key], Tensor):
                p_state[key] = scalar_state(float(p_state[key]))


def with_grads(group):
    """The parameters of ``group`` that have a gradient, with those gradients."""
    params, grads = [], []
    for p in group['params']:
        if p._grad is not None:
            params.append(p)
            grads.append(p._grad)
    return params, grads


def gather(optimizer, group, init):
    """``(params, grads, states)`` of the group's parameters that have a gradient; a parameter's state is
    filled by ``init(p)`` (a dict, in PyTorch's key order) at its first step."""
    params, grads = with_grads(group)
    states = []
    for p in params:
        state = optimizer.state[p]
        if len(state) == 0:
            state.update(init(p))
        states.append(state)
    return params, grads, states


def check_capturable_groups(optimizer, tensors='params and state_steps'):
    """:func:`check_capturable` for every group's parameters that have gradients, before a step
    changes anything (PyTorch refuses at a group's update, after making its state, and after
    updating the groups before it)."""
    for group in optimizer.param_groups:
        if group['capturable']:
            check_capturable(group, [p for p in group['params'] if p.grad is not None], tensors)


def check_capturable(group, params, tensors='params and state_steps'):
    """``capturable=True`` keeps the state on the device for CUDA graph capture; on CPU parameters PyTorch
    refuses it at the step, and so does ember."""
    if group['capturable'] and any(p._device.type != 'cuda' for p in params):
        raise AssertionError(f"If capturable=True, {tensors} must be on supported devices: ['cuda'].")
