"""``ember.jit._get_trace_graph`` gives the TorchScript IR graph PyTorch's tracer gives (recorded in
tests/fixtures/jit/trace_graph.json by record_trace_graph.py): the same operator nodes, scopes, input counts,
output sizes and constants. PyTorch's tracer also follows arithmetic on sizes as tensors (``aten::size``,
``aten::Int``, ``aten::mul`` of them); ember's sizes are Python ints, so those nodes are left out of the
comparison."""
import json
import pathlib

import pytest

import ember
from tests.fixtures.jit.record_trace_graph import cases, scoped_graph, summary

RECORDED = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'jit' / 'trace_graph.json').read_text())
CASES = cases(ember)


def _operators(nodes):
    return [n for n in nodes if not n['size_arithmetic']]


@pytest.mark.parametrize('name', sorted(RECORDED))
def test_graph_nodes_are_pytorchs(name):
    module, inputs = CASES[name]
    got = summary(scoped_graph(ember, module, inputs))
    assert _operators(got) == _operators(RECORDED[name])


def test_graph_inputs_outputs_and_what_the_call_returned():
    model = ember.nn.Sequential(ember.nn.Linear(3, 2), ember.nn.ReLU())
    x = ember.randn(4, 3)
    graph, out = ember.jit._get_trace_graph(model, x)
    assert ember.equal(out, model(x))
    inputs = list(graph.inputs())
    assert [v.type().sizes() for v in inputs] == [[4, 3], [2, 3], [2]]
    assert [v.type().requires_grad() for v in inputs] == [False, True, True]
    linear, relu = graph.nodes()
    assert list(linear.inputs()) == inputs and linear.output() is relu.input()
    assert list(graph.outputs()) == [relu.output()]
    assert relu.output().type().scalarType() == 'Float' and relu.output().toIValue() is None
    assert str(graph).startswith('graph(%0 : Float(4, 3, strides=[3, 1], requires_grad=0, device=cpu),')
    assert '= aten::relu(%' in str(graph)


def test_einsum_operands_come_from_their_list_node():
    graph, _ = ember.jit._get_trace_graph(lambda a, b: ember.einsum('ij,jk->ik', a, b),
                                          (ember.randn(2, 3), ember.randn(3, 4)))
    einsum = next(n for n in graph.nodes() if n.kind() == 'aten::einsum')
    equation, operands = list(einsum.inputs())[:2]
    assert equation.toIValue() == 'ij,jk->ik'
    assert operands.node().kind() == 'prim::ListConstruct'
    assert [v.type().sizes() for v in operands.node().inputs()] == [[2, 3], [3, 4]]


def test_scopes_are_pushed_only_while_a_trace_records():
    assert ember._C._get_tracing_state() is None
    seen = []

    class Probe(ember.nn.Module):
        def forward(self, x):
            state = ember._C._get_tracing_state()
            seen.append(state is not None)
            if state is None:
                return x
            state.push_scope('outer')
            state.push_scope('inner')
            y = x * 2
            state.pop_scope()
            z = y + 1
            state.pop_scope()
            return z - 1

    graph, _ = ember.jit._get_trace_graph(Probe(), ember.ones(2))
    assert seen == [True]
    assert [(n.kind(), n.scopeName()) for n in graph.nodes() if not n.kind().startswith('prim::')] == [
        ('aten::mul', 'outer/inner'), ('aten::add', 'outer'), ('aten::sub', '')]
