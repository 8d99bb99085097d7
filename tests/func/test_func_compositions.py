"""Transforms composed as PyTorch allows (jacfwd/hessian/jacrev over vmap and the reverse, autograd.grad
under vmap, per-sample gradients of a CNN, model ensembles), pinned by PyTorch's recorded values; what
PyTorch refuses inside a transform is refused with its message; batched index tensors in ``x[key]``."""
import os
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.func import grad, vmap
from tests.func.composition_cases import CASES, _Nets, _images

_RECORDED = np.load(os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'func', 'composition_results.npz'))


def _flat(x):
    if isinstance(x, ember.Tensor):
        return [x.detach().numpy()]
    if isinstance(x, dict):
        return [a for v in x.values() for a in _flat(v)]
    return [a for v in x for a in _flat(v)]


@pytest.mark.parametrize('name', sorted(CASES))
def test_matches_recorded_pytorch(name):
    got = _flat(CASES[name](ember))
    assert len(got) == len([k for k in _RECORDED.files if k.startswith(name + '/')])
    for i, g in enumerate(got):
        want = _RECORDED[f'{name}/{i}']
        assert g.shape == want.shape, (name, i)
        np.testing.assert_allclose(g, want, rtol=1e-10, atol=1e-12, err_msg=f'{name}/{i}')


