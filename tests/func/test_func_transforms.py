"""ember.func against torch.func's recorded results (tests/func/record_func.py), plus PyTorch's errors."""
import os
import warnings

import numpy as np
import pytest

import ember
from ember.func import grad, grad_and_value, jacrev, jvp, vjp, vmap
from tests.func.func_cases import CASES

_RECORDED = np.load(os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'func', 'func_results.npz'))


def _flat(x):
    if isinstance(x, ember.Tensor):
        return [x]
    if isinstance(x, dict):
        return [a for v in x.values() for a in _flat(v)]
    return [a for v in x for a in _flat(v)]


@pytest.mark.parametrize('name', sorted(CASES))
def test_matches_recorded_pytorch(name):
    got = _flat(CASES[name](ember))
    expected = sorted((k for k in _RECORDED.files if k.startswith(name + '/')), key=lambda k: int(k.split('/')[1]))
    assert len(got) == len(expected)
    for g, k in zip(got, expected):
        assert tuple(g.shape) == _RECORDED[k].shape, k
        np.testing.assert_allclose(g.detach().numpy(), _RECORDED[k], rtol=1e-10, atol=1e-12, err_msg=k)
        if name != 'stack_module_state':  # that one's parameters are leaves requiring grad
            assert not g.requires_grad  # inputs did not require grad, so results are plain tensors


def test_results_stay_differentiable_when_the_inputs_require_grad():
    x = ember.tensor([0.5, 1.5], dtype=ember.float64, requires_grad=True)
    g = grad(lambda y: (y ** 3).sum())(x)
    assert g.requires_grad
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 6 * x.detach().numpy())


def test_callers_tensors_are_left_alone():
    x = ember.ones(3)
    grad(lambda y: (y * 2).sum())(x)
    assert not x.requires_grad and x.grad is None and x.grad_fn is None


def test_grad_errors_match_pytorch():
    with pytest.raises(RuntimeError, match=r"^grad_and_value\(f\)\(\*args\): Expected f\(\*args\) to return a scalar "
                                           r"Tensor, got tensor with 1 dims\. Maybe you wanted to use the vjp or "
                                           r"jacrev APIs instead\?$"):
        grad(lambda x: x * 2)(ember.ones(2))
    with pytest.raises(ValueError, match="^Thing passed to transform API must be Tensor, got <class 'float'>$"):
        grad(lambda x: x.sum())(3.0)
    with pytest.raises(RuntimeError, match="^Got argnum=2, but only 1 positional inputs$"):
        grad(lambda x: x.sum(), argnums=2)(ember.ones(2))
    with pytest.raises(RuntimeError, match="^argnums must be non-empty$"):
        grad(lambda x: x.sum(), argnums=())(ember.ones(2))
    with pytest.raises(RuntimeError, match=r"^argnums must be int or Tuple\[int, \.\.\.\], got: <class 'float'>$"):
        grad(lambda x: x.sum(), argnums=1.0)(ember.ones(2))


def test_jvp_and_vjp_errors_match_pytorch():
    with pytest.raises(RuntimeError, match=r"^Trying to set a forward gradient that has a different size than that of "
                                           r"the original Tensor, this is not supported\. Tensor is of size \[2\] "
                                           r"while the given forward gradient is of size \[3\]\.$"):
        jvp(lambda x: x * 2, (ember.ones(2),), (ember.ones(3),))
    with pytest.raises(RuntimeError, match=r"^jvp\(f, primals, tangents\): Expected primals to be a tuple\."):
        jvp(lambda x: x * 2, ember.ones(2), ember.ones(2))
    with pytest.raises(RuntimeError, match=r"^jvp\(f, primals, tangents\): Expected primals and tangents to have "
                                           r"the same python structure\."):
        jvp(lambda x: x * 2, (ember.ones(2),), (ember.ones(2), ember.ones(2)))
    _, fn = vjp(lambda x: x * 2, ember.ones(2))
    with pytest.raises(RuntimeError, match=r"^Mismatch in shape: grad_output\[0\] has a shape of ember.Size\(\[3\]\) "
                                           r"and output\[0\] has a shape of ember.Size\(\[2\]\)\.$"):
        fn(ember.ones(3))
    with pytest.raises(ValueError, match="^jacrev: `chunk_size` should be greater than 0.$"):
        jacrev(lambda x: x, chunk_size=0)


