"""The rest of torch.cuda's runtime API on the 'cuda' device (the strict stand-in in CI): memory
statistics and limits, generator states, NVTX, legacy type names, build queries; and
torch.accelerator's memory and stream functions over it."""
import warnings

import pytest

import ember
from ember import cuda


def test_memory_stats_report_the_pool_under_pytorchs_keys():
    cuda.empty_cache()
    cuda.reset_peak_memory_stats()
    x = ember.zeros(1 << 16, device='cuda')
    stats = cuda.memory_stats()
    assert list(stats) == sorted(stats)
    assert stats['allocated_bytes.all.current'] == cuda.memory_allocated() >= x.nbytes
    assert stats['reserved_bytes.all.current'] == cuda.memory_reserved()
    assert stats['allocated_bytes.all.peak'] == cuda.max_memory_allocated()
    nested = cuda.memory_stats_as_nested_dict()
    assert nested['allocated_bytes']['all']['current'] == stats['allocated_bytes.all.current']
    assert cuda.memory.memory_allocated() == cuda.memory_allocated()
    summary = cuda.memory_summary()
    assert 'Allocated memory' in summary and 'device ID 0' in summary
    del x


def test_deprecated_memory_names_warn_and_answer():
    with pytest.warns(FutureWarning, match='renamed to `ember.cuda.memory_reserved`'):
        assert cuda.memory_cached() == cuda.memory_reserved()
    with pytest.warns(FutureWarning, match='renamed to `ember.cuda.max_memory_reserved`'):
        assert cuda.max_memory_cached() == cuda.max_memory_reserved()
    with pytest.warns(FutureWarning, match='resets /all/ peak memory stats'):
        cuda.reset_max_memory_allocated()
    assert cuda.max_memory_allocated() == cuda.memory_allocated()


def test_mem_get_info_and_the_memory_fraction():
    free, total = cuda.mem_get_info()
    assert total == cuda.get_device_properties(0).total_memory and 0 <= free <= total
    assert cuda.get_per_process_memory_fraction() == 1.0
    cuda.set_per_process_memory_fraction(0.5)
    try:
        assert cuda.get_per_process_memory_fraction() == 0.5
        assert cuda.get_per_process_memory_fraction(1) == 1.0      # per device
    finally:
        cuda.set_per_process_memory_fraction(1.0)
    with pytest.raises(TypeError, match='^Invalid type for fraction argument, must be `float`$'):
        cuda.set_per_process_memory_fraction(1)
    with pytest.raises(ValueError, match=r'^Invalid fraction value: 1.5. Allowed range: 0~1$'):
        cuda.set_per_process_memory_fraction(1.5)


def test_rng_states_save_and_restore_device_random_numbers():
    cuda.manual_seed(5)
    state = cuda.get_rng_state()
    states = cuda.get_rng_state_all()
    assert state.dtype == ember.uint8 and len(states) == cuda.device_count() == 2
    a = ember.rand(4, device='cuda')
    cuda.set_rng_state(state)
    assert ember.rand(4, device='cuda').cpu().tolist() == a.cpu().tolist()
    cuda.set_rng_state_all(states)
    assert ember.rand(4, device='cuda').cpu().tolist() == a.cpu().tolist()
    assert len(cuda.default_generators) == 2
    cuda.default_generators[0].manual_seed(5)
    assert ember.rand(4, device='cuda').cpu().tolist() == a.cpu().tolist()


def test_nvtx_ranges_and_marks_reach_cupy():
    nvtx = ember.backend._cupy.cuda.nvtx
    nvtx.log.clear()
    assert cuda.nvtx.range_push('outer') == 0
    assert cuda.nvtx.range_push('inner') == 1
    assert cuda.nvtx.range_pop() == 1
    assert cuda.nvtx.range_pop() == 0
    assert cuda.nvtx.range_pop() == -1          # nothing left open
    cuda.nvtx.mark('here')
    with cuda.nvtx.range('step {}', 3):
        pass
    assert nvtx.log == [('push', 'outer'), ('push', 'inner'), ('pop',), ('pop',), ('mark', 'here'),
                        ('push', 'step 3'), ('pop',)]


def test_legacy_cuda_types_make_and_recognise_cuda_tensors():
    t = cuda.FloatTensor([1, 2])
    assert t.device.type == 'cuda' and t.dtype == ember.float32
    assert isinstance(t, cuda.FloatTensor) and not isinstance(t, ember.FloatTensor)
    assert t.type() == 'ember.cuda.FloatTensor' and cuda.LongTensor.is_cuda
    assert repr(cuda.DoubleTensor) == "<class 'ember.cuda.DoubleTensor'>"
    c = ember.ones(2).type('torch.cuda.DoubleTensor')
    assert c.device.type == 'cuda' and c.dtype == ember.float64
    back = c.type(ember.FloatTensor)
    assert back.device.type == 'cpu' and back.dtype == ember.float32
    assert c.type(ember.float32).device.type == 'cuda'      # a plain dtype keeps the device


def test_build_queries():
    assert cuda.is_bf16_supported() is False            # CuPy has no bfloat16 arrays
    assert cuda.is_tf32_supported() is True              # the stand-in reports compute capability 9.0
    assert cuda.get_arch_list() == ['sm_90']
    assert cuda.get_gencode_flags() == '-gencode compute=compute_90,code=sm_90'
    assert cuda.has_half is True and cuda.has_magma is False
    cuda.ipc_collect()


def test_stream_context_selects_and_restores_the_stream():
    s = cuda.Stream()
    before = cuda.current_stream()
    with cuda.StreamContext(s) as entered:
        assert entered is s and cuda.current_stream() == s
    assert cuda.current_stream() == before
    with cuda.StreamContext(None):
        assert cuda.current_stream() == before


def test_accelerator_memory_and_streams():
    acc = ember.accelerator
    x = ember.zeros(1 << 12, device='cuda')
    assert acc.memory_allocated() == cuda.memory_allocated() >= x.nbytes
    assert acc.memory_stats() == cuda.memory_stats()
    assert acc.max_memory_allocated() == cuda.max_memory_allocated()
    assert acc.memory_reserved() == cuda.memory_reserved()
    assert acc.max_memory_reserved() == cuda.max_memory_reserved()
    assert acc.get_memory_info() == cuda.mem_get_info()
    acc.reset_peak_memory_stats()
    acc.reset_accumulated_memory_stats()
    acc.empty_cache()
    acc.empty_host_cache()
    assert ember.float32 in acc.get_device_capability()['supported_dtypes']
    assert ember.bfloat16 not in acc.get_device_capability()['supported_dtypes']
    s = cuda.Stream(1)
    try:
        acc.set_stream(s)
        assert acc.current_device_index() == 1 and acc.current_stream() == s
    finally:
        acc.set_stream(cuda.default_stream(0))
    assert acc.current_device_index() == 0
    with pytest.raises(TypeError, match='expected an accelerator stream'):
        acc.set_stream(ember.cpu.current_stream())
    del x
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        acc.memory_allocated(0)
