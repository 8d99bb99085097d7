"""``.graph`` and ``.inlined_graph`` of traced functions and modules: TorchScript's IR graph as PyTorch prints it
(recorded in tests/fixtures/jit/graphs.json by tests/fixtures/jit/record_graphs.py, for the programs of
tests/jit/graph_models.py).

Byte for byte for functions and modules without submodules (value names included: PyTorch's tracer names a
value after the variable of the calling frame that held it when an operator first took it, ``%x.3``). For
modules with submodules the graphs are compared with the values numbered in order of appearance, source comments
left out and PyTorch's per-process class mangling (``___torch_mangle_5.``) removed; what that leaves out:

* the numbers of unnamed values in a module's ``.graph`` (PyTorch counts every value its tracer made in the
  submodules' calls before it replaced them by ``prim::CallMethod``);
* the source comments of operators run inside library modules (PyTorch's point into torch's files, ember's into
  ember's);
* ``.inlined_graph`` of convolutions and batch norms, whose own graphs PyTorch pools and hoists constants in.
"""
import json
import os
import re

import pytest

import ember
from tests.fixtures.jit.record_graphs import normalized
from tests.jit import graph_models

HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'fixtures', 'jit')
ORACLE = json.load(open(os.path.join(HERE, 'graphs.json')))
pytestmark = pytest.mark.filterwarnings('ignore:`ember.jit.trace` is deprecated:DeprecationWarning')

FUNCTIONS_AND_LEAVES = ('affine', 'two_results', 'unrolled', 'reshaped', 'Leaf')
EXACT = [(name, kind) for name in FUNCTIONS_AND_LEAVES for kind in ('graph', 'inlined_graph', 'trace_graph')]
# PyTorch's convolution and batch norm graphs pool and hoist their arguments' constants
STRUCTURAL = [(name, kind) for name in sorted(ORACLE) for kind in ('graph', 'inlined_graph')
              if (name, kind) not in EXACT and (name, kind) != ('CNN', 'inlined_graph')]
MODULES = sorted(set(ORACLE) - set(FUNCTIONS_AND_LEAVES))


def _text(traced, name, kind):
    if kind == 'trace_graph':
        program, args = graph_models.make(ember)[name]
        return str(ember.jit._get_trace_graph(program, args)[0])
    return str(getattr(traced[name], kind))


@pytest.fixture(scope='module')
def traced():
    return {name: ember.jit.trace(program, args) for name, (program, args) in graph_models.make(ember).items()}


@pytest.mark.parametrize('name,kind', EXACT)
def test_graph_is_pytorchs_text(traced, name, kind):
    assert normalized(_text(traced, name, kind)) == ORACLE[name][kind]


def canonical(text):
    """The graph with its values numbered in order of appearance, without source comments or class mangling."""
    text = re.sub(r' # .*', '', text)
    text = re.sub(r'___torch_mangle_\d+\.', '', text)
    names = {}
    return re.sub(r'%([\w.]+)', lambda m: '%v' + str(names.setdefault(m.group(1), len(names))), text)


@pytest.mark.parametrize('name,kind', STRUCTURAL)
def test_graph_is_pytorchs_but_for_names(traced, name, kind):
    assert canonical(str(getattr(traced[name], kind))) == canonical(ORACLE[name][kind])


@pytest.mark.parametrize('name', MODULES)
def test_get_trace_graph_is_pytorchs_but_for_source_lines(traced, name):
    """Inputs (the call's, then each module's parameters and buffers), nodes, names and numbers as PyTorch's."""
    def strip(text):
        return re.sub(r' # .*', '', text)
    assert strip(normalized(_text(traced, name, 'trace_graph'))) == strip(ORACLE[name]['trace_graph'])


def test_the_graph_is_built_of_nodes_that_say_what_they_are(traced):
    graph = traced['MLP'].inlined_graph
    kinds = [n.kind() for n in graph.nodes()]
    assert kinds.count('prim::GetAttr') == 7 and kinds.count('aten::linear') == 2
    self_value, x = graph.inputs()
    assert self_value.debugName() == 'self.1' and x.debugName() == 'x'
    linear = next(n for n in graph.nodes() if n.kind() == 'aten::linear')
    assert linear.scopeName() == '__module.fc1'
    assert [i.debugName() for i in linear.inputs()] == ['x', 'weight.1', 'bias.1']
    assert linear.output().debugName() == 'input.1'        # what ReLU's forward took it as
    calls = [n for n in traced['MLP'].graph.nodes() if n.kind() == 'prim::CallMethod']
    assert [c.input().debugName() for c in calls] == ['fc1', 'act', 'fc2']


def test_get_trace_graph_prints_as_pytorchs():
    def affine(x, y):
        return x * 2 + y, x
    graph, _ = ember.jit._get_trace_graph(affine, (ember.ones(2), ember.ones(2)))
    text = str(graph)
    assert '%2 : Long(requires_grad=0, device=cpu) = prim::Constant[value={2}]() # ' in text
    assert '%6 : (Float(2, strides=[1], requires_grad=0, device=cpu), Float(2, strides=[1], requires_grad=0, ' \
           'device=cpu)) = prim::TupleConstruct(%5, %0)' in text
    assert text.endswith('  return (%6)\n')
