"""Random numbers: Generator, manual_seed, rand/randn/randint/randperm/normal/bernoulli/multinomial.

Streams come from NumPy's PCG64 on the host (then move to the tensor's device), so a seed gives
the same numbers on every device.  Bit-identical streams with PyTorch are not a goal.
"""
import pickle

import numpy as np

from ember import backend
from ember._device import as_device
from ember._dtype import get_default_dtype, to_dtype, int64, float32
from ember._tensor import Tensor
from ember.ops.creation import size_arg
from ember.ops._registry import op


class Generator:
    """A random-number generator (PyTorch's ``torch.Generator``)."""

    def __init__(self, device='cpu'):
        self.device = as_device(device)
        self._seed = 67280421310721
        self._rng = np.random.Generator(np.random.PCG64(self._seed))

    def manual_seed(self, seed):
        seed = int(seed)
        if seed < 0:
            seed += 1 << 64
        if not 0 <= seed < (1 << 64):
            raise RuntimeError("Overflow when unpacking long")
        self._seed = seed
        self._rng = np.random.Generator(np.random.PCG64(seed))
        return self

    def seed(self):
        s = int(np.random.SeedSequence().entropy) % (1 << 63)
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        data = pickle.dumps((self._seed, self._rng.bit_generator.state))
        return Tensor._make(np.frombuffer(data, dtype=np.uint8).copy())

    def set_state(self, new_state):
        if not isinstance(new_state, Tensor) or new_state.dtype.name != 'uint8':
            raise TypeError("expected a ember.ByteTensor, but got " + type(new_state).__name__)
        seed, state = pickle.loads(new_state.numpy().tobytes())
        self._seed = seed
        self._rng = np.random.Generator(np.random.PCG64())
        self._rng.bit_generator.state = state
        return self

    @property
    def rng(self):
        return self._rng


default_generator = Generator()


@op('ember')
def manual_seed(seed):
    default_generator.manual_seed(seed)
    from ember import cuda
    cuda.manual_seed_all(seed)
    return default_generator


@op('ember')
def seed():
    return default_generator.seed()


@op('ember')
def initial_seed():
    return default_generator.initial_seed()


@op('ember')
def get_rng_state():
    return default_generator.get_state()


@op('ember')
def set_rng_state(new_state):
    default_generator.set_state(new_state)


def _rng(generator):
    return (generator or default_generator)._rng


def _finish(arr, dtype, device, requires_grad):
    dev = as_device(device)
    t = Tensor._make(backend.move(arr.astype(dtype.np_dtype, copy=False), dev), dev)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _float_dtype(dtype, name):
    dt = to_dtype(dtype) if dtype is not None else get_default_dtype()
    if dt.category < 2:
        raise NotImplementedError(f"\"{name}\" not implemented for '{_nm(dt)}'")
    return dt


def _nm(d):
    from ember._tensor import _scalar_type_name
    return _scalar_type_name(d)


def _sample_float(rng, kind, shape, dt):
    np_dt = dt.np_dtype if dt.np_dtype in (np.float32, np.float64) else np.float32
    if kind == 'uniform':
        return rng.random(shape, dtype=np_dt)
    return rng.standard_normal(shape, dtype=np_dt)


@op('ember')
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False, **kwargs):
    shape = size_arg('rand', size, kwargs.pop('size', None))
    dt = _float_dtype(dtype, 'check_uniform_bounds')
    return _out(_finish(_sample_float(_rng(generator), 'uniform', shape, dt), dt, device, requires_grad), out)


@op('ember')
def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, **kwargs):
    shape = size_arg('randn', size, kwargs.pop('size', None))
    dt = _float_dtype(dtype, 'normal_kernel_cpu')
    return _out(_finish(_sample_float(_rng(generator), 'normal', shape, dt), dt, device, requires_grad), out)


def _out(t, out):
    if out is None:
        return t
    from ember.ops.inplace import copy_into_out
    return copy_into_out(out, t)


@op('ember')
def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return rand(*input.shape, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)


@op('ember')
def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return randn(*input.shape, dtype=dtype or input.dtype, device=device or input.device,
                 requires_grad=requires_grad)


