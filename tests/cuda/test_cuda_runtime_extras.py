"""torch.cuda's error types and runtime checks, streams from other libraries, NVML's readings and
torch.cuda.comm (copies between the GPUs of one process), on the 'cuda' device (the strict stand-in
in CI: two devices)."""
import sys
import types
import warnings

import pytest

import ember
from ember import cuda
from ember.cuda import comm


def test_running_out_of_memory_raises_pytorchs_catchable_error():
    before = cuda.memory_allocated()
    cuda.reset_accumulated_memory_stats()
    assert cuda.memory_stats()['num_ooms'] == 0
    cuda.set_per_process_memory_fraction(1e-6)        # about 84 KiB of pool on this device
    try:
        with pytest.raises(cuda.OutOfMemoryError) as info:
            ember.zeros(1 << 20, device='cuda')          # 4 MiB
    finally:
        cuda.set_per_process_memory_fraction(1.0)
    assert cuda.OutOfMemoryError is ember.OutOfMemoryError and isinstance(info.value, RuntimeError)
    text = str(info.value)
    assert text.startswith('CUDA out of memory. Tried to allocate 4.00 MiB. GPU 0 has a total capacity of 80.00 GiB')
    assert 'capped at 83.89 KiB (ember.cuda.set_per_process_memory_fraction)' in text
    assert cuda.memory_allocated() == before
    assert cuda.memory_stats()['num_ooms'] == 1 and cuda.memory_stats(1)['num_ooms'] == 0   # counted per device
    ember.zeros(1 << 20, device='cuda')                  # with the cap lifted the same allocation works
    cuda.reset_accumulated_memory_stats(0)
    assert cuda.memory_stats_as_nested_dict()['num_ooms'] == 0


def test_sync_debug_mode_warns_or_raises_on_copies_to_the_host():
    x = ember.ones(3, device='cuda')
    assert cuda.get_sync_debug_mode() == 0
    try:
        cuda.set_sync_debug_mode('warn')
        assert cuda.get_sync_debug_mode() == 1
        with pytest.warns(UserWarning, match='^called a synchronizing CUDA operation$'):
            x.sum().item()
        cuda.set_sync_debug_mode(2)
        with pytest.raises(RuntimeError, match='^called a synchronizing CUDA operation$'):
            x.cpu()
        y = x * 2                                        # work that stays on the device is fine
        with pytest.raises(RuntimeError, match='expected one of `default`, `warn`, `error`'):
            cuda.set_sync_debug_mode('loud')
        assert cuda.get_sync_debug_mode() == 2
    finally:
        cuda.set_sync_debug_mode('default')
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert y.tolist() == [2.0, 2.0, 2.0]


def test_peer_access_and_runtime_errors():
    assert cuda.can_device_access_peer(0, 1) is True
    assert cuda.can_device_access_peer('cuda:1', 0) is True
    with pytest.raises(AssertionError, match='^Invalid peer device id$'):
        cuda.can_device_access_peer(0, 2)
    with pytest.raises(AssertionError, match='^Invalid device id$'):
        cuda.can_device_access_peer(3, 0)
    assert cuda.check_error(0) is None
    with pytest.raises(cuda.CudaError, match=r'^cudaErrorMemoryAllocation: out of memory \(2\)$') as info:
        cuda.check_error(2)
    assert info.value.code == 2 and issubclass(cuda.CudaError, RuntimeError)
    assert not issubclass(cuda.DeferredCudaCallError, RuntimeError)


def test_external_stream_queues_work_on_another_librarys_stream():
    s = cuda.ExternalStream(0x7f00, device='cuda:1')
    assert isinstance(s, cuda.Stream) and s.cuda_stream == 0x7f00 and s.device == ember.device('cuda:1')
    with cuda.stream(s):
        assert cuda.current_stream().cuda_stream == 0x7f00
    assert cuda.current_stream().cuda_stream != 0x7f00
    from ember.cuda import streams
    assert streams.ExternalStream is cuda.ExternalStream and streams.Event is cuda.Event


