"""nn.init: gains, fan rules, the distributions' bounds and statistics, structured initialisers,
and PyTorch's error texts (recorded from PyTorch 2.13)."""
import math
import warnings

import numpy as np
import pytest

import ember
import ember.nn as nn
from ember.nn import init


def test_calculate_gain_values():
    assert init.calculate_gain('linear') == 1 and init.calculate_gain('conv_transpose2d') == 1
    assert init.calculate_gain('sigmoid') == 1
    assert init.calculate_gain('tanh') == 1.6666666666666667
    assert init.calculate_gain('relu') == math.sqrt(2.0)
    assert init.calculate_gain('leaky_relu') == 1.4141428569978354
    assert init.calculate_gain('leaky_relu', 0.2) == 1.3867504905630728
    assert init.calculate_gain('selu') == 0.75


@pytest.mark.parametrize('call,exc,text', [
    (lambda: init.calculate_gain('foo'), ValueError, 'Unsupported nonlinearity foo'),
    (lambda: init.calculate_gain('leaky_relu', True), ValueError, 'negative_slope True not a valid number'),
    (lambda: init.calculate_gain('leaky_relu', 'a'), ValueError, 'negative_slope a not a valid number'),
    (lambda: init.kaiming_uniform_(ember.empty(3)), ValueError,
     'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions'),
    (lambda: init.xavier_uniform_(ember.empty(3)), ValueError,
     'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions'),
    (lambda: init.kaiming_uniform_(ember.empty(3, 3), mode='x'), ValueError,
     "Mode x not supported, please use one of ['fan_in', 'fan_out']"),
    (lambda: init.eye_(ember.empty(3)), ValueError, 'Only tensors with 2 dimensions are supported'),
    (lambda: init.sparse_(ember.empty(3), 0.1), ValueError, 'Only tensors with 2 dimensions are supported'),
    (lambda: init.dirac_(ember.empty(3, 3)), ValueError, 'Only tensors with 3, 4, or 5 dimensions are supported'),
    (lambda: init.dirac_(ember.empty(3, 3, 3), groups=2), ValueError, 'dim 0 must be divisible by groups'),
    (lambda: init.orthogonal_(ember.empty(3)), ValueError, 'Only tensors with 2 or more dimensions are supported'),
    (lambda: init.normal_(ember.empty(2, 2), std=-1), RuntimeError, 'normal expects std >= 0.0, but found std -1'),
])
def test_errors(call, exc, text):
    with pytest.raises(exc) as e:
        call()
    assert str(e.value) == text


def test_fan_computation():
    assert init._calculate_fan_in_and_fan_out(ember.empty(512, 784)) == (784, 512)
    assert init._calculate_fan_in_and_fan_out(ember.empty(16, 6, 5, 5)) == (150, 400)


def test_kaiming_uniform_bounds_for_linear_784_512():
    ember.manual_seed(1)
    w = init.kaiming_uniform_(ember.empty(512, 784), a=math.sqrt(5))
    bound = math.sqrt(3.0) * math.sqrt(2.0 / (1 + 5)) / math.sqrt(784)   # = 1/sqrt(784)
    assert abs(bound - 1 / 28) < 1e-12
    a = w.numpy()
    assert np.abs(a).max() <= bound and np.abs(a).max() > 0.999 * bound


def test_kaiming_normal_and_fan_out_statistics():
    ember.manual_seed(2)
    w = init.kaiming_normal_(ember.empty(400, 300), mode='fan_out', nonlinearity='relu')
    assert abs(w.std().item() - math.sqrt(2.0 / 400)) < 2e-3
    assert abs(w.mean().item()) < 2e-3


def test_xavier_statistics():
    ember.manual_seed(3)
    w = init.xavier_uniform_(ember.empty(300, 200), gain=2.0)
    a = 2.0 * math.sqrt(6.0 / 500)
    assert w.abs().max().item() <= a and w.abs().max().item() > 0.99 * a
    n = init.xavier_normal_(ember.empty(300, 200))
    assert abs(n.std().item() - math.sqrt(2.0 / 500)) < 2e-3


def test_uniform_normal_constant_ones_zeros():
    t = ember.empty(1000)
    assert init.uniform_(t, -2, 3) is t
    assert t.min().item() >= -2 and t.max().item() < 3
    init.normal_(t, 5.0, 0.1)
    assert abs(t.mean().item() - 5.0) < 0.02
    assert init.constant_(t, 0.3).tolist()[:2] == pytest.approx([0.3, 0.3])
    assert init.ones_(ember.empty(2)).tolist() == [1.0, 1.0]
    assert init.zeros_(ember.empty(2)).tolist() == [0.0, 0.0]


def test_initialisers_run_under_no_grad_on_parameters():
    p = nn.Parameter(ember.empty(3, 3))
    for fn in (init.uniform_, init.normal_, init.ones_, init.zeros_, init.eye_, init.xavier_uniform_,
               init.kaiming_normal_, init.orthogonal_, init.trunc_normal_):
        out = fn(p)
        assert out is p and p.grad_fn is None and p.requires_grad


def test_generator_makes_draws_repeatable():
    g = ember.Generator().manual_seed(5)
    a = init.normal_(ember.empty(4), generator=g).tolist()
    g.manual_seed(5)
    assert init.normal_(ember.empty(4), generator=g).tolist() == a


