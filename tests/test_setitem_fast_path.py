"""``x[key] = value`` with nothing recorded writes straight into the array for keys of ints and slices and values
that are numbers or CPU tensors (index.py's _assigned_unrecorded): the same values, dtype and version bump as the
general path (taken here by watching in-place writes, which sends every assignment there), and the general path's
errors wherever NumPy refuses the write."""
import numpy as np
import pytest

import ember
from ember.autograd import _op_observers


class _Watching(_op_observers.OpObserver):
    """Watches in-place writes, changing nothing: every assignment then takes the general path."""
    @staticmethod
    def inplace(proceed, t, args, kwargs):
        return proceed(t, *args, **kwargs)


def _general_path(run):
    watching = _Watching()
    _op_observers.add(watching)
    try:
        return run()
    finally:
        _op_observers.remove(watching)


KEYS = [0, -1, slice(1, None), slice(None, None, 2), slice(5, 9), (1, slice(0, 2)), (slice(None), 0), (),
        (-2, -3), (slice(None), slice(1, 3))]
VALUES = [lambda: 2.5, lambda: 3, lambda: True, lambda: ember.tensor(7.0), lambda: ember.tensor([1., 2., 3., 4.]),
          lambda: ember.arange(4, dtype=ember.int64), lambda: ember.tensor([[0.5], [1.5], [2.5]], dtype=ember.float64),
          lambda: ember.ones(1, 1, 4, dtype=ember.float32)]


def _assign(dtype, key, value):
    x = ember.arange(12, dtype=ember.float64).reshape(3, 4).to(dtype)
    view = x[1]                       # shares the version counter
    try:
        x[key] = value()
    except Exception as e:            # noqa: BLE001 (the error itself is compared)
        return type(e), str(e), x.tolist(), x._version
    return x.tolist(), x.dtype, x._version, view._version


@pytest.mark.parametrize('dtype', [ember.float64, ember.float32, ember.int32, ember.bool])
@pytest.mark.parametrize('key', KEYS, ids=repr)
def test_same_result_as_the_general_path(dtype, key):
    for value in VALUES:
        fast = _assign(dtype, key, value)
        assert fast == _general_path(lambda: _assign(dtype, key, value))


@pytest.mark.parametrize('key, value', [(3, 1.0), (slice(None, None, -1), 1.0), (slice(1, None), ember.ones(3, 4)),
                                        ((0, 0, 0), 1.0), (slice(1, None), ember.ones(2, 3, 4))], ids=repr)
def test_refused_writes_raise_the_general_paths_error_and_change_nothing(key, value):
    x = ember.zeros(3, 4)
    with pytest.raises(Exception) as fast:
        x[key] = value
    assert x.tolist() == np.zeros((3, 4)).tolist() and x._version == 0
    with pytest.raises(Exception) as general:
        _general_path(lambda: x.__setitem__(key, value))
    assert (type(fast.value), str(fast.value)) == (type(general.value), str(general.value))


def test_what_it_leaves_to_the_general_path():
    # an expanded tensor's shared memory, an inference tensor outside inference mode, a leaf that requires grad
    e = ember.zeros(1, 4).expand(3, 4)
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor refers to a single"):
        e[:, 0] = 1.0
    with ember.inference_mode():
        t = ember.zeros(3)
    with pytest.raises(RuntimeError, match="Inplace update to inference tensor outside InferenceMode"):
        t[0] = 1.0
    leaf = ember.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        leaf[0] = 1.0
    with ember.no_grad():
        leaf[0] = 1.0          # nothing recorded: written
    assert leaf.tolist() == [1., 0., 0.] and leaf._version == 1


OVERFLOW = "value cannot be converted to type {} without overflow"
# a number assigned is converted as PyTorch converts it (recorded from PyTorch 2.13), through a basic key and an
# index tensor alike
NUMBERS = [(ember.uint8, -1, [255, 0, 0]), (ember.uint8, -300, OVERFLOW.format('uint8_t')),
           (ember.int8, 300, OVERFLOW.format('int8_t')), (ember.float32, 1e300, OVERFLOW.format('float')),
           (ember.float32, 1e39, OVERFLOW.format('float')), (ember.float16, 70000.0, [float('inf'), 0., 0.]),
           (ember.float32, 1 + 2j, OVERFLOW.format('float')), (ember.float32, 2 + 0j, [2., 0., 0.]),
           (ember.bool, 5, [True, False, False]), (ember.int32, 2.7, [2, 0, 0]),
           (ember.float32, float('inf'), [float('inf'), 0., 0.])]


@pytest.mark.parametrize('dtype, number, expected', NUMBERS, ids=repr)
@pytest.mark.parametrize('key', [0, 'index'])
def test_numbers_are_converted_as_pytorch_converts_them(dtype, number, expected, key):
    x = ember.zeros(3, dtype=dtype)
    key = ember.tensor([0]) if key == 'index' else key
    if isinstance(expected, str):
        with pytest.raises(RuntimeError) as info:
            x[key] = number
        assert str(info.value) == expected and x.tolist() == [0, 0, 0]
    else:
        x[key] = number
        assert x.tolist() == expected


def test_an_integer_beyond_64_bits_is_refused_as_pytorch_refuses_it():
    x = ember.zeros(3, dtype=ember.int64)
    with pytest.raises(ValueError, match="Overflow when unpacking long long"):
        x[0] = 2 ** 63
