"""Creation functions: values, dtypes, shapes and error texts recorded from PyTorch 2.x, plus
memory sharing (as_tensor / from_numpy) and the legacy constructors."""
import collections
import warnings

import numpy as np
import pytest

import ember as torch  # the cases below ran unchanged under PyTorch to record EXPECTED


def r(f):
    try:
        v = f()
        if hasattr(v, 'dtype') and hasattr(v, 'tolist'):
            return [str(v.dtype).split('.')[-1], list(v.shape), v.tolist()]
        return repr(v)
    except Exception as e:  # noqa: BLE001  (the error type and text are what is compared)
        return f'{type(e).__name__}: {e}'


CASES = {
 'arange(5)': lambda: torch.arange(5),
 'arange(1, 4)': lambda: torch.arange(1, 4),
 'arange(0, 1, 0.1)': lambda: torch.arange(0, 1, 0.1),
 'arange(1, 2.5, 0.5)': lambda: torch.arange(1, 2.5, 0.5),
 'arange(0, 10, 3)': lambda: torch.arange(0, 10, 3),
 'arange(10, 0, -3)': lambda: torch.arange(10, 0, -3),
 'arange(-1.0, 1.0, 0.3)': lambda: torch.arange(-1.0, 1.0, 0.3),
 'arange(0.5)': lambda: torch.arange(0.5),
 'arange(0, 5, dtype=float64)': lambda: torch.arange(0, 5, dtype=torch.float64),
 'arange(0, 2.5, 0.5, dtype=int)': lambda: torch.arange(0, 2.5, 0.5, dtype=torch.int64),
 'arange(0.1, 0.4, 0.1)': lambda: torch.arange(0.1, 0.4, 0.1),
 'arange(1, 0)': lambda: torch.arange(1, 0),
 'arange(0, 1, 0)': lambda: torch.arange(0, 1, 0),
 'arange(0, 0)': lambda: torch.arange(0, 0),
 'arange(tensor(3))': lambda: torch.arange(torch.tensor(3)),
 'arange(float inf)': lambda: torch.arange(0, float('inf')),
 'arange int8': lambda: torch.arange(0, 5, dtype=torch.int8),
 'arange(0, 1, 1/3)': lambda: torch.arange(0, 1, 1 / 3),
 'linspace(0, 1, 5)': lambda: torch.linspace(0, 1, 5),
 'linspace(-1, 1, 4)': lambda: torch.linspace(-1, 1, 4),
 'linspace(0, 1, 1)': lambda: torch.linspace(0, 1, 1),
 'linspace(0, 1, 0)': lambda: torch.linspace(0, 1, 0),
 'linspace(0, 10, 4, int)': lambda: torch.linspace(0, 10, 4, dtype=torch.int64),
 'linspace(-10, 10, 6, int)': lambda: torch.linspace(-10, 10, 6, dtype=torch.int64),
 'linspace(0, 1, 7)': lambda: torch.linspace(0, 1, 7),
 'linspace(1, 0, 3)': lambda: torch.linspace(1, 0, 3),
 'linspace(0, 1, -1)': lambda: torch.linspace(0, 1, -1),
 'linspace(f64)': lambda: torch.linspace(0, 1, 3, dtype=torch.float64),
 'linspace(0.1, 0.9, 9)': lambda: torch.linspace(0.1, 0.9, 9),
 'logspace(0, 2, 3)': lambda: torch.logspace(0, 2, 3),
 'logspace(0, 3, 4, base=2)': lambda: torch.logspace(0, 3, 4, base=2),
 'logspace(-1, 1, 5)': lambda: torch.logspace(-1, 1, 5),
 'logspace int': lambda: torch.logspace(0, 2, 3, dtype=torch.int64),
 'eye(3)': lambda: torch.eye(3),
 'eye(2, 3)': lambda: torch.eye(2, 3),
 'eye(0)': lambda: torch.eye(0),
 'eye(2, dtype=bool)': lambda: torch.eye(2, dtype=torch.bool),
 'eye(-1)': lambda: torch.eye(-1),
 'zeros(2, 3)': lambda: torch.zeros(2, 3),
 'zeros((2,))': lambda: torch.zeros((2,)),
 'zeros([])': lambda: torch.zeros([]),
 'zeros()': lambda: torch.zeros(()),
 'ones(size=(2,))': lambda: torch.ones(size=(2,)),
 'ones(2, dtype=int)': lambda: torch.ones(2, dtype=torch.int32),
 'zeros(-1)': lambda: torch.zeros(-1),
 'zeros(2.5)': lambda: torch.zeros(2.5),
 'empty(2).shape': lambda: torch.empty(2, 3).shape,
 'full((2,), 1.5)': lambda: torch.full((2,), 1.5),
 'full((2,), 3)': lambda: torch.full((2,), 3),
 'full((2,), True)': lambda: torch.full((2,), True),
 'full((2,), 7, dtype=float)': lambda: torch.full((2,), 7, dtype=torch.float64),
 'full(2, 1.0)': lambda: torch.full([2, 2], 1.0),
 'full((), 2)': lambda: torch.full((), 2),
 'zeros_like int': lambda: torch.zeros_like(torch.tensor([1, 2])),
 'ones_like dtype': lambda: torch.ones_like(torch.tensor([1, 2]), dtype=torch.float32),
 'full_like': lambda: torch.full_like(torch.tensor([1, 2]), 2.7),
 'full_like float': lambda: torch.full_like(torch.tensor([1., 2.]), 7),
 'empty_like': lambda: torch.empty_like(torch.zeros(2, 3, dtype=torch.float64)).dtype,
 'tensor([1, 2])': lambda: torch.tensor([1, 2]),
 'tensor([1., 2])': lambda: torch.tensor([1., 2]),
 'tensor([True, 1])': lambda: torch.tensor([True, 1]),
 'tensor([True, False])': lambda: torch.tensor([True, False]),
 'tensor([[1, 2], [3, 4.5]])': lambda: torch.tensor([[1, 2], [3, 4.5]]),
 'tensor(3)': lambda: torch.tensor(3),
 'tensor(3.0)': lambda: torch.tensor(3.0),
 'tensor([])': lambda: torch.tensor([]),
 'tensor([[]])': lambda: torch.tensor([[]]),
 'tensor(1+2j)': lambda: torch.tensor(1 + 2j),
 'tensor([1, 2j])': lambda: torch.tensor([1, 2j]),
 'tensor(np.float64)': lambda: torch.tensor(np.float64(1.5)),
 'tensor(np.int32)': lambda: torch.tensor(np.int32(3)),
 'tensor([np.float32(1), 2])': lambda: torch.tensor([np.float32(1), 2]),
 'tensor([np.int16(1), 2])': lambda: torch.tensor([np.int16(1), 2]),
 'tensor([1, np.float64(2)])': lambda: torch.tensor([1, np.float64(2)]),
 'tensor(np array f64)': lambda: torch.tensor(np.array([1.0, 2.0])),
 'tensor(np array i32)': lambda: torch.tensor(np.array([1, 2], dtype=np.int32)),
 'tensor([tensor(1), tensor(2)])': lambda: torch.tensor([torch.tensor(1), torch.tensor(2)]),
 'tensor([tensor(1.), 2])': lambda: torch.tensor([torch.tensor(1.), 2]),
 'tensor ragged': lambda: torch.tensor([[1, 2], [3]]),
 'tensor str': lambda: torch.tensor('a'),
 'tensor([1, 2], dtype=float)': lambda: torch.tensor([1, 2], dtype=torch.float32),
 'tensor([1.7, -1.7], dtype=int)': lambda: torch.tensor([1.7, -1.7], dtype=torch.int64),
 'tensor((1, 2))': lambda: torch.tensor((1, 2)),
 'tensor(range)': lambda: torch.tensor(range(3)),
 'tensor(deque)': lambda: torch.tensor(collections.deque([0.5, 1.5])),   # reinforce.py's returns
 'tensor([deque, range])': lambda: torch.tensor([collections.deque([1, 2]), range(2)]),
 'tensor(UserList)': lambda: torch.tensor(collections.UserList([1, 2.5])),
 'as_tensor(deque)': lambda: torch.as_tensor(collections.deque([True, False])),
 'tensor set': lambda: torch.tensor({1, 2}),
 'tensor None': lambda: torch.tensor(None),
 'tensor([1, None])': lambda: torch.tensor([1, None]),
 'tensor bytes': lambda: torch.tensor(b'a'),
 'tensor big int': lambda: torch.tensor(2 ** 63),
 'tensor([2**40])': lambda: torch.tensor([2 ** 40]),
 'Tensor([1, 2])': lambda: torch.Tensor([1, 2]),
 'Tensor(2, 3)': lambda: torch.Tensor(2, 3).shape,
 'Tensor()': lambda: torch.Tensor(),
 'FloatTensor([1, 2])': lambda: torch.FloatTensor([1, 2]),
 'LongTensor([1.5])': lambda: torch.LongTensor([1.5]),
 'DoubleTensor(2)': lambda: torch.DoubleTensor(2).shape,
 'BoolTensor([1, 0])': lambda: torch.BoolTensor([1, 0]),
 'IntTensor(size)': lambda: torch.IntTensor(2, 2).dtype,
 'scalar_tensor(3)': lambda: torch.scalar_tensor(3),
 'as_tensor list': lambda: torch.as_tensor([1, 2]),
 'as_tensor dtype': lambda: torch.as_tensor([1, 2], dtype=torch.float64),
 'from_numpy list': lambda: torch.from_numpy([1, 2]),
 'range(0, 1, 0.5)': lambda: torch.range(0, 1, 0.5),
}

