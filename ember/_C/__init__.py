"""The few names of PyTorch's private ``torch._C`` that Tensor-subclass code commonly uses
(``torch._C._disabled_torch_function_impl``, ``torch._C.DisableTorchFunctionSubclass``,
``torch._C.TensorBase``), and the function namespaces ``torch.save``'s pickles name functions by
(``_VariableFunctions``, ``_nn``, ``_special``, ``_linalg``, ``_fft``), so that such code and such
checkpoints run and load unchanged."""
from ember._torch_function import _disabled_torch_function_impl  # noqa: F401
from ember.overrides import DisableTorchFunction, DisableTorchFunctionSubclass  # noqa: F401

__all__ = []   # private, as PyTorch's: nothing here is part of ember's public API

from ember._C import _profiler  # noqa: F401,E402
from ember._C import _autograd  # noqa: F401,E402
from ember._C import _nn, _special, _linalg, _fft  # noqa: F401,E402
from ember._C._variable_functions import _VariableFunctions, _VariableFunctionsClass  # noqa: F401,E402
from ember._tensor import Tensor as TensorBase  # noqa: E402  (PyTorch's base of Tensor; ember has one class)
_TensorBase = TensorBase
from ember.jit._tensor_type import TensorType  # noqa: E402,F401
from ember.jit._trace_graph import Graph, Node, Value  # noqa: E402,F401  (a traced graph: jit._get_trace_graph)
# the metaclass of Tensor (libraries annotate with it: lightning's ``new_type: _TensorMeta``); ember's Tensor is a
# plain class, kept so because a metaclass of its own would slow every isinstance(x, Tensor) of a non-tensor
_TensorMeta = type(TensorBase)
from ember.utils._python_dispatch import _disabled_torch_dispatch_impl  # noqa: F401,E402


def _log_api_usage_once(event):
    """PyTorch reports ``event`` to an API-usage logger that only its internal builds install (libraries call
    it: lightning, torchvision); ember has no such logger, as PyTorch's open-source build, so nothing happens."""
    if not isinstance(event, str):
        raise TypeError(f"_log_api_usage_once(): argument 'event' must be str, not {type(event).__name__}")


def _are_functorch_transforms_active():
    """Whether a function transform (``vmap``, ``grad``, ``vjp``, ``jacrev``, ...) is running the current code:
    libraries ask before reading tensor values a transform could not follow."""
    from ember.func._batched_tensor import inside_transform
    return inside_transform()


def _get_tracing_state():
    """The state of the :func:`ember.jit.trace` recording this thread is in (an opaque object), or None when
    nothing records: libraries ask before calls a trace could not follow (pyro skips its checks)."""
    from ember import jit
    return jit._trace_state if jit.is_tracing() else None


def __getattr__(name):
    if name == '_to_dlpack':    # (what torch.save names torch.utils.dlpack.to_dlpack by)
        from ember.utils.dlpack import _to_dlpack
        return _to_dlpack
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
