"""__torch_dispatch__: TorchDispatchMode, wrapper subclasses (_make_wrapper_subclass) and the swap_tensors
recipe's load path. Expected values were printed by PyTorch 2.13 for the same code, except where the
module docstring of ember/utils/_python_dispatch.py says ember's level differs."""
import pytest

import ember
from ember.utils._python_dispatch import TorchDispatchMode, _get_current_dispatch_mode


class _Log(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.seen = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.seen.append(str(func))
        return func(*args, **(kwargs or {}))


def test_dispatch_mode_sees_each_op_as_its_aten_overload():
    with _Log() as log:
        x = ember.ones(2, 3)
        y = x.mul(3) + 1
        z = y.exp().sum(0)
        x.to(ember.float64)
        x.to(ember.float32)          # already float32: no op at PyTorch's dispatch level
        x.detach()
        ember.cat([x, x])
    assert log.seen == ['aten.ones.default', 'aten.mul.Tensor', 'aten.add.Tensor', 'aten.exp.default',
                        'aten.sum.dim_IntList', 'aten._to_copy.default', 'aten.detach.default', 'aten.cat.default']
    assert z.tolist() == pytest.approx([109.1963] * 3, rel=1e-6)
    assert _get_current_dispatch_mode() is None


class ScaledTensor(ember.Tensor):
    @staticmethod
    def __new__(cls, elem, scale):
        return ember.Tensor._make_wrapper_subclass(cls, elem.shape, dtype=elem.dtype, device=elem.device)

    def __init__(self, elem, scale):
        self.elem = elem
        self.scale = scale

    __torch_function__ = ember._C._disabled_torch_function_impl
    calls = []

    @classmethod
    def __torch_dispatch__(cls, func, types, args, kwargs=None):
        cls.calls.append(str(func))

        def unwrap(a):
            return a.elem * a.scale if isinstance(a, ScaledTensor) else a
        out = func(*[unwrap(a) for a in args], **{k: unwrap(v) for k, v in (kwargs or {}).items()})
        return ScaledTensor(out, 1.0) if isinstance(out, ember.Tensor) else out


def test_wrapper_subclass_computes_on_what_it_wraps():
    ScaledTensor.calls.clear()
    s = ScaledTensor(ember.arange(4.0), 2.0)
    assert (type(s).__name__, tuple(s.shape), s.dtype, str(s.device), s.requires_grad) == \
        ('ScaledTensor', (4,), ember.float32, 'cpu', False)
    assert (s + 1).elem.tolist() == [1.0, 3.0, 5.0, 7.0]
    assert ember.mul(s, s).elem.tolist() == [0.0, 4.0, 16.0, 36.0]
    assert (s * 0.5).elem.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert ScaledTensor.calls == ['aten.add.Tensor', 'aten.mul.Tensor', 'aten.mul.Tensor']


def test_no_silent_gradients_through_a_wrapper():
    s = ScaledTensor(ember.arange(3.0), 1.0).requires_grad_()
    with pytest.raises(NotImplementedError, match='records no autograd through __torch_dispatch__'):
        s * 2
    with ember.no_grad():
        assert (s * 2).elem.tolist() == [0.0, 2.0, 4.0]


class _QuantizedWeight(ember.Tensor):
    # the wrapper of PyTorch's "Extension points in nn.Module" recipe
    @staticmethod
    def __new__(cls, elem, scale):
        return ember.Tensor._make_wrapper_subclass(cls, elem.shape, dtype=elem.dtype, layout=elem.layout,
                                                   device=elem.device, strides=elem.stride(),
                                                   storage_offset=elem.storage_offset())

    def __init__(self, elem, scale):
        self.elem = elem
        self.scale = scale

    @classmethod
    def __torch_dispatch__(cls, func, types, args, kwargs):
        aten = ember.ops.aten
        if func in (aten.detach.default, aten._to_copy.default):
            return cls(func(args[0].elem, *args[1:], **kwargs), args[0].scale)
        raise NotImplementedError(f"Unsupported function {func}")


def test_module_conversion_with_and_without_swapping():
    pytest.importorskip('ml_dtypes')
    m = ember.nn.Linear(3, 5)
    m.weight = ember.nn.Parameter(_QuantizedWeight(m.weight, 0.5))
    ids = id(m.weight), id(m.bias)
    m.bfloat16()
    assert (id(m.weight), id(m.bias)) == ids
    assert (m.weight.dtype, m.weight.elem.dtype, m.bias.dtype) == (ember.bfloat16, ember.float32, ember.bfloat16)
    ember.__future__.set_swap_module_params_on_conversion(True)
    try:
        m = ember.nn.Linear(3, 5)
        m.weight = ember.nn.Parameter(_QuantizedWeight(m.weight, 0.5))
        ids = id(m.weight), id(m.bias)
        m.bfloat16()
        assert (id(m.weight), id(m.bias)) == ids
        assert (m.weight.dtype, m.weight.elem.dtype, m.bias.dtype) == (ember.bfloat16,) * 3
    finally:
        ember.__future__.set_swap_module_params_on_conversion(False)


def test_load_state_dict_swaps_in_what_module_load_makes():
    class Loading(_QuantizedWeight):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            if func is ember.Tensor.module_load:
                dest, src = args[0], args[1]
                return Loading(src, dest.scale)
            with ember._C.DisableTorchFunctionSubclass():
                return func(*args, **(kwargs or {}))

    with ember.device('meta'):
        m = ember.nn.Linear(3, 5)
        m.weight = ember.nn.Parameter(Loading(m.weight, 0.5), requires_grad=m.weight.requires_grad)
    ember.__future__.set_swap_module_params_on_conversion(True)
    try:
        ids = id(m.weight), id(m.bias)
        source = ember.nn.Linear(3, 5).state_dict()
        m.load_state_dict(source, assign=True)
        assert (id(m.weight), id(m.bias)) == ids
        assert type(m.weight).__name__ == 'Loading' and m.weight.elem.tolist() == source['weight'].tolist()
        assert m.bias.device.type == 'cpu' and m.bias.tolist() == source['bias'].tolist()
    finally:
        ember.__future__.set_swap_module_params_on_conversion(False)


def test_a_mode_reads_the_overload_packet_by_either_spelling():
    # flop counters key their tables by the packet and read PyTorch's private spelling
    packets = []

    class Packets(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            assert func._overloadpacket is func.overloadpacket
            packets.append(func._overloadpacket)
            return func(*args, **(kwargs or {}))

    with Packets():
        ember.ones(2).exp()
    assert packets[1] == ember.ops.aten.exp and str(packets[1]) == 'aten.exp'


def test_a_generator_is_never_dropped_on_the_way_to_a_mode():
    # the recorded randn overload takes no generator: refused rather than drawn from the default one
    g = ember.Generator().manual_seed(0)
    with _Log():
        with pytest.raises(NotImplementedError, match='a random factory call with a generator'):
            ember.randn(2, generator=g)
