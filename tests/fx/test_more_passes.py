"""More ember.fx.passes modules against PyTorch's torch.fx.passes (recorded by
tests/fixtures/fx/record_more_passes.py): getitem annotation, graph manipulation and node sizes,
lowering attributes, operator support rules, target names and topological sorts, lifting a subgraph
into a module and comparing graphs, and common subexpression elimination."""
import json
import pathlib
import warnings

import pytest

import ember
from tests.fixtures.fx import more_passes_cases

_RECORDED = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'fx' / 'more_passes.json').read_text())


@pytest.mark.parametrize('case', more_passes_cases.CASES, ids=lambda c: c.__name__)
def test_pass_behaves_as_pytorchs(case):
    ember.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        got = json.loads(json.dumps(case(ember), default=repr))
    assert got == json.loads(json.dumps(_RECORDED[case.__name__]).replace('torch', 'ember'))


def test_cse_keeps_what_the_graph_computes():
    from ember.fx.passes.dialect.common.cse_pass import CSEPass
    gm = ember.fx.symbolic_trace(lambda a: (a + 1).relu() * (a + 1).relu() + a.sum(dim=0) - a.sum(dim=0))
    x = ember.randn(3, 2)
    result = CSEPass()(gm)
    assert result.modified
    assert ember.equal(result.graph_module(x), gm(x))


def test_stable_sort_keeps_a_sorted_graph_as_it_is():
    from ember.fx.passes.tools_common import stable_topological_sort
    gm = ember.fx.symbolic_trace(lambda a, b: (a * 2 + b).relu())
    before = [n.name for n in gm.graph.nodes]
    assert [n.name for n in stable_topological_sort(gm).graph.nodes] == before
