"""nn.GRU's steps record one fused node each and defer PyTorch's ten cell nodes into it until a node can be seen
(ember/autograd/_deferred_nodes.py): its graph is PyTorch's wherever it is looked at, hooks on the inner nodes fire
with PyTorch's gradients, and looking changes no gradient. Compared with PyTorch's graphs recorded by
tests/fixtures/gru_steps/record.py over tests/_gru_step_cases.py's layers."""
import json
import pathlib

import numpy as np
import pytest

import ember
from ember.autograd import _deferred_nodes
from tests import _gru_step_cases as cases

RECORDED = json.loads((pathlib.Path(__file__).parent.parent / 'fixtures' / 'gru_steps' / 'graphs.json').read_text())


def _close(got, expected, dtype_name):
    tol = 1e-5 if dtype_name == 'float32' else 1e-12
    np.testing.assert_allclose(np.asarray(got, np.float64), np.asarray(expected), rtol=tol, atol=tol)


def _inputs(m, x, hx):
    return [x] + ([hx] if hx is not None else []) + list(m.parameters())


@pytest.mark.parametrize('name', sorted(cases.CONFIGS))
def test_trees_are_pytorchs(name):
    m, x, hx = cases.build(ember, name)
    out, h = m(x, hx)
    assert _deferred_nodes._pending        # (nothing has looked yet: the steps are still fused)
    assert cases.trees(out, h) == RECORDED[name]['trees']
    assert not _deferred_nodes._pending


@pytest.mark.parametrize('name', sorted(cases.CONFIGS))
def test_functional_gru_trees_are_pytorchs(name):
    out, h, _ = cases.functional(ember, name)
    assert cases.trees(out, h) == RECORDED[name]['functional_trees']


@pytest.mark.parametrize('name', sorted(cases.CONFIGS))
def test_hook_on_an_inner_node_sees_pytorchs_gradients(name):
    m, x, hx = cases.build(ember, name)
    out, h = m(x, hx)
    node = cases.inner_node(out)
    assert node.name() == 'SigmoidBackward0'
    seen = []
    node.register_hook(lambda grad_inputs, grad_outputs: seen.append((grad_inputs[0], grad_outputs[0])))
    grads = ember.autograd.grad(cases.loss(out, h), _inputs(m, x, hx))
    dtype_name = cases.CONFIGS[name][1]
    assert len(seen) == 1
    _close(cases.as_lists(seen[0][0]), RECORDED[name]['hook'][0], dtype_name)
    _close(cases.as_lists(seen[0][1]), RECORDED[name]['hook'][1], dtype_name)
    for g, expected in zip(grads, RECORDED[name]['grads']):
        _close(cases.as_lists(g), expected, dtype_name)


def _grads(name, look=None, **backward):
    m, x, hx = cases.build(ember, name)
    out, h = m(x, hx)
    if look is not None:
        look(out, h)
    return [g.numpy().copy() for g in ember.autograd.grad(cases.loss(out, h), _inputs(m, x, hx), **backward)]


def _walk(out, h):
    stack, seen = [out.grad_fn, h.grad_fn], set()
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)


@pytest.mark.parametrize('name', sorted(cases.CONFIGS))
def test_looking_changes_no_gradient(name):
    fused = _grads(name)
    assert all(np.array_equal(a, b) for a, b in zip(fused, _grads(name, _walk)))
    for g, expected in zip(fused, RECORDED[name]['grads']):
        _close(g, expected, cases.CONFIGS[name][1])


@pytest.mark.parametrize('name', sorted(cases.CONFIGS))
def test_second_derivatives_are_pytorchs(name):
    m, x, hx = cases.build(ember, name)
    out, h = m(x, hx)
    gx, = ember.autograd.grad(cases.loss(out, h), x, create_graph=True)
    got = ember.autograd.grad((gx * gx).sum(), _inputs(m, x, hx))
    for g, expected in zip(got, RECORDED[name]['grad_of_grad']):
        _close(cases.as_lists(g), expected, cases.CONFIGS[name][1])


def test_expanding_keeps_nodes_and_is_done_once():
    m, x, hx = cases.build(ember, 'one_layer_hx')
    out, h = m(x, hx)
    fused = out.grad_fn.next_functions[-1][0]
    assert [f.name() for f, _ in fused.next_functions] == ['MulBackward0', 'TanhBackward0']
    steps = fused.next_functions
    assert out.grad_fn.next_functions[-1][0] is fused and fused.next_functions is steps
    assert h.grad_fn.next_functions[0][0] is fused     # (h_n's stack reaches the same node)


