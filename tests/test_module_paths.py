"""Modules PyTorch programs import pieces from by their defining module's path: the deprecated amp
spellings' files, the profiler's, ONNX's errors, and weak identity-keyed dictionaries."""
import gc
import warnings

import pytest

import ember


def test_deprecated_amp_classes_live_in_pytorchs_files():
    from ember.cpu.amp.autocast_mode import autocast as cpu_autocast
    from ember.cpu.amp.grad_scaler import GradScaler as CpuScaler
    from ember.cuda.amp.autocast_mode import autocast, custom_bwd, custom_fwd  # noqa: F401
    from ember.cuda.amp.common import amp_definitely_not_available
    from ember.cuda.amp.grad_scaler import GradScaler
    assert ember.cuda.amp.autocast is autocast and ember.cuda.amp.GradScaler is GradScaler
    assert ember.cpu.amp.autocast is cpu_autocast and ember.cpu.amp.GradScaler is CpuScaler
    assert repr(autocast) == "<class 'ember.cuda.amp.autocast_mode.autocast'>"
    assert amp_definitely_not_available() is (not ember.cuda.is_available())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        with cpu_autocast(dtype=ember.float32 if not ember._dtype.HAS_BFLOAT16 else ember.bfloat16):
            pass
    assert any(issubclass(w.category, FutureWarning) and 'ember.amp.autocast' in str(w.message) for w in caught)


def test_profiler_pieces_from_profiler_profiler():
    from ember.profiler.profiler import ProfilerAction, profile, schedule
    assert profile is ember.profiler.profile and ProfilerAction is ember.profiler.ProfilerAction
    sched = schedule(wait=1, warmup=1, active=1)
    assert [sched(i) for i in range(3)] == [ProfilerAction.NONE, ProfilerAction.WARMUP,
                                             ProfilerAction.RECORD_AND_SAVE]


# PyTorch 2.13's texts (torch.onnx.errors.UnsupportedOperatorError)
@pytest.mark.parametrize('args, text', [
    (('aten::cumprod', 17, 18), "Exporting the operator 'aten::cumprod' to ONNX opset version 17 is not supported. "
                                "Support for this operator was added in version 18, try exporting with this version"),
    (('aten::cumprod', 17, None), "Exporting the operator 'aten::cumprod' to ONNX opset version 17 is not supported"),
    (('mylib::op', 18, None), "ONNX export failed on an operator with unrecognized namespace mylib::op. If you are "
                              "trying to export a custom operator, make sure you registered it with the right domain "
                              "and version."),
])
def test_onnx_errors_as_pytorchs(args, text):
    from ember.onnx.errors import OnnxExporterWarning, UnsupportedOperatorError
    err = UnsupportedOperatorError(*args)
    assert str(err) == text
    assert isinstance(err, ember.onnx.OnnxExporterError) and isinstance(err, RuntimeError)
    assert issubclass(OnnxExporterWarning, UserWarning)


def test_weak_id_key_dictionary_keys_tensors_by_identity():
    from ember.utils.weak import TensorWeakRef, WeakIdKeyDictionary, WeakIdRef, WeakTensorKeyDictionary
    assert WeakTensorKeyDictionary is WeakIdKeyDictionary
    a, b = ember.ones(3), ember.ones(3)            # equal values, different tensors
    d = WeakIdKeyDictionary({a: 'a'})
    d[b] = 'b'
    assert (d[a], d[b], len(d)) == ('a', 'b', 2)
    assert ember.ones(3) not in d and a in d
    with pytest.raises(KeyError):
        d[ember.ones(3)]
    r = TensorWeakRef(b)
    assert r() is b and WeakIdRef(b) == WeakIdRef(b) and WeakIdRef(a) != WeakIdRef(b)
    del b
    gc.collect()
    assert r() is None and list(d.values()) == ['a'] and len(d) == 1
    del d[a]
    assert len(d) == 0
    with pytest.raises(AssertionError):
        TensorWeakRef([1])


def test_distributed_tensor_under_its_old_name():
    # programs written before torch.distributed._tensor moved (pytorch/examples' tensor-parallel ones)
    from ember.distributed._tensor import DTensor, Replicate, Shard, distribute_tensor
    from ember.distributed._tensor.device_mesh import init_device_mesh
    from ember.distributed._tensor.placement_types import Partial
    import ember.distributed.tensor as new
    from ember.distributed import device_mesh
    assert (DTensor, Shard, Replicate, Partial, distribute_tensor) == \
        (new.DTensor, new.Shard, new.Replicate, new.Partial, new.distribute_tensor)
    assert init_device_mesh is device_mesh.init_device_mesh