EXPECTED = {'arange(5)': ['int64', [5], [0, 1, 2, 3, 4]],
 'arange(1, 4)': ['int64', [3], [1, 2, 3]],
 'arange(0, 1, 0.1)': ['float32',
                       [10],
                       [0.0,
                        0.10000000149011612,
                        0.20000000298023224,
                        0.30000001192092896,
                        0.4000000059604645,
                        0.5,
                        0.6000000238418579,
                        0.699999988079071,
                        0.800000011920929,
                        0.8999999761581421]],
 'arange(1, 2.5, 0.5)': ['float32', [3], [1.0, 1.5, 2.0]],
 'arange(0, 10, 3)': ['int64', [4], [0, 3, 6, 9]],
 'arange(10, 0, -3)': ['int64', [4], [10, 7, 4, 1]],
 'arange(-1.0, 1.0, 0.3)': ['float32',
                            [7],
                            [-1.0,
                             -0.699999988079071,
                             -0.4000000059604645,
                             -0.10000000149011612,
                             0.20000000298023224,
                             0.5,
                             0.800000011920929]],
 'arange(0.5)': ['float32', [1], [0.0]],
 'arange(0, 5, dtype=float64)': ['float64', [5], [0.0, 1.0, 2.0, 3.0, 4.0]],
 'arange(0, 2.5, 0.5, dtype=int)': 'ValueError: step must be nonzero',
 'arange(0.1, 0.4, 0.1)': ['float32',
                           [4],
                           [0.10000000149011612, 0.20000000298023224, 0.30000001192092896, 0.4000000059604645]],
 'arange(1, 0)': 'RuntimeError: upper bound and lower bound inconsistent with step sign',
 'arange(0, 1, 0)': 'RuntimeError: step must be nonzero',
 'arange(0, 0)': ['int64', [0], []],
 'arange(tensor(3))': ['int64', [3], [0, 1, 2]],
 'arange(float inf)': 'RuntimeError: unsupported range: 0 -> inf',
 'arange int8': ['int8', [5], [0, 1, 2, 3, 4]],
 'arange(0, 1, 1/3)': ['float32', [3], [0.0, 0.3333333432674408, 0.6666666865348816]],
 'linspace(0, 1, 5)': ['float32', [5], [0.0, 0.25, 0.5, 0.75, 1.0]],
 'linspace(-1, 1, 4)': ['float32', [4], [-1.0, -0.3333333134651184, 0.3333333134651184, 1.0]],
 'linspace(0, 1, 1)': ['float32', [1], [0.0]],
 'linspace(0, 1, 0)': ['float32', [0], []],
 'linspace(0, 10, 4, int)': ['int64', [4], [0, 3, 6, 10]],
 'linspace(-10, 10, 6, int)': ['int64', [6], [-10, -6, -2, 2, 6, 10]],
 'linspace(0, 1, 7)': ['float32',
                       [7],
                       [0.0, 0.1666666716337204, 0.3333333432674408, 0.5, 0.6666666269302368, 0.8333333134651184, 1.0]],
 'linspace(1, 0, 3)': ['float32', [3], [1.0, 0.5, 0.0]],
 'linspace(0, 1, -1)': 'RuntimeError: number of steps must be non-negative',
 'linspace(f64)': ['float64', [3], [0.0, 0.5, 1.0]],
 'linspace(0.1, 0.9, 9)': ['float32',
                           [9],
                           [0.10000000149011612,
                            0.19999998807907104,
                            0.29999998211860657,
                            0.3999999761581421,
                            0.5,
                            0.6000000238418579,
                            0.699999988079071,
                            0.7999999523162842,
                            0.8999999761581421]],
 'logspace(0, 2, 3)': ['float32', [3], [1.0, 10.0, 100.0]],
 'logspace(0, 3, 4, base=2)': ['float32', [4], [1.0, 2.0, 4.0, 8.0]],
 'logspace(-1, 1, 5)': ['float32', [5], [0.10000000149011612, 0.3162277638912201, 1.0, 3.1622776985168457, 10.0]],
 'logspace int': ['int64', [3], [1, 10, 100]],
 'eye(3)': ['float32', [3, 3], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]],
 'eye(2, 3)': ['float32', [2, 3], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]],
 'eye(0)': ['float32', [0, 0], []],
 'eye(2, dtype=bool)': ['bool', [2, 2], [[True, False], [False, True]]],
 'eye(-1)': 'RuntimeError: n must be greater or equal to 0, got -1',
 'zeros(2, 3)': ['float32', [2, 3], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]],
 'zeros((2,))': ['float32', [2], [0.0, 0.0]],
 'zeros([])': ['float32', [], 0.0],
 'zeros()': ['float32', [], 0.0],
 'ones(size=(2,))': ['float32', [2], [1.0, 1.0]],
 'ones(2, dtype=int)': ['int32', [2], [1, 1]],
 'zeros(-1)': 'RuntimeError: zeros: Dimension size must be non-negative.',
 'zeros(2.5)': "TypeError: zeros(): argument 'size' (position 1) must be tuple of ints, not float",
 'empty(2).shape': 'ember.Size([2, 3])',
 'full((2,), 1.5)': ['float32', [2], [1.5, 1.5]],
 'full((2,), 3)': ['int64', [2], [3, 3]],
 'full((2,), True)': ['bool', [2], [True, True]],
 'full((2,), 7, dtype=float)': ['float64', [2], [7.0, 7.0]],
 'full(2, 1.0)': ['float32', [2, 2], [[1.0, 1.0], [1.0, 1.0]]],
 'full((), 2)': ['int64', [], 2],
 'zeros_like int': ['int64', [2], [0, 0]],
 'ones_like dtype': ['float32', [2], [1.0, 1.0]],
 'full_like': ['int64', [2], [2, 2]],
 'full_like float': ['float32', [2], [7.0, 7.0]],
 'empty_like': 'ember.float64',
 'tensor([1, 2])': ['int64', [2], [1, 2]],
 'tensor([1., 2])': ['float32', [2], [1.0, 2.0]],
 'tensor([True, 1])': ['int64', [2], [1, 1]],
 'tensor([True, False])': ['bool', [2], [True, False]],
 'tensor([[1, 2], [3, 4.5]])': ['float32', [2, 2], [[1.0, 2.0], [3.0, 4.5]]],
 'tensor(3)': ['int64', [], 3],
 'tensor(3.0)': ['float32', [], 3.0],
 'tensor([])': ['float32', [0], []],
 'tensor([[]])': ['float32', [1, 0], [[]]],
 'tensor(1+2j)': ['complex64', [], (1+2j)],
 'tensor([1, 2j])': ['complex64', [2], [(1+0j), 2j]],
 'tensor(np.float64)': ['float64', [], 1.5],
 'tensor(np.int32)': ['int32', [], 3],
 'tensor([np.float32(1), 2])': ['float32', [2], [1.0, 2.0]],
 'tensor([np.int16(1), 2])': ['int64', [2], [1, 2]],
 'tensor([1, np.float64(2)])': ['float64', [2], [1.0, 2.0]],
 'tensor(np array f64)': ['float64', [2], [1.0, 2.0]],
 'tensor(np array i32)': ['int32', [2], [1, 2]],
 'tensor([tensor(1), tensor(2)])': ['int64', [2], [1, 2]],
 'tensor([tensor(1.), 2])': ['float32', [2], [1.0, 2.0]],
 'tensor ragged': 'ValueError: expected sequence of length 2 at dim 1 (got 1)',
 'tensor str': "TypeError: new(): invalid data type 'str'",
 'tensor([1, 2], dtype=float)': ['float32', [2], [1.0, 2.0]],
 'tensor([1.7, -1.7], dtype=int)': ['int64', [2], [1, -1]],
 'tensor((1, 2))': ['int64', [2], [1, 2]],
 'tensor(range)': ['int64', [3], [0, 1, 2]],
 'tensor(deque)': ['float32', [2], [0.5, 1.5]],
 'tensor([deque, range])': ['int64', [2, 2], [[1, 2], [0, 1]]],
 'tensor(UserList)': ['float32', [2], [1.0, 2.5]],
 'as_tensor(deque)': ['bool', [2], [True, False]],
 'tensor set': 'RuntimeError: Could not infer dtype of set',
 'tensor None': 'RuntimeError: Could not infer dtype of NoneType',
 'tensor([1, None])': 'RuntimeError: Could not infer dtype of NoneType',
 'tensor bytes': "TypeError: new(): invalid data type 'bytes'",
 'tensor big int': 'ValueError: Overflow when unpacking long long',
 'tensor([2**40])': ['int64', [1], [1099511627776]],
 'Tensor([1, 2])': ['float32', [2], [1.0, 2.0]],
 'Tensor(2, 3)': 'ember.Size([2, 3])',
 'Tensor()': ['float32', [0], []],
 'FloatTensor([1, 2])': ['float32', [2], [1.0, 2.0]],
 'LongTensor([1.5])': ['int64', [1], [1]],
 'DoubleTensor(2)': 'ember.Size([2])',
 'BoolTensor([1, 0])': ['bool', [2], [True, False]],
 'IntTensor(size)': 'ember.int32',
 'scalar_tensor(3)': ['float32', [], 3.0],
 'as_tensor list': ['int64', [2], [1, 2]],
 'as_tensor dtype': ['float64', [2], [1.0, 2.0]],
 'from_numpy list': 'TypeError: expected np.ndarray (got list)',
 'range(0, 1, 0.5)': ['float32', [3], [0.0, 0.5, 1.0]]}