def test_printing_leaves_steps_fused_and_gradients_unchanged():
    m, x, hx = cases.build(ember, 'one_layer')
    out, h = m(x, hx)
    assert repr(h).endswith('grad_fn=<StackBackward0>)')
    assert _deferred_nodes._pending
    ember.autograd.grad(cases.loss(out, h), x)
    assert _deferred_nodes._pending


def test_nodes_looked_at_after_backward_are_pytorchs_and_freed():
    m, x, hx = cases.build(ember, 'one_layer_hx')
    out, h = m(x, hx)
    cases.loss(out, h).backward()
    assert cases.trees(out, h) == RECORDED['one_layer_hx']['trees']
    with pytest.raises(RuntimeError, match='backward through the graph a second time'):
        cases.loss(out, h).backward()


def test_retained_graph_looked_at_between_passes_gives_the_same_gradients():
    m, x, hx = cases.build(ember, 'one_layer')
    out, h = m(x, hx)
    first = ember.autograd.grad(cases.loss(out, h), x, retain_graph=True)[0].numpy().copy()
    _walk(out, h)
    second = ember.autograd.grad(cases.loss(out, h), x)[0].numpy()
    assert np.array_equal(first, second)


@pytest.mark.parametrize('accumulate', [False, True])
def test_a_hook_looking_during_backward_has_the_pass_run_the_steps(accumulate):
    # a tensor hook reads the graph while the pass runs: the steps it expands join the pass, and a hook registered
    # on one of them fires in the same pass
    name = 'one_layer_hx'
    m, x, hx = cases.build(ember, name)
    out, h = m(x, hx)
    seen = []

    def look(grad):
        cases.inner_node(out).register_hook(lambda grad_inputs, grad_outputs: seen.append(grad_inputs[0]))
    h.register_hook(look)
    if accumulate:
        cases.loss(out, h).backward()
        grads = [t.grad for t in _inputs(m, x, hx)]
    else:
        grads = ember.autograd.grad(cases.loss(out, h), _inputs(m, x, hx))
    assert len(seen) == 1
    _close(cases.as_lists(seen[0]), RECORDED[name]['hook'][0], 'float64')
    for g, expected in zip(grads, RECORDED[name]['grads']):     # (that cell ran node by node: PyTorch's order)
        _close(cases.as_lists(g), expected, 'float64')


def test_gradient_edge_of_a_steps_output_is_the_expanded_node():
    m, x, hx = cases.build(ember, 'one_layer')
    out, h = m(x, hx)
    edge = ember.autograd.graph.get_gradient_edge(out)
    assert not _deferred_nodes._pending
    assert edge.node.next_functions[0][0].name() == 'AddBackward0'


def test_looking_under_no_grad_records_the_steps():
    m, x, hx = cases.build(ember, 'one_layer_hx')
    out, h = m(x, hx)
    with ember.no_grad():
        trees = cases.trees(out, h)
    assert trees == RECORDED['one_layer_hx']['trees']


# (the other layers' input projections differ below the cells: a 3-D linear without bias ends in ViewBackward0 where
# PyTorch's ends in UnsafeViewBackward0, and a second layer's projects with AddmmBackward0 where PyTorch's adds)
@pytest.mark.parametrize('name', ['one_layer', 'one_layer_hx'])
def test_a_profiled_backward_runs_pytorchs_nodes(name):
    m, x, hx = cases.build(ember, name)
    out, h = m(x, hx)
    with ember.autograd.profiler.profile() as prof:
        cases.loss(out, h).backward()
    assert cases.node_counts(e.name for e in prof.function_events) == RECORDED[name]['profiled_nodes']


def test_a_backward_under_anomaly_mode_runs_the_steps_with_the_same_gradients():
    m, x, hx = cases.build(ember, 'one_layer')
    out, h = m(x, hx)
    with ember.autograd.detect_anomaly():
        got = ember.autograd.grad(cases.loss(out, h), _inputs(m, x, hx))
    assert not _deferred_nodes._pending
    assert all(np.array_equal(a.numpy(), b) for a, b in zip(got, _grads('one_layer')))
