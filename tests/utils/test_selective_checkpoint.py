"""Selective activation checkpointing: the policy decides which op results are kept from the forward run and
which are recomputed in backward; gradients equal an uncheckpointed run's."""
import functools

import pytest

import ember
from ember.ops.linalg import Mm
from ember.ops.unary import Sigmoid
from ember.utils import checkpoint as cp
from ember.utils.checkpoint import (CheckpointPolicy, SelectiveCheckpointContext, checkpoint,
                                    create_selective_checkpoint_contexts)


def fn(x, y):
    return ember.sigmoid(ember.matmul(ember.matmul(x, y), y)) * y


def _inputs():
    ember.manual_seed(0)
    return (ember.rand(4, 4, dtype=ember.float64, requires_grad=True),
            ember.rand(4, 4, dtype=ember.float64, requires_grad=True))


@pytest.fixture
def counts(monkeypatch):
    """How often Mm and Sigmoid really compute, while the test runs."""
    seen = {'Mm': 0, 'Sigmoid': 0}
    for cls in (Mm, Sigmoid):
        original = cls.forward

        def counting(ctx, *args, _original=original, _name=cls.__name__, **kwargs):
            seen[_name] += 1
            return _original(ctx, *args, **kwargs)
        counting._broadcast_errors = getattr(original, '_broadcast_errors', False)
        monkeypatch.setattr(cls, 'forward', staticmethod(counting))
    return seen


def _sac(policy):
    return functools.partial(create_selective_checkpoint_contexts, policy)


def _backward_counts(counts, context_fn):
    x, y = _inputs()
    out = checkpoint(fn, x, y, use_reentrant=False, context_fn=context_fn)
    counts.update(Mm=0, Sigmoid=0)
    grads = ember.autograd.grad(out.sum(), (x, y))
    return dict(counts), grads


def test_gradients_equal_uncheckpointed():
    x, y = _inputs()
    ref = ember.autograd.grad(fn(x, y).sum(), (x, y))
    for context_fn in (_sac([Mm]), _sac(lambda ctx, op, *a, **k: CheckpointPolicy.PREFER_SAVE),
                       _sac(lambda ctx, op, *a, **k: op is Sigmoid), cp.noop_context_fn):
        x, y = _inputs()
        out = checkpoint(fn, x, y, use_reentrant=False, context_fn=context_fn)
        got = ember.autograd.grad(out.sum(), (x, y))
        assert all(ember.allclose(a, b) for a, b in zip(got, ref))


def test_policy_decides_what_is_recomputed(counts):
    plain, _ = _backward_counts(counts, cp.noop_context_fn)
    keep_mm, _ = _backward_counts(counts, _sac([Mm]))
    keep_sigmoid, _ = _backward_counts(counts, _sac(lambda ctx, op, *a, **k: op is Sigmoid))
    recompute_all, _ = _backward_counts(counts, _sac(lambda ctx, op, *a, **k: CheckpointPolicy.MUST_RECOMPUTE))
    # the plain checkpoint recomputes both products and the sigmoid (and backward adds its own products)
    assert plain['Sigmoid'] == 1
    assert keep_mm == {'Mm': plain['Mm'] - 2, 'Sigmoid': 1}
    assert keep_sigmoid == {'Mm': plain['Mm'], 'Sigmoid': 0}
    assert recompute_all == plain


def test_cpu_offload_policy_recomputes_when_eager(counts):
    plain, _ = _backward_counts(counts, cp.noop_context_fn)
    offload, _ = _backward_counts(counts, _sac(lambda ctx, op, *a, **k: CheckpointPolicy.MUST_CPU_OFFLOAD))
    assert offload == plain


def test_policy_sees_ops_outputs_and_arguments():
    seen = []

    def policy(ctx, op, *args, **kwargs):
        assert isinstance(ctx, SelectiveCheckpointContext) and ctx.is_recompute is False
        seen.append((op.__name__, tuple(ctx.op_output.shape), len(args)))
        return CheckpointPolicy.PREFER_RECOMPUTE
    x, y = _inputs()
    out = checkpoint(lambda a: (a @ a.t()).sigmoid(), x[:, :2], use_reentrant=False, context_fn=_sac(policy))
    out.sum().backward()
    # the transpose is a view: never kept, so the policy is not asked about it
    assert seen == [('Mm', (4, 4), 2), ('Sigmoid', (4, 4), 1)]
    assert ember.ops.shape.Transpose in cp.SAC_IGNORED_OPS and Mm not in cp.SAC_IGNORED_OPS


def test_parameters_get_gradients_with_kept_ops():
    ember.manual_seed(0)
    net = ember.nn.Sequential(ember.nn.Linear(3, 5), ember.nn.Tanh(), ember.nn.Linear(5, 2)).double()
    x = ember.randn(4, 3, dtype=ember.float64)
    net(x).pow(2).sum().backward()
    ref = [p.grad.clone() for p in net.parameters()]
    net.zero_grad()
    policy = _sac(lambda ctx, op, *a, **k: op.__name__ != 'Tanh')
    checkpoint(net, x, use_reentrant=False, context_fn=policy).pow(2).sum().backward()
    assert all(ember.allclose(p.grad, r) for p, r in zip(net.parameters(), ref))


