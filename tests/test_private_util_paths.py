"""The private helpers libraries import by PyTorch's module paths: ``torch._utils`` (fastai's fp16 master
weights, lightning's checkpoint loader, tensor subclasses' pickling) and ``torch.utils.data._utils``
(fastai, MONAI). Values recorded from PyTorch 2.13."""
import pickle

import pytest

import ember
from ember._utils import (_element_size, _flatten_dense_tensors, _get_device_index, _rebuild_parameter,
                          _rebuild_tensor_v2, _unflatten_dense_tensors)


def test_flatten_and_unflatten_dense_tensors():
    tensors = [ember.ones(2, 2, requires_grad=True), ember.arange(3.)]
    flat = _flatten_dense_tensors(tensors)
    assert flat.tolist() == [1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 2.0]
    flat.sum().backward()
    assert tensors[0].grad.tolist() == [[1.0, 1.0], [1.0, 1.0]]
    back = _unflatten_dense_tensors(flat.detach(), tensors)
    assert [tuple(t.shape) for t in back] == [(2, 2), (3,)]
    assert back[1].tolist() == [0.0, 1.0, 2.0]
    assert back[0]._base is not None            # views of the flat buffer, as PyTorch's


@pytest.mark.parametrize('args, expected', [((0,), 0), (('cuda:1',), 1), ((ember.device('cuda', 2),), 2),
                                            (('cpu', False, True), -1), ((None, True), None)])
def test_get_device_index(args, expected):
    if expected is None and ember.cuda.is_available():
        expected = ember.cuda.current_device()
    assert _get_device_index(*args) == expected


@pytest.mark.parametrize('args, text', [
    (('cpu',), 'Expected a non cpu device, but got: cpu'),
    ((None,), 'Expected a ember.device with a specified index or an integer, but got:None'),
    (('cuda',), 'Expected a ember.device with a specified index or an integer, but got:cuda'),
    ((1.5,), 'Expected a ember.device with a specified index or an integer, but got:1.5'),
])
def test_get_device_index_refusals(args, text):
    with pytest.raises(ValueError) as info:
        _get_device_index(*args)
    assert str(info.value) == text


def test_element_size_and_rebuilders_of_a_subclass_pickle():
    assert (_element_size(ember.float16), _element_size(ember.bool), _element_size(ember.float64)) == (2, 1, 8)
    x = ember.arange(6.).view(2, 3)
    t = _rebuild_tensor_v2(x.storage(), 1, (2, 2), (3, 1), True, None)
    assert t.tolist() == [[1.0, 2.0], [4.0, 5.0]] and t.requires_grad
    p = _rebuild_parameter(ember.ones(2), False, None)
    assert isinstance(p, ember.nn.Parameter) and not p.requires_grad
    assert pickle.loads(pickle.dumps(t)).tolist() == t.tolist()


def test_data_loader_pieces_by_their_module_paths():
    from ember.utils.data._utils import MP_STATUS_CHECK_INTERVAL, collate, fetch, pin_memory, worker
    assert collate.default_collate is ember.utils.data.default_collate
    assert collate.default_convert is ember.utils.data.default_convert
    assert collate.collate_tensor_fn in collate.default_collate_fn_map.values()
    assert worker.get_worker_info() is None and MP_STATUS_CHECK_INTERVAL == 5.0
    ds = ember.utils.data.TensorDataset(ember.arange(6.))
    fetcher = fetch._MapDatasetFetcher(ds, True, collate.default_collate, False)
    assert fetcher.fetch([4, 1])[0].tolist() == [4.0, 1.0]
    batch = {'x': [ember.ones(1)], 'n': 3}
    if ember.cuda.is_available():
        assert pin_memory.pin_memory(batch)['x'][0].is_pinned()
    else:
        with pytest.raises(RuntimeError, match='Cannot access accelerator device when none is available.'):
            pin_memory.pin_memory(batch)
        assert pin_memory.pin_memory({'n': 3}) == {'n': 3}
