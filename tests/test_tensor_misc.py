"""Smaller tensor-level names against PyTorch's recorded outcomes (tests/fixtures/tensor_misc/
scenario.py): hash_tensor, conj_physical_, Tensor.name/grad_dtype/record_stream/map_/map2_/
__setstate__, is_distributed, nn.factory_kwargs, F.assert_int_or_pair, thread_safe_generator; and
the autograd switches and nn.common_types."""
import json
import warnings

import pytest

import ember
from tests.fixtures.tensor_misc.scenario import RECORDED, run


def _run(lib):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return json.loads(json.dumps(run(lib)))


def test_matches_pytorch_s_recorded_outcomes():
    with open(RECORDED) as f:
        want = json.load(f)
    got = _run(ember)
    for key in want:
        assert got[key] == want[key], key


def test_against_pytorch_live():
    torch = pytest.importorskip('torch')
    with open(RECORDED) as f:
        assert _run(torch) == json.load(f)


def test_grad_dtype_casts_accumulated_gradients_and_leaves_the_default_alone():
    w = ember.ones(3, requires_grad=True)
    w.grad_dtype = ember.float16
    (w * 3).sum().backward()
    (w * 3).sum().backward()
    assert w.grad.dtype == ember.float16 and w.grad.tolist() == [6., 6., 6.]
    v = ember.ones(3, requires_grad=True)
    (v * 3).sum().backward()
    assert v.grad.dtype == ember.float32 and 'grad_dtype' not in repr(v.grad)


def test_set_multithreading_enabled_as_function_context_and_decorator():
    autograd = ember.autograd
    assert autograd.is_multithreading_enabled()
    with autograd.set_multithreading_enabled(False):
        assert not autograd.is_multithreading_enabled()
        x = ember.ones(2, requires_grad=True)
        (x * 2).sum().backward()   # gradients are the same on the calling thread
        assert x.grad.tolist() == [2., 2.]
    assert autograd.is_multithreading_enabled()

    @autograd.set_multithreading_enabled(False)   # like PyTorch's, this also switches at once
    def inner():
        return autograd.is_multithreading_enabled()
    autograd.set_multithreading_enabled(True)
    assert inner() is False and autograd.is_multithreading_enabled()
    mode = autograd.set_multithreading_enabled(False)
    assert not autograd.is_multithreading_enabled()
    mode.__exit__(None, None, None)
    assert autograd.is_multithreading_enabled()


def test_common_types_are_the_annotations_of_pytorch():
    from ember.nn import common_types as ct
    assert ct._size_2_t == (int | tuple[int, int])
    assert ct._size_any_opt_t == (int | None | tuple[int | None, ...])
    assert ct._tensor_list_t == (ember.Tensor | tuple[ember.Tensor, ...])


def test_to_padded_tensor_pads_nested_tensors_and_refuses_regular_ones():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        nt = ember.nested.nested_tensor([ember.ones(2), ember.ones(3)])
    # PyTorch: [[1, 1, -1, -1], [1, 1, 1, -1]]
    assert nt.to_padded_tensor(-1., (2, 4)).tolist() == [[1., 1., -1., -1.], [1., 1., 1., -1.]]
    with pytest.raises(NotImplementedError, match="Could not run 'aten::to_padded_tensor' with arguments from the "
                                                  "'CPU' backend"):
        ember.ones(2).to_padded_tensor(0.)
