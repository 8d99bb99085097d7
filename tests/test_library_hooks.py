"""The private PyTorch names that widely used libraries (lightning, torchmetrics, timm, transformers) call,
with what PyTorch 2.13 returns for them."""
import pytest

import ember


def test_compiled_modules_share_one_class():
    from ember._dynamo import OptimizedModule
    a, b = ember.compile(ember.nn.Linear(2, 2)), ember.compile(ember.nn.ReLU())
    assert type(a) is type(b) is OptimizedModule and isinstance(a, ember.nn.Module)
    assert list(a.state_dict()) == ['_orig_mod.weight', '_orig_mod.bias']
    assert a.in_features == 2                      # the original module's attributes


def test_parse_to_reads_a_to_call_as_pytorch():
    parse = ember._C._nn._parse_to
    assert parse('cpu', ember.float64, non_blocking=True) == (ember.device('cpu'), ember.float64, True, None)
    assert parse(ember.float16) == (None, ember.float16, False, None)
    assert parse(ember.zeros(1, dtype=ember.int32)) == (ember.device('cpu'), ember.int32, False, None)
    assert parse(memory_format=ember.channels_last) == (None, None, False, ember.channels_last)
    with pytest.raises(RuntimeError, match=r'^\.to\(\) does not accept copy argument$'):
        parse('cpu', copy=True)


def test_small_private_names():
    assert isinstance(ember.Tensor, ember._C._TensorMeta)
    assert ember._C.TensorBase is ember.Tensor
    assert ember._C._log_api_usage_once('my_library.import') is None
    with pytest.raises(TypeError):
        ember._C._log_api_usage_once(3)
    assert ember.ScriptModule is ember.jit.ScriptModule and ember.ScriptFunction is ember.jit.ScriptFunction


def test_package_names_itself_and_distributed_submodules_load_on_use():
    import ember.distributed as dist
    assert ember.torch is ember                   # kornia annotates with torch.torch.Tensor
    assert dist.device_mesh.DeviceMesh is dist.DeviceMesh      # diffusers reads torch.distributed.device_mesh
    assert dist.distributed_c10d.__name__ == 'ember.distributed.distributed_c10d'
    with pytest.raises(AttributeError, match="has no attribute 'no_such_module'"):
        dist.no_such_module


def test_tracing_and_transform_questions():
    from ember._subclasses.fake_tensor import is_fake
    from ember.fx.experimental.proxy_tensor import get_proxy_mode, make_fx
    assert not is_fake(ember.zeros(2)) and get_proxy_mode() is None
    seen = []

    def f(x):
        seen.append((get_proxy_mode() is not None, ember._C._are_functorch_transforms_active()))
        return x * 2
    make_fx(f)(ember.ones(2))
    ember.vmap(f)(ember.ones(3, 2))
    ember.func.grad(lambda x: f(x).sum())(ember.ones(2))
    f(ember.ones(2))
    assert seen == [(True, False), (False, True), (False, True), (False, False)]


def test_optimizer_subclass_that_skips_init_steps_bare():
    # accelerate's AcceleratedOptimizer subclasses Optimizer without running its __init__ and wraps a real one
    class Wrapper(ember.optim.Optimizer):
        def __init__(self, inner):
            self.inner = inner

        def step(self, closure=None):
            return self.inner.step(closure)
    p = ember.nn.Parameter(ember.tensor([1.0]))
    inner = ember.optim.SGD([p], lr=0.5)
    calls = []
    inner.register_step_pre_hook(lambda opt, args, kwargs: calls.append('pre'))
    p.grad = ember.tensor([2.0])
    Wrapper(inner).step()
    assert p.item() == 0.0 and calls == ['pre']


def test_devices_equal_only_devices():
    d = ember.device('cpu')
    assert (d == 'cpu', d != 'cpu', d == ember.device('cpu'), d == None) == (False, True, True, False)  # noqa: E711


def test_every_aten_operator_name_resolves():
    aten = ember.ops.aten
    assert aten.mm.default(ember.eye(2), ember.ones(2, 2)).tolist() == [[1., 1.], [1., 1.]]
    op = aten._sparse_addmm.default          # PyTorch has it, ember has no kernel: resolves, refuses when called
    with pytest.raises(NotImplementedError, match="aten::_sparse_addmm"):
        op(ember.ones(1))
    with pytest.raises(AttributeError):
        aten.no_such_operator_anywhere


def test_layout_names_and_private_printing():
    assert ember.sparse_csr is not ember.strided and isinstance(ember.sparse_bsc, ember.layout)
    with pytest.raises(RuntimeError, match='only the strided layout'):
        ember.ones(2, layout=ember.sparse_csr)
    from ember import _tensor_str
    t = ember.tensor([1., 2.])
    assert _tensor_str._str_intern(t, tensor_contents=_tensor_str._tensor_str(t, 7)) == repr(t)
    assert ember.jit._overload(len) is len


def test_complex32_is_named_and_refused_when_used():
    # kornia keys dtype tables by torch.complex32; NumPy has no complex-half type to back ember tensors of it
    d = ember.complex32
    assert ember.chalf is d and repr(d) == 'ember.complex32'
    assert (d.itemsize, d.is_complex, d.is_floating_point, d.to_real()) == (4, True, False, ember.float16)
    with pytest.raises(RuntimeError, match='ember cannot make complex32 tensors'):
        ember.zeros(2, dtype=ember.complex32)
