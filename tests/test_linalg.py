"""ember.linalg as a user meets it: the namespace, named results, info flags, out=, and PyTorch's
printed results (recorded from PyTorch 2.13 below). Values and gradients of every function are
checked from the op table (tests/opinfo/linalg_decomp.py)."""
import math

import numpy as np
import pytest

import ember

# dir(torch.linalg) in PyTorch 2.13, public names ('common_notes' is a docstring helper)
TORCH_LINALG = [
    'LinAlgError', 'cholesky', 'cholesky_ex', 'cond', 'cross', 'det', 'diagonal', 'eig', 'eigh', 'eigvals',
    'eigvalsh', 'householder_product', 'inv', 'inv_ex', 'ldl_factor', 'ldl_factor_ex', 'ldl_solve', 'lstsq', 'lu',
    'lu_factor', 'lu_factor_ex', 'lu_solve', 'matmul', 'matrix_exp', 'matrix_norm', 'matrix_power', 'matrix_rank',
    'multi_dot', 'norm', 'pinv', 'qr', 'slogdet', 'solve', 'solve_ex', 'solve_triangular', 'svd', 'svdvals',
    'tensorinv', 'tensorsolve', 'vander', 'vecdot', 'vector_norm']


def test_every_torch_linalg_name_exists():
    missing = [n for n in TORCH_LINALG if not hasattr(ember.linalg, n)]
    assert not missing


def test_linalg_error_is_a_runtime_error():
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)
    with pytest.raises(ember.linalg.LinAlgError):
        ember.linalg.inv(ember.zeros(2, 2))


def test_named_results_print_like_pytorch():
    assert repr(ember.linalg.slogdet(ember.eye(2))) == (
        "ember.return_types.linalg_slogdet(\nsign=tensor(1.),\nlogabsdet=tensor(0.))")
    res = ember.linalg.cholesky_ex(ember.tensor([[1.0, 2.0], [2.0, 1.0]]))
    assert repr(res) == ("ember.return_types.linalg_cholesky_ex(\nL=tensor([[ 1.,  0.],\n        [ 2., -3.]]),\n"
                         "info=tensor(2, dtype=ember.int32))")
    res = ember.linalg.lu_factor_ex(ember.tensor([[1.0, 2.0], [2.0, 4.0]]))
    assert repr(res) == ("ember.return_types.linalg_lu_factor_ex(\nLU=tensor([[2.0000, 4.0000],\n"
                         "        [0.5000, 0.0000]]),\npivots=tensor([2, 2], dtype=ember.int32),\n"
                         "info=tensor(2, dtype=ember.int32))")
    assert ember.linalg.qr(ember.eye(3))._fields == ('Q', 'R')
    assert ember.linalg.svd(ember.eye(3))._fields == ('U', 'S', 'Vh')
    assert ember.svd(ember.eye(3))._fields == ('U', 'S', 'V')
    assert ember.linalg.eigh(ember.eye(3))._fields == ('eigenvalues', 'eigenvectors')
    assert ember.linalg.lstsq(ember.eye(3), ember.eye(3))._fields == ('solution', 'residuals', 'rank',
                                                                      'singular_values')


def test_ldl_factor_matches_lapack_with_two_by_two_pivots():
    A = ember.tensor([[0.0, 1, 2], [1, 0, 3], [2, 3, 0]], dtype=ember.float64)
    LD, piv = ember.linalg.ldl_factor(A)
    np.testing.assert_allclose(LD.numpy(), [[0, 0, 0], [2, 0, 0], [1.5, 0.5, -3]])   # recorded from PyTorch
    assert piv.tolist() == [-3, -3, 3] and piv.dtype is ember.int32
    B = ember.tensor([[1.0], [2.0], [3.0]], dtype=ember.float64)
    np.testing.assert_allclose(ember.linalg.ldl_solve(LD, piv, B).numpy(), np.linalg.solve(A.numpy(), B.numpy()))


