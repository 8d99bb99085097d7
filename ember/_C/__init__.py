"""The few names of PyTorch's private ``torch._C`` that Tensor-subclass code commonly uses
(``torch._C._disabled_torch_function_impl``, ``torch._C.DisableTorchFunctionSubclass``), so that such
code runs unchanged."""
from ember._torch_function import _disabled_torch_function_impl  # noqa: F401
from ember.overrides import DisableTorchFunction, DisableTorchFunctionSubclass  # noqa: F401

__all__ = []   # private, as PyTorch's: nothing here is part of ember's public API

from ember._C import _profiler  # noqa: F401,E402
from ember.utils._python_dispatch import _disabled_torch_dispatch_impl  # noqa: F401,E402