def test_old_distributed_paths_opacus_imports():
    # opacus imports implicit_replication from torch.distributed._tensor.experimental and FSDPModule from
    # torch.distributed._composable.fsdp; PyTorch's old experimental module is the new one itself
    import ember.distributed._tensor.experimental as old
    import ember.distributed.tensor.experimental as new
    from ember.distributed._composable.fsdp import FSDPModule, fully_shard
    from ember.distributed import fsdp
    assert old is new and old.implicit_replication is new.implicit_replication
    assert FSDPModule is fsdp.FSDPModule and fully_shard is fsdp.fully_shard


def test_dataloader_module_type_names():
    # annotations libraries import from torch.utils.data.dataloader (opacus: _collate_fn_t)
    import typing
    from ember.utils.data import dataloader
    assert typing.get_args(dataloader._worker_init_fn_t) == ([int], None)
    params, result = typing.get_args(dataloader._collate_fn_t)
    assert params == [list[dataloader._T]] and result is typing.Any
    assert dataloader._T_co.__covariant__


def test_torchvision_defining_modules_of_box_losses_stochastic_depth_and_version():
    from ember.vision.ops.ciou_loss import complete_box_iou_loss
    from ember.vision.ops.diou_loss import distance_box_iou_loss
    from ember.vision.ops.giou_loss import generalized_box_iou_loss
    from ember.vision.ops.stochastic_depth import StochasticDepth, stochastic_depth
    from ember.vision.version import __version__, git_version
    ops = ember.vision.ops
    assert (generalized_box_iou_loss, distance_box_iou_loss, complete_box_iou_loss) == \
        (ops.generalized_box_iou_loss, ops.distance_box_iou_loss, ops.complete_box_iou_loss)
    assert StochasticDepth is ops.StochasticDepth and stochastic_depth is ops.stochastic_depth
    a = ember.tensor([[0., 0., 2., 2.]])
    b = ember.tensor([[1., 1., 3., 3.]])
    assert abs(generalized_box_iou_loss(a, b).item() - (1 - (1 / 7 - 2 / 9))) < 1e-6
    assert __version__ == ember.vision.__version__ and git_version == 'Unknown'


def test_layer_base_classes_as_pytorchs():
    # profilers (thop, fvcore) key their tables by these private bases and test isinstance against them
    from ember.nn.modules import padding, pooling
    nn = ember.nn
    assert isinstance(nn.ZeroPad2d(1), nn.ConstantPad2d) and isinstance(nn.ZeroPad1d(1), padding._ConstantPadNd)
    assert isinstance(nn.ReflectionPad3d(1), padding._ReflectionPadNd)
    assert isinstance(nn.ReplicationPad1d(1), padding._ReplicationPadNd)
    assert not isinstance(nn.ReflectionPad2d(1), padding._ReplicationPadNd)
    assert isinstance(nn.AvgPool1d(2), pooling._AvgPoolNd) and isinstance(nn.AvgPool2d(2), pooling._AvgPoolNd)
    assert isinstance(nn.AdaptiveAvgPool2d(1), pooling._AdaptiveAvgPoolNd)
    assert not isinstance(nn.AdaptiveMaxPool2d(1), pooling._AdaptiveAvgPoolNd)
    z = nn.ZeroPad2d((1, 0, 0, 1))
    assert repr(z) == 'ZeroPad2d((1, 0, 0, 1))' and z.value == 0.0
    assert z(ember.ones(1, 1, 1, 1)).tolist() == [[[[0.0, 1.0], [0.0, 0.0]]]]
    assert repr(nn.ReplicationPad1d(2)) == 'ReplicationPad1d((2, 2))'
    assert nn.ReflectionPad1d(2)(ember.arange(4.).view(1, 1, 4)).tolist() == [[[2.0, 1.0, 0.0, 1.0, 2.0, 3.0, 2.0, 1.0]]]
    a = nn.AvgPool1d(3, stride=2)
    assert repr(a) == 'AvgPool1d(kernel_size=(3,), stride=(2,), padding=(0,))' and not hasattr(a, 'divisor_override')