@pytest.mark.parametrize('name', list(CASES))
def test_creation_matches_pytorch(name):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # torch.range is deprecated in both
        assert r(CASES[name]) == EXPECTED[name]


def test_float_arange_lengths_match_pytorch():
    # (start, end, step) -> length, recorded from PyTorch: the count is ceil((end - start) / step)
    # computed in double precision
    lengths = {(0, 1, 0.1): 10, (0, 1.0000001, 0.1): 11, (0.1, 0.4, 0.1): 4, (1, 2.5, 0.5): 3, (0, 0.3, 0.1): 3,
               (-1, 1, 0.25): 8, (0, 10, 3): 4, (5, -5, -2.5): 4, (0, 0.6, 0.2): 3, (1e-3, 1, 0.111): 9,
               (0, 1, 0.3): 4}
    for (a, b, s), n in lengths.items():
        assert torch.arange(a, b, s).shape == (n,), (a, b, s)


def test_from_numpy_and_as_tensor_share_memory():
    a = np.arange(4.0)
    t = torch.from_numpy(a)
    a[0] = 9.0
    assert t[0].item() == 9.0
    t[1] = 7.0
    assert a[1] == 7.0
    assert torch.as_tensor(a).data_ptr() == t.data_ptr()
    assert torch.as_tensor(t) is t
    assert torch.as_tensor(a, dtype=torch.float32).data_ptr() != t.data_ptr()  # a cast must copy
    assert torch.tensor(a).data_ptr() != t.data_ptr()  # tensor() always copies
    assert torch.asarray(a).data_ptr() == t.data_ptr()


