"""The few names of PyTorch's private ``torch._C`` that Tensor-subclass code commonly uses
(``torch._C._disabled_torch_function_impl``, ``torch._C.DisableTorchFunctionSubclass``,
``torch._C.TensorBase``), and the function namespaces ``torch.save``'s pickles name functions by
(``_VariableFunctions``, ``_nn``, ``_special``, ``_linalg``, ``_fft``), so that such code and such
checkpoints run and load unchanged."""
from ember._torch_function import _disabled_torch_function_impl  # noqa: F401
from ember.overrides import DisableTorchFunction, DisableTorchFunctionSubclass  # noqa: F401

__all__ = []   # private, as PyTorch's: nothing here is part of ember's public API

from ember._C import _profiler  # noqa: F401,E402
from ember._C import _nn, _special, _linalg, _fft  # noqa: F401,E402
from ember._C._variable_functions import _VariableFunctions, _VariableFunctionsClass  # noqa: F401,E402
from ember._tensor import Tensor as TensorBase  # noqa: E402  (PyTorch's base of Tensor; ember has one class)
_TensorBase = TensorBase
from ember.utils._python_dispatch import _disabled_torch_dispatch_impl  # noqa: F401,E402
