"""gradcheck and gradgradcheck (float64) for every differentiable op-table row,
with contiguous and non-contiguous inputs."""
import numpy as np
import pytest

from ember.autograd import gradcheck, gradgradcheck
from tests._op_harness import differentiable_inputs, pick, to_ember
from tests.op_db import OPS

GRAD_OPS = [op for op in OPS if op.grad]


def _check(info, noncontig, second_order):
    rng = np.random.default_rng(2)
    for sample in info.samples(rng):
        args, kwargs = to_ember(sample, 'float64', requires_grad=True, noncontig=noncontig)
        inputs = differentiable_inputs(args, kwargs)
        if not inputs:
            continue

        def fn(*xs):
            it = iter(xs)
            new_args = [next(it) if (hasattr(a, 'requires_grad') and a.requires_grad) else a for a in args]
            new_kwargs = {k: (next(it) if (hasattr(v, 'requires_grad') and v.requires_grad) else v)
                          for k, v in kwargs.items()}
            return pick(info.op(*new_args, **new_kwargs), info.output_index)

        flat_ok = all(not isinstance(a, (list, tuple)) for a in list(args) + list(kwargs.values()))
        if not flat_ok:
            # list arguments (cat, stack, einsum operands): differentiate through the list
            def fn(*xs, _args=args):  # noqa: F811
                it = iter(xs)
                rebuilt = []
                for a in _args:
                    if isinstance(a, (list, tuple)):
                        rebuilt.append(type(a)(next(it) if getattr(x, 'requires_grad', False) else x for x in a))
                    else:
                        rebuilt.append(next(it) if getattr(a, 'requires_grad', False) else a)
                return pick(info.op(*rebuilt, **kwargs), info.output_index)
        check = gradgradcheck if second_order else gradcheck
        assert check(fn, tuple(inputs), atol=info.grad_atol, rtol=info.grad_rtol), (info.name, sample)


@pytest.mark.parametrize('info', GRAD_OPS, ids=lambda op: op.name)
def test_gradcheck(info):
    _check(info, noncontig=False, second_order=False)


@pytest.mark.parametrize('info', [op for op in GRAD_OPS if op.noncontig], ids=lambda op: op.name)
def test_gradcheck_noncontiguous(info):
    _check(info, noncontig=True, second_order=False)


@pytest.mark.parametrize('info', [op for op in GRAD_OPS if op.gradgrad], ids=lambda op: op.name)
def test_gradgradcheck(info):
    _check(info, noncontig=False, second_order=True)
