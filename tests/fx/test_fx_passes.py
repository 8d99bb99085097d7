"""ember.fx.passes against PyTorch's torch.fx.passes (recorded by tests/fixtures/fx/record_fx_passes.py):
graph_drawer's Graphviz drawings, the pass infrastructure (PassManager, PassBase) and reinplace."""
import hashlib
import json
import pathlib

import pytest

import ember
from tests.fixtures.fx import passes_cases

_RECORDED = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'fx' / 'fx_passes.json').read_text())
_DRAWER_CASES = [c for c in passes_cases.CASES if c.__name__.startswith('drawer')]


@pytest.mark.parametrize('case', _DRAWER_CASES, ids=lambda c: c.__name__)
def test_drawing_is_pytorchs(case):
    pytest.importorskip('pydot')
    ember.manual_seed(0)
    assert case(ember) == _RECORDED[case.__name__].replace('torch', 'ember')


def test_a_called_functions_colour_comes_from_its_name():
    pytest.importorskip('pydot')
    from ember.fx.passes.graph_drawer import _HASH_COLOR_MAP, FxGraphDrawer
    gm = ember.fx.symbolic_trace(lambda x: ember.relu(x) + 1)
    dot = FxGraphDrawer(gm, 'f').get_dot_graph()
    for node, name in (('relu', 'ember.relu'), ('add', 'operator.add')):
        expected = _HASH_COLOR_MAP[int(hashlib.md5(name.encode()).hexdigest()[:8], 16) % len(_HASH_COLOR_MAP)]
        assert dot.get_node(node)[0].get('fillcolor') == expected


def test_drawer_needs_pydot(monkeypatch):
    import sys
    from ember.fx.passes.graph_drawer import FxGraphDrawer
    monkeypatch.setitem(sys.modules, 'pydot', None)
    with pytest.raises(RuntimeError, match='FXGraphDrawer requires the pydot package to be installed'):
        FxGraphDrawer(ember.fx.symbolic_trace(lambda x: x + 1), 'f')


@pytest.mark.parametrize('case', [c for c in passes_cases.CASES if not c.__name__.startswith('drawer')],
                         ids=lambda c: c.__name__)
def test_passes_are_pytorchs(case):
    assert case(ember) == _RECORDED[case.__name__].replace('torch', 'ember')