def test_broadcast_copies_to_each_device_and_keeps_the_source():
    x = ember.arange(6.).reshape(2, 3).to('cuda:0')
    a, b = comm.broadcast(x, [0, 'cuda:1'])
    assert a is x and b.device == ember.device('cuda:1') and b.tolist() == x.tolist()
    outs = [ember.zeros(2, 3, device='cuda:1'), ember.zeros(2, 3, device='cuda:0')]
    assert comm.broadcast(ember.arange(6.).reshape(2, 3), out=outs) == tuple(outs)
    assert outs[0].tolist() == [[0., 1., 2.], [3., 4., 5.]] == outs[1].tolist()
    with pytest.raises(RuntimeError, match="^Exactly one of 'devices' and 'out' must be specified"):
        comm.broadcast(x)
    with pytest.raises(RuntimeError, match="shape \\[2, 3\\]\\), but output tensor at index 0 has shape \\[3\\]"):
        comm.broadcast(x, out=[ember.zeros(3, device='cuda:1')])


def test_broadcast_coalesced_packs_by_dtype_within_the_buffer():
    ts = [ember.arange(4.), ember.arange(3), ember.ones(2, 2), ember.tensor([True, False])]
    got = comm.broadcast_coalesced(ts, [0, 1], buffer_size=16)
    assert len(got) == 2 and all(len(g) == 4 for g in got)
    for k, copies in enumerate(got):
        for t, c in zip(ts, copies):
            assert c.device == ember.device('cuda', k) and c.dtype == t.dtype and c.cpu().tolist() == t.tolist()
    from ember.nn.parallel.comm import _groups        # which tensors travel in one buffer
    assert _groups(ts, 16) == [[0], [1], [2], [3]]
    assert _groups(ts, 1 << 20) == [[0, 2], [1], [3]]


def test_reduce_add_sums_on_the_destination_device():
    a, b = ember.ones(2, 2, device='cuda:0'), ember.full((2, 2), 2., device='cuda:1')
    s = comm.reduce_add([a, b], destination=1)
    assert s.device == ember.device('cuda:1') and s.tolist() == [[3., 3.], [3., 3.]]
    assert comm.reduce_add([a]) is a
    with pytest.raises(AssertionError, match='^reduce_add expects all inputs to be on GPUs, but input 1 is on CPU$'):
        comm.reduce_add([a, ember.ones(2, 2)])
    with pytest.raises(ValueError, match='^input 1 has invalid size: got 4, but expected 2x2$'):
        comm.reduce_add([a, ember.ones(4, device='cuda:1')])
    with pytest.raises(RuntimeError, match='expects destination to be on the same GPU with one of the tensors'):
        comm.reduce_add([b, b], destination=0)
    sums = comm.reduce_add_coalesced([[a, ember.arange(3, device='cuda:0')], [b, ember.arange(3, device='cuda:1')]],
                                     destination=0, buffer_size=8)
    assert sums[0].tolist() == [[3., 3.], [3., 3.]] and sums[1].tolist() == [0, 2, 4]
    assert all(t.device == ember.device('cuda:0') for t in sums)


def test_scatter_and_gather_round_trip():
    x = ember.arange(10.).reshape(5, 2)
    p0, p1 = comm.scatter(x, [0, 1])
    assert p0.shape == (3, 2) and p1.shape == (2, 2) and p1.device == ember.device('cuda:1')
    q0, q1 = comm.scatter(x, [0, 1], chunk_sizes=[1, 4], streams=[cuda.Stream(0), None])
    assert q0.tolist() == [[0., 1.]] and q1.shape == (4, 2)
    with pytest.raises(RuntimeError, match='^Expected devices and chunk_sizes to be of same length, but got '
                                           r'len\(chunk_sizes\) == 1 and len\(devices\) == 2$'):
        comm.scatter(x, [0, 1], chunk_sizes=[5])
    outs = [ember.empty(2, 2, device='cuda:0'), ember.empty(3, 2, device='cuda:1')]
    comm.scatter(x, out=outs)
    assert outs[1].tolist() == [[4., 5.], [6., 7.], [8., 9.]]
    assert comm.gather([p0, p1], destination='cpu').tolist() == x.tolist()
    on1 = comm.gather([p0, p1], destination=1)
    assert on1.device == ember.device('cuda:1') and on1.cpu().tolist() == x.tolist()
    assert comm.gather([p0, p1]).device == ember.device('cuda:0')
    with pytest.warns(FutureWarning, match='Using -1 to represent CPU tensor is deprecated'):
        assert comm.gather([p0, p1], destination=-1).device.type == 'cpu'
    out = ember.empty(5, 2)
    assert comm.gather([p0, p1], out=out) is out and out.tolist() == x.tolist()
    import ember.nn.parallel.comm as nn_comm
    assert nn_comm.gather is comm.gather


