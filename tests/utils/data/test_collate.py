"""default_collate / default_convert (ember/utils/data/_collate.py); expected outputs from PyTorch 2.13."""
import collections

import numpy as np
import pytest

import ember
from ember.utils.data import default_collate, default_convert
from ember.utils.data._collate import collate, default_collate_fn_map

Point = collections.namedtuple('Point', ['x', 'y'])
ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found "


def test_tensors_are_stacked():
    out = default_collate([ember.tensor([1., 2.]), ember.tensor([3., 4.])])
    assert out.shape == (2, 2) and out.tolist() == [[1., 2.], [3., 4.]]
    assert out.dtype == ember.float32


def test_python_numbers():
    ints = default_collate([0, 1, 2, 3])
    assert ints.dtype == ember.int64 and ints.tolist() == [0, 1, 2, 3]
    floats = default_collate([1.5, 2])
    assert floats.dtype == ember.float64 and floats.tolist() == [1.5, 2.0]
    bools = default_collate([True, False])
    assert bools.dtype == ember.bool and bools.tolist() == [True, False]


def test_numpy():
    arr = default_collate([np.array([1, 2]), np.array([3, 4])])
    assert arr.dtype == ember.int64 and arr.tolist() == [[1, 2], [3, 4]]
    f32 = default_collate([np.float32(1), np.float32(2)])
    assert f32.dtype == ember.float32 and f32.tolist() == [1., 2.]
    # np.float64 is a float subclass, but goes the NumPy-scalar way (same result)
    f64 = default_collate([np.float64(1.5), 2.0])
    assert f64.dtype == ember.float64 and f64.tolist() == [1.5, 2.0]
    zero_d = default_collate([np.array(1.5), np.array(2.5)])
    assert zero_d.dtype == ember.float64 and zero_d.tolist() == [1.5, 2.5]


def test_strings_and_bytes_kept():
    assert default_collate(['a', 'b']) == ['a', 'b']
    assert default_collate([b'a', b'b']) == [b'a', b'b']


def test_tuple_becomes_list_and_string_column_stays_tuple():
    out = default_collate([(0, 'a'), (1, 'b')])
    assert isinstance(out, list) and len(out) == 2
    assert out[0].tolist() == [0, 1] and out[1] == ('a', 'b')


def test_dict_of_tuples():
    out = default_collate([{'a': (1, 2.5)}, {'a': (3, 4.5)}])
    assert list(out) == ['a']
    first, second = out['a']
    assert first.tolist() == [1, 3] and first.dtype == ember.int64
    assert second.tolist() == [2.5, 4.5] and second.dtype == ember.float64


def test_namedtuple_keeps_type():
    out = default_collate([Point(1, 'a'), Point(2, 'b')])
    assert type(out) is Point
    assert out.x.tolist() == [1, 2] and out.y == ('a', 'b')


def test_lists_are_transposed():
    out = default_collate([[0, 1], [2, 3]])
    assert [t.tolist() for t in out] == [[0, 2], [1, 3]]
    with pytest.raises(RuntimeError, match="^each element in list of batch should be of equal size$"):
        default_collate([[1, 2], [3]])
    # a sequence type that cannot be rebuilt comes back as a list
    out = default_collate([range(2), range(2)])
    assert isinstance(out, list) and [t.tolist() for t in out] == [[0, 0], [1, 1]]


def test_nested_structure():
    batch = [{'img': np.ones((2, 2), np.float32), 'meta': {'id': i, 'name': f'n{i}'}, 'pt': Point(i, float(i))}
             for i in range(3)]
    out = default_collate(batch)
    assert out['img'].shape == (3, 2, 2) and out['img'].dtype == ember.float32
    assert out['meta']['id'].tolist() == [0, 1, 2] and out['meta']['name'] == ['n0', 'n1', 'n2']
    assert type(out['pt']) is Point and out['pt'].y.dtype == ember.float64


def test_dict_subclass_kept():
    od = collections.OrderedDict
    out = default_collate([od(a=1), od(a=2)])
    assert type(out) is od and out['a'].tolist() == [1, 2]


def test_unsupported_types():
    with pytest.raises(TypeError, match="^" + ERR + "<class 'object'>$"):
        default_collate([object()])
    with pytest.raises(TypeError, match="^" + ERR + "<class 'NoneType'>$"):
        default_collate([None, None])
    with pytest.raises(TypeError, match="^" + ERR + "<U1$"):
        default_collate([np.array(['a']), np.array(['b'])])


def test_custom_collate_fn_map():
    class Box:
        def __init__(self, v):
            self.v = v

    def collate_box(batch, *, collate_fn_map=None):
        return sum(b.v for b in batch)
    out = collate([(Box(1), 2), (Box(3), 4)], collate_fn_map={**default_collate_fn_map, Box: collate_box})
    assert out[0] == 4 and out[1].tolist() == [2, 4]


def test_default_convert():
    t = default_convert(np.array([0, 1]))
    assert isinstance(t, ember.Tensor) and t.tolist() == [0, 1]
    assert default_convert(0) == 0 and default_convert('s') == 's'
    strings = np.array(['a'])
    assert default_convert(strings) is strings  # string arrays cannot become tensors
    assert default_convert(np.str_('x')) == 'x'
    out = default_convert((np.int64(3), 'a'))
    assert isinstance(out, list) and out[0].item() == 3 and out[1] == 'a'
    p = default_convert(Point(np.array(0), 1))
    assert type(p) is Point and isinstance(p.x, ember.Tensor) and p.y == 1
    assert default_convert(range(3)) == [0, 1, 2]
    d = default_convert({'k': [np.array([1.5]), 2]})
    assert d['k'][0].tolist() == [1.5] and d['k'][1] == 2
    x = ember.ones(2)
    assert default_convert(x) is x


class _Tagged(ember.Tensor):
    """A subclass taking part in __torch_function__, as MONAI's MetaTensor does."""
    seen = []

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        cls.seen.append(func.__name__)
        return super().__torch_function__(func, types, args, kwargs or {})


def test_subclass_samples_stay_their_subclass():
    # PyTorch stacks with torch.stack, which hands the call to the subclass: the batch keeps the samples' type
    _Tagged.seen.clear()
    samples = [ember.tensor([1., 2.]).as_subclass(_Tagged), ember.tensor([3., 4.]).as_subclass(_Tagged)]
    batch = default_collate(samples)
    assert type(batch) is _Tagged and 'stack' in _Tagged.seen
    assert batch.as_subclass(ember.Tensor).tolist() == [[1., 2.], [3., 4.]]
    nested = default_collate([{'image': s} for s in samples])
    assert type(nested['image']) is _Tagged
