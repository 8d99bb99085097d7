"""add, sub, mul, div (with a tensor or a Python number), neg, relu, a full sum and 2-D F.linear skip
``Function.apply`` when nothing is recorded (see ``function.unrecorded_binary``): the results, errors and
what observers see must be those of ``apply``."""
import numpy as np
import pytest

import ember
import ember.nn.functional as F
from ember.autograd import _op_observers, function
from ember.ops.activation import Relu
from ember.ops.arith import Add, Div, Mul, Sub
from ember.ops.reduce import Sum
from ember.ops.unary import Neg

_DTYPES = (np.float32, np.float64, np.complex64, np.complex128, np.int8, np.int16, np.int32, np.int64,
           np.uint8, np.float16, np.bool_, np.uint16)

_BINARY = {'add': (ember.add, Add), 'sub': (ember.sub, Sub), 'mul': (ember.mul, Mul), 'div': (ember.div, Div)}


def _values(rng, shape, dt):
    v = rng.standard_normal(shape) * 50
    if np.dtype(dt).kind == 'c':
        v = v + 1j * rng.standard_normal(shape)
    if dt is np.bool_:
        return v > 0
    with np.errstate(all='ignore'):
        return v.astype(dt)


def _same(result, expected):
    assert type(result) is ember.Tensor
    assert result._data.dtype == expected._data.dtype and result.shape == expected.shape
    assert type(result._data) is type(expected._data) is np.ndarray
    assert result._data.tobytes() == expected._data.tobytes()
    assert not result.requires_grad and result.grad_fn is None and result._version == 0
    assert result.is_inference() == expected.is_inference()