class _FakeNvml(types.ModuleType):
    """pynvml as NVIDIA's library answers for a machine of four GPUs (for the readings' plumbing)."""

    class NVMLError_DriverNotLoaded(Exception):
        pass

    def __init__(self):
        super().__init__('pynvml')
        self.inits = 0

    def nvmlInit(self):
        self.inits += 1

    def nvmlDeviceGetHandleByIndex(self, i):
        return ('handle', i)

    def nvmlDeviceGetUtilizationRates(self, h):
        return types.SimpleNamespace(gpu=10 + h[1], memory=20 + h[1])

    def nvmlDeviceGetTemperature(self, h, sensor):
        return 40 + h[1] + sensor

    def nvmlDeviceGetPowerUsage(self, h):
        return 1000 * h[1]

    def nvmlDeviceGetClockInfo(self, h, kind):
        return 1000 + kind

    def nvmlDeviceGetMemoryInfo(self, h):
        return types.SimpleNamespace(used=h[1] << 20)

    def nvmlDeviceGetComputeRunningProcesses(self, h):
        return [types.SimpleNamespace(pid=4242, usedGpuMemory=3 << 20)] if h[1] == 3 else []


def test_nvml_readings_follow_cuda_visible_devices(monkeypatch):
    nvml = _FakeNvml()
    monkeypatch.setitem(sys.modules, 'pynvml', nvml)
    monkeypatch.setenv('CUDA_VISIBLE_DEVICES', '3,1')
    assert cuda.utilization(0) == 13 and cuda.utilization('cuda:1') == 11
    assert cuda.memory_usage(1) == 21 and cuda.temperature(0) == 43 and cuda.power_draw(1) == 1000
    assert cuda.clock_rate() == 1001 and cuda.device_memory_used(0) == 3 << 20
    assert cuda.list_gpu_processes(0) == 'GPU:3\nprocess       4242 uses        3.000 MB GPU memory'
    assert cuda.memory.list_gpu_processes(1) == 'GPU:1\nno processes are running'
    monkeypatch.setenv('CUDA_VISIBLE_DEVICES', '2')
    with pytest.raises(RuntimeError, match=r'^device 1 is not visible \(CUDA_VISIBLE_DEVICES=\[2\]\)$'):
        cuda.temperature(1)


def test_nvml_readings_without_nvidia_ml_py(monkeypatch):
    monkeypatch.setitem(sys.modules, 'pynvml', None)     # import pynvml now fails
    with pytest.raises(ModuleNotFoundError, match="^nvidia-ml-py does not seem to be installed"):
        cuda.utilization()
    assert cuda.list_gpu_processes() == 'pynvml module not found, please install nvidia-ml-py'


def test_saving_through_pinned_host_memory(monkeypatch):
    import io
    import ember.utils.serialization.config as config
    from ember.backend import cuda_runtime
    made = []
    real = cuda_runtime.pinned_empty
    monkeypatch.setattr(cuda_runtime, 'pinned_empty', lambda shape, dtype: made.append(shape) or real(shape, dtype))
    x = ember.arange(12.).reshape(3, 4).to('cuda:1').t()     # a transposed view: its storage is saved whole
    buf = io.BytesIO()
    with config.patch({'save.use_pinned_memory_for_d2h': True}):
        ember.save(x, buf)
    assert made == [(3, 4)] or made == [(4, 3)]
    buf.seek(0)
    assert ember.load(buf, map_location='cpu').tolist() == ember.arange(12.).reshape(3, 4).t().tolist()
    ember.save(x, io.BytesIO())                               # off by default
    assert len(made) == 1
