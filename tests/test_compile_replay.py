"""A compiled call split by graph breaks runs, on later calls, the graphs and breaks the earlier calls
traced (the plan kept per guard key) instead of tracing the code again, re-deciding each break on the
call's values as PyTorch does: a branch not taken before (another number from ``.item()``, another
value from a disabled function) is traced then, and what each call returns, prints and hands the
backend stays PyTorch's (tests/fixtures/compile/replays.json, recorded with PyTorch by
tests/fixtures/compile/record_replays.py)."""
import json
import os
import sys

import pytest

import ember
import ember._dynamo as dynamo
from ember._dynamo import _segments

_HERE = os.path.join(os.path.dirname(__file__), 'fixtures', 'compile')
sys.path.insert(0, _HERE)
from record_replays import run  # noqa: E402
from replay_programs import define  # noqa: E402

with open(os.path.join(_HERE, 'replays.json')) as fh:
    ORACLE = json.load(fh)

# where ember's graphs are not PyTorch's (what each call returns and prints still is):
# PyTorch makes what it once saw vary a graph input (a float read by .item(), a size), ember's graphs
# keep each value they were traced with
DYNAMIC = {('item', 2): 'the float .item() read is an input of PyTorch graph after a second value'}
DYNAMIC.update({('sizes', i): 'PyTorch passes a size that changed as a SymInt input' for i in range(1, 5)})


def close(a, b):
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    return a is None and b is None or abs(a - b) <= 1e-5 * max(1.0, abs(b))


@pytest.mark.parametrize('name', sorted(ORACLE))
def test_each_call_returns_prints_and_compiles_what_pytorchs_does(name):
    got = run(ember, dynamo, name, lambda gm: gm.code.replace('ember.', 'torch.'))
    want = ORACLE[name]
    assert close(got['weight_grad'], want['weight_grad'])      # a backward break runs once per call
    assert len(got['calls']) == len(want['calls'])
    for i, (call, expected) in enumerate(zip(got['calls'], want['calls'])):
        assert close(call['out'], expected['out']), i
        assert call['printed'] == expected['printed'], i
        if (name, i) not in DYNAMIC:
            assert call['graphs'] == expected['graphs'], i


def traces(monkeypatch):
    """Counts the calls that trace the code (SegmentedRun) rather than run the plan."""
    count = []
    original = _segments.SegmentedRun.__call__

    def counted(self, fn, constants):
        count.append(len(self.caught_up))
        return original(self, fn, constants)
    monkeypatch.setattr(_segments.SegmentedRun, '__call__', counted)
    return count


def test_later_calls_run_the_plan_without_tracing(monkeypatch):
    programs, _ = define(ember)
    fn, _ = programs['two_branches']
    dynamo.reset()
    counted = traces(monkeypatch)
    f = ember.compile(fn, backend='eager')
    ones, minus = ember.ones(3), -ember.ones(3)
    for _ in range(3):
        assert ember.equal(f(ones), fn(ones))
    assert counted == [0]                   # the first call alone traced
    assert ember.allclose(f(minus), fn(minus))
    # the other branch: traced once, catching up with the graph that ran before the branch
    assert counted == [0, 1]
    for x in (ones, minus, ones):
        assert ember.allclose(f(x), fn(x))
    assert counted == [0, 1]


def test_a_print_is_run_by_the_traced_code_at_each_call(monkeypatch, capsys):
    programs, _ = define(ember)
    fn, _ = programs['prints']
    dynamo.reset()
    counted = traces(monkeypatch)
    f = ember.compile(fn, backend='eager')
    for v in (1.0, 2.0):
        f(ember.full((2,), v))
    assert capsys.readouterr().out == 'y is tensor([3., 3.])\ny is tensor([6., 6.])\n'
    assert counted == [0, 1]                # the graph before the print ran from the plan


def test_a_backward_break_runs_once_per_call():
    """Gradients accumulate over three compiled calls as over three eager ones."""
    grads = []
    for compiled in (False, True):
        programs, net = define(ember)
        fn, _ = programs['backward']
        dynamo.reset()
        f = ember.compile(fn, backend='eager') if compiled else fn
        for v in (1.0, 2.0, 1.0):
            f(ember.full((1, 3), v))
        grads.append(net.weight.grad.clone())
    assert ember.allclose(grads[0], grads[1])


def _iterates(x):
    s = x * 1
    for row in x:               # the rows are real tensors: only the traced code runs this loop
        s = s + row
    return s


def _reads_numbers(x):
    n = x.sum().item()          # a new number at each call: more outcomes than a plan keeps
    return x * n


def _makes_a_tensor(x):
    y = x * 2
    if y.sum() > 0:
        return y + ember.tensor(y.sum().item())     # a constant of the next graph, by its value
    return y


@ember.compiler.disable
def _host(t, k, scale=1.0):
    return [t * k * scale, k]


def _calls_host(x, k):
    y = x.cos()
    out, kk = _host(y, k, scale=2.0)
    return out + kk, y


@pytest.mark.parametrize('fn, calls', [
    (_iterates, [(ember.full((2, 2), v),) for v in (1.0, 2.0, 3.0, 1.0)]),
    (_reads_numbers, [(ember.full((2,), float(v)),) for v in range(40)]),
    (_makes_a_tensor, [(ember.full((2,), v),) for v in (1.0, 2.0, -1.0, 3.0, 1.0)]),
    (_calls_host, [(ember.full((2,), 0.5), k) for k in (1, 2, 1, 3)]),
], ids=['iterates', 'reads_numbers', 'makes_a_tensor', 'calls_host'])
def test_every_call_computes_what_the_eager_call_does(fn, calls):
    dynamo.reset()
    f = ember.compile(fn, backend='eager')
    for args in calls:
        got, want = f(*args), fn(*args)
        for a, b in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
            assert ember.allclose(a, b), args


def test_a_module_reads_its_parameters_anew_at_each_call():
    ember.manual_seed(0)

    class Net(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = ember.nn.Linear(4, 4)

        def forward(self, x):
            h = self.fc(x)
            if h.sum() > 0:
                h = h.relu()
            return self.fc(h)
    net = Net()
    f = ember.compile(net, backend='eager')
    opt = ember.optim.SGD(net.parameters(), lr=0.1)
    for _ in range(4):
        x = ember.randn(2, 4)
        out = f(x)
        assert ember.allclose(out, net(x))
        out.sum().backward()
        opt.step()
        opt.zero_grad()
