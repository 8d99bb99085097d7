"""ember.library (torch.library): custom operators with schemas, kernels, autograd formulas and
autocast policies, reached as ember.ops.<namespace>.<name>. Schemas and messages are PyTorch 2.13's."""
import typing

import numpy as np
import pytest

import ember
from ember import Tensor
from ember.library import custom_op, infer_schema


@custom_op('embertest::numpy_sin', mutates_args=())
def numpy_sin(x: Tensor) -> Tensor:
    return ember.from_numpy(np.sin(x.numpy(force=True)))


def test_a_custom_op_runs_below_autograd_until_it_has_a_formula():
    x = ember.tensor([0.5, 1.0, 2.0], requires_grad=True)
    y = numpy_sin(x)
    assert y.requires_grad and type(y.grad_fn).__name__ == 'GeneratedBackwardFor_embertest_numpy_sin_defaultBackward'
    with pytest.raises(RuntimeError, match=r'^Trying to backward through embertest.numpy_sin.default but no '
                                           r'autograd formula was registered. Please use register_autograd to '
                                           r'add one.$'):
        y.sum().backward()

    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * x.cos()
    numpy_sin.register_autograd(backward, setup_context=setup_context)
    numpy_sin(x).sum().backward()
    assert ember.allclose(x.grad, x.detach().cos())
    assert ember.autograd.gradcheck(numpy_sin, (ember.rand(4, dtype=ember.float64, requires_grad=True),))


def test_ops_namespace_reaches_custom_and_aten_ops():
    packet = ember.ops.embertest.numpy_sin
    assert repr(packet) == 'embertest.numpy_sin' and str(packet.default) == 'embertest.numpy_sin.default'
    assert repr(packet.default) == "<OpOverload(op='embertest.numpy_sin', overload='default')>"
    assert packet.default.name() == 'embertest::numpy_sin'
    assert str(packet.default._schema) == 'embertest::numpy_sin(Tensor x) -> Tensor'
    assert packet(ember.zeros(2)).tolist() == [0., 0.]
    with pytest.raises(AttributeError, match="'_OpNamespace' 'embertest' object has no attribute 'missing'"):
        ember.ops.embertest.missing
    assert ember.ops.aten.add.Tensor(ember.ones(2), ember.ones(2)).tolist() == [2., 2.]
    assert ember.ops.aten.relu.default(ember.tensor([-1., 1.])).tolist() == [0., 1.]


def test_schemas_are_inferred_as_pytorch_writes_them():
    def f(a: Tensor, b: typing.Optional[Tensor], c: int, d: float = 1.5, e: bool = False, s: str = 'x',
          dt: ember.dtype = ember.float32, dev: ember.device = None, li: list[int] = None,
          lf: typing.Sequence[float] = None, n: typing.Optional[int] = None, *, k: int = 3) -> list[Tensor]:
        ...
    assert infer_schema(f, mutates_args=()) == (
        '(Tensor a, Tensor? b, SymInt c, float d=1.5, bool e=False, str s="x", ScalarType dt=float32, '
        'Device dev=None, SymInt[] li=None, float[] lf=None, SymInt? n=None, *, SymInt k=3) -> Tensor[]')
    assert infer_schema(f, mutates_args='unknown').startswith('(Tensor(a0!) a, Tensor(a1!)? b, SymInt c')
    assert infer_schema(f, op_name='foo', mutates_args=()).startswith('foo(Tensor a,')

    def g(x: Tensor, out: Tensor) -> None: ...
    assert infer_schema(g, mutates_args={'out'}) == '(Tensor x, Tensor(a1!) out) -> ()'

    def two(x: Tensor, k: int) -> tuple[Tensor, Tensor]: ...
    assert infer_schema(two, mutates_args=()) == '(Tensor x, SymInt k) -> (Tensor, Tensor)'

    def unannotated(x, y: int) -> Tensor: ...
    with pytest.raises(ValueError, match=r'^infer_schema\(func\): Parameter x must have a type annotation. Got '
                                         r'func with signature \(x, y: int\) -> ember.Tensor\)$'):
        infer_schema(unannotated, mutates_args=())
    with pytest.raises(ValueError, match=r"\{'y'\} in mutates_args were not found in the custom op's signature"):
        infer_schema(g, mutates_args=('y',))

    def bad_default(x: Tensor, li: list[int] = (1, 2)) -> Tensor: ...
    with pytest.raises(ValueError, match="Parameter li has an unsupported default value type <class 'tuple'>"):
        infer_schema(bad_default, mutates_args=())

    def bad_type(a: dict) -> Tensor: ...
    with pytest.raises(ValueError, match="Parameter a has unsupported type <class 'dict'>"):
        infer_schema(bad_type, mutates_args=())


def test_mutation_outputs_and_aliasing():
    @custom_op('embertest::add_into', mutates_args={'out'})
    def add_into(x: Tensor, out: Tensor) -> None:
        out.numpy()[...] += x.numpy()           # behind ember's back: the op still bumps the version

    o = ember.zeros(3)
    v = o._version
    assert add_into(ember.ones(3), o) is None
    assert o.tolist() == [1., 1., 1.] and o._version > v

    @custom_op('embertest::identity', mutates_args=())
    def identity(x: Tensor) -> Tensor:
        return x

    with pytest.raises(RuntimeError, match=r'The output of this custom operator \(1\) must not also be an input'):
        identity(ember.ones(2))
    with pytest.raises(TypeError, match="missing 1 required keyword-only argument: 'mutates_args'"):
        custom_op('embertest::nomut')(lambda x: x)


