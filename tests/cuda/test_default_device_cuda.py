"""What recorded programs met when run as a user with a GPU runs them (the default device 'cuda', data
moved between devices): values taken from another device, CPU-side bookkeeping tensors, ember's own
checks on device arrays."""
import numpy as np
import pytest

import ember
from tests.cuda.test_ops_forward import default_device


def test_fill_and_setitem_take_values_from_another_device_as_pytorch():
    x = ember.zeros(3, device='cuda')
    x.fill_(ember.tensor(4))                              # a 0-dim CPU tensor fills a CUDA tensor
    assert x.device.type == 'cuda' and x.cpu().tolist() == [4., 4., 4.]
    y = ember.zeros(2).fill_(ember.tensor(2., device='cuda'))
    assert y.device.type == 'cpu' and y.tolist() == [2., 2.]
    mask = ember.full((2, 3, 3), -1.)
    mask[0, :2, :2] = ember.ones(2, 2, device='cuda')     # a view is written: copied from any device
    assert mask[0].tolist() == [[1., 1., -1.], [1., 1., -1.], [-1., -1., -1.]]
    c = ember.zeros(4, device='cuda')
    c[ember.tensor([0, 2], device='cuda')] = ember.tensor(7.)
    assert c.cpu().tolist() == [7., 0., 7., 0.]
    with pytest.raises(RuntimeError, match='^Expected all tensors to be on the same device'):
        c[ember.tensor([0, 2], device='cuda')] = ember.tensor([1., 2.])   # index_put: one device only
    w = ember.tensor(3., requires_grad=True)
    z = ember.zeros(3, device='cuda')
    z[1:] = w * 2                                          # the copy across devices is differentiable
    z.sum().backward()
    assert w.grad.item() == 4.


def test_packed_sequences_keep_their_sizes_on_the_cpu_whatever_the_default_device():
    with default_device('cuda'):
        packed = ember.nn.utils.rnn.pack_padded_sequence(ember.ones(5, 2, 3), ember.tensor([5, 3], device='cpu'))
        assert packed.batch_sizes.device.type == 'cpu' and packed.data.device.type == 'cuda'
        assert packed.batch_sizes.tolist() == [2, 2, 2, 1, 1]
        padded, lengths = ember.nn.utils.rnn.pad_packed_sequence(packed)
        assert lengths.device.type == 'cpu' and lengths.tolist() == [5, 3] and padded.device.type == 'cuda'
        seqs = ember.nn.utils.rnn.pack_sequence([ember.ones(3, 2), ember.ones(1, 2)])
        assert seqs.batch_sizes.device.type == 'cpu'


def test_orthogonal_init_with_the_default_device_cuda_gives_the_cpus_numbers():
    ember.manual_seed(0)
    want = ember.nn.init.orthogonal_(ember.empty(3, 5))
    ember.manual_seed(0)
    with default_device('cuda'):
        got = ember.nn.init.orthogonal_(ember.empty(3, 5))
    assert got.device.type == 'cuda' and np.array_equal(got.cpu().numpy(), want.numpy())


def test_custom_ops_check_aliasing_on_device_arrays():
    @ember.library.custom_op('cuda3test::twice', mutates_args=())
    def twice(x: ember.Tensor) -> ember.Tensor:
        return x * 2

    @ember.library.custom_op('cuda3test::same', mutates_args=())
    def same(x: ember.Tensor) -> ember.Tensor:
        return x[1:]

    x = ember.ones(3, device='cuda')
    assert twice(x).cpu().tolist() == [2., 2., 2.]
    with pytest.raises(RuntimeError, match='may not alias any inputs'):
        same(x)


def test_the_profilers_memory_counts_device_outputs_as_device_memory():
    x = ember.ones(100, device='cuda')
    with ember.autograd.profiler.profile(profile_memory=True) as prof:
        x * 2
        x.narrow(0, 1, 5)           # a view: no new memory
    by_name = {e.name: (e.cpu_memory_usage, e.device_memory_usage) for e in prof.function_events}
    assert by_name['aten::mul'] == (0, 400) and by_name['aten::narrow'] == (0, 0)


def test_equal_across_devices_raises_pytorchs_error():
    with pytest.raises(RuntimeError, match=r'^Expected all tensors to be on the same device, but found at least '
                                           r'two devices, cuda:0 and cpu!$'):
        ember.equal(ember.ones(2, device='cuda'), ember.ones(2))
    assert ember.equal(ember.ones(2, device='cuda'), ember.ones(2, device='cuda'))
