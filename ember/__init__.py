"""ember: PyTorch's programming model in readable Python, on NumPy (CPU) and CuPy (CUDA).

>>> import ember
>>> a = ember.tensor([2., 3.], requires_grad=True)
>>> (a ** 2).sum().backward()
>>> a.grad
tensor([4., 6.])
"""
import gc as _gc
import math as _math

# The import makes thousands of functions and classes that live as long as the process; the cyclic
# garbage collector, left on, would walk every object NumPy and ember have made several times over
# while they are made (about a tenth of the import's time). It is paused for the import and turned
# back on after it, whether the import succeeds or not.
_gc_was_enabled = _gc.isenabled()
_gc.disable()
try:
    from ember._dtype import (dtype, bool_ as bool, uint8, uint16, uint32, uint64, int8, int16, int32, int64, float16, float32, float64,  # noqa
                              complex64, complex128, bfloat16, half, float, double, short, int, long, cfloat, cdouble,
                              float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz, float8_e8m0fnu, complex32, chalf,
                              get_default_dtype, set_default_dtype, promote_types)
    from ember._device import device, set_default_device, get_default_device  # noqa: E402,F401
    from ember._tensor import Tensor, Size  # noqa: E402
    from ember import _tensor_methods  # noqa: F401,E402  (binds ops as Tensor methods)
    # (Tensor.solve/eig/lstsq/symeig/reinforce/volatile raise PyTorch's removal errors from the start)
    from ember import _removed as _removed_functions  # noqa: F401,E402
    from ember.autograd.grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,  # noqa: E402
                                          is_grad_enabled, is_inference_mode_enabled)
    from ember import autograd  # noqa: E402
    from ember import ops as _ops  # noqa: E402,F401  (importing the op families registers every op)
    from ember.ops._registry import bind as _bind  # noqa: E402
    _bind('ember', globals())  # ember.<op> for every op registered with the 'ember' target
    from ember.ops.random import Generator, default_generator  # noqa: E402,F401
    from ember import linalg, fft, special  # noqa: E402,F401
    from ember import random  # noqa: E402,F401  (ember.random.fork_rng, as torch.random)
    from ember.random import thread_safe_generator  # noqa: E402,F401
    # (get_printoptions and the printoptions context stay in ember._tensor_str: PyTorch has no torch.printoptions)
    from ember._tensor_str import set_printoptions  # noqa: E402
    from ember._legacy import (FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor,  # noqa
                               CharTensor, ByteTensor, BoolTensor, BFloat16Tensor, typename, is_tensor, is_floating_point,
                               is_complex, numel, is_storage)
    from ember import storage  # noqa: E402
    from ember.storage import (UntypedStorage, TypedStorage, StorageBase, _LEGACY_BY_NAME as _legacy_storages)  # noqa
    globals().update(_legacy_storages)   # FloatStorage, DoubleStorage, ... as PyTorch names them
    Storage = _legacy_storages['FloatStorage']
    from ember._tensor_storage import from_file  # noqa: E402,F401

    pi = _math.pi
    e = _math.e
    inf = _math.inf
    nan = _math.nan
    newaxis = None

    from ember._formats import (layout, memory_format, strided, contiguous_format, preserve_format,  # noqa: E402,F401
                                channels_last, channels_last_3d)

    from ember import version  # noqa: E402,F401
    from ember.version import __version__  # noqa: E402,F401
    from ember._type_info import finfo, iinfo  # noqa: E402,F401
    from ember._global_flags import (use_deterministic_algorithms, are_deterministic_algorithms_enabled,  # noqa: E402,F401
                                     is_deterministic_algorithms_warn_only_enabled, set_deterministic_debug_mode,
                                     get_deterministic_debug_mode, set_warn_always, is_warn_always_enabled,
                                     set_float32_matmul_precision, get_float32_matmul_precision, set_flush_denormal,
                                     set_anomaly_enabled, is_anomaly_enabled, is_anomaly_check_nan_enabled,
                                     set_default_tensor_type)
    from ember._threads import (set_num_threads, get_num_threads, set_num_interop_threads,  # noqa: E402,F401
                                get_num_interop_threads)
    from ember import amp  # noqa: E402,F401
    from ember import _torchrun_env  # noqa: E402
    _torchrun_env.export_torchrun_env()  # scripts written for torchrun read RANK, WORLD_SIZE, ... right after the import
    from ember import _mp_registration  # noqa: E402  (how tensors travel between processes: see there)
    _mp_registration.register_now_or_on_import()
    from ember.amp import autocast, GradScaler  # noqa: E402,F401
    from ember.amp._state import *  # noqa: E402,F401,F403  (is_autocast_enabled, set_autocast_dtype, ...)
    from ember import _tensor_interop  # noqa: E402,F401  (DLPack, __array_wrap__, as_subclass ... on Tensor)
    from ember import _tensor_misc  # noqa: E402,F401  (name, grad_dtype, record_stream, __setstate__ on Tensor)
    from ember._tensor_interop import is_distributed  # noqa: E402,F401
    from ember._errors import AcceleratorError, OutOfMemoryError, FatalError  # noqa: E402,F401
    from ember._build_info import (has_lapack, has_spectral, has_mkl, has_openmp, init_num_threads,  # noqa: E402,F401
                                   get_device_module)
    from ember._formats import legacy_contiguous_format, jagged, sparse_coo, sparse_csr, sparse_csc, sparse_bsr, sparse_bsc, _mkldnn  # noqa: E402,F401,E501
    from ember._streams import Stream, Event  # noqa: E402,F401
    from ember._assert import _assert, _assert_async  # noqa: E402,F401
    from ember.overrides import DisableTorchFunction, DisableTorchFunctionSubclass  # noqa: E402,F401
    from ember import overrides  # noqa: E402,F401
    from ember.quantized import *  # noqa: E402,F401,F403  (quantized dtypes and tensors: qint8, quantize_per_tensor, ...)
    from ember import _legacy_module_paths  # noqa: E402  (ember.nn.quantized.modules.conv and PyTorch's other older paths)
    _legacy_module_paths.install()
