"""CPU facts (PyTorch's ``torch.backends.cpu``)."""
from ember._cpu_capability import get_cpu_capability  # noqa: F401
