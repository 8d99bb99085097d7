"""autograd.graph: gradient edges, multi-tensor hooks, mutation of saved tensors and the compile-only knobs.

Expected values are PyTorch 2.13's (checked by hand against it; they are small closed forms)."""
import pytest

import ember
from ember.autograd import graph


def test_gradient_edge_of_leaf_and_non_leaf():
    x = ember.ones(3, requires_grad=True)
    e = graph.get_gradient_edge(x)
    assert e.node.name() == 'ember::autograd::AccumulateGrad' and e.output_nr == 0 and e.ownership_token is None
    assert isinstance(e, tuple) and e == (e.node, 0, None)
    y = x * 2
    ey = graph.get_gradient_edge(y)
    assert ey.node is y.grad_fn and ey.output_nr == 0
    z = y.exp()
    gy, gx = ember.autograd.grad(z.sum(), [ey, x], retain_graph=True)
    assert ember.allclose(gy, ember.full((3,), 7.389056)) and ember.allclose(gx, ember.full((3,), 14.778112))
    # the edge outlives an in-place change of the tensor it was taken from
    (g2,) = ember.autograd.grad(z.sum(), ey)
    assert ember.allclose(g2, gy)


def test_gradient_edge_second_output_and_backward_inputs():
    x = ember.arange(4., requires_grad=True)
    a, b = x.split(2)
    eb = graph.get_gradient_edge(b)
    assert eb.output_nr == 1
    (gb,) = ember.autograd.grad((a * 3 + 0).sum() + (b * b).sum(), eb)
    assert gb.tolist() == [4.0, 6.0]
    leaf = graph.get_gradient_edge(x)
    (x * x).sum().backward(inputs=[leaf])
    assert x.grad.tolist() == [0.0, 2.0, 4.0, 6.0]


def test_gradient_edge_requires_grad():
    with pytest.raises(RuntimeError, match="It is not possible to get the gradient edge for a Tensor that does "
                                           "not require gradients"):
        graph.get_gradient_edge(ember.ones(2))


def test_grad_of_non_leaf_does_not_run_its_node():
    x = ember.ones(3, requires_grad=True)
    y = x * 2
    ember.autograd.grad(y.sum(), y)
    # y's node was only captured, not run: its saved tensors are still there
    assert ember.autograd.grad(y.exp().sum(), x)[0].shape == (3,)


def test_hooks_off_the_inputs_path_do_not_fire():
    a = ember.ones(2, 3, requires_grad=True)
    b = ember.ones(2, 3, requires_grad=True)
    fired = []
    b.register_hook(lambda g: fired.append('b'))
    (a * b).sum().backward(inputs=(a,))
    assert fired == [] and b.grad is None and a.grad is not None


def test_multi_grad_hook_all():
    a = ember.rand(2, 3, requires_grad=True)
    b = ember.rand(2, 3, requires_grad=True)
    c = a * b
    d = a * b
    seen = []
    h = graph.register_multi_grad_hook((a, b, c, d), lambda grads: seen.append([g is not None for g in grads]))
    c.sum().backward(retain_graph=True)
    c.sum().backward(inputs=(a,), retain_graph=True)
    (c + d).sum().backward(retain_graph=True)
    assert seen == [[True, True, True, False], [True, False, True, False], [True, True, True, True]]
    h.remove()
    c.sum().backward()
    assert len(seen) == 3


def test_multi_grad_hook_all_passes_gradients():
    a = ember.ones(2, requires_grad=True)
    b = ember.ones(2, requires_grad=True)
    got = []
    graph.register_multi_grad_hook((a, b), got.append)
    (a * 3 + b * 5).sum().backward()
    assert [g.tolist() for g in got[0]] == [[3.0, 3.0], [5.0, 5.0]]


def test_multi_grad_hook_any_runs_once_per_backward():
    a = ember.ones(2, requires_grad=True)
    b = ember.ones(2, requires_grad=True)
    calls = []
    h = graph.register_multi_grad_hook((a, b, ember.ones(2)), calls.append, mode='any')
    out = (a * b).sum()
    out.backward(retain_graph=True)
    out.backward()
    assert len(calls) == 2 and all(c.tolist() == [1.0, 1.0] for c in calls)
    h.remove()
    (a * b).sum().backward()
    assert len(calls) == 2


def test_multi_grad_hook_bad_mode():
    with pytest.raises(ValueError, match=r"Expects mode to be one of \('all', 'any'\) but got x"):
        graph.register_multi_grad_hook([ember.ones(1, requires_grad=True)], print, mode='x')


def test_allow_mutation_on_saved_tensors():
    x = ember.ones(3, requires_grad=True)
    with graph.allow_mutation_on_saved_tensors() as ctx:
        a = x.clone()
        out = (a ** 2).sum()
        a.sin_()
        out.backward()
        assert len(ctx.saved) > 0
    assert x.grad.tolist() == [2.0, 2.0, 2.0]
    assert ctx.saved == []
    # without the context the same code is refused
    b = x.clone()
    out = (b ** 2).sum()
    b.sin_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.backward()


def test_allow_mutation_errors():
    x = ember.ones(3, requires_grad=True)
    with graph.allow_mutation_on_saved_tensors():
        a = x.clone()
        out = (a ** 2).sum()
        a.sin_()
    with pytest.raises(AssertionError, match="Trying to backward outside of the 'allow_mutation_on_saved_tensors' "
                                             "contextin which the graph was originally recorded."):
        out.backward()
    with pytest.raises(RuntimeError, match="allow_mutation_on_saved_tensors contexts cannot be nested"):
        with graph.allow_mutation_on_saved_tensors():
            with graph.allow_mutation_on_saved_tensors():
                pass


def test_region_activation_memory_budget_is_compile_only():
    name = 'ember.autograd.graph.region_activation_memory_budget'
    with pytest.raises(TypeError, match=f"{name}: expects a float, got str"):
        graph.region_activation_memory_budget('a')
    with pytest.raises(ValueError, match=rf"{name}: must be in \[0, 1\], got 1.5"):
        graph.region_activation_memory_budget(1.5)
    with pytest.raises(RuntimeError, match="can only be used inside a torch.compile region"):
        graph.region_activation_memory_budget(0.5)


def test_stream_settings_return_none():
    assert graph.set_warn_on_accumulate_grad_stream_mismatch(False) is None
    assert graph.set_override_stale_capture_stream(False) is None
    graph.set_warn_on_accumulate_grad_stream_mismatch(True)


def test_leaf_hook_survives_until_backward():
    v = ember.tensor([0., 0., 0.], requires_grad=True)
    v.register_hook(lambda grad: grad * 2)
    (v * 1).sum().backward()
    assert v.grad.tolist() == [2.0, 2.0, 2.0]
