"""The tools that watch op calls (profiler, FLOP counter, selective checkpointing, graph capture,
vmap) share one observer registry: they nest in any combination and leave in any order."""
import functools

import numpy as np
import pytest

import ember
from ember.autograd import _op_observers, function
from ember.autograd.profiler import profile
from ember.utils.checkpoint import checkpoint, create_selective_checkpoint_contexts
from ember.utils.flop_counter import FlopCounterMode


@pytest.fixture(autouse=True)
def _nothing_left_registered():
    assert _op_observers.observers() == ()
    yield
    assert _op_observers.observers() == ()
    assert function._op_hooks == () and function._node_hooks == ()
    assert _op_observers.inplace_hooks == () and _op_observers.custom_op_hooks == ()


class _Log(_op_observers.OpObserver):
    """Notes every op and node it sees."""

    def __init__(self):
        self.ops, self.nodes = [], []

    def op(self, proceed, cls, args, kwargs):
        self.ops.append(cls.__name__)
        return proceed(cls, *args, **kwargs)

    def node(self, proceed, node, args, kwargs):
        self.nodes.append(node.name())
        return proceed(node, *args, **kwargs)


def _names(prof):
    return [e.name for e in prof.function_events]


def test_profiler_and_flop_counter_leave_in_either_order():
    a, b = ember.ones(4, 5), ember.ones(5, 3)
    for first_out in ('profile', 'flops'):
        prof, flops = profile(), FlopCounterMode(display=False)
        prof.__enter__()
        flops.__enter__()
        ember.mm(a, b)
        (prof if first_out == 'profile' else flops).__exit__(None, None, None)
        ember.mm(a, b)          # seen by the one still active only
        (flops if first_out == 'profile' else prof).__exit__(None, None, None)
        ember.mm(a, b)          # seen by neither
        assert _names(prof).count('aten::mm') == (1 if first_out == 'profile' else 2)
        assert flops.get_total_flops() == 2 * 4 * 5 * 3 * (2 if first_out == 'profile' else 1)


def test_each_observer_sees_each_op_once_and_the_last_entered_sees_it_first():
    order = []

    class Tag(_op_observers.OpObserver):
        def __init__(self, tag):
            self.tag = tag

        def op(self, proceed, cls, args, kwargs):
            order.append(self.tag)
            return proceed(cls, *args, **kwargs)

    outer, inner = Tag('outer'), Tag('inner')
    _op_observers.add(outer)
    _op_observers.add(inner)
    try:
        x = ember.ones(3)
        # a NumPy scalar operand is taken as a Python number, which runs the op's apply twice inside
        y = x * np.float64(2.0)
    finally:
        _op_observers.remove(outer)
        _op_observers.remove(inner)
    assert y.tolist() == [2.0] * 3
    assert order == ['inner', 'outer']


def test_an_observer_sees_nested_ops_of_a_custom_function_and_backward_nodes():
    class Double(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2 + 0

        @staticmethod
        def backward(ctx, g):
            return g * 2

    log = _Log()
    x = ember.ones(2, requires_grad=True)
    _op_observers.add(log)
    try:
        Double.apply(x).sum().backward()
    finally:
        _op_observers.remove(log)
    assert log.ops[:3] == ['Double', 'Mul', 'Add']      # the Function, then the ops its forward runs
    assert 'Sum' in log.ops and 'DoubleBackward' in log.nodes and 'SumBackward0' in log.nodes
    assert x.grad.tolist() == [2.0, 2.0]


def test_an_op_failing_inside_an_observer_leaves_the_next_ops_observed():
    log = _Log()
    _op_observers.add(log)
    try:
        with pytest.raises(RuntimeError):
            ember.ones(2, 3) + ember.ones(4, 5)     # refused inside the op's forward
        ember.ones(2).neg()
    finally:
        _op_observers.remove(log)
    assert log.ops == ['Add', 'Neg']


def test_selective_checkpoint_inside_profiler_and_flop_counter():
    def policy(ctx, op, *args, **kwargs):
        return op.__name__ == 'Mm'

    def block(x, w):
        return ember.sigmoid(ember.mm(x, w)).sum()

    w = ember.randn(4, 4, requires_grad=True)
    x = ember.randn(3, 4)
    block(x, w).backward()
    expected = w.grad.clone()
    w.grad = None
    with profile() as prof, FlopCounterMode(display=False) as flops:
        out = checkpoint(block, x, w, use_reentrant=False,
                         context_fn=functools.partial(create_selective_checkpoint_contexts, policy))
        out.backward()
    assert np.allclose(w.grad.numpy(), expected.numpy())
    # the forward's mm, and the gradient's mm for w (x needs none); the kept mm is not recomputed
    assert flops.get_total_flops() == 2 * (2 * 3 * 4 * 4)
    assert _names(prof).count('aten::mm') >= 2 and 'aten::sigmoid' in _names(prof)


def test_contexts_of_every_kind_interleaved():
    forward_ctx, _ = create_selective_checkpoint_contexts(lambda ctx, op, *a, **k: True)
    prof, flops = profile(), FlopCounterMode(display=False)
    x = ember.ones(2, 2)
    prof.__enter__()
    forward_ctx.__enter__()
    flops.__enter__()
    prof.__exit__(None, None, None)         # the first in leaves first
    ember.mm(x, x)
    forward_ctx.__exit__(None, None, None)
    assert len(_op_observers.observers()) == 1
    batched = ember.vmap(lambda r: ember.mm(r[None], x))(x)   # vmap joins and leaves meanwhile
    flops.__exit__(None, None, None)
    assert batched.shape == (2, 1, 2)
    assert _names(prof) == []
    assert flops.get_total_flops() == 16 + 16      # the mm, and the batched one (as PyTorch counts it)
