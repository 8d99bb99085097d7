"""The 'meta' device: tensors with a shape and dtype but no data. Printing and error texts are
PyTorch 2.13's, recorded here (they need no PyTorch to check)."""
import copy

import pytest

import ember
from ember import nn


def meta(*shape, **kw):
    return ember.empty(*shape, device='meta', **kw)


def test_factory_printing_and_flags():
    x = meta(2, 3)
    assert repr(x) == "tensor(..., device='meta', size=(2, 3))"
    assert x.is_meta and not x.is_cpu and x.device == ember.device('meta')
    assert x.stride() == (3, 1)
    assert repr(ember.zeros(2, dtype=ember.int64, device='meta')) == \
        "tensor(..., device='meta', size=(2,), dtype=ember.int64)"
    assert repr(meta(0)) == "tensor(..., device='meta', size=(0,))"
    assert repr(meta()) == "tensor(..., device='meta', size=())"


def test_no_memory_however_large():
    x = meta(100000, 100000)           # 40 GB were it real: shape-only ops need no memory
    assert x.shape == (100000, 100000)
    assert x._data.strides == (0, 0)   # one shared element backs it
    v = x.t().reshape(-1)[:10].unsqueeze(0)
    assert v.is_meta and v.shape == (1, 10) and not any(v._data.strides)
    y = (meta(1000, 1000) * 2).sum(1)   # an op's result keeps no memory either
    assert y.is_meta and y.shape == (1000,) and y._data.strides == (0,)
    z = meta(30, 40)
    assert z.add_(1).mul_(2).zero_() is z   # in-place ops run and change nothing readable
    assert z.is_meta and z._data.strides == (0, 0)


@pytest.mark.parametrize('read, kind, text', [
    (lambda x: x.item(), RuntimeError, "a Tensor with 6 elements cannot be converted to Scalar"),
    (lambda x: x.tolist(), NotImplementedError, "Cannot copy out of meta tensor; no data!"),
    (lambda x: x.numpy(), TypeError, "can't convert meta device type tensor to numpy. Use Tensor.cpu() to copy "
                                     "the tensor to host memory first."),
    (lambda x: x.to('cpu'), NotImplementedError, "Cannot copy out of meta tensor; no data!"),
    (lambda x: x.cpu(), NotImplementedError, "Cannot copy out of meta tensor; no data!"),
    (lambda x: bool(x[0, 0]), RuntimeError, "Tensor.item() cannot be called on meta tensors"),
    (lambda x: float(x[0, 0]), RuntimeError, "Tensor.item() cannot be called on meta tensors"),
])
def test_reading_values_refused(read, kind, text):
    with pytest.raises(kind) as e:
        read(meta(2, 3))
    assert str(e.value) == text


def test_to_meta_and_like_factories():
    y = ember.ones(3).to('meta')
    assert repr(y) == "tensor(..., device='meta', size=(3,))"
    assert repr(ember.ones(2, dtype=ember.float64).to('meta', ember.float16)) == \
        "tensor(..., device='meta', size=(2,), dtype=ember.float16)"
    for like in (ember.empty_like, ember.zeros_like):
        assert repr(like(meta(2, 3))) == "tensor(..., device='meta', size=(2, 3))"


def test_shapes_propagate_through_ops():
    x = meta(2, 3)
    assert repr((x + 1) @ meta(3, 4)) == "tensor(..., device='meta', size=(2, 4))"
    assert repr(x.sum(0)) == "tensor(..., device='meta', size=(3,))"
    assert repr(x.reshape(6)) == "tensor(..., device='meta', size=(6,))"
    assert repr(ember.cat([x, x])) == "tensor(..., device='meta', size=(4, 3))"
    assert repr(x.transpose(0, 1).sum(-1)) == "tensor(..., device='meta', size=(3,))"
    assert repr(meta(2, 3, dtype=ember.float16).mean()) == \
        "tensor(..., device='meta', size=(), dtype=ember.float16)"
    conv = nn.Conv2d(3, 8, 3, device='meta')
    assert repr(conv(meta(2, 3, 10, 10))) == \
        "tensor(..., device='meta', size=(2, 8, 8, 8), grad_fn=<ConvolutionBackward0>)"


def test_module_on_meta_then_materialized():
    lin = nn.Linear(3, 4, device='meta')
    assert repr(lin.weight) == "Parameter containing:\ntensor(..., device='meta', size=(4, 3), requires_grad=True)"
    assert nn.init.normal_(lin.weight) is lin.weight and lin.weight._data.strides == (0, 0)   # a no-op
    nn.init.kaiming_uniform_(lin.weight)
    nn.init.eye_(lin.weight)
    assert lin.weight.is_meta
    with ember.device('meta'):
        big = nn.Linear(50000, 50000)   # 10 GB were it real: built at no cost
    assert big.weight.shape == (50000, 50000) and big.weight._data.strides == (0, 0)
    out = lin(meta(8, 3))
    assert out.is_meta and out.shape == (8, 4)
    with ember.device('meta'):
        m = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert m.to_empty(device='cpu') is m
    assert all(p.device == ember.device('cpu') and isinstance(p, nn.Parameter) for p in m.parameters())
    assert m(ember.zeros(5, 2)).shape == (5, 1)


def test_to_empty_recurse_false():
    with ember.device('meta'):
        m = nn.Sequential(nn.Linear(2, 3))
    m.to_empty(device='cpu', recurse=False)
    assert m[0].weight.is_meta


def test_load_state_dict_assign_and_stateless_copy():
    src = nn.Linear(2, 3)
    with ember.device('meta'):
        dst = nn.Linear(2, 3)
    dst.load_state_dict(src.state_dict(), assign=True)
    assert dst.weight.device == ember.device('cpu') and ember.equal(dst.weight, src.weight)
    assert isinstance(dst.weight, nn.Parameter)
    base = copy.deepcopy(src).to('meta')
    assert base.weight.is_meta and not src.weight.is_meta
    assert repr(base.state_dict()['bias']) == "tensor(..., device='meta', size=(3,))"


@pytest.mark.parametrize('mix, kind, text', [
    (lambda m, c: m + c, RuntimeError, "Tensor on device cpu is not on the expected device meta!"),
    (lambda m, c: c * m, RuntimeError, "Tensor on device meta is not on the expected device cpu!"),
    (lambda m, c: ember.cat([m, c]), RuntimeError, "Tensor on device cpu is not on the expected device meta!"),
    (lambda m, c: ember.stack([c, m]), RuntimeError, "Tensor on device meta is not on the expected device cpu!"),
    (lambda m, c: c.copy_(m), NotImplementedError, "Cannot copy out of meta tensor; no data!"),
])
def test_meta_and_cpu_do_not_mix(mix, kind, text):
    c = ember.ones(2, 3)
    with pytest.raises(kind) as e:
        mix(meta(2, 3), c)
    assert str(e.value) == text
    assert ember.equal(c, ember.ones(2, 3))


def test_cpu_values_copied_into_meta_and_scalars_mixed():
    m = meta(2, 3)
    assert m.copy_(ember.ones(2, 3)) is m and m.is_meta and not any(m._data.strides)
    assert (m + ember.tensor(1.)).is_meta     # a 0-dim CPU tensor joins any device's op
