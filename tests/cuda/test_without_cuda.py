"""Without CuPy, or with CuPy but no GPU: CUDA is unavailable and asking for it says why."""
import types

import pytest

import ember
from ember import backend

CUDA_MODULES = None  # conftest: run these tests as if CuPy were not installed

_NO_CUPY = "Torch not compiled with CUDA enabled: ember runs CUDA tensors through CuPy, which is not installed"


def test_without_cupy_cuda_is_unavailable_and_errors_name_cupy():
    assert not ember.cuda.is_available() and ember.cuda.device_count() == 0
    for ask in (lambda: ember.ones(2).cuda(), lambda: ember.zeros(2, device='cuda'),
                lambda: ember.ones(2).to('cuda:0'), ember.cuda.init, lambda: ember.cuda.get_device_name(0),
                ember.cuda.synchronize, ember.cuda.get_rng_state, ember.cuda.mem_get_info,
                ember.cuda.reset_peak_memory_stats, ember.cuda.ipc_collect, ember.cuda.current_device,
                ember.cuda.initial_seed, ember.cuda.random.current_device, ember.cuda.nccl.unique_id,
                ember.cuda.memory._snapshot):
        with pytest.raises(AssertionError) as e:
            ask()
        assert str(e.value).startswith(_NO_CUPY) and "pip install 'ember[cuda]'" in str(e.value)
    # CUDA is checked before the device argument, as PyTorch's _lazy_init comes first
    for device in ('cpu', ember.device('cpu'), 0):
        with pytest.raises(AssertionError, match='^' + _NO_CUPY):
            ember.cuda.synchronize(device)
    # PyTorch's CPU build refuses these two with its dummy classes' errors
    with pytest.raises(RuntimeError, match='^torch.cuda.Stream requires CUDA support$'):
        ember.cuda.Stream()
    with pytest.raises(RuntimeError, match='^Tried to instantiate dummy base class Event$'):
        ember.cuda.Event(enable_timing=True)
    with pytest.raises(TypeError, match='^Inputs should be a collection of tensors$'):
        ember.cuda.nccl.all_reduce(ember.ones(2))
    with ember.cuda.device_of(ember.ones(2)), ember.cuda.device(-1):
        pass  # a CPU tensor's device: nothing to switch, no CUDA needed
    ember.cuda.memory._record_memory_history(None)
    ember.cuda.empty_cache()  # nothing to release: no error, as PyTorch
    with pytest.raises(RuntimeError, match='^Cannot access accelerator device when none is available.$'):
        ember.ones(2).pin_memory()
    assert not ember.ones(2).is_pinned()


def _cupy_without_gpu(error):
    def count():
        raise error
    runtime = types.SimpleNamespace(getDeviceCount=count)
    return types.SimpleNamespace(cuda=types.SimpleNamespace(runtime=runtime), ndarray=type('ndarray', (), {}))


def test_with_cupy_but_no_gpu_the_error_gives_cupys_reason():
    restore = backend._use_cuda_modules(_cupy_without_gpu(RuntimeError('cudaErrorNoDevice: no CUDA-capable '
                                                                       'device is detected')), None)
    try:
        assert not ember.cuda.is_available() and ember.cuda.device_count() == 0
        with pytest.raises(AssertionError) as e:
            ember.ones(2).cuda()
        assert str(e.value) == ("Found no NVIDIA driver on your system. CuPy is installed but cannot use a GPU "
                                "(RuntimeError: cudaErrorNoDevice: no CUDA-capable device is detected)")
        assert ember.ones(2).numpy().tolist() == [1., 1.]  # the CPU is unaffected
    finally:
        restore()


def test_without_cupy_statistics_read_as_empty_as_in_pytorch():
    # a script that reports GPU memory or saves generator states also runs on a CPU-only machine
    c = ember.cuda
    assert (c.memory_allocated(), c.max_memory_allocated(), c.memory_reserved(), c.max_memory_reserved()) == (0,) * 4
    assert c.memory_stats() == {} and c.memory_stats_as_nested_dict() == {}
    assert c.get_rng_state_all() == [] and c.default_generators == ()
    state = ember.get_rng_state()
    c.set_rng_state(ember.zeros(5, dtype=ember.uint8))      # applied only once CUDA exists: nothing happens
    c.set_rng_state_all([])
    assert ember.equal(ember.get_rng_state(), state)
    assert c.is_bf16_supported() is False and c.is_tf32_supported() is False
    assert c.get_arch_list() == [] and c.get_gencode_flags() == ''
    with pytest.raises(RuntimeError, match=r'^NVTX functions not installed. Are you sure you have a CUDA build\?$'):
        c.nvtx.range_push('step')
    with pytest.raises(RuntimeError, match=r'^NVTX functions not installed. Are you sure you have a CUDA build\?$'):
        c.nvtx.range_start('step')
    with pytest.raises(TypeError, match=r'^type ember.cuda.FloatTensor not available. Torch not compiled with CUDA '
                                        r'enabled.$'):
        c.FloatTensor(2)
    assert not isinstance(ember.ones(2), c.FloatTensor)
    with c.StreamContext(None):
        pass


