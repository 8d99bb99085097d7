"""ember.autograd.forward_ad against recorded PyTorch 2.13 tangents (tests/autograd/record_forward_ad.py)."""
import json
import os

import numpy as np
import pytest

import ember
import ember.autograd.forward_ad as fwAD
from tests.autograd.forward_ad_cases import CASES

with open(os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'forward_ad', 'tangents.json')) as _f:
    _RECORDED = json.load(_f)


@pytest.mark.parametrize('name', sorted(CASES))
def test_tangents_match_recorded_pytorch(name):
    got = CASES[name](ember)
    got = got if isinstance(got, tuple) else (got,)
    assert len(got) == len(_RECORDED[name])
    for g, expected in zip(got, _RECORDED[name]):
        np.testing.assert_allclose(g.numpy(), np.array(expected), rtol=1e-9, atol=1e-12)


def test_unpack_dual_cases():
    x = ember.tensor([1.0, 2.0])
    with fwAD.dual_level():
        d = fwAD.make_dual(x, ember.tensor([1.0, 0.0]))
        y = (d.sin() * d).sum()
        u = fwAD.unpack_dual(y)
        assert isinstance(u, fwAD.UnpackedDualTensor) and fwAD.UnpackedDualTensor._fields == ('primal', 'tangent')
        np.testing.assert_allclose(u.primal.item(), 2.6601, atol=1e-4)  # PyTorch: 2.6601, 1.3818
        np.testing.assert_allclose(u.tangent.item(), 1.3818, atol=1e-4)
        assert not u.primal.requires_grad
        assert fwAD.unpack_dual(x).tangent is None  # a plain tensor has no tangent
        assert fwAD.unpack_dual(d).tangent.tolist() == [1.0, 0.0]
        assert fwAD.unpack_dual(ember.ones(2) * 3).tangent is None
    assert fwAD.unpack_dual(y).tangent is None  # tangents end with their level


def test_level_rules_and_errors_match_pytorch():
    x = ember.ones(2)
    with pytest.raises(RuntimeError, match="^Trying to create a dual Tensor for forward AD but no level exists, make "
                                           r"sure to enter_dual_level\(\) first\.$"):
        fwAD.make_dual(x, x)
    assert fwAD.enter_dual_level() == 0
    try:
        with pytest.raises(RuntimeError, match="^Nested forward mode AD is not supported at the moment$"):
            fwAD.enter_dual_level()
        with pytest.raises(RuntimeError, match=r"^Trying to set a forward gradient that has a different size than "
                                               r"that of the original Tensor, this is not supported\. Tensor is of "
                                               r"size \[2\] while the given forward gradient is of size \[3\]\.$"):
            fwAD.make_dual(x, ember.ones(3))
        with pytest.raises(ValueError, match="^Expected tangent to be floating point or complex, but got: "
                                             "ember.int64$"):
            fwAD.make_dual(x, ember.ones(2, dtype=ember.long))
        with pytest.raises(RuntimeError, match="^Trying to exit a forward AD level that was not the last one"):
            fwAD.exit_dual_level(level=3)
    finally:
        fwAD.exit_dual_level()
    with pytest.raises(RuntimeError, match="^Dual level must be a positive number.$"):
        fwAD.exit_dual_level()


class _NumpySin(ember.autograd.Function):
    """sin(x) * k computed in NumPy: no differentiable backward, so forward AD must use jvp."""

    @staticmethod
    def forward(ctx, x, k):
        ctx.save_for_forward(x)
        ctx.k = k
        return ember.from_numpy(np.sin(x.detach().numpy()) * k)

    @staticmethod
    def jvp(ctx, t, _):
        x, = ctx.saved_tensors
        return ember.from_numpy(np.cos(x.detach().numpy()) * t.numpy() * ctx.k)

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError('backward must not run for forward-mode AD')


def test_custom_function_jvp_gives_the_tangent():
    import ember.autograd.forward_ad as fwAD
    x = ember.tensor([0.0, 0.5, 1.0], dtype=ember.float64)
    with fwAD.dual_level():
        d = fwAD.make_dual(x, ember.tensor([1.0, 2.0, 3.0], dtype=ember.float64))
        y = _NumpySin.apply(d, 2.0)
        z = (y * y).exp() + d
        # PyTorch 2.13: tensor([2.0000, 3.5103, 3.2418]) and tensor([1.0000, 18.8818, 188.3262])
        assert np.allclose(fwAD.unpack_dual(y).tangent.numpy(), [2.0, 3.51033, 3.24181], atol=1e-4)
        assert np.allclose(fwAD.unpack_dual(z).tangent.numpy(), [1.0, 18.8818, 188.3262], atol=1e-3)
        assert fwAD.unpack_dual(z).tangent.grad_fn is None


def test_custom_function_without_jvp_is_refused_under_forward_ad():
    import ember.autograd.forward_ad as fwAD

    class Double(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    with fwAD.dual_level():
        d = fwAD.make_dual(ember.ones(2), ember.ones(2))
        with pytest.raises(NotImplementedError, match='^You must implement the jvp function for custom '
                                                      'autograd.Function to use it with forward mode AD.$'):
            Double.apply(d)
        assert Double.apply(ember.ones(2)).tolist() == [2., 2.]     # inputs without tangents: no jvp needed