def test_kernels_per_device_and_several_outputs():
    @custom_op('embertest::two', mutates_args=())
    def two(x: Tensor, k: int = 2) -> tuple[Tensor, Tensor]:
        return x * k, x + k

    a, b = two(ember.ones(2), k=3)
    assert a.tolist() == [3., 3.] and b.tolist() == [4., 4.]

    @two.register_kernel('cpu')
    def _(x, k=2):
        return x * 0, x * 0
    assert two(ember.ones(1))[0].tolist() == [0.]
    with pytest.raises(ValueError, match="Unknown device type 'tpu'"):
        two.register_kernel('tpu', lambda x, k: (x, x))


def test_autocast_policy():
    @custom_op('embertest::dtype_of', mutates_args=())
    def dtype_of(x: Tensor) -> Tensor:
        return ember.tensor(float(x.dtype == ember.bfloat16))

    dtype_of.register_autocast('cpu', ember.bfloat16)
    x = ember.ones(2)
    assert dtype_of(x).item() == 0.
    with ember.autocast('cpu', dtype=ember.bfloat16):
        assert dtype_of(x).item() == 1.


def test_library_define_and_impl():
    lib = ember.library.Library('embertest_lib', 'DEF')
    lib.define('twice(Tensor x, *, float k=2.0) -> Tensor')

    @ember.library.impl(lib, 'twice', 'CPU')
    def twice(x, *, k=2.0):
        return x * k
    assert ember.ops.embertest_lib.twice(ember.ones(2)).tolist() == [2., 2.]
    assert ember.ops.embertest_lib.twice(ember.ones(2), k=3.0).tolist() == [3., 3.]

    ember.library.define('embertest_lib::thrice', '(Tensor x) -> Tensor')
    ember.library.impl('embertest_lib::thrice', 'cpu', lambda x: x * 3)
    assert ember.ops.embertest_lib.thrice.default(ember.ones(1)).tolist() == [3.]

    lib.define('composite(Tensor x) -> Tensor')
    lib.impl('composite', lambda x: x.exp() * 2, 'CompositeImplicitAutograd')
    x = ember.zeros(2, requires_grad=True)
    ember.ops.embertest_lib.composite(x).sum().backward()      # differentiated through the ember ops
    assert x.grad.tolist() == [2., 2.]
    with pytest.raises(ValueError, match="unsupported dispatch key 'XLA'"):
        lib.impl('composite', lambda x: x, 'XLA')


def test_a_custom_overload_names_its_packet():
    overload = ember.ops.embertest.numpy_sin.default
    assert overload._overloadpacket == overload.overloadpacket == ember.ops.embertest.numpy_sin


def test_tags_as_pytorch_numbers_and_carries_them():
    # PyTorch 2.13: torch.Tag.pointwise is <Tag.pointwise: 16>; custom_op adds pt2_compliant_tag first
    assert repr(ember.Tag.pointwise) == '<Tag.pointwise: 16>' and str(ember.Tag.core) == 'Tag.core'
    assert int(ember.Tag.view_copy) == 19 and ember.Tag(11) is ember.Tag.needs_fixed_stride_order
    assert len(ember.Tag) == 20 and hash(ember.Tag.core) == 0

    @custom_op('embertest::tagged', mutates_args=(), tags=ember.Tag.pointwise)
    def tagged(x: Tensor) -> Tensor:
        return x.clone()
    assert ember.ops.embertest.tagged.default.tags == [ember.Tag.pt2_compliant_tag, ember.Tag.pointwise]
    lib = ember.library.Library('embertest_tags', 'FRAGMENT')
    lib.define('plain(Tensor x) -> Tensor')
    lib.define('marked(Tensor x) -> Tensor', 'FROM_SCHEMA', tags=(ember.Tag.inplace_view,))
    assert ember.ops.embertest_tags.plain.default.tags == []
    assert ember.ops.embertest_tags.marked.default.tags == [ember.Tag.inplace_view]
    with pytest.raises(RuntimeError, match='^Invalid alias_analysis type PURE_FUNCTION$'):
        lib.define('bad(Tensor x) -> Tensor', 'PURE_FUNCTION')
    with pytest.raises(TypeError, match="tags must be ember.Tag values, got str 'pointwise'"):
        lib.define('bad2(Tensor x) -> Tensor', tags=('pointwise',))
    assert not hasattr(ember.ops.embertest_tags, 'bad')


def test_aten_overloads_carry_pytorchs_tags():
    # as PyTorch 2.13 lists them (ember/export/_aten_tags.json, written by scripts/record_aten_tags.py)
    T = ember.Tag
    assert ember.ops.aten.add.Tensor.tags == [T.core, T.pointwise, T.pt2_compliant_tag]
    assert ember.ops.aten.add_.Tensor.tags == [T.inplace, T.pointwise, T.pt2_compliant_tag]
    assert ember.ops.aten.randperm.default.tags == [T.core, T.nondeterministic_seeded, T.pt2_compliant_tag]
    assert ember.ops.aten.nonzero.default.tags == [T.core, T.dynamic_output_shape, T.pt2_compliant_tag]
    assert ember.ops.aten.sum.dim_IntList.tags == [T.core, T.pt2_compliant_tag, T.reduction]
