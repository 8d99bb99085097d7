"""The fixed problem every optimizer test runs: float64 parameters in two groups, a smooth loss.

``loss`` couples a Rosenbrock valley (w1) with a quartic bowl (w2); both ember and PyTorch
evaluate it (the module is given as ``lib``), so recorded trajectories can be regenerated.
Another problem (``_problem_2d``) is a module with its own ``make_params`` and ``loss``, passed as
``problem``.
"""
import copy
import sys


def make_params(lib):
    w1 = lib.tensor([1.0, -2.0, 0.5, 0.25], dtype=lib.float64, requires_grad=True)
    w2 = lib.tensor([[0.3, -0.7], [1.2, 0.1]], dtype=lib.float64, requires_grad=True)
    return w1, w2


def loss(w1, w2):
    return (((w1[1:] - w1[:-1] ** 2) ** 2).sum() * 10 + ((1 - w1[:-1]) ** 2).sum()
            + (w2 ** 4).sum() * 0.25 + (w2.sum() - 1) ** 2)


def make_optimizer(cls, params, defaults, groups):
    w1, w2 = params
    return cls([dict(params=[w1], **groups[0]), dict(params=[w2], **groups[1])], **defaults)


def flat(params):
    return sum((p.detach().reshape(-1).tolist() for p in params), [])


def run(opt, params, steps, problem=None):
    """``steps`` steps of optimizer ``opt`` on ``params``; the flattened parameters after each."""
    loss_fn = (problem or sys.modules[__name__]).loss
    traj = []
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(*params).backward()
        opt.step()
        traj.append(flat(params))
    return traj


def trajectory(lib, cls, defaults, groups, steps=5, problem=None):
    params = (problem or sys.modules[__name__]).make_params(lib)
    return run(make_optimizer(cls, params, defaults, groups), params, steps, problem)


def resumed_trajectory(lib, cls, defaults, groups, before=3, after=2, problem=None):
    """Steps ``before`` steps, saves the state dict, loads it into a fresh optimizer over copied
    parameters, and returns (continued original trajectory, resumed trajectory)."""
    params = (problem or sys.modules[__name__]).make_params(lib)
    opt = make_optimizer(cls, params, defaults, groups)
    run(opt, params, before, problem)
    saved = copy.deepcopy(opt.state_dict())
    params2 = tuple(p.detach().clone().requires_grad_(True) for p in params)
    opt2 = make_optimizer(cls, params2, {**defaults, 'lr': 123.0} if 'lr' in defaults else defaults, groups)
    opt2.load_state_dict(saved)
    return run(opt, params, after, problem), run(opt2, params2, after, problem)
