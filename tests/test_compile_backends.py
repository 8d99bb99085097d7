"""ember.compile hands captured graphs to the backend as PyTorch does (tests/fixtures/compile/backend_calls.json,
recorded with PyTorch by scripts/record_compile_oracle.py)."""
import json
import os
import warnings

import pytest

import ember
import ember._dynamo as dynamo
from ember._dynamo.exc import BackendCompilerFailed, Unsupported

with open(os.path.join(os.path.dirname(__file__), 'fixtures', 'compile', 'backend_calls.json')) as fh:
    ORACLE = json.load(fh)


@pytest.fixture(autouse=True)
def fresh_caches():
    """Compiles of one function share its graphs and recompile limit (as in PyTorch): start each test afresh."""
    dynamo.reset()
    yield


def f(x, y):
    return ember.sin(x) + y * 2


def branchy(x):
    if x.sum() > 0:
        return x + 1
    return x - 1


def recording_backend(seen):
    def backend(gm, example_inputs):
        seen.append((gm, example_inputs))
        return gm.forward
    return backend


@pytest.mark.parametrize('dynamic', [None, True, False])
def test_backend_called_once_per_guarded_signature(dynamic):
    dynamo.reset()
    seen = []
    g = ember.compile(f, backend=recording_backend(seen), dynamic=dynamic)
    for n, dtype in [(2, ember.float32), (2, ember.float32), (3, ember.float32), (4, ember.float32),
                     (4, ember.float64)]:
        x = ember.ones(n, dtype=dtype)
        assert ember.equal(g(x, ember.ones(n)), f(x, ember.ones(n)))
    assert [[list(t.shape) for t in ex] for _, ex in seen] == ORACLE['calls'][str(dynamic)]


def test_graph_code_prints_as_pytorchs():
    seen = []
    ember.compile(f, backend=recording_backend(seen))(ember.ones(2), ember.ones(2))
    gm, example_inputs = seen[0]
    expected = ORACLE['code'].replace('torch.', 'ember.')
    assert gm.code == expected
    assert isinstance(gm, ember.fx.GraphModule) and all(isinstance(t, ember.Tensor) for t in example_inputs)


def test_the_backends_callable_runs_later_calls():
    ran = []

    def backend(gm, example_inputs):
        def run(*args):
            ran.append(len(args))
            return gm.forward(*args)
        return run
    g = ember.compile(f, backend=backend)
    x = ember.tensor([0.5, 1.0])
    g(x, x)
    out = g(x, x)
    assert ran == [2, 2] and ember.allclose(out, ember.sin(x) + x * 2)