def test_vmap_errors_match_pytorch():
    with pytest.raises(ValueError, match=r"^vmap: Expected all tensors to have the same size in the mapped "
                                         r"dimension, got sizes \[2, 3\] for the mapped dimension$"):
        vmap(lambda x, y: x + y)(ember.ones(2, 3), ember.ones(3, 3))
    with pytest.raises(ValueError, match=r"^vmap\(<lambda>, in_dims=0, \.\.\.\)\(<inputs>\): Got in_dim=0 for an "
                                         r"input but the input is of type <class 'float'>\. We cannot vmap over "
                                         r"non-Tensor arguments, please use None as the respective in_dim$"):
        vmap(lambda x: x)(3.0)
    with pytest.raises(ValueError, match=r"^vmap\(<lambda>, in_dims=2, \.\.\.\)\(<inputs>\): Got in_dim=2 for some "
                                         r"input, but that input is a Tensor of dimensionality 1 so expected in_dim "
                                         r"to satisfy -1 <= in_dim < 1\.$"):
        vmap(lambda x: x, in_dims=2)(ember.ones(2))
    with pytest.raises(ValueError, match=r"^vmap\(<lambda>, \.\.\.\): `<lambda>` must only return Tensors, got type "
                                         r"<class 'int'>\. Did you mean to set out_dims= to None for output\?$"):
        vmap(lambda x: 3)(ember.ones(2))
    with pytest.raises(ValueError, match=r"^vmap\(<lambda>, \.\.\.\): `<lambda>` can not return a BatchedTensor when "
                                         r"out_dim is None$"):
        vmap(lambda x: x, out_dims=None)(ember.arange(2.0))
    with pytest.raises(RuntimeError, match="^Only allowed values for randomness are 'error', 'different', or 'same'. "
                                           "Got foo$"):
        vmap(lambda x: x, randomness='foo')
    with pytest.raises(ValueError, match=r"^vmap: chunk_size should be None or greater than 0\. \(got 0\)$"):
        vmap(lambda x: x, chunk_size=0)


def test_vmap_randomness_modes():
    ember.manual_seed(0)
    state = ember.get_rng_state()
    with pytest.raises(RuntimeError, match="^vmap: called random operation while in randomness error mode"):
        vmap(lambda x: x + ember.rand(2))(ember.zeros(3, 2))
    assert bool((ember.get_rng_state() == state).all())  # a refused call draws nothing
    same = vmap(lambda x: x + ember.rand(2), randomness='same')(ember.zeros(3, 2))
    assert bool((same == same[0]).all())
    different = vmap(lambda x: x + ember.rand(2), randomness='different')(ember.zeros(3, 2))
    assert not bool((different == different[0]).all())


def test_vmap_unbatched_output_and_fallback_warning():
    const = ember.ones(2)
    assert vmap(lambda x: const, out_dims=None)(ember.zeros(3)) is const
    assert vmap(lambda x: ember.ones(2))(ember.zeros(3)).shape == (3, 2)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        vmap(lambda x: ember.block_diag(x, x))(ember.ones(2, 3))  # the fallback is silent by default, as in PyTorch
    ember.func._set_vmap_fallback_warning_enabled(True)
    try:
        with pytest.warns(UserWarning, match="performance drop"):
            vmap(lambda x: ember.block_diag(x, x))(ember.ones(2, 3))
    finally:
        ember.func._set_vmap_fallback_warning_enabled(False)


def test_functional_call_and_grad_over_parameters():
    lin = ember.nn.Linear(3, 1).double()
    params = {k: v.detach() for k, v in lin.named_parameters()}
    x = ember.tensor([[1.0, 2.0, 3.0]], dtype=ember.float64)
    g = grad(lambda p: ember.func.functional_call(lin, p, (x,)).sum())(params)
    np.testing.assert_allclose(g['weight'].numpy(), x.numpy())
    np.testing.assert_allclose(g['bias'].numpy(), [1.0])
    assert lin.weight.grad is None
    _, value = grad_and_value(lambda p: ember.func.functional_call(lin, p, x).sum())(params)
    np.testing.assert_allclose(value.item(), lin(x).item())


def test_stack_module_state_errors_match_pytorch():
    from ember.func import stack_module_state
    with pytest.raises(RuntimeError, match=r"^stack_module_state: Expected at least one model, got 0\.$"):
        stack_module_state([])
    with pytest.raises(RuntimeError, match=r"^stack_module_state: Expected all models to be of the same class\.$"):
        stack_module_state([ember.nn.Linear(2, 2), ember.nn.Conv1d(2, 2, 1)])
    a, b = ember.nn.BatchNorm1d(2), ember.nn.BatchNorm1d(2).eval()
    with pytest.raises(RuntimeError, match=r"^stack_module_state: Expected all models to have the same "
                                           r"training/eval mode\.$"):
        stack_module_state([a, b])
    params, buffers = stack_module_state([ember.nn.BatchNorm1d(2) for _ in range(3)])
    assert params['weight'].shape == (3, 2) and params['weight'].is_leaf and params['weight'].requires_grad
    assert buffers['num_batches_tracked'].shape == (3,) and not buffers['running_mean'].requires_grad


def test_replace_all_batch_norm_modules_():
    # PyTorch 2.13: buffers gone, batch statistics used in eval mode too
    m = ember.nn.Sequential(ember.nn.Linear(2, 2), ember.nn.BatchNorm1d(2),
                            ember.nn.Sequential(ember.nn.BatchNorm2d(3)))
    assert ember.func.replace_all_batch_norm_modules_(m) is m
    for bn in (m[1], m[2][0]):
        assert bn.running_mean is None and bn.running_var is None and bn.num_batches_tracked is None
        assert not bn.track_running_stats and dict(bn.named_buffers()) == {}
    m.eval()
    out = m[1](ember.tensor([[1.0, 2.0], [3.0, 5.0]]))
    np.testing.assert_allclose(out.detach().numpy(), [[-1.0, -1.0], [1.0, 1.0]], atol=1e-4)
