"""fx features against PyTorch's recorded output (tests/fixtures/fx/fx_extras.json): tracing ``*args``,
annotated ``print_readable``, ``make_fx`` and ``subgraph_rewriter.replace_pattern``."""
import json
import pathlib

import pytest

import ember
import ember.fx.experimental.proxy_tensor  # noqa: F401
import ember.fx.passes.shape_prop  # noqa: F401
import ember.fx.subgraph_rewriter  # noqa: F401
from tests.fixtures.fx import extras_cases

_RECORDED = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'fx' / 'fx_extras.json').read_text())


@pytest.mark.parametrize('case', extras_cases.CASES, ids=lambda c: c.__name__)
def test_output_is_pytorchs(case):
    ember.manual_seed(0)
    assert case(ember).replace('ember.', 'torch.') == _RECORDED[case.__name__]


def test_traced_varargs_module_runs():
    class M(ember.nn.Module):
        def forward(self, *args):
            return args[0] * args[1]
    gm = ember.fx.symbolic_trace(M())
    assert gm(ember.tensor([2.]), ember.tensor([3.])).tolist() == [6.]


def test_make_fx_graph_computes_as_the_function():
    from ember.fx.experimental.proxy_tensor import make_fx
    F = ember.nn.functional
    c = ember.tensor([1., -2., 3., 4.])

    def f(x, w):
        return F.relu(F.linear(x, w)) * c + x[:, :1].exp()
    x, w = ember.randn(2, 3), ember.randn(4, 3)
    dispatching = ember._torch_function._active      # on for good once a test defined a dispatching subclass
    gm = make_fx(f)(x, w)
    assert ember.allclose(gm(x, w), f(x, w))
    x2 = ember.randn(2, 3)
    assert ember.allclose(gm(x2, w), f(x2, w))
    assert ember._torch_function._active == dispatching


def test_make_fx_of_modules_reads_their_state_as_constants():
    from ember.fx.experimental.proxy_tensor import make_fx
    nn = ember.nn
    conv, bn = nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4).eval()

    def f(x):
        return ember.flatten(bn(conv(x)), 1).softmax(-1)
    x = ember.randn(1, 3, 4, 4)
    gm = make_fx(f)(x)
    calls = [str(n.target) for n in gm.graph.nodes if n.op == 'call_function']
    assert calls[0] == 'aten.convolution.default' and calls[-1] == 'aten._softmax.default'
    assert [n.target for n in gm.graph.nodes if n.op == 'get_attr'][:2] == ['_param_constant0', '_param_constant1']
    assert ember.allclose(gm(x), f(x), atol=1e-6)


def test_make_fx_refuses_an_unknown_tracing_mode():
    from ember.fx.experimental.proxy_tensor import make_fx
    with pytest.raises(AssertionError, match='Unexpected tracing type: wrong'):
        make_fx(lambda x: x, tracing_mode='wrong')


def test_replace_pattern_without_a_match_changes_nothing():
    from ember.fx import subgraph_rewriter
    gm = ember.fx.symbolic_trace(lambda x: x.relu())
    before = gm.code
    assert subgraph_rewriter.replace_pattern(gm, lambda a: a.sigmoid(), lambda a: a.tanh()) == []
    assert gm.code == before
