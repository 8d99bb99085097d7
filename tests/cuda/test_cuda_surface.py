"""The parts of torch.cuda's surface that CuPy cannot honour are refused with errors that say so, and the
parts it can are PyTorch's: device properties, events marked external, the NCCL argument checks."""
import pytest

import ember
from ember import cuda


def test_device_properties_carry_pytorchs_fields_and_uuid():
    p = cuda.get_device_properties(0)
    # the stand-in reports an H100's numbers; each field is the runtime's, under PyTorch's name
    assert (p.warp_size, p.max_threads_per_block, p.max_threads_per_multi_processor) == (32, 1024, 2048)
    assert (p.shared_memory_per_block, p.shared_memory_per_multiprocessor) == (49152, 233472)
    assert (p.clock_rate, p.memory_clock_rate, p.memory_bus_width) == (1980000, 2619000, 5120)
    assert (p.regs_per_multiprocessor, p.L2_cache_size, p.pci_bus_id) == (65536, 50 * 2 ** 20, 0)
    assert cuda.get_device_properties(1).pci_bus_id == 1 and p.gcnArchName == p.name
    assert p.uuid.bytes == list(range(16)) and str(p.uuid) == '00010203-0405-0607-0809-0a0b0c0d0e0f'
    assert p.uuid != cuda.get_device_properties(1).uuid
    assert repr(p) == ("_CudaDeviceProperties(name='Strict Stand-in GPU', major=9, minor=0, total_memory=81920MB, "
                       "multi_processor_count=132, uuid=00010203-0405-0607-0809-0a0b0c0d0e0f, L2_cache_size=50MB)")


def test_an_external_event_works_outside_a_capture_and_is_refused_inside():
    e = cuda.Event(external=True)
    assert e.external and not cuda.Event().external
    e.record()
    e.wait()
    e.synchronize()
    g, x = cuda.CUDAGraph(), ember.zeros(2, device='cuda')
    with pytest.raises(RuntimeError, match=r'^ember.cuda.Event\(external=True\) cannot be recorded while a CUDA '
                                           r'graph captures'):
        with cuda.graph(g):
            x.add_(1)
            e.record()
    assert not cuda.is_current_stream_capturing()


def test_graph_options_ember_cannot_honour_are_refused():
    g = cuda.CUDAGraph()
    with pytest.raises(RuntimeError, match=r'^enable_annotations=True is not available in ember'):
        cuda.graph(g, enable_annotations=True)
    with pytest.raises(RuntimeError, match=r'^check_input_liveness=True is not available in ember'):
        cuda.graph(g, check_input_liveness=True)
    s = cuda.Stream()
    with cuda.stream(s):
        with pytest.raises(RuntimeError, match=r'^check_input_liveness=True is not available in ember'):
            g.capture_begin(check_input_liveness=True)
        assert not cuda.is_current_stream_capturing()
    # the defaults capture as before
    x = ember.ones(2, device='cuda')
    with cuda.graph(g, enable_annotations=False, check_input_liveness=False):
        y = x * 3
    x.fill_(2.)
    g.replay()
    assert y.cpu().tolist() == [6., 6.]


def test_what_cupy_has_no_counterpart_for_is_refused_clearly():
    with pytest.raises(RuntimeError, match=r"^ember.cuda.nvtx.range_start is not available: CuPy's NVTX bindings"):
        cuda.nvtx.range_start('load')
    with pytest.raises(RuntimeError, match=r'^ember.cuda.nvtx.range_end is not available'):
        cuda.nvtx.range_end(1)
    for call in (cuda.nccl.unique_id, lambda: cuda.nccl.init_rank(2, b'id', 0)):
        with pytest.raises(RuntimeError, match=r"is not available: ember's NCCL collectives run between the GPUs"):
            call()



def test_nccl_collectives_check_their_arguments_first_as_pytorchs():
    x = ember.ones(2, device='cuda')
    for call in (lambda: cuda.nccl.all_reduce(x), lambda: cuda.nccl.reduce(1), lambda: cuda.nccl.broadcast(x),
                 lambda: cuda.nccl.all_gather([x], x), lambda: cuda.nccl.reduce_scatter(3, [x])):
        with pytest.raises(TypeError, match='^Inputs should be a collection of tensors$'):
            call()


def test_random_and_memory_modules_answer_device_queries_as_torch_cudas():
    assert cuda.random.current_device() == cuda.current_device() == 0
    assert cuda.random.device_count() == cuda.device_count() and cuda.random.is_initialized()
    assert cuda.memory.is_initialized() and cuda.initial_seed() == ember.initial_seed()
