"""The runner shared by the conv/pooling/normalization value tests and their recorder.

A case is ``(expression, {name: shape})``: the named inputs are float64 tensors filled by a fixed
formula (``_inp``), the expression is evaluated with ``F`` bound to ember.nn.functional (or, when
recording, torch.nn.functional), and the result is the output, its grad_fn name and the gradient of
``(out * cotangent).sum()`` for every input.  Recording: ``python tests/nn/_oracle_cases.py
tests.nn.test_conv`` in a Python that has torch prints the module's EXPECTED dict.
"""
import math
import sys

import numpy as np


def _inp(shape, k):
    n = math.prod(shape)
    return np.sin(np.arange(n) * 0.7 + k * 1.3).reshape(shape)


def _flat(t):
    return [float(f'{v:.9g}') for v in np.asarray(t.detach().numpy(), dtype=np.float64).reshape(-1).tolist()]


def run_case(F, make, expr, shapes, extra=None):
    """Evaluate one case; ``make(array)`` builds a leaf tensor that requires grad."""
    inputs = {name: make(_inp(shape, k)) for k, (name, shape) in enumerate(shapes.items())}
    out = eval(expr, {'F': F, **(extra or {})}, dict(inputs))
    result = {}
    if isinstance(out, tuple):           # (values, indices)
        out, idx = out
        result['indices'] = [int(v) for v in idx.reshape(-1).tolist()]
    result['shape'] = list(out.shape)
    result['out'] = _flat(out)
    result['grad_fn'] = out.grad_fn.name() if out.grad_fn is not None else None
    cot = make(_inp(tuple(out.shape), 99)).detach()
    (out * cot).sum().backward()
    for name, t in inputs.items():
        result[name] = _flat(t.grad) if t.grad is not None else None
    return result


def check_case(expected, got, rtol=1e-6, atol=1e-8):
    assert got['shape'] == expected['shape']
    assert got['grad_fn'] == expected['grad_fn']
    if 'indices' in expected:
        assert got['indices'] == expected['indices']
    for key, value in expected.items():
        if key in ('shape', 'grad_fn', 'indices'):
            continue
        if value is None:
            assert got[key] is None, key
        else:
            np.testing.assert_allclose(got[key], value, rtol=rtol, atol=atol, err_msg=key)


def _record(module_name):
    import importlib
    import pprint

    import torch
    import torch.nn.functional as TF
    torch.set_default_dtype(torch.float64)
    mod = importlib.import_module(module_name)
    out = {}
    for name, case in mod.CASES.items():
        res = run_case(TF, lambda a: torch.tensor(a, requires_grad=True), *case, extra={'torch': torch})
        if res['grad_fn']:
            res['grad_fn'] = res['grad_fn'].replace('torch::autograd::', '')
        out[name] = res
    print('EXPECTED = ' + pprint.pformat(out, width=118, compact=True, sort_dicts=False))


if __name__ == '__main__':
    _record(sys.argv[1])