def test_second_backward_is_refused():
    x, y = _inputs()
    out = checkpoint(fn, x, y, use_reentrant=False, context_fn=_sac([Mm]))
    out.sum().backward(retain_graph=True)
    with pytest.raises(RuntimeError, match="Trying to backward an extra time. You are only allowed to backward "
                                           "once on any region computed under selective activation checkpoint."):
        out.sum().backward()


def test_mutated_cached_tensor_is_refused_unless_allowed():
    def mutating(x, y):
        z = x @ y
        out = z.sigmoid()
        z.mul_(2)
        return out
    for allow in (False, True):
        x, y = _inputs()
        context_fn = functools.partial(create_selective_checkpoint_contexts, [Mm], allow_cache_entry_mutation=allow)
        out = checkpoint(mutating, x, y, use_reentrant=False, context_fn=context_fn)
        if allow:
            out.sum().backward()
        else:
            with pytest.raises(RuntimeError, match="Tensor cached during selective activation checkpoint has "
                                                   "been mutated"):
                out.sum().backward()


def test_recomputation_that_differs_is_refused():
    calls = []

    def changing(x):
        calls.append(1)
        return (x @ x).sigmoid() if len(calls) == 1 else x.exp() @ x
    x, _ = _inputs()
    out = checkpoint(changing, x, use_reentrant=False, context_fn=_sac([Mm]))
    with pytest.raises(RuntimeError, match="Exp encountered during backward but not found in storage"):
        out.sum().backward()


def test_bad_policy_arguments():
    with pytest.raises(ValueError, match="Expected op in `op_list` to be an ember op class"):
        create_selective_checkpoint_contexts([ember.mm])
    with pytest.raises(TypeError, match="policy_fn_or_list must be either a function or a list of ops."):
        create_selective_checkpoint_contexts(3)


def test_no_interception_outside_the_contexts():
    from ember.autograd import _op_observers, function
    forward_ctx, recompute_ctx = create_selective_checkpoint_contexts([Mm])
    with forward_ctx:
        assert len(_op_observers.observers()) == 1 and function._op_hooks
    assert _op_observers.observers() == () and function._op_hooks == ()


def test_graph_exec_group_recomputes_once(counts):
    def two(x, y):
        return ember.sigmoid(x @ y), ember.sigmoid(y @ x)
    for grouped, expected in ((False, 4), (True, 2)):
        x, y = _inputs()
        a, b = checkpoint(two, x, y, use_reentrant=False)
        counts.update(Sigmoid=0)
        if grouped:
            with cp.GraphExecGroup():
                a.sum().backward()
                b.sum().backward()
        else:
            a.sum().backward(retain_graph=True)
            b.sum().backward()
        assert counts['Sigmoid'] == expected
    with cp.GraphExecGroup() as g:
        assert cp.GraphExecGroup._get_current_group() is g
        with pytest.raises(RuntimeError, match="GraphExecGroup contexts cannot be nested. Already inside group"):
            with cp.GraphExecGroup():
                pass
    assert cp.GraphExecGroup._get_current_group() is None


def test_device_states_on_cpu():
    assert cp.get_device_states(ember.ones(2), 3) == ([], [])
    assert cp.set_device_states([], []) is None
    assert cp.DefaultDeviceType.get_device_type() in ('cpu', 'cuda')
    old = cp.DefaultDeviceType._default_device_type
    cp.DefaultDeviceType.set_device_type('cuda')
    assert cp.DefaultDeviceType.get_device_type() == 'cuda'
    cp.DefaultDeviceType._default_device_type = old


def test_early_stop_and_debug_settings():
    x, y = _inputs()
    with cp.set_checkpoint_early_stop(False):
        assert cp._enable_checkpoint_early_stop is False
        out = checkpoint(fn, x, y, use_reentrant=False)
    assert cp._enable_checkpoint_early_stop is None
    out.sum().backward()
    with cp.set_checkpoint_debug_enabled(False):
        checkpoint(fn, x, y, use_reentrant=False, debug=True).sum().backward()
    with cp.set_checkpoint_debug_enabled(True), pytest.raises(ValueError, match=r"debug=True\) is not supported"):
        checkpoint(fn, x, y, use_reentrant=False)


def test_a_listed_op_class_covers_its_subclasses(monkeypatch):
    # einsum records the Einsum subclass naming its node as PyTorch's last step (here EinsumView: operands whose
    # size-1 dims broadcast keep the one node, where others record PyTorch's steps instead)
    from ember.ops.linalg import Einsum
    calls = []
    original = Einsum.forward

    def counting(ctx, *args):
        calls.append(args[0])
        return original(ctx, *args)
    monkeypatch.setattr(Einsum, 'forward', staticmethod(counting))

    def gram(t):
        return ember.einsum('ij,ij->i', t, t[:1]).sigmoid()
    found = {}
    for name, context_fn in (('plain', cp.noop_context_fn), ('kept', _sac([Einsum]))):
        x = ember.arange(12., dtype=ember.float64).reshape(3, 4).requires_grad_()
        out = checkpoint(gram, x, use_reentrant=False, context_fn=context_fn)
        del calls[:]
        grad = ember.autograd.grad(out.sum(), x)[0]
        found[name] = (len(calls), grad)
    assert found['kept'][0] == found['plain'][0] - 1        # the product is kept, not computed again
    assert ember.equal(found['kept'][1], found['plain'][1])
