"""Elementwise CUDA kernels written as a C++ function and compiled at run time (``torch.cuda.jiterator``).

ember builds them as CuPy ElementwiseKernels: the code string is the kernel's preamble and the entry
function (the last one defined) is called once per element, with broadcasting and type promotion
of the input tensors as for any elementwise op.
"""
import functools
import re

from ember import backend
from ember.backend import cuda_runtime as _rt

__all__ = []

# ``template <typename T> T name(`` : the template parameters, the return type and the name of a function
_FUNCTION = re.compile(r'template\s*<[^{]*?>\s*(\w+)\s+(\w+)\s*\(([^)]*)\)\s*\{', re.DOTALL)
_MAX_TENSORS = 8


class _JittedFunction:
    """A kernel made by :func:`_create_jit_fn` or :func:`_create_multi_output_jit_fn`: call it with CUDA
    tensors (and the declared keyword arguments) to run it."""

    def __init__(self, code_string, return_by_ref, num_outputs, **kwargs):
        self.code_string = code_string
        if not (return_by_ref or num_outputs == 1):
            raise AssertionError("Return by value only works for single output.")
        self.return_by_ref = return_by_ref
        self.num_outputs = num_outputs
        functions = _FUNCTION.findall(code_string)
        if not functions or not code_string.rstrip().endswith('}'):
            raise Exception(f"Couldn't parse code, please check correctness:\n {code_string}")  # noqa: TRY002
        self.kernel_name = functions[-1][1]
        self.kwargs_dict = kwargs
        self.is_cuda_available = backend.cuda_available()

    def __call__(self, *tensors, **kwargs):
        # availability is checked here, not when the function is made, as CUDA initialises lazily
        if not self.is_cuda_available:
            raise AssertionError("Jiterator is only supported on CUDA and ROCm GPUs, none are available.")
        if len(tensors) > _MAX_TENSORS:
            raise AssertionError(f"jiterator only supports up to 8 tensor inputs, got {len(tensors)}")
        values = dict(self.kwargs_dict)
        for key, value in kwargs.items():
            if key not in self.kwargs_dict:
                raise KeyError(f"{key} is not declared in function definition")
            values[key] = value
        return _launch(self, tensors, values)


def _launch(fn, tensors, values):
    import ember
    for t in tensors:
        if not isinstance(t, ember.Tensor) or not t.is_cuda:
            where = t.device if isinstance(t, ember.Tensor) else type(t).__name__
            raise RuntimeError(f"jiterator: every input must be a CUDA tensor, got {where}")
    if not tensors:
        raise RuntimeError("jiterator: at least one input tensor is needed")
    dtype = functools.reduce(ember.promote_types, (t.dtype for t in tensors))
    arrays = [t.to(dtype)._data for t in tensors]
    names = [f'in{i}' for i in range(len(tensors))]
    outs = [f'out{i}' for i in range(fn.num_outputs)]
    args = names + list(values)
    if fn.return_by_ref:
        operation = f"{fn.kernel_name}<T>({', '.join(args + outs)})"
    else:
        operation = f"out0 = {fn.kernel_name}<T>({', '.join(args)})"
    kernel = _rt.elementwise_kernel(', '.join(f'T {n}' for n in names + list(values)),
                                    ', '.join(f'T {n}' for n in outs), operation,
                                    f'ember_jiterator_{fn.kernel_name}', fn.code_string)
    result = kernel(*arrays, *values.values())   # CuPy casts the scalar arguments to T
    device = tensors[0].device
    if fn.num_outputs == 1:
        return ember.Tensor._make(result, device)
    return tuple(ember.Tensor._make(r, device) for r in result)


def _create_jit_fn(code_string, **kwargs):
    """A CUDA elementwise kernel from ``code_string``, a C++ function template that computes one element
    and returns it by value. Keyword arguments declare the function's extra scalar arguments and their
    defaults (the function takes the input tensors' elements first, then these, in order).

    Example::

        >>> code = "template <typename T> T axpy(T x, T y, T alpha) { return alpha * x + y; }"
        >>> axpy = ember.cuda.jiterator._create_jit_fn(code, alpha=1.0)
        >>> a = ember.ones(3, device='cuda')                        # doctest: +SKIP
        >>> axpy(a, a, alpha=2.0)                                    # doctest: +SKIP
        tensor([3., 3., 3.], device='cuda:0')
    """
    return _JittedFunction(code_string, return_by_ref=False, num_outputs=1, **kwargs)


def _create_multi_output_jit_fn(code_string, num_outputs, **kwargs):
    """As :func:`_create_jit_fn`, for a function that writes ``num_outputs`` results through its last
    arguments (``T& out``) and returns nothing; calling it returns a tuple of tensors."""
    return _JittedFunction(code_string, return_by_ref=True, num_outputs=num_outputs, **kwargs)
