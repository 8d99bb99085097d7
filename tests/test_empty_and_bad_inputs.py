"""Inputs PyTorch handles (empty batches, wrapping fill values) and inputs it refuses (integer
losses, impossible allocations), each with PyTorch 2.13's outcome recorded inline."""
import math

import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F


# ------------------------------------------------------------------ empty batches
def test_empty_batch_leaves_batchnorm_running_statistics_unchanged():
    m = nn.BatchNorm1d(3)
    m.running_mean.fill_(0.5)
    y = m(ember.zeros(0, 3))
    assert tuple(y.shape) == (0, 3)
    assert m.running_mean.tolist() == [0.5] * 3 and m.running_var.tolist() == [1.0] * 3
    assert m.num_batches_tracked.item() == 1      # PyTorch counts the batch all the same


def test_empty_batch_through_batchnorm2d_backward():
    m = nn.BatchNorm2d(3)
    x = ember.zeros(0, 3, 2, 2, requires_grad=True)
    m(x).sum().backward()
    assert tuple(x.grad.shape) == (0, 3, 2, 2) and m.weight.grad.tolist() == [0.0] * 3


def test_groupnorm_with_empty_batch():
    m = nn.GroupNorm(2, 4)
    x = ember.zeros(0, 4, 3, requires_grad=True)
    y = m(x)
    y.sum().backward()
    assert tuple(y.shape) == (0, 4, 3) and m.weight.grad.tolist() == [0.0] * 4 and tuple(x.grad.shape) == (0, 4, 3)


@pytest.mark.parametrize('batch_first', [False, True])
def test_multihead_attention_with_empty_batch(batch_first):
    m = nn.MultiheadAttention(4, 2, batch_first=batch_first)
    q = ember.zeros(0, 3, 4) if batch_first else ember.zeros(3, 0, 4)
    out, weights = m(q, q, q)
    assert tuple(out.shape) == tuple(q.shape) and tuple(weights.shape) == (0, 3, 3)


@pytest.mark.parametrize('fn', [ember.softmax, ember.log_softmax])
@pytest.mark.parametrize('shape, dim', [((0, 3), 0), ((0, 3), 1), ((2, 0), 1)])
def test_softmax_of_empty_tensors(fn, shape, dim):
    x = ember.zeros(*shape, requires_grad=True)
    y = fn(x, dim)
    y.sum().backward()
    assert tuple(y.shape) == shape and tuple(x.grad.shape) == shape


def test_median_of_nothing_is_nan():
    x = ember.zeros(0, requires_grad=True)
    m = ember.median(x)
    assert math.isnan(m.item()) and math.isnan(ember.nanmedian(ember.zeros(0)).item())
    m.backward()
    assert tuple(x.grad.shape) == (0,)
    assert ember.median(ember.zeros(0, dtype=ember.int64)).item() == -2 ** 63
    with pytest.raises(IndexError, match=r'^median\(\): Expected reduction dim 0 to have non-zero size\.$'):
        ember.median(ember.zeros(0, 3), 0)


# ------------------------------------------------------------------ fill values
@pytest.mark.parametrize('value, dtype, expected', [
    (-1, ember.uint8, [255, 255]), (-200, ember.uint8, [56, 56]), (1.5, ember.uint8, [1, 1]),
    (-1, ember.int16, [-1, -1]), (True, ember.int8, [1, 1]),
])
def test_full_converts_fill_values_as_pytorch(value, dtype, expected):
    assert ember.full((2,), value, dtype=dtype).tolist() == expected


@pytest.mark.parametrize('value, dtype, ctype', [
    (-256, ember.uint8, 'uint8_t'), (256, ember.uint8, 'uint8_t'), (300, ember.int8, 'int8_t'),
    (2 ** 31, ember.int32, 'int'), (2 ** 63, ember.int64, 'int64_t'), (-1.5, ember.uint8, 'uint8_t'),
    (math.nan, ember.int32, 'int'), (127.9, ember.int8, 'int8_t'), (1e300, ember.float32, 'float'),
])
def test_full_refuses_values_out_of_range(value, dtype, ctype):
    with pytest.raises(RuntimeError, match=f'^value cannot be converted to type {ctype} without overflow$'):
        ember.full((2,), value, dtype=dtype)