@pytest.mark.parametrize('name', sorted(_BINARY))
@pytest.mark.parametrize('dt', _DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize('shapes', [((4, 4), (4, 4)), ((3, 1), (1, 5)), ((), ()), ((0, 3), (3,)), ((2, 3), ())])
def test_binary_results_are_apply_s(name, dt, shapes):
    fn, cls = _BINARY[name]
    rng = np.random.default_rng(0)
    a = ember.tensor(_values(rng, shapes[0], dt))
    b = ember.tensor(_values(rng, shapes[1], dt))
    if name == 'sub' and dt is np.bool_:
        with pytest.raises(RuntimeError, match='Subtraction, the `-` operator, with two bool tensors'):
            fn(a, b)
        return
    try:
        expected = cls.apply(a, b)
    except NotImplementedError as e:   # (PyTorch has no uint16 arithmetic)
        with pytest.raises(NotImplementedError, match=str(e)[:20]):
            fn(a, b)
        return
    _same(fn(a, b), expected)
    operator = {'add': lambda: a + b, 'sub': lambda: a - b, 'mul': lambda: a * b, 'div': lambda: a / b}[name]
    _same(operator(), expected)
    assert a._version == b._version == 0


@pytest.mark.parametrize('dt', _DTYPES[:-1], ids=lambda d: np.dtype(d).name)   # (uint16: refused before either)
@pytest.mark.parametrize('shape', [(4, 4), (), (0,), (2, 3, 5)])
def test_relu_and_sum_results_are_apply_s(dt, shape):
    x = ember.tensor(_values(np.random.default_rng(1), shape, dt))
    for fn in (ember.relu, F.relu, ember.Tensor.relu):
        try:
            expected = Relu.apply(x)
        except Exception as e:
            with pytest.raises(type(e)):
                fn(x)
            break
        _same(fn(x), expected)
    _same(ember.sum(x), Sum.apply(x, None, False, None))
    _same(x.sum(), Sum.apply(x, None, False, None))
    if dt is not np.bool_:   # (negating a bool tensor is refused before either)
        _same(-x, Neg.apply(x))
        _same(ember.neg(x), Neg.apply(x))


def test_mixed_dtypes_promote_as_before():
    a = ember.tensor([1, 2], dtype=ember.int32)
    b = ember.tensor([0.5, 1.5])
    for r in (a * b, a + b, b - a):
        assert r.dtype == ember.float32
    assert (a * b).tolist() == [0.5, 3.0]
    h = ember.tensor([1.5, 2.5], dtype=ember.float16)
    assert (h * h).dtype == ember.float16 and (h * h).tolist() == [2.25, 6.25]


def test_broadcast_error_is_pytorchs():
    a, b = ember.ones(2, 3), ember.ones(4)
    for fn in (ember.add, ember.sub, ember.mul, ember.div):
        with pytest.raises(RuntimeError, match=r'The size of tensor a \(3\) must match the size of tensor b \(4\) '
                                               r'at non-singleton dimension 1'):
            fn(a, b)


def test_grad_recorded_unless_grad_mode_off():
    x = ember.ones(2, 2, requires_grad=True)
    w = ember.full((2, 2), 3.0)
    y = x * w + x - w
    assert y.grad_fn.name() == 'SubBackward0' and y.requires_grad
    assert x.relu().grad_fn.name() == 'ReluBackward0' and x.sum().grad_fn.name() == 'SumBackward0'
    with ember.no_grad():
        for r in (x * w, x + w, x - w, x.relu(), F.relu(x), x.sum()):
            assert not r.requires_grad and r.grad_fn is None
    with ember.inference_mode():
        for r in (x * w, x + w, x - w, x.relu(), x.sum()):
            assert r.is_inference() and not r.requires_grad


def test_results_are_new_arrays():
    a = ember.ones(3)
    for r in (a * a, a + a, a - a, a.relu()):
        assert not np.shares_memory(r._data, a._data)
        r.add_(1)
        assert a.tolist() == [1.0, 1.0, 1.0]


def test_floating_point_warnings_stay_quiet():
    big = ember.tensor([3e38], dtype=ember.float32)
    zero = ember.zeros(1)
    with np.errstate(all='raise'):
        assert (big * big).tolist() == [float('inf')]
        assert (big + big).tolist() == [float('inf')]
        assert (-big - big).tolist() == [float('-inf')]
        assert np.isnan((zero * ember.tensor([float('inf')])).item())
    with np.errstate(all='raise'):   # the caller's own NumPy state is left as it was
        with pytest.raises(FloatingPointError):
            np.float32(3e38) * np.float32(3e38)


class _Log(_op_observers.OpObserver):
    def __init__(self):
        self.ops = []

    def op(self, proceed, cls, args, kwargs):
        self.ops.append(cls.__name__)
        return proceed(cls, *args, **kwargs)


def test_observers_see_every_op():
    a, b = ember.ones(2, 2), ember.ones(2, 2)
    log = _Log()
    _op_observers.add(log)
    try:
        a * b, a + b, a - b, a.relu(), F.relu(a), a.sum(), -a
    finally:
        _op_observers.remove(log)
    assert log.ops == ['Mul', 'Add', 'Sub', 'Relu', 'Relu', 'Sum', 'Neg']
    assert function._op_hooks == ()


def test_subclasses_and_parameters_take_apply():
    class Mine(ember.Tensor):
        pass
    m = ember.ones(2).as_subclass(Mine)
    assert type(m * m) is Mine and type(m.relu()) is Mine and type(m.sum()) is Mine
    p = ember.nn.Parameter(ember.ones(2))
    assert (p * p).grad_fn.name() == 'MulBackward0'


def test_which_calls_skip_apply():
    a, b = ember.ones(2), ember.ones(2)
    x = ember.ones(2, requires_grad=True)
    assert function.unrecorded_binary(np.multiply, a, b) is not None
    assert function.unrecorded_unary(np.negative, a) is not None
    assert function.unrecorded_binary(np.multiply, x, b) is None          # a graph to record
    with ember.no_grad():
        assert function.unrecorded_binary(np.multiply, x, b) is not None
    assert function.unrecorded_binary(np.multiply, a, b.double()) is None  # dtypes to promote
    assert function.unrecorded_binary(np.multiply, a.half(), b.half()) is None
    assert function.unrecorded_binary(np.multiply, a, ember.ones(2, device='meta')) is None
    assert function.unrecorded_binary(np.add, ember.ones(2, 3), ember.ones(4)) is None   # apply words the error


@pytest.mark.parametrize('dt', (np.float32, np.float64, np.complex64, np.int64, np.float16), ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize('bias_shape', [None, (5,), (1,), ()])
def test_linear_results_are_apply_s(dt, bias_shape):
    from ember.ops.linear import Addmm, MmT
    rng = np.random.default_rng(2)
    x = ember.tensor(_values(rng, (3, 4), dt))
    w = ember.tensor(_values(rng, (5, 4), dt))
    wt = ember.Tensor._make(w._data.T)
    if bias_shape is None:
        try:
            expected = MmT.apply(x, wt)
        except Exception as e:
            with pytest.raises(type(e)):
                F.linear(x, w)
            return
        _same(F.linear(x, w), expected)
        return
    b = ember.tensor(_values(rng, bias_shape, dt))
    try:
        expected = Addmm.apply(b, x, wt)
    except Exception as e:
        with pytest.raises(type(e)):
            F.linear(x, w, b)
        return
    _same(F.linear(x, w, b), expected)


def test_linear_recorded_and_observed():
    x, w, b = ember.ones(2, 3), ember.ones(4, 3, requires_grad=True), ember.ones(4, requires_grad=True)
    assert F.linear(x, w, b).grad_fn.name() == 'AddmmBackward0'
    assert F.linear(x, w).grad_fn.name() == 'MmBackward0'
    with ember.no_grad():
        assert F.linear(x, w, b).grad_fn is None
    log = _Log()
    _op_observers.add(log)
    try:
        F.linear(x, w.detach(), b.detach()), F.linear(x, w.detach())
    finally:
        _op_observers.remove(log)
    assert log.ops == ['T', 'Addmm', 'T', 'MmT']
    with pytest.raises(RuntimeError, match='The expanded size of the tensor'):
        F.linear(x, w.detach(), ember.ones(3))


@pytest.mark.parametrize('dt', (np.float32, np.float64, np.complex64, np.complex128, np.int64, np.int8,
                                np.uint8, np.float16, np.bool_), ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize('number', [2, 2.5, -3, 0, 2 ** 40, 2 ** 70, 1e300, -1e-300, float('nan'), float('inf')],
                         ids=repr)
def test_python_number_results_are_apply_s(dt, number):
    x = ember.tensor(_values(np.random.default_rng(3), (3, 4), dt))
    for name, fn, cls, operator in (('add', ember.add, Add, lambda: x + number),
                                    ('sub', ember.sub, Sub, lambda: x - number),
                                    ('mul', ember.mul, Mul, lambda: x * number),
                                    ('div', ember.div, Div, lambda: x / number)):
        if name == 'sub' and dt is np.bool_:
            continue
        try:
            expected = cls.apply(x, number)
        except Exception as e:
            with pytest.raises(type(e)):
                fn(x, number)
            continue
        _same(fn(x, number), expected)
        _same(operator(), expected)


def test_python_number_fast_path_declines():
    a = ember.ones(2)
    assert function.unrecorded_scalar(np.multiply, a, 2.0) is not None
    assert function.unrecorded_scalar(np.multiply, ember.ones(2, dtype=ember.int64), 2) is None   # wraps
    assert function.unrecorded_scalar(np.multiply, a.half(), 2.0) is None                         # opmath
    assert function.unrecorded_scalar(np.multiply, ember.ones(2, requires_grad=True), 2.0) is None
    assert (ember.ones(2, requires_grad=True) * 2).grad_fn.name() == 'MulBackward0'
    assert (a * True).dtype == ember.float32 and (a + 1j).dtype == ember.complex64
    assert (a * np.float64(2)).dtype == ember.float32
    i = ember.tensor([1, 2])
    assert (i / i).dtype == ember.float32 and (i / i).tolist() == [1.0, 1.0] and (i / 2).tolist() == [0.5, 1.0]
    assert ember.div(a, a, rounding_mode='floor').tolist() == [1.0, 1.0]
