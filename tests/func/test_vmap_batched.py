"""vmap's batched path: each rule against the per-element loop, nesting, autograd through it, and
PyTorch's errors inside vmap (PyTorch's own numbers are pinned in func_cases.py)."""
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.func import grad, hessian, jacrev, vmap


def _r(*shape, seed=0):
    return ember.tensor(np.random.default_rng(seed + len(shape)).standard_normal(shape), dtype=ember.float64)


W, V = _r(3, 4, seed=1), _r(4, seed=2)
IMG_W = _r(2, 1, 3, 3, seed=3)

# (name, function of one element, its inputs, in_dims)
RULE_CASES = [
    ('unary', lambda x: x.exp().tanh().sigmoid().abs().sqrt(), (_r(5, 4),), 0),
    ('binary_broadcast', lambda x, v: x * v - v / (1 + x ** 2), (_r(5, 3, 4), V), (0, None)),
    ('both_batched_broadcast', lambda x, y: x.maximum(y) + x.atan2(y), (_r(5, 3, 4), _r(5, 4)), 0),
    ('zero_dim_elements', lambda x, y: x * y + 1, (_r(5), _r(5, 3)), 0),
    ('matmul', lambda x: x @ W, (_r(5, 2, 3),), 0),
    ('matmul_batched_weight', lambda w, x: x @ w, (_r(5, 3, 4), _r(2, 3)), (0, None)),
    ('mm_bmm_mv_dot', lambda x: (x.mm(W).sum() + ember.bmm(x.unsqueeze(0), W.unsqueeze(0)).sum() + W.t().mv(x[0])
                                 .sum() + x[0].dot(x[1])), (_r(5, 2, 3),), 0),
    ('linear_addmm', lambda x, w, b: F.linear(x, w, b) + ember.addmm(b, x, w.t()), (_r(5, 2, 3), _r(4, 3), _r(4)),
     (0, None, None)),
    ('linear_batched_params', lambda x, w, b: F.linear(x, w, b), (_r(2, 3), _r(5, 4, 3), _r(5, 4)), (None, 0, 0)),
    ('reductions', lambda x: (x.sum(), x.mean(1), x.amax(0), x.amin(), x.var(0), x.std(), x.logsumexp(1),
                              x.norm(), x.prod(1), x.max(1)[0], x.cumsum(1)), (_r(5, 3, 4),), 0),
    ('softmax', lambda x: (x.softmax(-1), F.log_softmax(x, 0)), (_r(5, 3, 4),), 2),
    ('views', lambda x: (x.reshape(4, 3).t(), x.view(-1), x.permute(1, 0), x.transpose(0, 1), x.unsqueeze(1),
                         x.unsqueeze(-1).squeeze(-1), x.expand(2, 3, 4), x[1], x.select(1, 2), x.narrow(1, 1, 2),
                         x.flip(0), x.repeat(2, 1), x.tril(), x.diagonal(), x.split(2, 1)[1]), (_r(5, 3, 4),), 0),
    ('cat_stack', lambda x, y: (ember.cat([x, y], 1), ember.stack([x, y], 0), ember.stack([y, x], -1)),
     (_r(5, 3, 4), _r(3, 4)), (0, None)),
    ('where_clamp_clone', lambda x: ember.where(x > 0, x, x.clone() * 2).clamp(-0.5, 0.5), (_r(5, 3),), 0),
    ('nn', lambda x: (F.relu(x), F.gelu(x), F.silu(x), F.layer_norm(x, (4,)), F.mse_loss(x, x.cos()),
                      F.cross_entropy(x, ember.tensor([0, 3, 1]))), (_r(5, 3, 4),), 0),
    ('conv2d', lambda img: F.conv2d(img, IMG_W, padding=1), (_r(5, 2, 1, 4, 4),), 0),
    ('convert_mask_gather_einsum', lambda x, y: (x.float().double(), x.masked_fill(y > 0, 0.5),
                                                 x.gather(1, ember.tensor([[0, 2], [1, 1], [3, 0]])),
                                                 ember.einsum('ij,kj,i->ik', x, W, y[:, 0]),
                                                 ember.einsum('ij,ij->i', W, x)), (_r(5, 3, 4), _r(5, 3, 4)), 0),
    ('clamp_xlogy_angles', lambda x, y: (x.clamp(min=-0.3), x.clamp(max=y), x.clamp_min(y), x.clamp(-y.abs(), y.abs()),
                                         ember.xlogy(x, y.abs()), ember.xlogy(x, 2.0), ember.xlogy(3.0, y.abs()),
                                         ember.special.xlog1py(x, y.abs()), x.deg2rad(), x.rad2deg()),
     (_r(5, 3, 4), _r(5, 4)), 0),
    ('nansum_var_mean_unfold_index_select', lambda x: (x.nansum(1), *ember.var_mean(x, 0), *ember.std_mean(x),
                                                       x.unfold(1, 2, 1), x.index_select(1, ember.tensor([3, 0]))),
     (_r(5, 3, 4),), 0),
    ('square_matrix_functions', lambda a: (ember.linalg.det(a), ember.linalg.inv(a), *ember.linalg.slogdet(a),
                                           ember.linalg.matrix_exp(a)), (_r(5, 2, 3, 3) + 3 * ember.eye(3, dtype=ember.float64),), 0),
    ('in_dim_last', lambda x: x.sum(0) * x[0], (_r(3, 4, 5),), -1),
]