finally:
    if _gc_was_enabled:
        _gc.enable()
    del _gc, _gc_was_enabled


# Subsystems loaded on first use (``ember.nn``, ``ember.optim``, ``ember.utils.data``, ... still resolve
# after a bare ``import ember``, as in PyTorch): ``import ember`` loads the tensor, its ops and autograd,
# and a script pays for the rest only when it touches it. Some pull in optional dependencies (SciPy)
# or much code (checkpoint formats, hub downloads, the module zoo).
_LAZY_SUBMODULES = ('nn', 'optim', 'utils', 'backends', 'cuda', 'accelerator', 'cpu', 'jit', 'compiler',
                    'functional', 'types', 'torch_version', 'distributed', 'masked', 'nested', 'func', 'profiler', 'testing',
                    'quasirandom', 'signal', 'return_types', 'distributions', 'futures', 'serialization', 'hub',
                    'xpu', 'mps', 'mtia', 'onnx', '_C', 'sparse', 'library', '__future__', 'fx', 'export', '_dynamo',
                    '_inductor', '_logging', 'multiprocessing', 'ao', 'quantization', '__config__', 'package')
_LAZY_NAMES = {'save': 'serialization', 'load': 'serialization', 'Future': 'futures',
               'PyTorchFileReader': '_zip_archive', 'PyTorchFileWriter': '_zip_archive', 'vmap': 'func',
               'from_dlpack': 'utils.dlpack', 'to_dlpack': 'utils.dlpack', 'sparse_coo_tensor': 'sparse',
               'spmm': 'sparse', 'sparse_csr_tensor': 'sparse', 'sparse_csc_tensor': 'sparse',
               'sparse_bsr_tensor': 'sparse', 'sparse_bsc_tensor': 'sparse', 'sparse_compressed_tensor': 'sparse', 'ScriptModule': 'jit', 'ScriptFunction': 'jit',
               'fork': 'jit', 'wait': 'jit', 'TensorType': 'jit._tensor_type', 'Tag': '_tags',
               'compile': '_compile', 'cond': '_compile', 'while_loop': '_compile',
               **dict.fromkeys(('SymInt', 'SymFloat', 'SymBool', 'sym_int', 'sym_float', 'sym_max', 'sym_min',
                                'sym_not', 'sym_ite', 'sym_sqrt', '_sym_sqrt', 'sym_sum', 'sym_fresh_size',
                                'sym_constrain_range', 'sym_constrain_range_for_size'), '_sym'),
               # (PyTorch's removal errors)
               **dict.fromkeys(('eig', 'lstsq', 'matrix_rank', 'solve', 'symeig'), '_removed')}


def __getattr__(name):
    if name == 'torch':                          # PyTorch's package names itself too (kornia writes torch.torch.Tensor)
        import sys
        return sys.modules[__name__]
    if name.startswith('_foreach_'):             # the multi-tensor ops, made on first use
        from ember.ops.foreach import functions
        made = functions()
        globals().update(made)
        if name in made:
            return made[name]
    if name in _LAZY_SUBMODULES or name in _LAZY_NAMES:
        import importlib
        module = importlib.import_module(f'ember.{_LAZY_NAMES.get(name, name)}')
        if module.__name__.count('.') == 1:
            globals()[module.__name__.rpartition('.')[2]] = module
        value = getattr(module, name) if name in _LAZY_NAMES else module
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ember' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(_LAZY_SUBMODULES) | set(_LAZY_NAMES))


# methods set on Tensor by hand (lambdas, renamed helpers) get the name pickle needs to find them again
from ember.ops._registry import name_after_binding as _name_after_binding  # noqa: E402
for _name, _fn in list(Tensor.__dict__.items()):
    if type(_fn) is type(_name_after_binding) and not _name.startswith('__'):
        _name_after_binding(_fn, Tensor, _name)
del _name, _fn, _name_after_binding

from typing import TYPE_CHECKING as _TYPE_CHECKING  # noqa: E402

if _TYPE_CHECKING:
    # bound from the op registry at import (invisible to a type checker); named here so type
    # checkers see these functions' annotations instead of the module __getattr__'s Any
    from ember.ops.creation import tensor, as_tensor, from_numpy, zeros, ones, empty  # noqa: F401
    from ember.ops.random import rand, randn  # noqa: F401
    from ember.ops.shape import cat, stack  # noqa: F401
    from ember.ops.linalg import matmul  # noqa: F401
    # the subsystems loaded on first use, as type checkers should see them
    from ember import (distributed, func, masked, nested, nn, optim, profiler, quasirandom, return_types,  # noqa
                       signal, testing, utils)
    from ember.func import vmap  # noqa: F401
    from ember import accelerator, backends, compiler, cpu, cuda, functional, jit, torch_version, types  # noqa: F401
    from ember._compile import compile, cond, while_loop  # noqa: F401
    from ember._tags import Tag  # noqa: F401
    from ember.jit import fork, wait  # noqa: F401
    from ember.utils.dlpack import from_dlpack, to_dlpack  # noqa: F401
