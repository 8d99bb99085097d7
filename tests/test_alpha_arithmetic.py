"""add/sub with ``alpha`` round ``input + alpha * other`` once, as PyTorch's fused multiply-add kernels do,
and the in-place variants take PyTorch's deprecated ``add_(Number alpha, Tensor other)`` overload."""
import warnings
from fractions import Fraction

import numpy as np
import pytest

import ember


def _fma_reference(a, b, alpha, dtype):
    """a + alpha * b computed exactly, rounded once to ``dtype``."""
    out = []
    for x, y in zip(a.tolist(), b.tolist()):
        exact = Fraction(x) + Fraction(float(dtype(alpha))) * Fraction(y)
        out.append(float(exact))        # correctly rounded to float64
    return np.array(out, dtype=np.float64).astype(dtype)


@pytest.mark.parametrize('alpha', [-0.1, 0.005, 3.3, -7])
def test_float64_add_and_sub_with_alpha_round_once(alpha):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(400), rng.standard_normal(400) * 1e3
    x, y = ember.tensor(a), ember.tensor(b)
    want = _fma_reference(a, b, alpha, np.float64)
    np.testing.assert_array_equal(ember.add(x, y, alpha=alpha).numpy(), want)
    np.testing.assert_array_equal(x.clone().add_(y, alpha=alpha).numpy(), want)
    np.testing.assert_array_equal(ember.sub(x, y, alpha=-alpha).numpy(), want)


def test_float32_alpha_product_is_not_rounded_before_the_sum():
    # float32(0.1) * 10 is 1.0000000149...: rounded alone it would be 1.0 and the sum 0
    x, g = ember.tensor([1., 2., 3.]), ember.tensor([10., 20., 30.])
    tenth = Fraction(float(np.float32(0.1)))
    want = [float(k - tenth * 10 * k) for k in (1, 2, 3)]
    assert ember.add(x, g, alpha=-0.1).tolist() == want
    assert x.clone().sub_(g, alpha=0.1).tolist() == want
    assert want[0] != 0.0


def test_deprecated_alpha_first_inplace_overload():
    x, g = ember.tensor([1., 2., 3.]), ember.tensor([10., 20., 30.])
    from ember.ops import inplace
    inplace._deprecated_overload_warned[0] = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        got = x.clone().add_(-0.1, g)
        again = x.clone().sub_(2, g)
    assert got.tolist() == x.add(g, alpha=-0.1).tolist()
    assert again.tolist() == [-19., -38., -57.]
    texts = [str(w.message) for w in caught]
    assert texts == ["This overload of add_ is deprecated:\n\tadd_(Number alpha, Tensor other)\nConsider using one "
                     "of the following signatures instead:\n\tadd_(Tensor other, *, Number alpha = 1)"]


def test_deprecated_value_first_addcmul_and_addcdiv():
    # old optimizers (torch-optimizer's Ranger): exp_avg_sq.mul_(beta2).addcmul_(1 - beta2, grad, grad)
    from ember.ops import inplace
    x, a, b = ember.tensor([1., 2., 3.]), ember.tensor([0., 1., 2.]), ember.tensor([2., 2., 4.])
    inplace._deprecated_overload_warned[0] = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        got = x.clone().addcmul_(0.5, a, b)
        assert x.clone().addcdiv_(0.5, a, b).tolist() == x.addcdiv(a, b, value=0.5).tolist()
    assert got.tolist() == x.addcmul(a, b, value=0.5).tolist() == [1., 3., 7.]
    assert [str(w.message) for w in caught] == [
        "This overload of addcmul_ is deprecated:\n\taddcmul_(Number value, Tensor tensor1, Tensor tensor2)\n"
        "Consider using one of the following signatures instead:\n\taddcmul_(Tensor tensor1, Tensor tensor2, *, "
        "Number value = 1)"]     # once per process for every deprecated overload, as PyTorch's parser warns
    inplace._deprecated_overload_warned[0] = False
    with pytest.warns(UserWarning, match=r'^This overload of addcdiv is deprecated:\n\taddcdiv\(Number value'):
        assert x.addcdiv(2, a, b).tolist() == [1., 3., 4.]
    assert ember.addcmul(x, 2, a, b).tolist() == [1., 6., 19.]
    with pytest.raises(TypeError, match=r'^addcmul\(\) takes 2 positional arguments but 3 were given$'):
        x.addcmul(a, b, b)
    with pytest.raises(TypeError, match=r'^addcmul_\(\) takes 2 positional arguments but 3 were given$'):
        x.clone().addcmul_(a, b, b)


def test_inplace_alpha_bumps_the_version_and_broadcasts():
    x = ember.tensor([[1., 2., 3.], [4., 5., 6.]], dtype=ember.float64)
    v = x._version
    x.add_(ember.tensor([10., 20., 30.], dtype=ember.float64), alpha=-0.1)
    assert x._version == v + 1
    want = _fma_reference(np.array([1., 2., 3., 4., 5., 6.]), np.array([10., 20., 30.] * 2), -0.1, np.float64)
    np.testing.assert_array_equal(x.numpy().ravel(), want)
    with pytest.raises(RuntimeError, match="output with shape"):
        ember.ones(3).add_(ember.ones(2, 3), alpha=2.0)