# ------------------------------------------------------------------ allocations
@pytest.mark.parametrize('make', [ember.empty, ember.zeros, ember.ones])
def test_impossible_sizes_raise_runtime_error(make):
    with pytest.raises(RuntimeError, match=r'^Storage size calculation overflowed with sizes=\[1099511627776, '
                                           r'1073741824\]$'):
        make(1 << 40, 1 << 30)
    with pytest.raises(RuntimeError, match="can't allocate memory: you tried to allocate 17592186044416 bytes"):
        make(1 << 42)


# ------------------------------------------------------------------ losses on integers
_A, _B = ember.tensor([1, 2]), ember.tensor([1, 4])


@pytest.mark.parametrize('call, error, message', [
    (lambda: F.mse_loss(_A, _B), NotImplementedError, '"mse_cpu" not implemented for \'Long\''),
    (lambda: F.mse_loss(_A > 1, _B > 1), NotImplementedError, '"mse_cpu" not implemented for \'Bool\''),
    (lambda: F.smooth_l1_loss(_A, _B), NotImplementedError, '"smooth_l1_cpu" not implemented for \'Long\''),
    (lambda: F.huber_loss(_A, _B), NotImplementedError, '"huber_cpu" not implemented for \'Long\''),
    (lambda: F.huber_loss(_A, _B.float()), RuntimeError, "result type Float can't be cast to the desired output "
                                                        "type Long"),
    (lambda: F.l1_loss(_A, _B), RuntimeError, 'mean(): could not infer output dtype. Input dtype must be either '
                                              'a floating point or complex dtype. Got: Long'),
    (lambda: F.kl_div(_A.float(), _B, reduction='sum'), RuntimeError, 'kl_div: Integral inputs not supported.'),
    (lambda: F.binary_cross_entropy(_A, _B), NotImplementedError,
     '"binary_cross_entropy" not implemented for \'Long\''),
    (lambda: F.binary_cross_entropy_with_logits(_A, _B.float()), NotImplementedError,
     '"log_sigmoid_cpu" not implemented for \'Long\''),
    (lambda: F.binary_cross_entropy_with_logits(_A.float(), _B), RuntimeError,
     "result type Float can't be cast to the desired output type Long"),
    (lambda: F.nll_loss(ember.tensor([[1, 2]]), ember.tensor([1])), NotImplementedError,
     '"nll_loss_out_frame" not implemented for \'Long\''),
    (lambda: F.nll_loss(ember.zeros(1, 2, 3, dtype=ember.int64), ember.zeros(1, 3, dtype=ember.int64)),
     NotImplementedError, '"nll_loss2d_forward_out_frame" not implemented for \'Long\''),
])
def test_losses_refuse_integer_inputs_as_pytorch(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


def test_losses_still_take_an_integer_target_or_keep_integers():
    assert F.mse_loss(_A.float(), _B).item() == 2.0 and F.mse_loss(_A, _B.float()).dtype is ember.float32
    assert F.l1_loss(_A, _B, reduction='sum').tolist() == 2 and F.l1_loss(_A, _B, reduction='sum').dtype is ember.int64
    assert F.nll_loss(ember.tensor([[1., 2.]]), ember.tensor([1], dtype=ember.uint8)).item() == -2.0


# ------------------------------------------------------------------ ember.tensor with too-big integers
@pytest.mark.parametrize('data, dtype, error, message', [
    (2 ** 31, ember.int32, RuntimeError, 'value cannot be converted to type int32 without overflow'),
    ([2 ** 31], ember.int32, RuntimeError, 'value cannot be converted to type int32 without overflow'),
    (300, ember.int8, RuntimeError, 'value cannot be converted to type int8 without overflow'),
    ([1, 2 ** 63], None, ValueError, 'Overflow when unpacking long long'),
])
def test_tensor_refuses_integers_out_of_range_as_pytorch(data, dtype, error, message):
    with pytest.raises(error) as info:
        ember.tensor(data, dtype=dtype)
    assert str(info.value) == message


def test_tensor_wraps_negative_integers_into_uint8():
    assert ember.tensor([-1, 5], dtype=ember.uint8).tolist() == [255, 5]
