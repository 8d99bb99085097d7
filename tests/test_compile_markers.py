"""The compiler markers shape the graphs as PyTorch's do (tests/fixtures/compile/markers.json, recorded with
PyTorch by tests/fixtures/compile/record_markers.py): ``assume_constant_result`` fixes the function's
result in the graph (called once per capture), ``disallow_in_graph`` breaks the graph around the call,
``allow_in_graph`` records one node wherever the code finds the function (a global, a closure variable,
an object's attribute, an argument), ``substitute_in_graph`` has compiled code trace the stand-in; and
they refuse what PyTorch's refuse, with its errors."""
import json
import os
import sys

import pytest

import ember
import ember._dynamo as dynamo
from ember import compiler

_HERE = os.path.join(os.path.dirname(__file__), 'fixtures', 'compile')
sys.path.insert(0, _HERE)
from record_markers import record_all  # noqa: E402

with open(os.path.join(_HERE, 'markers.json')) as fh:
    ORACLE = json.load(fh)

_REGISTRIES = ('_ALLOWED_IN_GRAPH', '_DISALLOWED_IN_GRAPH', '_SUBSTITUTES', '_CONSTANT_RESULTS')


@pytest.fixture(scope='module')
def recorded():
    """Every program run once (the markers are global: what they marked is unmarked afterwards)."""
    saved = {name: dict(getattr(compiler, name)) for name in _REGISTRIES}
    try:
        yield record_all(ember, dynamo, lambda gm: gm.code.replace('ember.', 'torch.'))
    finally:
        for name, entries in saved.items():
            getattr(compiler, name).clear()
            getattr(compiler, name).update(entries)
        dynamo.reset()


@pytest.mark.parametrize('name', sorted(k for k in ORACLE if k != 'errors'))
def test_graphs_outputs_and_explain_are_pytorchs(recorded, name):
    got, want = recorded[name], ORACLE[name]
    assert got['graphs'] == want['graphs']
    assert got['explain'] == want['explain']
    assert got['out'] == pytest.approx(want['out'])
    assert got.get('constant_calls') == want.get('constant_calls')


@pytest.mark.parametrize('name', sorted(ORACLE['errors']))
def test_refusals_are_pytorchs(recorded, name):
    assert recorded['errors'][name] == ORACLE['errors'][name]


def test_eager_calls_are_unchanged():
    def original(t):
        return t * 3

    @compiler.substitute_in_graph(original)
    def stand_in(t):
        return t * 2
    try:
        assert stand_in(ember.ones(1)).item() == 3.0 and stand_in.__name__ == 'stand_in'
        assert ember.compile(lambda x: stand_in(x), backend='eager')(ember.ones(1)).item() == 2.0
    finally:
        for key in [k for k, (fn, _) in compiler._SUBSTITUTES.items() if fn in (original, stand_in)]:
            del compiler._SUBSTITUTES[key]

    @compiler.assume_constant_result
    def scale():
        return 4
    assert scale() == 4 and scale._dynamo_marked_constant is True
    dynamo.disallow_in_graph(ember.sub)
    try:
        assert ember.sub(ember.ones(1), 1).item() == 0.0
        assert ember.compile(lambda x: ember.sub(x * 2, 1), backend='eager')(ember.ones(1)).item() == 1.0
    finally:
        dynamo.allow_in_graph(ember.sub)
        compiler._ALLOWED_IN_GRAPH.pop(id(ember.sub), None)