def test_worker_seed_state_is_pytorchs():
    # torch.utils.data._utils.worker._generate_state (tensordict imports it): PyTorch 2.13's words
    from ember.utils.data._utils.worker import _generate_state
    assert _generate_state(123, 2) == [2378979704, 4204655898, 2858883809, 995748389]
    assert _generate_state(2 ** 40 + 7, 0) == [1188088520, 935548948, 2315380233, 2593243894]
    assert all(type(w) is int for w in _generate_state(0, 0))


def test_functorch_batched_tensor_handles():
    # torch._C._functorch's is_batchedtensor/_add_batch_dim/_remove_batch_dim/get_unwrapped (tensordict's)
    from ember._C import _functorch as ft
    x = ember.arange(12.).view(3, 4)
    seen = []
    out = ember.func.vmap(lambda row: (seen.append(ft.is_batchedtensor(row)), row * 2)[1])(x)
    assert seen == [True] and out.tolist() == (x * 2).tolist() and not ft.is_batchedtensor(out)
    b = ft._add_batch_dim(x, -1, 1)
    assert ft.is_batchedtensor(b) and b.shape == (3,) and ft.get_unwrapped(b) is x
    assert ft._remove_batch_dim(b, 1, 4, 0).tolist() == x.t().tolist()
    spread = ft._remove_batch_dim(ember.tensor([1., 2.]), 1, 3, 1)
    assert spread.tolist() == [[1., 1., 1.], [2., 2., 2.]]
    with pytest.raises(RuntimeError):
        ft.get_unwrapped(x)


def test_contextlib_decorating_context_managers():
    # torch.utils._contextlib (tensordict subclasses _DecoratorContextManager)
    from ember.utils._contextlib import _DecoratorContextManager, _NoParamDecoratorContextManager, context_decorator
    log = []

    class tag(_DecoratorContextManager):
        def __enter__(self):
            log.append('in')

        def __exit__(self, *exc):
            log.append('out')

    @tag()
    def f(x):
        log.append(x)
        return x + 1

    assert f(1) == 2 and log == ['in', 1, 'out']
    log.clear()

    @tag()
    def gen():
        got = yield 1
        log.append(got)
        yield 2

    g = gen()
    assert next(g) == 1 and g.send('a') == 2
    assert log == ['in', 'out', 'in', 'a', 'out']

    class bare(_NoParamDecoratorContextManager, tag):
        pass

    log.clear()
    assert bare(lambda: 5)() == 5 and log == ['in', 'out']
    with pytest.warns(FutureWarning, match='Decorating classes is deprecated'):
        tag()(type('K', (), {}))
    with pytest.raises(AssertionError, match='ambiguous'):
        context_decorator(ember.no_grad(), f)


def test_named_member_accessor_swap_tensor():
    from ember.nn.utils._named_member_accessor import _MISSING, set_tensor, swap_tensor
    m = ember.nn.BatchNorm1d(2)
    m.extra = ember.ones(1)
    w = m.weight
    new = ember.zeros(2)
    assert swap_tensor(m, 'weight', new) is w and m._parameters['weight'] is new
    assert swap_tensor(m, 'running_mean', None).tolist() == [0., 0.] and m._buffers['running_mean'] is None
    assert swap_tensor(m, 'extra', ember.zeros(1)).tolist() == [1.]
    assert swap_tensor(m, 'ghost', ember.ones(1), allow_missing=True) is _MISSING and m.ghost.tolist() == [1.]
    assert swap_tensor(m, 'ghost', _MISSING).tolist() == [1.] and not hasattr(m, 'ghost')
    set_tensor(m, 'bias', ember.ones(2))
    assert m.bias.tolist() == [1., 1.]
    with pytest.raises(AttributeError, match='BatchNorm1d has no attribute `nope`'):
        swap_tensor(m, 'nope', ember.ones(1))
    with pytest.raises(KeyError):
        swap_tensor(m, 'a.b', ember.ones(1))
    with pytest.raises(TypeError):
        swap_tensor(m, 'weight', [1.0])
    with pytest.raises(TypeError, match='is not an instance of ember.Tensor'):
        swap_tensor(m, 'training', ember.ones(1))


def test_device_type_helpers_of_torch_utils():
    from ember._utils import _get_available_device_type, _get_device_module
    assert _get_available_device_type() == ('cuda' if ember.cuda.is_available() else None)
    assert _get_device_module('cuda') is ember.cuda and _get_device_module('cpu') is ember.cpu
    with pytest.raises(RuntimeError, match="Device 'nodev' does not have a corresponding module"):
        _get_device_module('nodev')
