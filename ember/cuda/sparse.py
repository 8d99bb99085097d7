"""Legacy constructors and types of sparse (COO) CUDA tensors (``torch.cuda.sparse.FloatTensor`` and
the others): ``FloatTensor(indices, values, size)`` builds one, ``FloatTensor(2, 3)`` an empty one,
and ``isinstance(t, ember.cuda.sparse.FloatTensor)`` tests layout, dtype and device. New code uses
``ember.sparse_coo_tensor(..., device='cuda')``."""
import warnings

from ember import backend
from ember import _dtype

__all__ = ['BFloat16Tensor', 'ByteTensor', 'CharTensor', 'DoubleTensor', 'FloatTensor', 'HalfTensor', 'IntTensor',
           'LongTensor', 'ShortTensor']


class _SparseCudaType(type):
    def __instancecheck__(cls, obj):
        import ember
        return (isinstance(obj, ember.Tensor) and obj.layout == ember.sparse_coo and obj.dtype is cls.dtype
                and obj.device.type == 'cuda')

    def __call__(cls, *args, device=None):
        import ember
        if not backend.cuda_available():
            raise TypeError(f"type ember.cuda.sparse.{cls.__name__} not available. Torch not compiled with CUDA "
                            f"enabled.")
        device = 'cuda' if device is None else device
        if args and all(isinstance(a, int) and not isinstance(a, bool) for a in args):
            warnings.warn("ember.sparse.SparseTensor(shape, *, device=) is deprecated.  Please use "
                          "ember.sparse_coo_tensor(shape, dtype=, device=).")
            indices = ember.zeros(len(args), 0, dtype=ember.int64, device=device)
            return ember.sparse_coo_tensor(indices, ember.zeros(0, dtype=cls.dtype, device=device), args,
                                           check_invariants=False)
        if len(args) in (2, 3) and all(isinstance(a, ember.Tensor) for a in args[:2]):
            indices, values = args[0].to(device), args[1].to(device=device, dtype=cls.dtype)
            if len(args) == 3:
                warnings.warn("ember.sparse.SparseTensor(indices, values, shape, *, device=) is deprecated.  Please "
                              "use ember.sparse_coo_tensor(indices, values, shape, dtype=, device=).")
                return ember.sparse_coo_tensor(indices, values, tuple(args[2]), check_invariants=False)
            warnings.warn("ember.sparse.SparseTensor(indices, values, *, device=) is deprecated.  Please use "
                          "ember.sparse_coo_tensor(indices, values, dtype=, device=).")
            return ember.sparse_coo_tensor(indices, values, check_invariants=False)
        raise TypeError(f"{cls.__name__}(): takes (indices, values[, size]) tensors or a size as ints")

    def __repr__(cls):
        return f"<class 'ember.cuda.sparse.{cls.__name__}'>"


for _name, _dt in (('FloatTensor', 'float32'), ('DoubleTensor', 'float64'), ('HalfTensor', 'float16'),
                   ('BFloat16Tensor', 'bfloat16'), ('LongTensor', 'int64'), ('IntTensor', 'int32'),
                   ('ShortTensor', 'int16'), ('CharTensor', 'int8'), ('ByteTensor', 'uint8')):
    globals()[_name] = _SparseCudaType(_name, (), {
        'dtype': getattr(_dtype, _dt), 'is_cuda': True, 'is_sparse': True, '__module__': 'ember.cuda.sparse',
        '__doc__': f"The legacy constructor and type of sparse CUDA tensors of dtype ``{_dt}``."})
del _name, _dt