def test_module_keyword_and_constant_arguments_are_guarded():
    class Net(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = ember.nn.Linear(3, 2)

        def forward(self, x, scale=2):
            return ember.relu(self.fc(x)) * scale
    net, seen = Net(), []
    compiled = ember.compile(net, backend=recording_backend(seen))
    x = ember.ones(1, 3)
    assert ember.equal(compiled(x), net(x)) and ember.equal(compiled(x, scale=3), net(x, scale=3))
    compiled(x)
    assert len(seen) == 2 and 'relu' in seen[0][0].code and '* 3' in seen[1][0].code


def test_reset_captures_again():
    seen = []
    g = ember.compile(f, backend=recording_backend(seen))
    g(ember.ones(2), ember.ones(2))
    dynamo.reset()
    g(ember.ones(2), ember.ones(2))
    ember.compiler.reset()
    g(ember.ones(2), ember.ones(2))
    assert len(seen) == ORACLE['calls_after_reset'] + 1


def test_registered_backend_by_name():
    seen = []

    def counting_backend_c2(gm, example_inputs):
        seen.append(gm)
        return gm.forward
    dynamo.register_backend(counting_backend_c2)
    assert 'counting_backend_c2' in ember.compiler.list_backends()
    with pytest.raises(AssertionError, match='duplicate name: counting_backend_c2'):
        dynamo.register_backend(counting_backend_c2)
    assert ember.compile(lambda x: x * 3, backend='counting_backend_c2')(ember.ones(1)).item() == 3.0
    assert len(seen) == 1


def test_data_dependent_branch_splits_the_graph_and_is_a_graph_break():
    dynamo.reset()
    seen = []
    g = ember.compile(branchy, backend=recording_backend(seen))
    assert g(ember.ones(2)).tolist() == [2., 2.] and g(-ember.ones(2)).tolist() == [-2., -2.]
    assert len(seen) == ORACLE['branchy_backend_calls']     # the condition's graph, then each branch's
    out = dynamo.explain(branchy)(ember.ones(2))
    assert out.graph_break_count == ORACLE['explain_branchy_breaks']
    assert out.break_reasons[0].reason == ORACLE['explain_branchy_reason']
    assert 'Graph Break Count: 1' in str(out)


def test_fullgraph_raises_unsupported():
    with pytest.raises(Unsupported) as info:
        ember.compile(branchy, fullgraph=True)(ember.ones(2))
    assert [type(info.value).__name__, str(info.value).splitlines()[0]] == ORACLE['fullgraph_error']
    assert isinstance(info.value, RuntimeError)


def test_explain_counts_graphs_and_ops():
    out = dynamo.explain(lambda x: ember.sin(x) + 1)(ember.ones(2))
    assert [out.graph_count, out.graph_break_count, out.op_count] == ORACLE['explain_plain']
    assert out.ops_per_graph == [[ember.sin, __import__('operator').add]]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        old = dynamo.explain(lambda x: x + 1, ember.ones(2))
    assert old.graph_count == 1 and caught[0].category is FutureWarning


def test_print_and_backward_break_the_graph_and_run_once(capsys):
    net = ember.nn.Linear(2, 1)
    opt = ember.optim.SGD(net.parameters(), lr=0.1)
    before = net.weight.detach().clone()

    def step(x):
        opt.zero_grad(set_to_none=False)
        loss = net(x).sum()
        loss.backward()
        opt.step()
        print('stepped')
        return loss
    ember.compile(step)(ember.ones(1, 2))
    assert capsys.readouterr().out == 'stepped\n'
    assert ember.allclose(net.weight - before, ember.full((1, 2), -0.1))


def test_backend_errors_are_wrapped():
    def broken(gm, example_inputs):
        raise ValueError('bad')
    with pytest.raises(BackendCompilerFailed, match="backend='broken' raised:\nValueError: bad") as info:
        ember.compile(lambda x: x + 1, backend=broken)(ember.ones(1))
    assert type(info.value.inner_exception) is ValueError


def test_disable_returns_the_model():
    def g(x):
        return x
    assert ember.compile(g, disable=True) is g


def test_recompile_limit_runs_further_signatures_eagerly(caplog):
    seen = []
    g = ember.compile(lambda x: x + 1, backend=recording_backend(seen), dynamic=False, recompile_limit=2)
    for n in range(2, 7):
        assert g(ember.ones(n)).tolist() == [2.0] * n
    assert len(seen) == 2           # PyTorch 2.13 calls the backend twice too, then warns and runs eagerly
    assert 'hit config.recompile_limit (2)' in caplog.text
    g(ember.ones(3))
    assert len(seen) == 2


def test_inductor_options_checked_as_pytorch_checks_them():
    with pytest.raises(RuntimeError, match=r'^Unexpected optimization option bogus, known options are \['):
        ember.compile(lambda x: x, options={'bogus': 1})
    with pytest.raises(RuntimeError, match='^Unexpected type of attr max_autotune, got str should be bool$'):
        ember.compile(lambda x: x, options={'max_autotune': 'x'})
    assert ember.compile(lambda x: x + 1, options={'max-autotune': True})(ember.ones(1)).item() == 2.0
    ember.compile(lambda x: x, backend='eager', options={'bogus': 1})      # only Inductor reads them


def test_print_elsewhere_during_a_capture_prints(capsys):
    """Only the compiled code's own ``print`` breaks the graph: another thread printing meanwhile prints."""
    import threading
    go, done, errors = threading.Event(), threading.Event(), []

    def other_thread():
        go.wait(10)
        try:
            print('from another thread')
        except BaseException as err:        # the old process-wide swap of print made this raise
            errors.append(err)
        done.set()

    def waits_for_the_thread(x):
        go.set()
        done.wait(10)
        return x + 1
    seen = []
    worker = threading.Thread(target=other_thread)
    worker.start()
    out = ember.compile(waits_for_the_thread, backend=recording_backend(seen))(ember.ones(2))
    worker.join(10)
    assert errors == [] and capsys.readouterr().out == 'from another thread\n'
    assert len(seen) == 1 and out.tolist() == [2.0, 2.0]
    assert ember.compile(lambda x: print('inside') or x + 1)(ember.ones(1)).tolist() == [2.0]
    assert capsys.readouterr().out == 'inside\n'
