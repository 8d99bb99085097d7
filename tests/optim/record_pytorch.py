"""Record PyTorch's behaviour for the optimizers of ``_recorded_cases`` (run under PyTorch, not ember).

    python -m tests.optim.record_pytorch      # from the repository root, with PyTorch installed

Writes ``tests/optim/_recorded.py`` (trajectories, reprs, state-dict layouts, error texts) and
``tests/fixtures/optim/<Name>_3steps.pt`` (each optimizer's state dict after 3 steps, saved by
``torch.save``), which the tests read without PyTorch.
"""
import importlib
import pprint
from pathlib import Path

import torch

from tests.optim import _problem as P
from tests.optim._recorded_cases import CASES, SAVED, config_of

HERE = Path(__file__).parent
FIXTURES = HERE.parent / 'fixtures' / 'optim'


def _dtype_name(t):
    return str(t.dtype).replace('torch.', '')


def record(name, case):
    cls = getattr(torch.optim, name)
    configs = case['configs']
    problem = importlib.import_module('tests.optim.' + case['problem']) if case.get('problem') else None
    steps = case.get('steps', 5)
    out = {'expected': {k: P.trajectory(torch, cls, d, g, steps, problem) for k, (d, g) in configs.items()}}
    # what a state_dict round trip gives in PyTorch (its loading casts scalar state to the parameters' dtype)
    out['resumed'] = {k: P.resumed_trajectory(torch, cls, d, g, after=steps - 3, problem=problem)[1]
                      for k, (d, g) in configs.items()}
    defaults, groups = next(iter(configs.values()))
    params = (problem or P).make_params(torch)
    opt = P.make_optimizer(cls, params, defaults, groups)
    out['repr'] = repr(opt)
    P.run(opt, params, 2, problem)
    sd = opt.state_dict()
    out['state_layout'] = {k: {key: (_dtype_name(v), tuple(v.shape)) if torch.is_tensor(v) else type(v).__name__
                               for key, v in s.items()} for k, s in sd['state'].items()}
    out['groups'] = sd['param_groups']
    errors = []
    for kwargs in case['errors']:
        try:
            cls([(problem or P).make_params(torch)[0]], **kwargs)
        except ValueError as e:
            errors.append((kwargs, str(e)))
        else:
            raise AssertionError(f'{name}({kwargs}) raised nothing')
    out['errors'] = errors
    return out


def save_state_dicts():
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name in SAVED:
        defaults, groups = config_of(name)
        params = P.make_params(torch)
        opt = P.make_optimizer(getattr(torch.optim, name), params, defaults, groups)
        traj = P.run(opt, params, 5)
        params = P.make_params(torch)
        opt = P.make_optimizer(getattr(torch.optim, name), params, defaults, groups)
        P.run(opt, params, 3)
        torch.save({'state_dict': opt.state_dict(), 'trajectory': traj}, FIXTURES / f'{name}_3steps.pt')


def main():
    torch.set_default_dtype(torch.float32)
    recorded = {name: record(name, case) for name, case in CASES.items()}
    text = ('"""PyTorch ' + torch.__version__.split('+')[0] + "'s recorded behaviour for _recorded_cases.CASES "
            '(written by record_pytorch.py; do not edit)."""\n\nRECORDED = '
            + pprint.pformat(recorded, width=110, sort_dicts=False) + '\n')
    (HERE / '_recorded.py').write_text(text)
    save_state_dicts()


if __name__ == '__main__':
    main()