def test_without_an_accelerator_its_memory_calls_say_there_is_none():
    acc = ember.accelerator
    for call in (acc.empty_cache, acc.memory_allocated, acc.memory_stats, acc.max_memory_reserved,
                 acc.reset_peak_memory_stats, acc.get_memory_info, acc.current_stream, acc.get_device_capability):
        with pytest.raises(RuntimeError, match='^Cannot access accelerator device when none is available.$'):
            call()


def test_without_cupy_the_allocator_api_answers_as_pytorchs_cpu_build():
    c = ember.cuda
    assert c.host_memory_stats() == {} and c.host_memory_stats_as_nested_dict() == {}
    for name in ('MemPool', '_cuda_isCurrentStreamCapturing'):
        ask = c.MemPool if name == 'MemPool' else c.is_current_stream_capturing
        with pytest.raises(RuntimeError, match=f'^Tried to instantiate dummy base class {name}$'):
            ask()
    for ask in (lambda: c.caching_allocator_alloc(8), lambda: c.caching_allocator_delete(0), c.current_blas_handle,
                c.current_solver_handle, c.get_allocator_backend, c.memory_snapshot, c.reset_peak_host_memory_stats,
                c.reset_accumulated_host_memory_stats, lambda: c.use_mem_pool(None).__enter__()):
        with pytest.raises(AssertionError, match='^Torch not compiled with CUDA enabled'):
            ask()


def test_without_cupy_a_jiterator_function_is_made_but_refuses_to_run():
    fn = ember.cuda.jiterator._create_jit_fn("template <typename T> T f(T x) { return x; }")
    with pytest.raises(AssertionError, match='^Jiterator is only supported on CUDA and ROCm GPUs, none are available.$'):
        fn(ember.ones(2))


def test_without_cupy_cuda_graphs_answer_as_pytorchs_cpu_build():
    c = ember.cuda
    for name, ask in (('CUDAGraph', c.CUDAGraph), ('_graph_pool_handle', c.graph_pool_handle)):
        with pytest.raises(RuntimeError, match=f'^Tried to instantiate dummy base class {name}$'):
            ask()
    with pytest.raises(RuntimeError, match='^torch.cuda.Stream requires CUDA support$'):
        c.graph(None)


def test_without_cupy_the_runtime_calls_say_so():
    c = ember.cuda
    for ask in (c.cudart, c.profiler.start, c.profiler.stop, lambda: c.profiler.profile().__enter__(),
                lambda: c.get_stream_from_external(0)):
        with pytest.raises(AssertionError, match='^Torch not compiled with CUDA enabled'):
            ask()


def test_without_cupy_allocator_switches_do_nothing_or_say_so():
    c = ember.cuda
    c.caching_allocator_enable(False)   # nothing is initialised: nothing to change, as in PyTorch
    with c.caching_allocator_disabled():
        pass
    with pytest.raises(OSError):
        c.CUDAPluggableAllocator('/nonexistent/alloc.so', 'a', 'f')
    with pytest.raises(AssertionError, match='^Torch not compiled with CUDA enabled'):
        c.change_current_allocator(None)


def test_without_cupy_nccl_is_unavailable():
    with pytest.warns(UserWarning, match='^PyTorch is not compiled with NCCL support$'):
        assert ember.cuda.nccl.is_available([ember.ones(2)]) is False
    with pytest.raises(AssertionError, match='^Torch not compiled with CUDA enabled'):
        ember.cuda.nccl.version()


def test_without_cupy_sparse_cuda_types_are_not_available():
    with pytest.raises(TypeError, match=r'^type ember.cuda.sparse.FloatTensor not available. Torch not compiled with '
                                        r'CUDA enabled.$'):
        ember.cuda.sparse.FloatTensor(2)
    assert not isinstance(ember.ones(2).to_sparse(), ember.cuda.sparse.FloatTensor)


def test_without_cupy_cuda_storages_cannot_be_made():
    with pytest.raises(AssertionError, match='^Torch not compiled with CUDA enabled'):
        ember.cuda.FloatStorage(2)
    assert ember.cuda.FloatStorage.dtype == ember.float32


def test_without_an_accelerator_generic_streams_serve_the_cpu_and_graphs_refuse():
    assert type(ember.Stream()) is ember.Stream and type(ember.Event()) is ember.Event
    with pytest.raises(RuntimeError, match='^Cannot access accelerator device when none is available.$'):
        ember.accelerator.Graph()
    with pytest.raises(RuntimeError, match='^Cannot access accelerator device when none is available.$'):
        ember.accelerator.memory.memory_allocated()
    with ember.accelerator.device_index(None):
        pass