def test_per_sample_gradients_of_the_cnn_run_batched():
    """vmap(grad(...)) of the tutorial's CNN: the model runs once for the whole batch, no op looped."""
    model = _Nets.cnn(ember)
    params = {k: v.detach() for k, v in model.named_parameters()}
    calls = []

    def loss(params, sample, target):
        calls.append(1)
        return F.nll_loss(ember.func.functional_call(model, params, (sample.unsqueeze(0),)), target.unsqueeze(0))
    ember.func._set_vmap_fallback_warning_enabled(True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error')
            grads = vmap(grad(loss), in_dims=(None, 0, 0))(params, _images(ember, 5), ember.tensor([0, 1, 2, 3, 4]))
    finally:
        ember.func._set_vmap_fallback_warning_enabled(False)
    assert calls == [1]
    assert grads['conv2.weight'].shape == (5, 8, 4, 3, 3)


def test_ensemble_of_cnns_runs_batched():
    models = [_Nets.cnn(ember) for _ in range(3)]
    params, buffers = ember.func.stack_module_state(models)
    ember.func._set_vmap_fallback_warning_enabled(True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error')
            out = vmap(lambda p, b, x: ember.func.functional_call(models[0], (p, b), (x,)), in_dims=(0, 0, None))(
                params, buffers, _images(ember, 2))
    finally:
        ember.func._set_vmap_fallback_warning_enabled(False)
    np.testing.assert_allclose(out[1].detach().numpy(), models[1](_images(ember, 2)).detach().numpy(), rtol=1e-12)


_REQUIRES_GRAD = (r"^You are attempting to call Tensor\.requires_grad_\(\) \(or perhaps using "
                  r"ember\.autograd\.functional\.\* APIs\) inside of a function being transformed by a functorch "
                  r"transform\. This is unsupported, please attempt to use the functorch transforms "
                  r"\(e\.g\. grad, vjp, "
                  r"jacrev, jacfwd, hessian\) or call requires_grad_\(\) outside of a function being transformed "
                  r"instead\.$")
_BACKWARD = (r"^backward\(\) called inside a functorch transform\. This is not supported, please use functorch\.grad "
             r"or functorch\.vjp instead or call backward\(\) outside of functorch transforms\.$")


def test_autograd_inside_transforms_is_refused_as_pytorch_refuses_it():
    x = ember.arange(6.0, dtype=ember.float64).reshape(2, 3)
    w = ember.ones(3, dtype=ember.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match=_REQUIRES_GRAD):
        vmap(lambda r: ember.autograd.grad((r.requires_grad_() ** 2).sum(), r))(x)
    with pytest.raises(RuntimeError, match=_BACKWARD):
        vmap(lambda r: (w * r).sum().backward())(x)
    with pytest.raises(RuntimeError, match=_BACKWARD):
        grad(lambda r: ((w * 2).sum().backward(), r.sum())[1])(x[0])
    assert w.grad is None
    (w * 2).sum().backward()       # outside any transform it works as ever
    assert w.grad.tolist() == [2.0, 2.0, 2.0]


def test_autograd_grad_of_an_outer_graph_under_vmap():
    """vmap over ``grad_outputs`` gives the rows of the Jacobian (what ``is_grads_batched`` computes)."""
    x = ember.tensor([0.5, -1.0, 2.0], dtype=ember.float64, requires_grad=True)
    y = x.exp() * x.sum()
    eye = ember.eye(3, dtype=ember.float64)
    rows = vmap(lambda v: ember.autograd.grad(y, x, v, retain_graph=True)[0])(eye)
    batched = ember.autograd.grad(y, x, eye, retain_graph=True, is_grads_batched=True)[0]
    np.testing.assert_allclose(rows.numpy(), batched.numpy(), rtol=1e-14)
    np.testing.assert_allclose(rows.numpy(), ember.func.jacrev(lambda t: t.exp() * t.sum())(x.detach()).numpy())


INDEX_CASES = [
    ('one_index_per_element', lambda r, i: r[i], (0, 0)),
    ('after_a_slice', lambda r, i: r[:, i.abs() % 4], (0, 0)),
    ('shared_table', lambda r, i: r[i % 3, 1:], (None, 0)),
    ('int_and_tensor', lambda r, i: r[1:, 2, i % 4], (0, 0)),
    ('two_tensors', lambda r, i: r[i % 3, (i + 1) % 5], (0, 0)),
]


@pytest.mark.parametrize('name, fn, in_dims', INDEX_CASES, ids=[c[0] for c in INDEX_CASES])
def test_indexing_with_batched_index_tensors(name, fn, in_dims):
    base = ember.arange(4 * 3 * 5 * 4, dtype=ember.float64).reshape(4, 3, 5, 4).sin()
    x = base if in_dims[0] == 0 else base[0]
    if name != 'int_and_tensor':
        x = x[..., 0] if in_dims[0] == 0 else x[..., 0]
    idx = ember.tensor([[0, 2], [1, 1], [2, 0], [1, 2]])
    calls = []
    got = vmap(lambda *a: calls.append(1) or fn(*a), in_dims=in_dims)(x, idx)
    want = ember.stack([fn(x if in_dims[0] is None else x[b], idx[b]) for b in range(4)])
    assert calls == [1]
    assert got.shape == want.shape
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=0, atol=0)


def test_gradient_through_batched_indexing():
    x = ember.arange(12.0, dtype=ember.float64).reshape(4, 3).requires_grad_()
    vmap(lambda r, i: (r[i] ** 2).sum())(x, ember.tensor([[0, 0], [1, 2], [2, 2], [0, 1]])).sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0, 0.0], [0.0, 8.0, 10.0], [0.0, 0.0, 32.0], [18.0, 20.0, 0.0]]


@pytest.mark.parametrize('api, call, label', [
    ('grad', lambda f, x: ember.func.grad(f, has_aux=True)(x), 'grad_and_value(f)(*args)'),
    ('vjp', lambda f, x: ember.func.vjp(f, x, has_aux=True), 'vjp(f, *primals)'),
    ('jacrev', lambda f, x: ember.func.jacrev(f, has_aux=True)(x), 'vjp(f, *primals)'),
    ('jvp', lambda f, x: ember.func.jvp(f, (x,), (x,), has_aux=True), 'jvp(f, primals, tangents)'),
    ('jacfwd', lambda f, x: ember.func.jacfwd(f, has_aux=True)(x), 'jvp(f, primals, tangents)')])
def test_missing_aux_is_named_as_pytorch_names_it(api, call, label):
    pattern = rf"^{label.replace('(', '[(]').replace(')', '[)]').replace('*', '[*]')}: "
    with pytest.raises(RuntimeError, match=pattern + r"output of function f should be a tuple: \(output, aux\) if "
                                                     r"has_aux is True$"):
        call(lambda a: a.sum(), ember.ones(3))


