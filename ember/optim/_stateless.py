"""``swap_in_optimizer_params_and_state``: run an optimizer, for a while, on other parameters and state."""
import contextlib
from collections import defaultdict

from ember._tensor import Tensor

__all__ = ['swap_in_optimizer_params_and_state']

_PREFIX = "swap_in_optimizer_params_and_state requires "


def _check_state(state):
    if not isinstance(state, dict):
        raise RuntimeError(_PREFIX + "swapin_optim_state['state'] to be a dict mapping packed parameter ids to "
                           f"per-param state dicts, got {type(state).__name__}.")
    if any(isinstance(k, Tensor) for k in state):
        raise RuntimeError(_PREFIX + "optimizer.state_dict()-style state keyed by packed parameter ids.")
    if any(isinstance(k, int) and not isinstance(v, dict) for k, v in state.items()):
        raise RuntimeError(_PREFIX + "per-parameter optimizer state entries to be dictionaries.")
    return state


def _check_groups(optimizer, groups):
    if not isinstance(groups, list):
        raise RuntimeError(_PREFIX + "swapin_optim_state['param_groups'] to be a list of param-group dicts, got "
                           f"{type(groups).__name__}.")
    if len(optimizer.param_groups) != len(groups):
        raise RuntimeError("swapin_optim_state has a different number of parameter groups than the live optimizer.")
    return groups


def _check_group(idx, live, swapin):
    if not isinstance(swapin, dict):
        raise RuntimeError(_PREFIX + "each optimizer param group to be a dictionary.")
    ids = swapin.get('params')
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise RuntimeError(_PREFIX + "optimizer.state_dict()-style param_groups[*]['params'] entries keyed by "
                           "packed parameter ids.")
    if len(live['params']) != len(ids):
        raise RuntimeError(f"swapin_optim_state param group {idx} has a different number of params than the live "
                           "optimizer param group.")
    swapin_only = [k for k in swapin if k not in live]
    live_only = [k for k in live if k not in swapin]
    if swapin_only or live_only:
        raise RuntimeError(_PREFIX + "optimizer.state_dict()-style param group keys to exactly match the live "
                           f"optimizer group keys for group {idx}. Keys only in swap-in: {swapin_only}. Keys only "
                           f"in live: {live_only}.")
    return ids


@contextlib.contextmanager
def swap_in_optimizer_params_and_state(optimizer, swapin_parameters, swapin_optim_state):
    """Within the block, ``optimizer`` works on ``swapin_parameters`` (a dict of tensors, in the order of its
    parameter groups) with the state and group options of ``swapin_optim_state`` (shaped like
    ``optimizer.state_dict()``); on exit its own parameters, options and state are back.

    Unlike ``load_state_dict``, the parameters are swapped too, so ``step()`` updates the given tensors.

    Args:
        optimizer (Optimizer): an optimizer whose state is initialized (it has taken a step).
        swapin_parameters (dict): the tensors to optimize instead, by name, in the order of the optimizer's
            parameters.
        swapin_optim_state (dict): their state and group options, shaped like ``optimizer.state_dict()``.

    Example::

        >>> w = nn.Parameter(ember.tensor([1.0]))
        >>> opt = ember.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> w.grad = ember.tensor([1.0])
        >>> opt.step()
        >>> other = nn.Parameter(ember.tensor([5.0]))
        >>> other.grad = ember.tensor([1.0])
        >>> with ember.optim.swap_in_optimizer_params_and_state(opt, {'w': other}, opt.state_dict()):
        ...     opt.step()
        >>> other.data, w.data
        (tensor([4.8100]), tensor([0.9000]))
    """
    if not optimizer.state:
        raise RuntimeError(_PREFIX + "initialized optimizer state.")
    if not isinstance(swapin_optim_state, dict):
        raise RuntimeError(_PREFIX + "a DCP-style optimizer state_dict.")
    state = _check_state(swapin_optim_state.get('state'))
    groups = _check_groups(optimizer, swapin_optim_state.get('param_groups'))
    flat = list(swapin_parameters.values())
    plan, offset, seen = [], 0, set()
    for idx, (live, swapin) in enumerate(zip(optimizer.param_groups, groups)):
        ids = _check_group(idx, live, swapin)
        seen.update(ids)
        if offset + len(ids) > len(flat):
            raise RuntimeError(_PREFIX + "the explicit parameter state to match optimizer.param_groups ordering.")
        plan.append((live, swapin, flat[offset:offset + len(ids)]))
        offset += len(ids)
    extra = [k for k in state if k not in seen]
    if extra:
        raise RuntimeError(_PREFIX + "swapin_optim_state['state'] to be keyed only by packed parameter ids from "
                           f"param_groups[*]['params']; got extra keys {extra!r}.")

    original_state = optimizer.state
    snapshots = [dict(g) for g in optimizer.param_groups]
    try:
        swapped = defaultdict(dict)
        for live, swapin, params in plan:
            live['params'] = params
            live.update({k: v for k, v in swapin.items() if k != 'params'})
            for p, pid in zip(params, swapin['params']):
                swapped[p] = dict(state.get(pid, {}))
        optimizer.state = swapped
        yield
    finally:
        for group, snapshot in zip(optimizer.param_groups, snapshots):
            group.clear()
            group.update(snapshot)
        optimizer.state = original_state