def test_ex_variants_flag_singular_matrices_instead_of_raising():
    A = ember.stack([ember.eye(2), ember.zeros(2, 2)])
    inv, info = ember.linalg.inv_ex(A)
    assert info.tolist() == [0, 1]
    np.testing.assert_allclose(inv[0].numpy(), np.eye(2))
    assert ember.linalg.solve_ex(A, ember.ones(2, 2)).info.tolist() == [0, 1]
    with pytest.raises(ember.linalg.LinAlgError, match=r'\(Batch element 1\): The solver failed'):
        ember.linalg.solve_ex(A, ember.ones(2, 2), check_errors=True)
    with pytest.raises(ember.linalg.LinAlgError, match=r'Batch element 1'):
        ember.linalg.inv_ex(A, check_errors=True)
    assert ember.linalg.lu_factor_ex(ember.zeros(3, 3)).pivots.tolist() == [1, 2, 3]


def test_out_is_written_and_returned():
    out = ember.empty(0)
    res = ember.linalg.inv(ember.eye(2) * 2, out=out)
    assert res is out
    np.testing.assert_allclose(out.numpy(), np.eye(2) / 2)
    Q, R = ember.empty(0), ember.empty(0)
    res = ember.linalg.qr(ember.eye(2) * 3, out=(Q, R))
    assert res.Q is Q and res.R is R and res._fields == ('Q', 'R')


def test_torch_level_names_are_tensor_methods():
    A = ember.tensor([[4.0, 2.0], [2.0, 3.0]])
    np.testing.assert_allclose(A.cholesky().numpy(), np.linalg.cholesky(A.numpy()), rtol=1e-6)
    np.testing.assert_allclose(A.matrix_power(2).numpy(), A.numpy() @ A.numpy(), rtol=1e-6)
    np.testing.assert_allclose(A.logdet().item(), np.log(np.linalg.det(A.numpy())), rtol=1e-6)
    np.testing.assert_allclose(A.pinverse().numpy(), np.linalg.inv(A.numpy()), rtol=1e-5)
    assert ember.logdet(ember.tensor([[1.0, 0.0], [0.0, -1.0]])).isnan().item()
    assert ember.logdet(ember.zeros(2, 2)).item() == -float('inf')


def test_eig_refuses_to_record_a_gradient_it_cannot_compute():
    A = ember.tensor([[2.0, 1.0], [0.0, 3.0]], requires_grad=True)
    with pytest.raises(NotImplementedError, match='linalg.eig'):
        ember.linalg.eig(A)
    w, v = ember.linalg.eig(A.detach())
    assert w.dtype is ember.complex64
    np.testing.assert_allclose(sorted(w.numpy().real), [2.0, 3.0])


def test_ldl_has_no_derivative():
    x = ember.randn(3, 3, requires_grad=True)
    LD, _ = ember.linalg.ldl_factor(x + x.mT + 6 * ember.eye(3))
    with pytest.raises(RuntimeError, match='derivative for aten::linalg_ldl_factor_ex is not implemented'):
        LD.sum().backward()


def test_cholesky_solve_and_inverse_differentiate_the_whole_factor_as_pytorch():
    # a factor that is not triangular: PyTorch's nodes give a gradient on all of it (recorded from 2.13)
    L = ember.tensor([[2.0, 0.5, -1.0], [0.3, 1.5, 0.2], [-0.4, 0.6, 1.2]], dtype=ember.float64, requires_grad=True)
    B = ember.tensor([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]], dtype=ember.float64, requires_grad=True)
    x = ember.cholesky_solve(B, L)
    assert x.grad_fn.name() == 'CholeskySolveBackward0' and x.grad_fn._saved_upper is False
    x.sum().backward()
    np.testing.assert_allclose(L.grad.numpy(), [[-1.36875, -1.2113541666666665, -1.3038966049382716],
                                                [0.7638888888888892, 1.4575617283950622, 0.5169753086419755],
                                                [-2.5208333333333335, -2.3359953703703704, -2.3730709876543217]])
    np.testing.assert_allclose(B.grad.numpy(), [[0.34861111111111115] * 2, [0.13888888888888884] * 2,
                                                [0.5972222222222223] * 2])
    L.grad = None
    inverse = ember.cholesky_inverse(L, True)
    assert inverse.grad_fn.name() == 'CholeskyInverseBackward0'
    inverse.sum().backward()
    np.testing.assert_allclose(L.grad.numpy(), [[-0.6851851851851856, -0.20370370370370366, -0.9722222222222221],
                                                [-0.9668724279835393, -0.28744855967078187, -1.3719135802469138],
                                                [-1.390672153635117, -0.41344307270233194, -1.9732510288065848]])


