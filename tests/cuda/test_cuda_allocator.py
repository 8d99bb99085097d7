"""torch.cuda's allocator API on the stand-in device: raw blocks, private pools, the allocator's name,
pinned host memory statistics, library handles and stream capture state."""
import pytest

import ember
from ember import cuda


def test_caching_allocator_alloc_holds_bytes_until_deleted():
    before = cuda.memory_allocated()
    ptr = cuda.caching_allocator_alloc(1000)
    assert isinstance(ptr, int) and ptr != 0
    assert cuda.memory_allocated() == before + 1024   # rounded up to the pool's 512-byte blocks
    other = cuda.caching_allocator_alloc(10, device=1, stream=cuda.Stream(1))
    assert cuda.memory_allocated(1) >= 512 and other != ptr
    cuda.caching_allocator_delete(ptr)
    cuda.caching_allocator_delete(other)
    assert cuda.memory_allocated() == before
    with pytest.raises(RuntimeError, match='invalid device pointer'):
        cuda.caching_allocator_delete(ptr)                  # already freed
    with pytest.raises(TypeError, match=r'^Invalid type for stream argument, must be `torch.cuda.Stream` or `int`'):
        cuda.caching_allocator_alloc(10, stream='s')
    cuda.caching_allocator_delete(cuda.caching_allocator_alloc(8, stream=0))   # the default stream's address


def test_allocator_backend_names_cupys_pool():
    assert cuda.get_allocator_backend() == 'native'


def test_mem_pool_takes_the_blocks_allocations():
    pool = cuda.MemPool()
    other = cuda.MemPool()
    assert pool.id[0] == 0 and pool.id != other.id and pool.allocator is None and pool.use_count() == 1
    base = cuda.memory_allocated()
    with cuda.use_mem_pool(pool):
        assert pool.use_count() == 2
        x = ember.ones(1000, device='cuda')                   # 4000 bytes, from the pool
    assert pool.use_count() == 1
    assert pool._used(0)[0] == 4096
    assert other._used(0)[0] == 0
    assert cuda.memory_allocated() == base + 4096           # pool memory counts as allocated, as in PyTorch
    y = ember.ones(1000, device='cuda')                       # after the block: the default pool again
    assert pool._used(0)[0] == 4096
    del x
    assert pool._used(0)[0] == 0 and ember.equal(y.cpu(), ember.ones(1000))
    for kwargs in ({'use_on_oom': True}, {'no_split': True}, {'allocator': object()}):
        with pytest.raises(ValueError, match='is not supported'):
            cuda.MemPool(**kwargs)
    with pytest.raises(RuntimeError, match='memory_snapshot is not available in ember'):
        pool.snapshot()


def test_host_memory_stats_count_pinned_tensors():
    cuda.reset_accumulated_host_memory_stats()
    start = cuda.host_memory_stats()
    t = ember.ones(256).pin_memory()                          # 1024 bytes, page-locked
    stats = cuda.host_memory_stats()
    cur = start.get('allocated_bytes.current', 0)
    assert stats['allocated_bytes.current'] == cur + 1024 and stats['allocated_bytes.allocated'] == 1024
    assert stats['allocations.allocated'] == 1 and stats['num_host_alloc'] == 1
    assert list(stats) == sorted(stats)
    assert cuda.host_memory_stats_as_nested_dict()['active_bytes']['current'] == stats['active_bytes.current']
    del t
    after = cuda.host_memory_stats()
    assert after['allocated_bytes.current'] == cur and after['allocated_bytes.freed'] == 1024
    assert after['allocated_bytes.peak'] >= cur + 1024
    cuda.reset_peak_host_memory_stats()
    assert cuda.host_memory_stats()['allocated_bytes.peak'] == cur
    cuda.reset_accumulated_host_memory_stats()
    assert cuda.host_memory_stats()['allocated_bytes.freed'] == 0


def test_library_handles_are_per_device_and_capture_is_off_outside_a_graph():
    h0 = cuda.current_blas_handle()
    with cuda.device(1):
        assert cuda.current_blas_handle() != h0
    assert cuda.current_blas_handle() == h0 and isinstance(h0, int)
    assert isinstance(cuda.current_solver_handle(), int)
    assert cuda.is_current_stream_capturing() is False
    with cuda.stream(cuda.Stream()):
        assert cuda.is_current_stream_capturing() is False


def test_caching_disabled_gives_memory_straight_back():
    x = ember.ones(10, device='cuda')
    del x
    cached = cuda.memory_reserved() - cuda.memory_allocated()
    with cuda.caching_allocator_disabled():
        before = cuda.memory_reserved()
        y = ember.ones(1000, device='cuda')
        assert cuda.memory_reserved() == before            # not from the pool: nothing reserved by it
        del y
    z = ember.ones(10, device='cuda')                      # the pool again
    assert cuda.memory_reserved() - cuda.memory_allocated() <= cached
    del z
    assert cuda.cudaStatus.SUCCESS == 0 and cuda.cudaStatus.ERROR_NOT_READY == 34


C_ALLOCATOR = r'''
#include <stdlib.h>
static int calls[2];
void* counting_alloc(size_t size, int device, void* stream) { calls[0]++; return malloc(size ? size : 1); }
void counting_free(void* ptr, size_t size, int device, void* stream) { calls[1]++; free(ptr); }
int allocs(void) { return calls[0]; }
int frees(void) { return calls[1]; }
'''


def test_pluggable_allocator_from_a_shared_library(tmp_path):
    import ctypes
    import gc
    import shutil
    import subprocess
    from ember.backend import cuda_runtime
    from tests.cuda import strict_xp
    cc = shutil.which('cc') or shutil.which('gcc')
    if cc is None:
        pytest.skip('no C compiler to build the allocator library')
    (tmp_path / 'alloc.c').write_text(C_ALLOCATOR)
    so = tmp_path / 'alloc.so'
    subprocess.run([cc, '-shared', '-fPIC', '-o', str(so), str(tmp_path / 'alloc.c')], check=True, timeout=60)
    with pytest.raises(OSError):
        cuda.CUDAPluggableAllocator(str(tmp_path / 'missing.so'), 'counting_alloc', 'counting_free')
    alloc = cuda.CUDAPluggableAllocator(str(so), 'counting_alloc', 'counting_free')
    lib = ctypes.CDLL(str(so))
    try:
        cuda.change_current_allocator(alloc)
        x = ember.arange(100., device='cuda') * 2
        assert lib.allocs() >= 2 and lib.frees() < lib.allocs()
        assert x.cpu()[-1].item() == 198.
        del x
        gc.collect()
        assert lib.frees() == lib.allocs()
    finally:
        cuda.caching_allocator_enable(True)   # back to the pool, behind ember's out-of-memory translation
    assert strict_xp.cuda.get_allocator() is not alloc and cuda_runtime._allocator_of[0] is strict_xp.xp
    with pytest.raises(TypeError, match='expects a CUDAPluggableAllocator'):
        cuda.change_current_allocator(object())
