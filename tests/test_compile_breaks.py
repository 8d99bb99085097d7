"""Graph breaks split a compiled call into graphs as PyTorch's compiler splits it: the backend gets each graph
(once), the break runs eagerly between them, explain() counts them (tests/fixtures/compile/breaks.json,
recorded with PyTorch by tests/fixtures/compile/record_breaks.py)."""
import json
import os
import sys

import pytest

import ember
import ember._dynamo as dynamo

_HERE = os.path.join(os.path.dirname(__file__), 'fixtures', 'compile')
sys.path.insert(0, _HERE)
from break_programs import define  # noqa: E402

with open(os.path.join(_HERE, 'breaks.json')) as fh:
    ORACLE = json.load(fh)


def run(name, capsys):
    programs, net = define(ember)
    fn, inputs = programs[name]
    dynamo.reset()
    seen = []

    def backend(gm, example_inputs):
        seen.append({'code': gm.code.replace('ember.', 'torch.'), 'shapes': [list(t.shape) for t in example_inputs]})
        return gm.forward
    capsys.readouterr()
    out = ember.compile(fn, backend=backend)(*inputs)
    again = ember.compile(fn, backend=backend)(*inputs)
    printed = capsys.readouterr().out
    grad = None if net.weight.grad is None else net.weight.grad.tolist()
    explained = dynamo.explain(fn)(*inputs)
    capsys.readouterr()
    return {'graphs': seen, 'printed': printed, 'out': out.tolist(), 'again': again.tolist(), 'weight_grad': grad,
            'explain': [explained.graph_count, explained.graph_break_count, explained.op_count,
                        [r.reason.splitlines()[0] for r in explained.break_reasons]]}


def close(a, b):
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    return a is None and b is None or abs(a - b) <= 1e-5 * max(1.0, abs(b))


@pytest.mark.parametrize('name', sorted(ORACLE))
def test_graphs_backend_calls_output_and_explain_are_pytorchs(name, capsys):
    got, want = run(name, capsys), ORACLE[name]
    assert close(got['weight_grad'], want['weight_grad'])       # a backward break's gradients, once per call
    assert got['graphs'] == want['graphs']
    assert got['printed'] == want['printed']
    count, breaks, ops, reasons = want['explain']
    assert got['explain'] == [count, breaks, ops, [r.replace('torch.', 'ember.') for r in reasons]]
    assert close(got['out'], want['out']) and close(got['again'], want['again'])


def test_the_backends_graphs_compute_what_the_user_sees():
    """Later calls run the graphs the backend returned (found by their code), between the breaks."""
    programs, _ = define(ember)
    fn, _ = programs['branches_true']
    dynamo.reset()
    ran = []

    def backend(gm, example_inputs):
        def graph(*args):
            ran.append(len(ran))
            return tuple(t * 0 + 7 if t.dtype == ember.float32 else t for t in gm.forward(*args))
        return graph
    g = ember.compile(fn, backend=backend)
    assert g(ember.ones(3)).tolist() == [7.0, 7.0, 7.0]      # the backend's second graph made the result
    assert g(ember.ones(3)).tolist() == [7.0, 7.0, 7.0] and len(ran) == 4


def test_disable_keeps_its_settings():
    @ember.compiler.disable(reason='host code')
    def helper(t):
        return t * 2
    assert helper(ember.ones(1)).item() == 2.0 and helper._torchdynamo_disable_msg == 'host code'


def test_disable_without_recursion_breaks_the_graph_around_the_call():
    """Hugging Face transformers decorates a class's __new__ with disable(recursive=False) at import. PyTorch
    then compiles what the function calls as graphs of their own; ember runs it all eagerly: same values."""
    calls = []

    @ember.compiler.disable(recursive=False)
    def helper(t):
        calls.append(ember.compiler.is_compiling())
        return t * 2

    assert helper._torchdynamo_disable_recursive is False
    out = dynamo.explain(lambda x: helper(x.sin()).cos())(ember.zeros(2))
    assert out.graph_break_count == 1 and calls == [False]
    assert ember.compile(lambda x: helper(x.sin()).cos())(ember.zeros(2)).tolist() == [1.0, 1.0]


def test_fullgraph_still_refuses_a_break():
    programs, _ = define(ember)
    with pytest.raises(dynamo.exc.Unsupported):
        ember.compile(programs['item'][0], fullgraph=True)(ember.ones(2))


def test_graph_break_message_is_in_the_reason_and_eager_code_ignores_it():
    def f(x):
        y = x.sin()
        dynamo.graph_break(msg='here')
        return y.cos()
    out = dynamo.explain(f)(ember.zeros(1))
    assert out.break_reasons[0].reason.splitlines()[1] == '  Explanation: User-inserted graph break. Message: here'
    assert f(ember.zeros(1)).tolist() == [1.0]
    with pytest.raises(dynamo.exc.Unsupported, match='graph_break'):
        ember.compile(f, fullgraph=True)(ember.zeros(1))


def test_a_running_profiler_makes_the_call_run_eagerly():
    import cProfile
    programs, _ = define(ember)
    fn, inputs = programs['prints']
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        out = ember.compile(fn, backend='eager')(*inputs)
    finally:
        profiler.disable()
    assert ember.allclose(out, fn(*inputs))
