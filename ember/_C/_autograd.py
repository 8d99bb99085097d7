"""``torch._C._autograd``'s names that user code meets: ``SavedTensor``, the type of ``grad_fn._raw_saved_*``, and
``DeviceType``, the device kinds profiler events name (``torch.profiler.DeviceType`` is this one)."""
import enum

from ember.autograd._saved_tensor import SavedTensor  # noqa: F401


class DeviceType(enum.IntEnum):
    """The kinds of device an event can come from (PyTorch's ``torch.profiler.DeviceType``)."""
    CPU = 0
    CUDA = 1
    MKLDNN = 2
    OPENGL = 3
    OPENCL = 4
    IDEEP = 5
    HIP = 6
    FPGA = 7
    MAIA = 8
    XLA = 9
    Vulkan = 10
    Metal = 11
    XPU = 12
    MPS = 13
    Meta = 14
    HPU = 15
    VE = 16
    Lazy = 17
    IPU = 18
    MTIA = 19
    PrivateUse1 = 20