_RANDINT_USAGE = (
    "randint() received an invalid combination of arguments - got ({got}), but expected one of:\n"
    " * (int high, tuple of ints size, *, ember.Generator generator, Tensor out = None, ember.dtype dtype = None, "
    "ember.layout layout = None, ember.device device = None, bool pin_memory = False, bool requires_grad = False)\n"
    " * (int high, tuple of ints size, *, Tensor out = None, ember.dtype dtype = None, ember.layout layout = None, "
    "ember.device device = None, bool pin_memory = False, bool requires_grad = False)\n"
    " * (int low, int high, tuple of ints size, *, ember.Generator generator, Tensor out = None, ember.dtype dtype "
    "= None, ember.layout layout = None, ember.device device = None, bool pin_memory = False, bool requires_grad = "
    "False)\n"
    " * (int low, int high, tuple of ints size, *, Tensor out = None, ember.dtype dtype = None, ember.layout layout "
    "= None, ember.device device = None, bool pin_memory = False, bool requires_grad = False)\n")

_C_INT_NAMES = {'uint8': 'unsigned char', 'int8': 'signed char', 'int16': 'short', 'int32': 'int', 'int64': 'long'}


@op('ember')
def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False):
    if size is None:  # randint(high, size)
        if high is None:
            raise TypeError(_RANDINT_USAGE.format(got=type(low).__name__))
        low, high, size = 0, low, high
    shape = size_arg('randint', (size,))
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dt = to_dtype(dtype) if dtype is not None else int64
    if dt.category == 1:
        info = np.iinfo(dt.np_dtype)
        if low < info.min:
            raise RuntimeError(f"from is out of bounds for {_C_INT_NAMES[dt.name]}")
        if high - 1 > info.max:
            raise RuntimeError(f"to - 1 is out of bounds for {_C_INT_NAMES[dt.name]}")
    arr = _rng(generator).integers(low, high, size=shape, dtype=np.int64)
    return _out(_finish(arr, dt, device, requires_grad), out)


@op('ember')
def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None):
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device)


@op('ember')
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dt = to_dtype(dtype) if dtype is not None else int64
    return _out(_finish(_rng(generator).permutation(n), dt, device, requires_grad), out)


_NORMAL_USAGE = (
    "normal() received an invalid combination of arguments - got ({got}), but expected one of:\n"
    " * (Tensor mean, Tensor std, *, ember.Generator generator = None, Tensor out = None)\n"
    " * (Tensor mean, float std = 1, *, ember.Generator generator = None, Tensor out = None)\n"
    " * (float mean, Tensor std, *, ember.Generator generator = None, Tensor out = None)\n"
    " * (float mean, float std, tuple of ints size, *, ember.Generator generator = None, Tensor out = None, "
    "ember.dtype dtype = None, ember.layout layout = None, ember.device device = None, bool pin_memory = False, "
    "bool requires_grad = False)\n")


@op('ember')
def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    """The four PyTorch overloads: normal(Tensor, Tensor), normal(Tensor, float), normal(float, Tensor)
    and normal(float, float, size)."""
    rng = _rng(generator)
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mt and not st:
        if size is None:
            raise TypeError(_NORMAL_USAGE.format(got=f"{type(mean).__name__}, {type(std).__name__}"))
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
        dt = _float_dtype(dtype, 'normal_kernel_cpu')
        z = _sample_float(rng, 'normal', size_arg('normal', (size,)), dt)
        return _out(_finish(z * np.asarray(std, z.dtype) + np.asarray(mean, z.dtype), dt, device, requires_grad),
                    out)
    ref = mean if mt else std
    if ref.dtype.category < 2:
        raise NotImplementedError(f"\"normal_kernel_cpu\" not implemented for '{_nm(ref.dtype)}'")
    if st and (std._data < 0).any():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if not st and std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    shape = np.broadcast_shapes(tuple(mean.shape) if mt else (), tuple(std.shape) if st else ())
    dt = ref.dtype
    z = _sample_float(rng, 'normal', shape, dt)
    m = backend.to_numpy(mean._data) if mt else mean
    s = backend.to_numpy(std._data) if st else std
    return _out(_finish(z * s + m, dt, ref.device, False), out)


@op('ember')
def bernoulli(input, p=None, *, generator=None, out=None):
    if input.dtype.category < 2:
        raise NotImplementedError(f"\"bernoulli_tensor_cpu_p_\" not implemented for '{_nm(input.dtype)}'")
    probs = backend.to_numpy(input._data) if p is None else np.full(tuple(input.shape), p)
    if (probs < 0).any() or (probs > 1).any():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be "
                           "improved?  If so, please report an enhancement request to PyTorch.)")
    u = _rng(generator).random(probs.shape)
    return _out(_finish((u < probs), input.dtype, input.device, False), out)


