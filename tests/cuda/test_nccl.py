"""ember.cuda.nccl on the stand-in's two devices, whose NCCL runs each group's collectives over the
devices' memory: every collective's result, and the checks on its inputs."""
import warnings

import pytest

import ember
from ember.cuda import nccl


def _pair(a, b):
    return [ember.tensor(a, device='cuda:0'), ember.tensor(b, device='cuda:1')]


def test_all_reduce_sums_in_place_or_into_outputs():
    xs = _pair([1., 2.], [3., 4.])
    nccl.all_reduce(xs)
    assert [x.cpu().tolist() for x in xs] == [[4., 6.], [4., 6.]]
    xs = _pair([1., 5.], [3., 4.])
    outs = _pair([0., 0.], [0., 0.])
    nccl.all_reduce(xs, outs, op=2)                      # NCCL's max
    assert [o.cpu().tolist() for o in outs] == [[3., 5.], [3., 5.]] and xs[0].cpu().tolist() == [1., 5.]


def test_reduce_broadcast_all_gather_reduce_scatter():
    xs = _pair([1, 2], [10, 20])
    out = ember.zeros(2, dtype=ember.int64, device='cuda:1')
    nccl.reduce(xs, out, root=1)
    assert out.cpu().tolist() == [11, 22] and xs[1].cpu().tolist() == [10, 20]
    xs = _pair([1., 2.], [7., 8.])
    nccl.broadcast(xs, root=1)
    assert [x.cpu().tolist() for x in xs] == [[7., 8.], [7., 8.]]
    xs = _pair([1., 2.], [3., 4.])
    outs = [ember.zeros(4, device='cuda:0'), ember.zeros(4, device='cuda:1')]
    nccl.all_gather(xs, outs)
    assert [o.cpu().tolist() for o in outs] == [[1., 2., 3., 4.]] * 2
    xs = _pair([1., 2., 3., 4.], [10., 20., 30., 40.])
    outs = [ember.zeros(2, device='cuda:0'), ember.zeros(2, device='cuda:1')]
    nccl.reduce_scatter(xs, outs)
    assert [o.cpu().tolist() for o in outs] == [[11., 22.], [33., 44.]]


def test_availability_version_and_bad_inputs():
    assert nccl.is_available(_pair([1.], [2.]))
    assert not nccl.is_available([ember.ones(2, device='cuda:0'), ember.ones(2, device='cuda:0')])
    assert not nccl.is_available([ember.ones(2, 2, device='cuda:0').t()])
    assert not nccl.is_available([ember.ones(2)])
    assert nccl.version() == (2, 19, 3) and nccl.SUM == 0
    with pytest.raises(RuntimeError, match='inputs must be on distinct devices'):
        nccl.all_reduce([ember.ones(2, device='cuda:0'), ember.ones(2, device='cuda:0')])
    with pytest.raises(TypeError, match='NCCL only supports contiguous, dense CUDA tensors'):
        nccl.all_reduce([ember.ones(2)])
    with pytest.raises(ValueError, match='ember makes and keeps its own NCCL communicators'):
        nccl.all_reduce(_pair([1.], [2.]), comms=[object(), object()])