@pytest.mark.parametrize('name, fn, inputs, in_dims', RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_rule_matches_the_loop_and_runs_once(name, fn, inputs, in_dims):
    dims = in_dims if isinstance(in_dims, tuple) else (in_dims,) * len(inputs)
    size = next(x.shape[d] for x, d in zip(inputs, dims) if d is not None)
    calls = []
    ember.func._set_vmap_fallback_warning_enabled(True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error')   # no op of these runs as a loop
            got = vmap(lambda *a: calls.append(1) or fn(*a), in_dims=in_dims)(*inputs)
    finally:
        ember.func._set_vmap_fallback_warning_enabled(False)
    assert len(calls) == 1
    loop = [fn(*[x if d is None else x.select(d, i) for x, d in zip(inputs, dims)]) for i in range(size)]
    got = got if isinstance(got, tuple) else (got,)
    for k, g in enumerate(got):
        want = ember.stack([r[k] if isinstance(r, tuple) else r for r in loop])
        assert g.shape == want.shape, (name, k)
        np.testing.assert_allclose(g.numpy(), want.numpy(), rtol=1e-12, atol=1e-12, err_msg=f"{name}[{k}]")


def test_ops_without_a_rule_and_value_reads_fall_back_to_the_loop():
    x = _r(4, 3)
    np.testing.assert_allclose(vmap(lambda r: r.median() * 2)(x).numpy(), x.median(1)[0].numpy() * 2)
    # reading the values (tolist) reruns the function per element
    got = vmap(lambda r: ember.tensor(r.tolist(), dtype=ember.float64) + r)(x)
    np.testing.assert_allclose(got.numpy(), 2 * x.numpy())


def test_the_ops_without_a_rule_are_listed():
    from ember.func._batching_rules import ops_without_rules
    missing = ops_without_rules()
    assert 'ctc.CtcLoss' in missing
    assert not {'conv.ConvolutionWeight', 'norm.NativeBatchNorm', 'embedding.Embedding', 'loss.NllLoss',
                'pooling.MaxPoolWithIndices', 'index.Scatter', 'fft.FftR2C'} & set(missing)
    assert not {'arith.Xlogy', 'linalg.Det', 'reduce.VarMean', 'shape.Unfold', 'index.IndexSelect'} & set(missing)
    assert not {'arith.Add', 'linalg.Mm', 'reduce.SumDim', 'shape.View', 'conv.Convolution'} & set(missing)


def test_nested_vmap_with_out_dims_and_chunks():
    x, y = _r(2, 3, 4), _r(3, 4)
    got = vmap(vmap(lambda a, b: (a * b).sum(), in_dims=(0, 0)), in_dims=(0, None), out_dims=0)(x, y)
    np.testing.assert_allclose(got.numpy(), (x * y).sum(-1).numpy())
    got = vmap(lambda a: a.exp(), in_dims=1, out_dims=2, chunk_size=2)(x)
    np.testing.assert_allclose(got.numpy(), x.exp().permute(0, 2, 1).numpy())


def test_grad_of_vmap_and_vmap_of_grad():
    x = _r(4, 3).requires_grad_()
    out = vmap(lambda r: (r @ W).tanh().sum())(x)
    out.sum().backward()
    f = lambda r: (r @ W).tanh().sum()
    np.testing.assert_allclose(x.grad.numpy(), ember.stack([grad(f)(r) for r in x.detach()]).numpy(), rtol=1e-12)
    per_sample = vmap(grad(lambda w, r: (r @ w).tanh().sum()), in_dims=(None, 0))(W, x.detach())
    assert per_sample.shape == (4, 3, 4)
    np.testing.assert_allclose(per_sample[2].numpy(),
                               grad(lambda w: (x.detach()[2] @ w).tanh().sum())(W).numpy(), rtol=1e-12)
    h = vmap(hessian(lambda r: (r.sin() * r).sum()))(x.detach())
    np.testing.assert_allclose(h[1].numpy(), hessian(lambda r: (r.sin() * r).sum())(x.detach()[1]).numpy())
    j = vmap(jacrev(lambda r: r.exp() * r.sum()))(x.detach())
    np.testing.assert_allclose(j[3].numpy(), jacrev(lambda r: r.exp() * r.sum())(x.detach()[3]).numpy())


def test_pytorch_errors_inside_vmap():
    x = ember.arange(6.0).reshape(2, 3)
    with pytest.raises(RuntimeError, match=r"^vmap: It looks like you're calling \.item\(\) on a Tensor\. We don't "
                                           r"support vmap over calling \.item\(\)"):
        vmap(lambda t: t.sum().item())(x)
    with pytest.raises(RuntimeError, match=r"^vmap: It looks like you're attempting to use a Tensor in some "
                                           r"data-dependent control flow\."):
        vmap(lambda t: t if t.sum() > 0 else -t)(x)
    y = ember.zeros(3)
    with pytest.raises(RuntimeError, match=r"^vmap: inplace arithmetic\(self, \*extra_args\) is not possible because "
                                           r"there exists a Tensor `other` in extra_args"):
        vmap(lambda t: y.copy_(t))(x)
    assert (y == 0).all()
    with pytest.raises(IndexError, match=r"^Dimension out of range \(expected to be in range of \[-2, 1\], but got 3\)"):
        vmap(lambda t: t, out_dims=3)(x)


def test_inplace_on_a_batched_tensor_writes_every_element():
    x = ember.arange(6.0).reshape(2, 3)
    out = vmap(lambda t: t.clone().mul_(2).add_(ember.ones(3)))(x)
    np.testing.assert_allclose(out.numpy(), x.numpy() * 2 + 1)


def test_repr_inside_vmap_shows_the_batch():
    seen = []
    vmap(lambda t: seen.append(repr(t)) or t)(ember.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert seen == ["BatchedTensor(lvl=1, bdim=0, value=\n    tensor([[1., 2.],\n            [3., 4.]])\n)"]


def test_randomness_same_is_one_draw_for_the_batch():
    ember.manual_seed(0)
    out = vmap(lambda t: t + ember.rand(3), randomness='same')(ember.zeros(4, 3))
    assert (out == out[0]).all()


def test_vmap_of_jacrev_runs_once():
    # jacrev's one-hot cotangents are made with zeros_like of a batched output: no reason for the loop
    x, calls = _r(4, 3), []
    ember.func._set_vmap_fallback_warning_enabled(True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error')
            got = vmap(lambda r: calls.append(1) or jacrev(lambda t: (t @ W).tanh())(r))(x)
    finally:
        ember.func._set_vmap_fallback_warning_enabled(False)
    assert len(calls) == 1
    np.testing.assert_allclose(got[2].numpy(), jacrev(lambda t: (t @ W).tanh())(x[2]).numpy(), rtol=1e-12)


def test_vmap_of_a_vjp_fn_taken_outside_gives_each_rows_product():
    # the jacobian tutorial's vmap(vjp_fn)(unit_vectors): one product per cotangent, not their sum
    _, vjp_fn = ember.func.vjp(lambda t: (t @ W).tanh(), _r(3))
    jac, = vmap(vjp_fn)(ember.eye(4, dtype=ember.float64))
    want = ember.stack([vjp_fn(e)[0] for e in ember.eye(4, dtype=ember.float64)])
    assert jac.shape == (4, 3)
    np.testing.assert_allclose(jac.numpy(), want.numpy(), rtol=1e-12)


def test_vmap_of_a_vector_product_with_an_unbatched_matrix_is_the_batched_product():
    # the batch is folded into the rows of one matrix product, so the float32 sums round as the
    # batched call's do (PyTorch's rule: the jacobian tutorial's allclose depends on it)
    g = ember.Generator().manual_seed(0)
    w, b, x = (ember.randn(33, 31, generator=g), ember.randn(33, generator=g), ember.randn(16, 31, generator=g))
    assert ember.equal(vmap(lambda v: F.linear(v, w, b))(x), F.linear(x, w, b))
    assert ember.equal(vmap(lambda v: v @ w.t())(x), x @ w.t())
    assert ember.equal(vmap(lambda m: m @ w.t())(x.reshape(4, 4, 31)), (x @ w.t()).reshape(4, 4, 33))


def test_output_already_at_its_out_dim_is_returned_without_a_permute():
    # as PyTorch 2.13: the relu's own node where the batch dimension already sits at out_dims,
    # a permute where it has to move
    x = ember.randn(2, 3, requires_grad=True)
    relu = lambda v: v.relu()
    assert ember.vmap(relu)(x).grad_fn.name() == 'ReluBackward0'
    assert ember.vmap(relu, out_dims=-2)(x).grad_fn.name() == 'ReluBackward0'
    assert ember.vmap(relu, out_dims=-1)(x).grad_fn.name() == 'PermuteBackward0'
    ember.testing.assert_close(ember.vmap(relu, out_dims=-1)(x), x.relu().t())
