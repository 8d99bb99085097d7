"""Python state a compiled function changes changes at every call, as under PyTorch's compiler (which replays
such changes with its graph): ember notices the change while capturing and runs later calls eagerly. The
expected counts are what PyTorch 2.13 gives for the same programs (run with torch.compile(backend='eager'))."""
import ember
from ember import nn
from ember._dynamo import explain


def test_a_global_list_grows_at_every_call():
    log = []

    def f(x):
        log.append(len(log))
        return x.sin()
    g = ember.compile(f, backend='eager')
    for _ in range(3):
        g(ember.ones(2))
    assert log == [0, 1, 2]                 # PyTorch: [0, 1, 2]


def test_a_module_counting_its_calls_counts_each():
    class Counting(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(2, 2)
            self.calls = 0

        def forward(self, x):
            self.calls += 1
            outs = []
            for i in range(2):
                outs.append(self.lin(x) * i)   # a list made inside the call is not state
            return sum(outs)
    m = Counting()
    c = ember.compile(m, backend='eager')
    outs = [c(ember.ones(1, 2)) for _ in range(3)]
    assert m.calls == 3                     # PyTorch: 3
    assert all(ember.equal(o, m(ember.ones(1, 2))) for o in outs)


def test_state_changed_after_a_graph_break_changes_at_every_call():
    seen = {'n': 0}

    def f(x):
        y = x.sin()
        if y.sum() > 0:                     # a data-dependent branch: a graph break
            seen['n'] += 1
        return y.cos() + seen['n']
    g = ember.compile(f, backend='eager')
    results = [g(ember.ones(2))[0].item() for _ in range(3)]
    assert seen['n'] == 3 and [round(r - results[0], 4) for r in results] == [0.0, 1.0, 2.0]


def test_code_without_state_changes_still_makes_one_graph():
    def pure(x):
        scratch = {}
        scratch['a'] = x.sin()
        return scratch['a'] * 2
    out = explain(pure)(ember.ones(2))
    assert out.graph_count == 1 and out.graph_break_count == 0     # PyTorch: 1 graph, 0 breaks


def test_a_changing_call_is_reported_as_a_break():
    """ember's own behaviour (PyTorch replays the change inside its graph and reports no break)."""
    hits = []

    def f(x):
        hits.append(1)
        return x * 2
    out = explain(f)(ember.ones(2))
    assert out.graph_break_count == 1 and 'hits' in out.break_reasons[0].reason


def test_tensors_the_code_stores_in_python_state_are_real_ones():
    """The capture runs the code on traced values: what it stored is put back, and the call runs eagerly."""
    log = []

    class Cache:
        def __init__(self):
            self.keys = []

    def f(x, cache):
        log.append(x * 2)
        cache.keys.append(x + 1)
        return x - 1
    g = ember.compile(f, backend='eager')
    cache = Cache()
    outs = [g(ember.ones(1), cache) for _ in range(2)]
    assert [type(t) for t in log + cache.keys] == [ember.Tensor] * 4       # PyTorch: tensors, two each
    assert [t.item() for t in log] == [2.0, 2.0] and [t.item() for t in cache.keys] == [2.0, 2.0]
    assert [o.item() for o in outs] == [0.0, 0.0]
