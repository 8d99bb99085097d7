"""autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp — checked against closed forms."""
import numpy as np
import pytest

import ember
from ember.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp


def f_cubic(x):
    return (x ** 3).sum()


def test_hessian_seed004():
    def get_loss(w):
        x = ember.tensor([1., 2., 3.])
        y = ember.zeros(3)
        return ember.sum((y - w * x) ** 2)
    w = ember.tensor([4., 5., 6.], requires_grad=True)
    h = hessian(get_loss, w)
    assert h.tolist() == [[2., 0., 0.], [0., 8., 0.], [0., 0., 18.]]
    assert repr(h) == ('tensor([[ 2.,  0.,  0.],\n        [ 0.,  8.,  0.],\n        [ 0.,  0., 18.]])')


def test_jacobian_of_vector_function():
    x = ember.tensor([1., 2.], dtype=ember.float64)
    j = jacobian(lambda t: ember.stack([t[0] * t[1], t[0] ** 2]), x)
    assert j.tolist() == [[2., 1.], [2., 0.]]


def test_jacobian_multiple_inputs():
    a = ember.tensor([1., 2.], dtype=ember.float64)
    b = ember.tensor([3., 4.], dtype=ember.float64)
    ja, jb = jacobian(lambda x, y: x * y, (a, b))
    assert ja.tolist() == [[3., 0.], [0., 4.]] and jb.tolist() == [[1., 0.], [0., 2.]]


def test_vjp_jvp_hvp_vhp():
    x = ember.tensor([1., 2., 3.], dtype=ember.float64)
    v = ember.tensor([1., 0., 2.], dtype=ember.float64)
    out, g = vjp(lambda t: t ** 2, x, v)
    assert out.tolist() == [1., 4., 9.] and g.tolist() == [2., 0., 12.]
    out, jv = jvp(lambda t: t ** 2, x, v)
    assert jv.tolist() == [2., 0., 12.]
    out, hv = hvp(f_cubic, x, v)
    assert out.item() == 36. and hv.tolist() == [6., 0., 36.]
    out, vh = vhp(f_cubic, x, v)
    assert vh.tolist() == [6., 0., 36.]


def test_functional_does_not_touch_inputs():
    x = ember.tensor([1., 2.], requires_grad=True)
    hessian(f_cubic, x)
    assert x.grad is None


def test_hessian_requires_scalar():
    with pytest.raises(RuntimeError, match='single element'):
        hessian(lambda t: t * 2, ember.ones(2))


def test_jacobian_matches_finite_differences():
    rng = np.random.default_rng(0)
    x = ember.tensor(rng.standard_normal(4))
    j = jacobian(lambda t: t.sin() * t.sum(), x).numpy()
    xn = x.numpy()
    eps = 1e-6
    num = np.stack([(np.sin(xn + eps * e) * (xn + eps * e).sum() - np.sin(xn - eps * e) * (xn - eps * e).sum()) / (2 * eps)
                    for e in np.eye(4)], axis=1)
    np.testing.assert_allclose(j, num, atol=1e-6)
