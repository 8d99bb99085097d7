"""``__torch_function__``: ops called with a Tensor subclass hand the call to it (as PyTorch's)."""
import pytest

import ember
from ember.nn import functional as F


class Logged(ember.Tensor):
    calls = []

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        cls.calls.append(func.__name__)
        return super().__torch_function__(func, types, args, kwargs or {})


class Intercepting(ember.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func is ember.add:
            return 'intercepted'
        with ember.overrides.DisableTorchFunctionSubclass():
            return func(*args, **(kwargs or {}))


class Plain(ember.Tensor):
    pass


def test_subclass_sees_every_op_and_keeps_its_type():
    Logged.calls.clear()
    x = ember.arange(6.).view(2, 3).as_subclass(Logged)
    y = (x * 2 + 1).sum(dim=0)
    z = F.relu(x)
    w = ember.cat([x, x]).mean()
    assert [type(t) for t in (y, z, w)] == [Logged] * 3
    assert Logged.calls == ['mul', 'add', 'sum', 'relu', 'cat', 'mean']
    assert y.tolist() == [8.0, 12.0, 16.0]


def test_functions_and_methods_are_told_apart():
    u = ember.ones(2).as_subclass(Intercepting)
    assert ember.add(u, 1) == 'intercepted'
    assert type(u + 1) is ember.Tensor and type(u.exp()) is ember.Tensor
    assert ember.Tensor.add is not ember.add


def test_subclass_without_its_own_protocol_keeps_its_type():
    p = ember.ones(2, 2).as_subclass(Plain)
    assert type(p @ p) is Plain and type(p.t()[0]) is Plain
    assert type(ember.split(p, 1)[1]) is Plain


def test_plain_tensors_and_parameters_give_plain_tensors():
    weight = ember.nn.Parameter(ember.ones(2))
    assert type(weight * 2) is ember.Tensor
    assert type(ember.ones(2) + 1) is ember.Tensor


def test_gradients_flow_through_a_subclass():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = (x.as_subclass(Plain) ** 2).sum()
    y.backward()
    assert type(y) is Plain and x.grad.tolist() == [2.0, 4.0]


def test_the_private_names_subclass_code_uses():
    class Opted(ember.Tensor):
        __torch_function__ = ember._C._disabled_torch_function_impl

    assert type(ember.ones(2).as_subclass(Opted) + 1) is ember.Tensor
    with ember._C.DisableTorchFunctionSubclass():
        assert type(ember.ones(2).as_subclass(Plain) + 1) is ember.Tensor


# ------------------------------------------------------------------------------ TorchFunctionMode
# the expected call logs were printed by PyTorch 2.13 for the same code (names, nesting, what the
# Disable* contexts let through)

def test_function_mode_sees_every_call_and_runs_it():
    from ember.overrides import TorchFunctionMode
    seen = []

    class Log(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            seen.append(func.__name__)
            return func(*args, **(kwargs or {}))

    ember.manual_seed(0)
    lin = ember.nn.Linear(3, 2)
    with Log():
        x = ember.ones(2, 3)
        y = ember.nn.functional.relu((x * 2).exp())
        z = x + 1
        lin(x).sum()
        ember.cat([x, x]).t().contiguous()
    assert seen == ['ones', 'mul', 'exp', 'relu', 'add', 'linear', 'sum', 'cat', 't', 'contiguous']
    assert y.tolist() == [[pytest.approx(7.389056)] * 3] * 2 and z.sum().item() == 12
    ember.ones(1).exp()               # after the block nothing is logged
    assert len(seen) == 10


def test_nested_modes_pop_while_they_run_and_may_replace_results():
    from ember.overrides import TorchFunctionMode, _get_current_function_mode, _get_current_function_mode_stack
    log = []

    class Outer(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            log.append(('outer', func.__name__))
            return func(*args, **(kwargs or {}))

    class Inner(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            log.append(('inner', func.__name__))
            if func.__name__ == 'exp':
                return ember.zeros(1)
            return func(*args, **(kwargs or {}))

    with Outer(), Inner():
        result = ember.ones(1).exp()
    assert result.tolist() == [0.0]
    assert log == [('inner', 'ones'), ('outer', 'ones'), ('inner', 'exp'), ('outer', 'zeros')]
    assert _get_current_function_mode() is None
    log.clear()
    with Outer() as outer:
        assert _get_current_function_mode() is outer and _get_current_function_mode_stack() == [outer]
        with ember._C.DisableTorchFunction():
            ember.ones(1)
        with ember._C.DisableTorchFunctionSubclass():
            ember.ones(1)
    assert log == [('outer', 'ones')]


def test_base_mode_runs_calls_unchanged():
    from ember.overrides import BaseTorchFunctionMode
    with BaseTorchFunctionMode():
        assert ember.arange(3).sum().item() == 3


def test_as_subclass_of_a_recorded_tensor_is_an_alias_node_as_pytorchs():
    class Tagged(ember.Tensor):
        pass
    x = ember.randn(3, requires_grad=True)
    y = x.as_subclass(Tagged)
    assert type(y) is Tagged and y.grad_fn.name() == 'AliasBackward0'   # (PyTorch 2.13's node)
    assert y.data_ptr() == x.data_ptr()
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0, 1.0]


# recorded from PyTorch 2.13: einsum's operands given as one list reach a tensor subclass's
# __torch_function__ one by one, but a mode sees the call as it was made
class _EinsumSeen(ember.Tensor):
    seen = []

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if getattr(func, '__name__', '') == 'einsum':
            cls.seen.append([type(a).__name__ for a in args])
        return super().__torch_function__(func, types, args, kwargs)


def test_einsum_operands_in_one_list_reach_a_subclass_one_by_one():
    a, b = ember.ones(2, 2).as_subclass(_EinsumSeen), ember.ones(2, 2)
    _EinsumSeen.seen.clear()
    ember.einsum('ij,jk', [a, b])
    ember.einsum('ij,jk', (a, b))
    out = ember.einsum('ij,jk', a, b)
    assert _EinsumSeen.seen == [['str', '_EinsumSeen', 'Tensor']] * 3
    assert out.tolist() == [[2., 2.], [2., 2.]]


def test_einsum_operands_in_one_list_reach_a_mode_as_given():
    from ember.overrides import TorchFunctionMode
    seen = []

    class Mode(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            if getattr(func, '__name__', '') == 'einsum':
                seen.append([type(a).__name__ for a in args])
            return func(*args, **(kwargs or {}))
    a, b = ember.ones(2, 2), ember.ones(2, 2)
    with Mode():
        ember.einsum('ij,jk', [a, b])
        ember.einsum('ij,jk', (a, b))
        ember.einsum('ij,jk', a, b)
    assert seen == [['str', 'list'], ['str', 'tuple'], ['str', 'Tensor', 'Tensor']]


def test_einsum_of_proxies_in_one_tuple_records_each_operand():
    # opt_einsum (as e3nn's tensor products use it) calls einsum(equation, operands) on fx proxies
    import ember.fx
    from ember.fx._dispatch import dispatch_for_tracing
    with dispatch_for_tracing():        # (dispatch off again after it, for the tests that follow)
        graph = ember.fx.Graph()
        tracer = ember.fx.proxy.GraphAppendingTracer(graph)
        pa = ember.fx.Proxy(graph.placeholder('a'), tracer=tracer)
        pb = ember.fx.Proxy(graph.placeholder('b'), tracer=tracer)
        node = ember.einsum('ij,jk->ik', (pa, pb)).node
    assert node.args == ('ij,jk->ik', pa.node, pb.node)


def test_ops_bound_to_their_dispatching_wrappers_keep_their_keyword_defaults():
    # (this module's subclasses switched dispatch on.) PyTorch 2.13: torch.meshgrid.__kwdefaults__ ==
    # {'indexing': None}; MONAI reads it to decide whether to pass indexing='ij' (else a deprecation warning)
    from ember._torch_function import unwrapped
    assert unwrapped(ember.meshgrid) is not ember.meshgrid
    assert ember.meshgrid.__kwdefaults__ == {'indexing': None}
    a, b = ember.meshgrid(ember.arange(2), ember.arange(3), indexing='ij')
    assert a.shape == b.shape == (2, 3)
