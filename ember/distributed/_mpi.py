"""The one place ember.distributed touches mpi4py: loading it, and mapping dtypes and reductions
onto MPI's."""
import numpy as np

from ember.distributed._reduce_op import ReduceOp

_INSTALL_HINT = "pip install 'ember[mpi]'  (mpi4py and Open MPI)"


def available():
    """True when mpi4py can be imported (it brings MPI with it)."""
    import importlib.util
    return importlib.util.find_spec('mpi4py') is not None


# the socket stand-in (``_socket_mpi``) while a process group that MPI did not start is open
_sockets = None


def use_sockets(module):
    """Serve ``load()`` from ``module`` (or from mpi4py again when None)."""
    global _sockets
    _sockets = module


def load_if_sockets():
    """The socket stand-in while it serves ``load()``, else None."""
    return _sockets


def load():
    """mpi4py's MPI module, with MPI initialised; a clear error naming the extra when it is missing.
    While the processes run over sockets (started by ``mp.spawn``, not by MPI), their stand-in."""
    if _sockets is not None:
        return _sockets
    try:
        import mpi4py
    except ImportError:
        raise RuntimeError(f"ember.distributed runs over MPI and needs mpi4py: {_INSTALL_HINT}") from None
    try:
        from mpi4py import MPI
    except ImportError as e:  # mpi4py present but no MPI library it can load
        raise RuntimeError(f"mpi4py {mpi4py.__version__} could not load an MPI library ({e}): "
                           f"{_INSTALL_HINT}") from None
    if not MPI.Is_initialized():  # `ember info` imports MPI without starting it
        MPI.Init_thread()
    return MPI


def datatype(MPI, np_dtype):
    """MPI's datatype for a NumPy dtype MPI reduces natively, or None (the caller falls back)."""
    tables = datatype.__dict__.setdefault('_tables', {})
    table = tables.get(MPI.__name__)
    if table is None:
        table = tables[MPI.__name__] = {
            np.dtype(np.float32): MPI.FLOAT, np.dtype(np.float64): MPI.DOUBLE,
            np.dtype(np.int8): MPI.INT8_T, np.dtype(np.int16): MPI.INT16_T, np.dtype(np.int32): MPI.INT32_T,
            np.dtype(np.int64): MPI.INT64_T, np.dtype(np.uint8): MPI.UINT8_T,
            np.dtype(np.complex64): MPI.C_FLOAT_COMPLEX, np.dtype(np.complex128): MPI.C_DOUBLE_COMPLEX,
        }
    return table.get(np.dtype(np_dtype))


def mpi_op(MPI, op):
    """MPI's reduction for a ReduceOp (AVG is a SUM the caller divides)."""
    return {ReduceOp.SUM: MPI.SUM, ReduceOp.AVG: MPI.SUM, ReduceOp.PRODUCT: MPI.PROD, ReduceOp.MIN: MPI.MIN,
            ReduceOp.MAX: MPI.MAX, ReduceOp.BAND: MPI.BAND, ReduceOp.BOR: MPI.BOR,
            ReduceOp.BXOR: MPI.BXOR}[op]


def numpy_op(op):
    """NumPy's element-wise function for a ReduceOp (AVG is a SUM the caller divides)."""
    return {ReduceOp.SUM: np.add, ReduceOp.AVG: np.add, ReduceOp.PRODUCT: np.multiply, ReduceOp.MIN: np.minimum,
            ReduceOp.MAX: np.maximum, ReduceOp.BAND: np.bitwise_and, ReduceOp.BOR: np.bitwise_or,
            ReduceOp.BXOR: np.bitwise_xor}[op]


def numpy_reduce(op, arrays):
    """Reduce a sequence of same-shaped arrays in rank order (the fallback for dtypes MPI lacks)."""
    fn = numpy_op(op)
    out = arrays[0].copy()
    for a in arrays[1:]:
        fn(out, a, out=out)
    return out