def test_vander_dtypes_and_graph_are_pytorchs():
    # PyTorch 2.13: integers give int64 (its cumprod's), bool is refused; the graph is cat(ones, cumprod)
    assert ember.linalg.vander(ember.tensor([1, 2, 3], dtype=ember.int32)).dtype is ember.int64
    with pytest.raises(RuntimeError, match='^linalg.vander supports floating point, complex, and integer tensors, '
                                           'but got Bool$'):
        ember.linalg.vander(ember.tensor([True, False]))
    v = ember.linalg.vander(ember.tensor([1.0, 2.0], requires_grad=True), N=3)
    assert v.tolist() == [[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]]
    assert [f is None or f.name() for f, _ in v.grad_fn.next_functions] == [True, 'CumprodBackward0']


# PyTorch's refusals and non-finite handling (recorded from PyTorch 2.13's CPU build)
@pytest.mark.parametrize('call,error,text', [
    (lambda h: ember.linalg.svd(h), NotImplementedError, '"linalg_svd_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.svdvals(h), NotImplementedError, '"linalg_svd_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.det(h), NotImplementedError, '"lu_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.solve(h, h), NotImplementedError, '"lu_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.eigh(h), NotImplementedError, '"linalg_eigh_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.qr(h), NotImplementedError, '"geqrf_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.inv(h), RuntimeError, 'linalg.inv: Low precision dtypes not supported. Got {}'),
    (lambda h: ember.linalg.inv_ex(h), RuntimeError, 'linalg.inv: Low precision dtypes not supported. Got {}'),
    (lambda h: ember.linalg.slogdet(h), RuntimeError, 'linalg.slogdet: Low precision dtypes not supported. Got {}'),
    (lambda h: ember.slogdet(h), RuntimeError, 'linalg.slogdet: Low precision dtypes not supported. Got {}'),
    (lambda h: ember.logdet(h), RuntimeError, 'logdet: Low precision dtypes not supported. Got {}'),
    (lambda h: ember.det(h), NotImplementedError, '"lu_cpu" not implemented for \'{}\''),
    (lambda h: ember.inverse(h), RuntimeError, 'linalg.inv: Low precision dtypes not supported. Got {}'),
    (lambda h: ember.linalg.solve_ex(h, h), NotImplementedError, '"lu_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.cholesky(h), NotImplementedError, '"cholesky_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.cholesky_ex(h), NotImplementedError, '"cholesky_cpu" not implemented for \'{}\''),
    (lambda h: ember.cholesky(h, upper=True), NotImplementedError, '"cholesky_cpu" not implemented for \'{}\''),
    (lambda h: ember.cholesky_inverse(h), NotImplementedError, '"cholesky_inverse_out_cpu" not implemented for \'{}\''),
    (lambda h: ember.cholesky_solve(h, h), NotImplementedError, '"cholesky_solve_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.eig(h), NotImplementedError, '"linalg_eig_out_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.eigvals(h), NotImplementedError, '"linalg_eig_out_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.lu(h), NotImplementedError, '"lu_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.lu_factor(h), NotImplementedError, '"lu_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.lu_factor_ex(h), NotImplementedError, '"lu_cpu" not implemented for \'{}\''),
    (lambda h: ember.lu(h), NotImplementedError, '"lu_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.lu_solve(h, ember.ones(2, dtype=ember.int32), h), NotImplementedError,
     '"linalg.lu_solve_cpu" not implemented for \'{}\''),
    (lambda h: ember.lu_solve(h, h, ember.ones(2, dtype=ember.int32)), NotImplementedError,
     '"linalg.lu_solve_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.ldl_factor(h), NotImplementedError, '"ldl_factor_kernel_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.ldl_factor_ex(h), NotImplementedError, '"ldl_factor_kernel_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.ldl_solve(h, ember.ones(2, dtype=ember.int32), h), NotImplementedError,
     '"ldl_solve_kernel_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.solve_triangular(h, h, upper=True), NotImplementedError,
     '"triangular_solve_cpu" not implemented for \'{}\''),
    (lambda h: ember.triangular_solve(h, h), NotImplementedError, '"triangular_solve_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.householder_product(h, h[:, 0]), NotImplementedError, '"orgqr_cpu" not implemented for \'{}\''),
    (lambda h: ember.orgqr(h, h[:, 0]), NotImplementedError, '"orgqr_cpu" not implemented for \'{}\''),
    (lambda h: ember.ormqr(h, h[:, 0], h), NotImplementedError, '"ormqr_cpu" not implemented for \'{}\''),
    (lambda h: ember.geqrf(h), NotImplementedError, '"geqrf_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.pinv(h), RuntimeError, 'linalg.pinv({}{{[2, 2]}}): expected a tensor with 2 or more '
                                                   'dimensions of float, double, cfloat or cdouble types'),
    (lambda h: ember.linalg.pinv(h, hermitian=True, rtol=0.1), RuntimeError,
     'linalg.pinv({}{{[2, 2]}}): expected a tensor with 2 or more dimensions of float, double, cfloat or cdouble types'),
    (lambda h: ember.pinverse(h), RuntimeError, 'linalg.pinv({}{{[2, 2]}}): expected a tensor with 2 or more '
                                                'dimensions of float, double, cfloat or cdouble types'),
    (lambda h: ember.linalg.pinv(h, atol=0.1), RuntimeError, "This function doesn't handle types other than float and double"),
    (lambda h: ember.linalg.matrix_rank(h), RuntimeError, "This function doesn't handle types other than float and double"),
    (lambda h: ember.linalg.matrix_rank(h, atol=0.1, hermitian=True), RuntimeError,
     "This function doesn't handle types other than float and double"),
    (lambda h: ember.linalg.matrix_rank(h, rtol=0.1), NotImplementedError, '"linalg_svd_cpu" not implemented for \'{}\''),
    (lambda h: ember.linalg.matrix_norm(h, 2), RuntimeError, 'linalg.matrix_norm: Low precision dtypes not supported. Got {}'),
    (lambda h: ember.linalg.matrix_norm(h, -2), RuntimeError, 'linalg.matrix_norm: Low precision dtypes not supported. Got {}'),
    (lambda h: ember.linalg.norm(h, 'nuc'), RuntimeError, 'linalg.matrix_norm: Low precision dtypes not supported. Got {}'),
    (lambda h: ember.nuclear_norm(h), RuntimeError, 'linalg.matrix_norm: Low precision dtypes not supported. Got {}'),
    (lambda h: ember.linalg.vander(h[0]), RuntimeError,
     'linalg.vander supports floating point, complex, and integer tensors, but got {}'),
])
@pytest.mark.parametrize('dtype,name', [(ember.float16, 'Half'), (ember.bfloat16, 'BFloat16')])
def test_half_precision_matrices_get_pytorchs_refusals(call, error, text, dtype, name):
    with pytest.raises(error) as info:
        call(ember.ones(2, 2, dtype=dtype))
    assert str(info.value) == text.format(name)


@pytest.mark.parametrize('dtype', [ember.float16, ember.bfloat16])
def test_half_precision_refusals_come_where_pytorchs_kernels_are_reached(dtype):
    # PyTorch 2.13: shape checks first; half-precision norms and exponentials that need no LAPACK kernel work
    with pytest.raises(RuntimeError, match='^linalg.solve: A must be batches of square matrices, but they are 2 by 3'):
        ember.linalg.solve(ember.ones(2, 3, dtype=dtype), ember.ones(2, 3, dtype=dtype))
    with pytest.raises(RuntimeError, match='^logdet: A must be batches of square matrices, but they are 2 by 3'):
        ember.logdet(ember.ones(2, 3, dtype=dtype))
    square = ember.eye(2, dtype=dtype)
    assert ember.linalg.matrix_norm(square).dtype is dtype and ember.linalg.matrix_norm(square, 1).item() == 1
    assert ember.linalg.matrix_exp(square).dtype is dtype


def test_integer_determinants_and_inverses_are_refused_as_pytorch():
    ints = ember.ones(2, 2, dtype=ember.int32)
    for call, name in ((ember.det, 'linalg.det'), (ember.inverse, 'linalg.inv'), (ember.slogdet, 'linalg.slogdet'),
                       (ember.logdet, 'logdet')):
        with pytest.raises(RuntimeError, match=f'^{name}: Expected a floating point or complex tensor as input. '
                                               'Got Int$'):
            call(ints)
    with pytest.raises(RuntimeError, match='^linalg.det: A must be batches of square matrices, but they are 2 by 3'):
        ember.linalg.det(ember.ones(2, 3, dtype=ember.int32))


def test_svd_of_non_finite_matrices_as_pytorch():
    nan, inf = float('nan'), float('inf')
    with pytest.raises(ember.linalg.LinAlgError, match=r'^linalg\.svd: The algorithm failed to converge because the '
                                                       r'input matrix contained non-finite values\.$'):
        ember.linalg.svd(ember.tensor([[nan, 1.], [1., 2.]]))
    batch = ember.ones(3, 2, 2)
    batch[1, 0, 0] = nan
    with pytest.raises(RuntimeError, match=r'^linalg\.svd: \(Batch element 1\): The algorithm failed'):
        ember.linalg.svdvals(batch)
    # infinities alone: NaN singular values (PyTorch's LAPACK converges to NaN there), the other matrices exact
    batch[1, 0, 0] = inf
    s = ember.linalg.svdvals(batch)
    assert s[1].isnan().all() and not s[[0, 2]].isnan().any()
    assert ember.linalg.svd(ember.tensor([[inf, 1.], [1., 2.]])).S.isnan().all()
    # a singular matrix's nuclear-norm condition number: its infinite inverse has NaN singular values
    assert ember.linalg.cond(ember.zeros(2, 2), 'nuc').isnan()


def test_inv_ex_and_svdvals_checks_name_pytorchs_functions():
    with pytest.raises(RuntimeError, match='^linalg.inv: A must be batches of square matrices, but they are 2 by 3'):
        ember.linalg.inv_ex(ember.ones(2, 3))
    with pytest.raises(RuntimeError, match='^linalg.svd: The input tensor A must have at least 2 dimensions.$'):
        ember.linalg.svdvals(ember.ones(3))
    with pytest.raises(RuntimeError, match='^linalg.inv_ex: The diagonal element 1 is zero'):
        ember.linalg.inv_ex(ember.zeros(2, 2), check_errors=True)


def test_logdet_of_complex_matrices_and_its_checks():
    # recorded from PyTorch 2.13: log(sign) + log|det| (WhereBackward0 only for real inputs), and the gradient of
    # log|det| plus twice arg(det), through the sign's unit-circle gradient
    z = ember.tensor([[1 + 1j, 0.5], [0.25j, 2j]], dtype=ember.complex128, requires_grad=True)
    r = ember.logdet(z)
    assert r.grad_fn.name() == 'AddBackward0'
    np.testing.assert_allclose(r.item(), 1.0084920933730448 + 2.388441372627599j)
    (r.real + 2 * r.imag).backward()
    np.testing.assert_allclose(z.grad.numpy(), [[-0.5654885654885655 + 1.5301455301455305j,
                                                 0.07068607068607072 - 0.1912681912681913j],
                                                [0.3825363825363826 + 0.14137214137214144j,
                                                 -1.047817047817048 + 0.48232848232848236j]])
    assert ember.linalg.slogdet(z).logabsdet.dtype == ember.float64
    assert ember.logdet(ember.tensor([[-1., 0.], [0., 1.]])).isnan() and ember.logdet(ember.zeros(2, 2)) == -math.inf
    with pytest.raises(RuntimeError, match='^logdet: A must be batches of square matrices, but they are 2 by 3'):
        ember.logdet(ember.ones(2, 3))
    with pytest.raises(RuntimeError, match='^logdet: Expected a floating point or complex tensor as input. Got Long$'):
        ember.logdet(ember.ones(2, 2, dtype=ember.long))
    with pytest.raises(RuntimeError, match='^logdet: Low precision dtypes not supported. Got Half$'):
        ember.logdet(ember.eye(2, dtype=ember.half))


def test_solve_ex_records_one_node_and_a_singular_system_gives_nan_gradients():
    A = ember.tensor([[2., 1.], [1., 3.]], requires_grad=True)
    for B, kw in ((ember.tensor([3., 4.], requires_grad=True), {}),
                  (ember.tensor([[3., 4.]], requires_grad=True), {'left': False})):
        X = ember.linalg.solve_ex(A, B, **kw).result
        assert X.grad_fn.name() == 'LinalgSolveExBackward0'
        assert [f.name() for f, _ in X.grad_fn.next_functions] == ['ember::autograd::AccumulateGrad'] * 2
    # a singular A: the solution is unspecified (NaN, flagged by info), and so is its gradient; nothing raises
    S = ember.tensor([[1., 2.], [2., 4.]], requires_grad=True)
    X, info = ember.linalg.solve_ex(S, ember.ones(2))
    X.sum().backward()
    assert info.item() == 2 and S.grad.isnan().all()


def test_lstsq_records_one_node_and_keeps_a_vectors_residual_column():
    # recorded from PyTorch 2.13: LinalgLstsqBackward0 on the solution and the residuals (empty ones too), none on
    # the rank and singular values; a vector right-hand side's residuals have one column
    A = ember.tensor([[1., 0.], [0., 2.], [1., 1.]], dtype=ember.float64, requires_grad=True)
    b = ember.tensor([1., 4., 0.], dtype=ember.float64, requires_grad=True)
    r = ember.linalg.lstsq(A, b, driver='gelsd')
    assert r.residuals.shape == (1,) and r.solution.shape == (2,)
    assert [t.grad_fn and t.grad_fn.name() for t in r] == ['LinalgLstsqBackward0'] * 2 + [None, None]
    assert r.solution.grad_fn is r.residuals.grad_fn
    assert ember.linalg.lstsq(A, b).residuals.grad_fn.name() == 'LinalgLstsqBackward0'


@pytest.mark.parametrize('fn', [
    lambda z: ember.view_as_real(ember.linalg.inv(z)), lambda z: ember.view_as_real(ember.linalg.det(z)),
    lambda z: ember.linalg.slogdet(z).logabsdet, lambda z: ember.view_as_real(ember.linalg.slogdet(z).sign),
    lambda z: ember.view_as_real(ember.logdet(z))], ids=['inv', 'det', 'slogdet.logabsdet', 'slogdet.sign', 'logdet'])
def test_complex_inverse_and_determinants_differentiate_twice(fn):
    # PyTorch's conjugate convention: A^-H (not A^-T) in the formulas, which gradcheck tells apart
    rng = np.random.default_rng(0)
    z = ember.tensor(rng.standard_normal((2, 3, 3)) + 1j * rng.standard_normal((2, 3, 3)), requires_grad=True)
    assert ember.autograd.gradcheck(fn, (z,))
    assert ember.autograd.gradgradcheck(fn, (z,))
