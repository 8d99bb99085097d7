"""What NVIDIA's management library (NVML, through ``pip install nvidia-ml-py``, imported as ``pynvml``)
tells about a GPU: utilisation, temperature, power, clocks, memory in use by every process. The same
numbers ``nvidia-smi`` shows; PyTorch reads them through the same library."""
import os

_MISSING = "nvidia-ml-py does not seem to be installed or it can't be imported."


def _pynvml():
    """The imported ``pynvml``, or None when it is not installed."""
    try:
        import pynvml
    except ModuleNotFoundError:
        return None
    return pynvml


def _nvml_index(device):
    """NVML counts every GPU in the machine; CUDA only those ``CUDA_VISIBLE_DEVICES`` lets it see, in that
    order. The NVML index of CUDA's device ``device``."""
    from ember import cuda
    idx = cuda._index(device)
    listed = os.environ.get('CUDA_VISIBLE_DEVICES')
    if listed is None:
        visible = list(range(cuda.device_count()))
    else:
        visible = []
        for item in (x.strip() for x in listed.split(',')):
            if not item or not (item.isdigit() or item.startswith(('GPU-', 'MIG-'))):
                break       # CUDA stops at the first entry it cannot read
            visible.append(int(item) if item.isdigit() else _index_of_uuid(item))
    if idx < 0 or idx >= len(visible):
        raise RuntimeError(f"device {idx} is not visible (CUDA_VISIBLE_DEVICES={visible})")
    return visible[idx]


def _index_of_uuid(prefix):
    pynvml = _pynvml()
    for i in range(pynvml.nvmlDeviceGetCount()):
        uuid = pynvml.nvmlDeviceGetUUID(pynvml.nvmlDeviceGetHandleByIndex(i))
        uuid = uuid.decode() if isinstance(uuid, bytes) else uuid
        if uuid.startswith(prefix):
            return i
    raise RuntimeError("Can't get device UUIDs")


def handle(device):
    """The NVML handle of a CUDA device (the current one for ``None``)."""
    pynvml = _pynvml()
    if pynvml is None:
        raise ModuleNotFoundError(_MISSING)
    try:
        pynvml.nvmlInit()
    except pynvml.NVMLError_DriverNotLoaded as e:
        raise RuntimeError("cuda driver can't be loaded, is cuda enabled?") from e
    return pynvml.nvmlDeviceGetHandleByIndex(_nvml_index(device))


def utilization(device=None):
    """Percent of the last sample period (1/6 s to 1 s) during which a kernel ran on the GPU."""
    return _pynvml_call(device, lambda nv, h: nv.nvmlDeviceGetUtilizationRates(h).gpu)


def memory_usage(device=None):
    """Percent of the last sample period during which device memory was read or written."""
    return _pynvml_call(device, lambda nv, h: nv.nvmlDeviceGetUtilizationRates(h).memory)


def temperature(device=None):
    """The GPU's temperature in degrees Celsius."""
    return _pynvml_call(device, lambda nv, h: nv.nvmlDeviceGetTemperature(h, 0))   # 0: the GPU die


def power_draw(device=None):
    """The GPU's power draw in milliwatts."""
    return _pynvml_call(device, lambda nv, h: nv.nvmlDeviceGetPowerUsage(h))


def clock_rate(device=None):
    """The streaming multiprocessors' clock in MHz."""
    return _pynvml_call(device, lambda nv, h: nv.nvmlDeviceGetClockInfo(h, 1))   # 1: the SM clock


def device_memory_used(device=None):
    """Bytes of device memory in use, by every process (what ``nvidia-smi`` shows)."""
    return _pynvml_call(device, lambda nv, h: nv.nvmlDeviceGetMemoryInfo(h).used)


def _pynvml_call(device, read):
    h = handle(device)
    return read(_pynvml(), h)


def list_gpu_processes(device=None):
    """A printable list of the processes using the GPU and the device memory each holds (``None``: the
    current device); useful when a program runs out of memory."""
    pynvml = _pynvml()
    if pynvml is None:
        return "pynvml module not found, please install nvidia-ml-py"
    try:
        pynvml.nvmlInit()
    except pynvml.NVMLError_DriverNotLoaded:
        return "cuda driver can't be loaded, is cuda enabled?"
    index = _nvml_index(device)
    procs = pynvml.nvmlDeviceGetComputeRunningProcesses(pynvml.nvmlDeviceGetHandleByIndex(index))
    lines = [f"GPU:{index}"]
    if not procs:
        lines.append("no processes are running")
    for p in procs:
        lines.append(f"process {p.pid:>10d} uses {p.usedGpuMemory / 2 ** 20:>12.3f} MB GPU memory")
    return "\n".join(lines)