def test_trunc_normal_bounds_and_warning():
    ember.manual_seed(4)
    t = init.trunc_normal_(ember.empty(10000), a=-1.0, b=0.5)
    assert t.min().item() >= -1.0 and t.max().item() <= 0.5
    assert t.min().item() < -0.95 and t.max().item() > 0.45
    with pytest.warns(UserWarning, match=r'mean is more than 2 std from \[a, b\] in nn.init.trunc_normal_. The '
                                         'distribution of values may be incorrect.'):
        init.trunc_normal_(ember.empty(3), mean=10)


def test_eye_and_dirac_match_pytorch():
    assert init.eye_(ember.empty(2, 3)).tolist() == [[1., 0., 0.], [0., 1., 0.]]
    d = init.dirac_(ember.empty(3, 2, 3))
    assert d.tolist() == [[[0., 1., 0.], [0., 0., 0.]], [[0., 0., 0.], [0., 1., 0.]], [[0., 0., 0.], [0., 0., 0.]]]
    g = init.dirac_(ember.empty(4, 2, 3), groups=2)
    assert g.tolist() == [[[0., 1., 0.], [0., 0., 0.]], [[0., 0., 0.], [0., 1., 0.]],
                          [[0., 1., 0.], [0., 0., 0.]], [[0., 0., 0.], [0., 1., 0.]]]
    w = init.dirac_(ember.empty(2, 4, 1, 3, 3), groups=2)
    assert w.sum().item() == 2.0 and w[1, 0, 0].tolist() == [[0., 0., 0.], [0., 1., 0.], [0., 0., 0.]]
    assert w[1, 1].sum().item() == 0.0


def test_orthogonal_rows_or_columns_are_orthonormal():
    q = init.orthogonal_(ember.empty(3, 5)).numpy()
    np.testing.assert_allclose(q @ q.T, np.eye(3), atol=1e-5)
    q = init.orthogonal_(ember.empty(6, 2, 2), gain=2.0).numpy().reshape(6, 4)
    np.testing.assert_allclose(q.T @ q, 4 * np.eye(4), atol=1e-5)


# PyTorch 2.13's orthogonal_(empty(3, 5)) after manual_seed(0), and the two rand() values that follow
_ORTHOGONAL_3X5 = [[0.5222306251525879, -0.09944058954715729, -0.7383733987808228, 0.19263656437397003, -0.3675355315208435],
                   [-0.5364793539047241, 0.2105625420808792, -0.14289414882659912, -0.35876867175102234, -0.7202220559120178],
                   [-0.440916508436203, 0.06626057624816895, -0.04565519094467163, 0.8897528648376465, -0.08635801076889038]]
_RAND_AFTER_ORTHOGONAL = [0.17591017484664917, 0.2698335647583008]


def test_orthogonal_draws_pytorchs_gaussian_matrix_then_its_own_qr():
    # the Gaussian matrix and the words consumed are PyTorch's bit for bit; the QR is LAPACK's (OpenBLAS
    # here, MKL in PyTorch), so the result agrees with PyTorch's to float32 rounding, not bit for bit
    ember.manual_seed(0)
    drawn = ember.empty(3, 5).normal_().numpy().T          # rows < cols: the transpose is factorised
    q, r = np.linalg.qr(drawn)
    expected = (q * np.sign(np.diag(r))).T
    ember.manual_seed(0)
    got = init.orthogonal_(ember.empty(3, 5)).numpy()
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_allclose(got, np.array(_ORTHOGONAL_3X5, np.float32), rtol=0, atol=2e-6)
    assert ember.rand(2).tolist() == _RAND_AFTER_ORTHOGONAL


def test_sparse_zeroes_a_fraction_of_each_column():
    s = init.sparse_(ember.empty(10, 4), 0.3)
    assert (s == 0).sum(0).tolist() == [3, 3, 3, 3]


def test_sparse_initialises_a_parameter_as_pytorch():
    # a Parameter requires grad: sparse_ reads its values without Tensor.numpy() (values recorded from PyTorch 2.13)
    p = nn.Parameter(ember.empty(3, 2))
    ember.manual_seed(0)
    assert init.sparse_(p, 0.5) is p and p.requires_grad
    assert p.detach().tolist() == [[0.0, 0.0], [-0.021787893027067184, 0.0], [0.0, -0.013985954225063324]]


def test_zero_element_tensor_is_a_no_op_with_warning():
    with pytest.warns(UserWarning, match='Initializing zero-element tensors is a no-op'):
        out = init.kaiming_uniform_(ember.empty(0, 3))
    assert out.shape == (0, 3)


def test_deprecated_aliases_warn():
    with pytest.warns(FutureWarning, match='`nn.init.uniform` is now deprecated in favor of `nn.init.uniform_`.'):
        init.uniform(ember.empty(2))
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        init.uniform_(ember.empty(2))


def test_embedding_and_prelu_defaults():
    ember.manual_seed(0)
    emb = nn.Embedding(1000, 8, padding_idx=3)
    w = emb.weight.detach().numpy()
    assert (w[3] == 0).all() and abs(w.std() - 1.0) < 0.05
    assert nn.PReLU(3).weight.tolist() == pytest.approx([0.25] * 3)