@op('ember')
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Samples category indices from each row of (unnormalised) probabilities, vectorised over rows."""
    if input.dtype.category < 2:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {_nm(input.dtype)}")
    probs = backend.to_numpy(input._data).astype(np.float64)
    if probs.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if (probs < 0).any() or not np.isfinite(probs).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    rows = probs.reshape(-1, probs.shape[-1])
    n_rows, n_cat = rows.shape
    if not replacement and num_samples > n_cat:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    totals = rows.sum(axis=1, keepdims=True)
    if (totals <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rng = _rng(generator)
    if replacement:
        # one sorted search over all rows: row r's CDF is shifted into [r, r + 1]
        cdf = np.cumsum(rows / totals, axis=1) + np.arange(n_rows)[:, None]
        u = rng.random((n_rows, num_samples)) + np.arange(n_rows)[:, None]
        flat = np.searchsorted(cdf.reshape(-1), u.reshape(-1), side='right').reshape(n_rows, num_samples)
        res = np.minimum(flat - np.arange(n_rows)[:, None] * n_cat, n_cat - 1)
    else:
        # Gumbel top-k: the k largest of log(p) + Gumbel noise are a draw without replacement
        with np.errstate(divide='ignore'):
            keys = np.log(rows) - np.log(-np.log(rng.random(rows.shape)))
        res = np.argsort(-keys, axis=1, kind='stable')[:, :num_samples]
    res = res.reshape(probs.shape[:-1] + (num_samples,))
    return _out(_finish(res, int64, input.device, False), out)


@op('ember')
def poisson(input, generator=None):
    lam = backend.to_numpy(input._data)
    return _finish(_rng(generator).poisson(lam).astype(lam.dtype), input.dtype, input.device, False)


# ----------------------------------------------------------- in-place fills
def _fill_inplace(t, arr):
    from ember.ops.inplace import apply_inplace, check_inplace
    from ember.autograd import grad_mode
    check_inplace(t)
    values = backend.move(arr.astype(t._data.dtype, copy=False), t._device)
    if grad_mode.is_grad_enabled() and t._requires_grad:
        # a non-leaf in a graph: the new values do not depend on the old ones, so its history
        # becomes one with a zero gradient
        const = Tensor._make(values, t._device)
        return apply_inplace(t, lambda x: x * 0 + const)
    t._data[...] = values
    t._version.value += 1
    return t


def uniform_(t, a=0.0, b=1.0, *, generator=None):
    if t.dtype.category < 2:
        raise NotImplementedError(f"\"check_uniform_bounds\" not implemented for '{_nm(t.dtype)}'")
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
    u = _rng(generator).random(tuple(t.shape), dtype=np.float64)
    return _fill_inplace(t, u * (b - a) + a)


def normal_(t, mean=0.0, std=1.0, *, generator=None):
    if t.dtype.category < 2:
        raise NotImplementedError(f"\"normal_kernel_cpu\" not implemented for '{_nm(t.dtype)}'")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    z = _rng(generator).standard_normal(tuple(t.shape))
    return _fill_inplace(t, z * std + mean)


def bernoulli_(t, p=0.5, *, generator=None):
    probs = backend.to_numpy(p._data) if isinstance(p, Tensor) else p
    return _fill_inplace(t, _rng(generator).random(tuple(t.shape)) < probs)


def random_(t, from_=0, to=None, *, generator=None):
    if to is None:
        to = 2 ** 24 if t.dtype is float32 else (2 ** 53 if t.dtype.category >= 2 else np.iinfo(t.dtype.np_dtype).max)
        if from_ != 0:
            from_, to = 0, from_
    return _fill_inplace(t, _rng(generator).integers(from_, to, size=tuple(t.shape)))


def exponential_(t, lambd=1.0, *, generator=None):
    return _fill_inplace(t, _rng(generator).exponential(1.0 / lambd, size=tuple(t.shape)))


def geometric_(t, p, *, generator=None):
    return _fill_inplace(t, _rng(generator).geometric(p, size=tuple(t.shape)))


def log_normal_(t, mean=1.0, std=2.0, *, generator=None):
    return _fill_inplace(t, _rng(generator).lognormal(mean, std, size=tuple(t.shape)))


def cauchy_(t, median=0.0, sigma=1.0, *, generator=None):
    return _fill_inplace(t, median + sigma * _rng(generator).standard_cauchy(size=tuple(t.shape)))