def test_tensor_copies_a_tensor_and_detaches():
    x = torch.ones(2, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        y = torch.tensor(x)
    assert not y.requires_grad and y.data_ptr() != x.data_ptr()


def test_tensor_of_a_tensor_warns_as_pytorch_does():
    with pytest.warns(UserWarning) as caught:
        y = torch.tensor(torch.ones(2), dtype=torch.float64)
    assert str(caught[0].message) == (
        'To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or '
        'sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).')
    assert caught[0].filename == __file__        # points at the caller's line
    assert y.tolist() == [1.0, 1.0]
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        torch.tensor([torch.tensor(1.0), torch.tensor(2.0)])   # tensors inside a list: no advice


def test_tensor_of_a_tensor_warns_at_the_callers_line_under_dispatch():
    # a Tensor subclass with __torch_function__ switches dispatch on for the process (its wrapper then sits
    # between the user's line and the op): run apart, so this process keeps its fast path
    import subprocess
    import sys
    code = ("import warnings, ember\n"
            "class Sub(ember.Tensor):\n"
            "    @classmethod\n"
            "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
            "        return super().__torch_function__(func, types, args, kwargs or {})\n"
            "Sub(ember.ones(1)) if False else None\n"
            "ember.ones(1).as_subclass(Sub)\n"
            "with warnings.catch_warnings(record=True) as caught:\n"
            "    warnings.simplefilter('always')\n"
            "    ember.tensor(ember.ones(2))\n"
            "print(caught[0].filename, caught[0].lineno)\n")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ['<string>', '10'], out.stdout + out.stderr


def test_legacy_constructors():
    assert torch.Tensor([1, 2]).dtype is torch.float32
    assert torch.Tensor(2, 3).shape == (2, 3)
    assert torch.FloatTensor([1, 2]).tolist() == [1.0, 2.0]
    assert torch.LongTensor([1, 2]).dtype is torch.int64
    assert isinstance(torch.zeros(2), torch.FloatTensor)
    assert not isinstance(torch.zeros(2, dtype=torch.int64), torch.FloatTensor)
    assert isinstance(torch.zeros(2), torch.Tensor)


def test_out_argument_writes_in_place():
    out = torch.empty(0)
    r = torch.zeros(2, 3, out=out)
    assert r is out and out.shape == (2, 3)
    buf = torch.ones(3)
    torch.ones(3, out=buf)
    assert buf.tolist() == [1.0, 1.0, 1.0]


def test_like_functions_follow_the_input():
    x = torch.zeros(2, 3, dtype=torch.float64)
    for fn in (torch.zeros_like, torch.ones_like, torch.empty_like, torch.rand_like, torch.randn_like):
        y = fn(x)
        assert y.shape == (2, 3) and y.dtype is torch.float64 and y.device == x.device
    assert torch.full_like(x, 7).tolist() == [[7.0] * 3] * 2
    assert torch.zeros_like(x, requires_grad=True).requires_grad


def test_default_dtype_drives_float_creation():
    torch.set_default_dtype(torch.float64)
    try:
        for t in (torch.zeros(2), torch.tensor([1.5]), torch.arange(0.0, 1.0, 0.5), torch.linspace(0, 1, 3),
                  torch.rand(2), torch.full((2,), 1.5), torch.eye(2)):
            assert t.dtype is torch.float64
        assert torch.tensor([1, 2]).dtype is torch.int64 and torch.arange(3).dtype is torch.int64
    finally:
        torch.set_default_dtype(torch.float32)
    with pytest.raises(TypeError, match="only floating-point types are supported as the default type"):
        torch.set_default_dtype(torch.int64)


def test_like_functions_keep_a_zero_dim_shape():
    s = torch.tensor(2.0)
    for fn in (torch.zeros_like, torch.ones_like, torch.empty_like, lambda t: torch.full_like(t, 3.0)):
        assert fn(s).shape == ()
    assert s.contiguous().shape == ()


@pytest.mark.parametrize('data', [[1.5, 2], [[1j, 2], [3, 4]], [True, 1], [[True], [False]], ((1, 2), (3, 4.0)), []])
def test_lists_of_python_numbers_infer_as_element_by_element(data):
    # the fast path (types read per list) must agree with reading every element's dtype
    from ember.ops.creation import _infer_dtype   # (ember only: the fast path against the slow one)
    for default in (torch.float32, torch.float64):
        previous = torch.get_default_dtype()
        torch.set_default_dtype(default)
        try:
            expected = _infer_dtype(data) or default
            assert torch.tensor(data).dtype == expected
        finally:
            torch.set_default_dtype(previous)