def test_batched_boolean_mask_index_is_pytorchs_error():
    x = ember.arange(6.0).reshape(2, 3)
    with pytest.raises(RuntimeError, match=r"^vmap: We do not support batching operators that can support dynamic "
                                           r"shape\. Attempting to batch over indexing with a boolean mask\.$"):
        vmap(lambda a, m: a[m])(x, x > 2)
    np.testing.assert_allclose(vmap(lambda a: a[ember.tensor([True, False, True])])(x).numpy(), x[:, [0, 2]].numpy())


_X = ember.ones(3, 4)
# messages recorded from PyTorch 2.13
STRUCTURE_CASES = [
    (lambda: vmap(lambda *a: a[0], in_dims=(0, (0, 0)))(_X, (_X,)),
     "vmap(<lambda>, in_dims=(0, (0, 0)), ...)(<inputs>): in_dims is not compatible with the structure of `inputs`. "
     "in_dims has structure TreeSpec(tuple, None, [*,\n  TreeSpec(tuple, None, [*,\n    *])]) but inputs has structure "
     "TreeSpec(tuple, None, [*,\n  TreeSpec(tuple, None, [*])])."),
    (lambda: vmap(lambda *a: a[0], in_dims=(0,))(_X, _X, _X),
     "vmap(<lambda>, in_dims=(0,), ...)(<inputs>): in_dims is not compatible with the structure of `inputs`. in_dims "
     "has structure TreeSpec(tuple, None, [*]) but inputs has structure TreeSpec(tuple, None, [*,\n  *,\n  *])."),
    (lambda: vmap(lambda *a: a[0], in_dims=({'a': 0},))({'a': _X, 'b': _X}),
     "vmap(<lambda>, in_dims=({'a': 0},), ...)(<inputs>): in_dims is not compatible with the structure of `inputs`. "
     "in_dims has structure TreeSpec(tuple, None, [TreeSpec(dict, ['a'], [*])]) but inputs has structure "
     "TreeSpec(tuple, None, [TreeSpec(dict, ['a', 'b'], [*,\n    *])])."),
    (lambda: vmap(lambda a: (a, (a, a)), out_dims=(0, (0,)))(_X),
     "vmap(<lambda>, ..., out_dims=(0, (0,)))(<inputs>): out_dims is not compatible with the structure of `outputs`. "
     "out_dims has structure TreeSpec(tuple, None, [*,\n  TreeSpec(tuple, None, [*])]) but outputs has structure "
     "TreeSpec(tuple, None, [*,\n  TreeSpec(tuple, None, [*,\n    *])])."),
    (lambda: vmap(lambda a: a, out_dims=(0, 0))(_X),
     "vmap(<lambda>, ..., out_dims=(0, 0))(<inputs>): out_dims is not compatible with the structure of `outputs`. "
     "out_dims has structure TreeSpec(tuple, None, [*,\n  *]) but outputs has structure *."),
]


@pytest.mark.parametrize('k', range(len(STRUCTURE_CASES)))
def test_dims_structure_errors_show_both_structures(k):
    call, message = STRUCTURE_CASES[k]
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value) == message


def test_ops_reading_a_number_inside_fall_back_to_the_loop():
    """An ember op that needs a batched value as a number (masked_scatter counts its mask) runs per
    element, as PyTorch's fallback does; the user's own .item() still gets PyTorch's error."""
    x = ember.arange(12.0).reshape(3, 4) - 5
    src = ember.arange(100.0, 112.0)
    got = vmap(lambda t: t.masked_scatter(t > 0, src))(x)
    np.testing.assert_array_equal(got.numpy(), ember.stack([r.masked_scatter(r > 0, src) for r in x]).numpy())
    with pytest.raises(RuntimeError, match=r"^vmap: It looks like you're calling \.item\(\) on a Tensor"):
        vmap(lambda t: (t * 2).sum().item())(x)
