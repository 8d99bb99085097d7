"""The rest of torch.cuda's surface on the stand-in: cudart, the profiler switch, external streams, and the
facilities ember has no backing for (TunableOp, GPUDirect Storage, green contexts), which say so."""
import pytest

import ember
from ember import cuda
from tests.cuda import strict_xp


def test_cudart_and_profiler_start_and_stop_collection():
    runtime = strict_xp.cuda.runtime
    runtime.profiling.clear()
    rt = cuda.cudart()
    assert rt.cudaProfilerStart() == 0 and rt.cudaProfilerStop() == 0
    assert rt.cudaProfilerStop() == 1                       # stopping twice: the runtime's status code
    assert rt.cudaGetErrorString(2) == 'out of memory'
    runtime.profiling.clear()
    with cuda.profiler.profile():
        ember.ones(2, device='cuda') * 2
    assert runtime.profiling == ['start', 'stop']
    with pytest.raises(cuda.CudaError, match=r'^cudaErrorInvalidValue: invalid argument \(1\)$'):
        cuda.profiler.stop()                                # nothing is collecting


def test_get_stream_from_external_wraps_the_address():
    s = cuda.get_stream_from_external(0x1234, device=1)
    assert isinstance(s, cuda.ExternalStream) and s.cuda_stream == 0x1234 and s.device == ember.device('cuda:1')


def test_tunable_reads_as_off_and_refuses_to_turn_on():
    t = cuda.tunable
    assert t.is_enabled() is False and t.tuning_is_enabled() is False and t.get_results() == ()
    t.enable(False)
    for ask in (lambda: t.enable(True), lambda: t.set_filename('x.csv'), t.get_max_tuning_iterations):
        with pytest.raises(RuntimeError, match='TunableOp is not available in ember'):
            ask()


def test_gds_and_green_contexts_say_what_is_missing():
    with pytest.raises(RuntimeError, match='GPUDirect Storage needs cuFile'):
        cuda.gds.gds_register_buffer(ember.ones(2, device='cuda').untyped_storage())
    with pytest.raises(RuntimeError, match='GPUDirect Storage needs cuFile'):
        cuda.gds.GdsFile('f.bin', 0)
    with pytest.raises(RuntimeError, match='green contexts are not supported in ember'):
        cuda.green_contexts.GreenContext.create(num_sms=8, device_id=0)


def test_submodules_offer_what_pytorchs_do():
    assert cuda.memory.MemPool is cuda.MemPool and cuda.memory.caching_allocator_alloc is cuda.caching_allocator_alloc
    assert cuda.memory.CUDAPluggableAllocator is cuda.CUDAPluggableAllocator
    assert cuda.profiler.cudart is cuda.cudart
