"""Random numbers with PyTorch's CPU streams: after the same seed, the same numbers bit for bit.

The generator (mt19937, PyTorch's state layout) and the distributions live in ``ember._random``;
this file is the public API: argument handling, PyTorch's errors, dtypes and devices.  Results
for a CUDA tensor are drawn on the host from the same streams and then moved, so they are
reproducible for a seed as well.
"""
import math
from operator import index as _index

import numpy as np

from ember import _formats, backend
from ember._device import as_device
from ember._dtype import get_default_dtype, to_dtype, int64
from ember._random import draw, serial
from ember._random.generator import Generator, default_generator
from ember._tensor import Tensor
from ember.ops.creation import _check_pin_memory, _factory_requires_grad, _pinned, refuse_unknown_keywords, size_arg
from ember.ops import _argparse
from ember.ops._draw_gradients import recorded
from ember.ops._argcheck import bad_factory_option, invalid_combination, signature_text
from ember.ops._registry import op
from ember.ops.inplace import write_out

__all__ = ['Generator', 'default_generator', 'manual_seed', 'seed', 'initial_seed', 'get_rng_state',
           'set_rng_state', 'rand', 'randn', 'rand_like', 'randn_like', 'randint', 'randint_like', 'randperm',
           'normal', 'bernoulli', 'multinomial', 'poisson']


@op('ember')
def manual_seed(seed):
    """Seed the default generator (and every CUDA device, whose tensors draw from it).

    Example::

        >>> _ = ember.manual_seed(42)
        >>> a = ember.rand(2)
        >>> _ = ember.manual_seed(42)
        >>> ember.equal(a, ember.rand(2))
        True
    """
    default_generator.manual_seed(seed)
    from ember import cuda
    cuda.manual_seed_all(seed)
    return default_generator


@op('ember')
def seed():
    """Seeds the default generator with a non-deterministic random number and returns it (a 64-bit integer).

    Example::

        >>> s = ember.seed()
        >>> ember.initial_seed() == s
        True
    """
    return default_generator.seed()


@op('ember')
def initial_seed():
    """Returns the seed the default generator was last seeded with, as a Python int.

    Example::

        >>> _ = ember.manual_seed(42)
        >>> ember.initial_seed()
        42
    """
    return default_generator.initial_seed()


@op('ember')
def get_rng_state():
    """The default generator's state: PyTorch's 5056-byte uint8 layout (interchangeable with it).

    Example::

        >>> state = ember.get_rng_state()
        >>> state.dtype, state.shape
        (ember.uint8, ember.Size([5056]))
        >>> first = ember.rand(2)
        >>> ember.set_rng_state(state)        # the same numbers again
        >>> ember.equal(ember.rand(2), first)
        True
    """
    return default_generator.get_state()


@op('ember')
def set_rng_state(new_state):
    """Restores the state of the default CPU generator from a ``uint8`` tensor returned by
    :func:`ember.get_rng_state` (PyTorch's state format, so a state saved by PyTorch restores here too).

    Args:
        new_state (ByteTensor): the desired state.

    Example::

        >>> state = ember.get_rng_state()
        >>> a = ember.rand(2)
        >>> ember.set_rng_state(state)
        >>> ember.equal(ember.rand(2), a)
        True
    """
    default_generator.set_state(new_state)


def _check_sampler_options(name, size, generator, dtype, device, requires_grad, layout):
    """PyTorch's "invalid combination" TypeError when ``rand``/``randn``'s options have the wrong type."""
    if (generator is None or isinstance(generator, Generator)) and \
            bad_factory_option(dtype, device, requires_grad, layout) is None:
        return
    given = {'generator': generator, 'dtype': dtype, 'layout': layout, 'device': device}
    kwargs = {k: v for k, v in given.items() if v is not None}
    if requires_grad is not False:
        kwargs['requires_grad'] = requires_grad
    _argparse.refuse_from_stack()      # the error of the function the user called (rand_like)
    raise (_argparse.explain('torch', name, size, kwargs)
           or invalid_combination(name, size, kwargs, signature_text(globals()[name])))


def _gen(generator):
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):     # (only an explicit generator= pays for this test)
        _argparse.refuse_from_stack()
    return generator


def _drawn(device, shape, np_dtype, draw):
    """``draw()``, the values of a new tensor; none on 'meta', whose tensors have no values (its
    generator is left as it is, as in PyTorch)."""
    if as_device(device).type == 'meta':
        return backend.meta_array(shape, np_dtype)
    return draw()


def _meta_draw(name, like, shape, dtype, out):
    """What a draw from the 'meta' tensor ``like`` returns: a result of ``shape`` and ``dtype`` and
    no values; the generator is left as it is, as in PyTorch."""
    return write_out(name, _finish(backend.meta_array(tuple(shape), dtype.np_dtype), dtype, like.device, False), out,
                     warn_resize=False)


def _finish(arr, dtype, device, requires_grad, pin_memory=False):
    dev = as_device(device)
    t = _pinned(Tensor._make(backend.move(np.asanyarray(arr).astype(dtype.np_dtype, copy=False), dev), dev), pin_memory)
    if requires_grad:
        _factory_requires_grad(t)
    return t


def _float_dtype(dtype, name):
    dt = to_dtype(dtype) if dtype is not None else get_default_dtype()
    if dt.category < 2 or dt.itemsize == 1:     # integers, bool and (the one-byte floats) float8
        raise NotImplementedError(f"\"{name}\" not implemented for '{_nm(dt)}'")
    return dt


def _nm(d):
    from ember._tensor import _scalar_type_name
    return _scalar_type_name(d)


def _numel(shape):
    return int(np.prod(shape, dtype=np.int64))


# ----------------------------------------------------------------------------- array draws
def _complex_draw(fill, n, np_dtype):
    # PyTorch fills a complex tensor as its real view: 2n interleaved real draws
    real = fill(2 * n, np.dtype(np_dtype).type(0).real.dtype)
    return np.ascontiguousarray(real).view(np_dtype)


def _uniform_values(gen, n, low, high, np_dtype, out=None):
    if np.dtype(np_dtype).kind == 'c':
        vals = _complex_draw(lambda m, dt: _uniform_values(gen, m, low, high, dt), n, np_dtype)
        return vals if out is None else _into(out, vals)
    return draw.uniform(gen, n, low, high, np.dtype(np_dtype), out)


def _normal_values(gen, n, mean, std, np_dtype, contiguous=True, out=None):
    """``n`` normals of ``np_dtype`` (into the flat array ``out`` when given)."""
    np_dtype = np.dtype(np_dtype)
    if np_dtype.kind == 'c':   # each part gets half the variance, as in PyTorch
        vals = _complex_draw(lambda m, dt: _normal_values(gen, m, mean, std / math.sqrt(2), dt, contiguous),
                             n, np_dtype)
        return vals if out is None else _into(out, vals)
    if np_dtype.itemsize == 2:   # float16/bfloat16: float32 blocks (with a padded last block), then rounded
        if n >= 16 and contiguous:
            vals = draw.normal_block(gen, n, mean, std, np.dtype(np.float32), padded_tail=True)
        else:
            vals = draw.normal_serial(gen, n, mean, std)
        return vals.astype(np_dtype) if out is None else _into(out, vals)
    return draw.normal(gen, n, mean, std, np_dtype, contiguous, out)


def _into(out, vals):
    out[...] = vals
    return out


@op('ember')
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False, **kwargs) -> Tensor:
    """Returns a tensor filled with random numbers from a uniform distribution on the interval ``[0, 1)``, with the
    shape given by ``size``. After the same seed the numbers are the ones PyTorch draws on the CPU.

    Args:
        size (int...): a sequence of integers defining the shape of the output tensor; a variable number of
            arguments or a collection like a list or tuple.

    Keyword args:
        out (Tensor, optional): the output tensor.
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.
        generator (:class:`ember.Generator`, optional): a pseudorandom number generator for sampling.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.rand(4)
        tensor([0.4963, 0.7682, 0.0885, 0.1320])
        >>> ember.rand(2, 3)
        tensor([[0.3074, 0.6341, 0.4901],
                [0.8964, 0.4556, 0.6323]])
    """
    _check_sampler_options('rand', size, generator, dtype, device, requires_grad, layout)
    _formats.check_layout('rand', layout)
    _check_pin_memory('rand', pin_memory, device)
    refuse_unknown_keywords('rand', size, kwargs)
    shape = size_arg('rand', size, kwargs.pop('size', None))
    dt = _float_dtype(dtype, 'check_uniform_bounds')
    vals = _drawn(device, shape, dt.np_dtype,
                  lambda: _uniform_values(_gen(generator), _numel(shape), 0.0, 1.0, dt.np_dtype).reshape(shape))
    return write_out('rand', _finish(vals, dt, device, requires_grad, pin_memory), out, warn_resize=False)


@op('ember')
def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, **kwargs) -> Tensor:
    """Returns a tensor filled with random numbers from the standard normal distribution (mean 0, variance 1), with
    the shape given by ``size``. After the same seed the numbers are the ones PyTorch draws on the CPU.

    Args:
        size (int...): a sequence of integers defining the shape of the output tensor; a variable number of
            arguments or a collection like a list or tuple.

    Keyword args:
        out (Tensor, optional): the output tensor.
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.
        generator (:class:`ember.Generator`, optional): a pseudorandom number generator for sampling.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.randn(4)
        tensor([ 1.5410, -0.2934, -2.1788,  0.5684])
        >>> ember.randn(2, 3)
        tensor([[-1.0845, -1.3986,  0.4033],
                [ 0.8380, -0.7193, -0.4033]])
    """
    _check_sampler_options('randn', size, generator, dtype, device, requires_grad, layout)
    _formats.check_layout('randn', layout)
    _check_pin_memory('randn', pin_memory, device)
    refuse_unknown_keywords('randn', size, kwargs)
    shape = size_arg('randn', size, kwargs.pop('size', None))
    dt = _float_dtype(dtype, 'normal_kernel_cpu')
    vals = _drawn(device, shape, dt.np_dtype,
                  lambda: _normal_values(_gen(generator), _numel(shape), 0.0, 1.0, dt.np_dtype).reshape(shape))
    return write_out('randn', _finish(vals, dt, device, requires_grad, pin_memory), out, warn_resize=False)




def _check_like_layout(name, input, layout, device):
    if isinstance(layout, _formats.layout) and layout is not _formats.strided:
        from ember.sparse._like import dense_input
        dense_input(name, input, layout, None, device, False)   # raises: no sparse kernel draws into it
    _formats.check_layout(name, layout)


def _like_format(name, result, like, memory_format):
    """``result`` laid out in memory as ``memory_format`` says (``preserve_format``: as ``like``)."""
    fmt = _formats.preserve_format if memory_format is None else memory_format
    result._data = _formats.arrange(result._xp, result._data, fmt, name, like=like._data)
    return result


@op('ember', guard=True)
def rand_like(input, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None, pin_memory=False):
    """Returns a tensor with the same size as ``input`` filled with random numbers from a uniform distribution on
    ``[0, 1)``: ``ember.rand(input.size(), dtype=input.dtype, layout=input.layout, device=input.device)``.

    Args:
        input (Tensor): the size of ``input`` determines the size of the output tensor.

    Keyword args:
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
            tensor. Default: ``ember.preserve_format``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.
        generator (:class:`ember.Generator`, optional): a pseudorandom number generator for sampling.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.rand_like(ember.zeros(2, 2))
        tensor([[0.4963, 0.7682],
                [0.0885, 0.1320]])
    """
    _check_like_layout('rand_like', input, layout, device)
    return _like_format('rand_like', rand(*input.shape, generator=generator, dtype=dtype or input.dtype,
                             device=device or input.device, requires_grad=requires_grad, pin_memory=pin_memory), input, memory_format)


@op('ember')
def randn_like(input, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None, pin_memory=False):
    """Returns a tensor with the same size as ``input`` filled with random numbers from the standard normal
    distribution: ``ember.randn(input.size(), dtype=input.dtype, layout=input.layout, device=input.device)``.

    Args:
        input (Tensor): the size of ``input`` determines the size of the output tensor.

    Keyword args:
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
            tensor. Default: ``ember.preserve_format``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.
        generator (:class:`ember.Generator`, optional): a pseudorandom number generator for sampling.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.randn_like(ember.zeros(3, dtype=ember.float64))
        tensor([ 1.5410, -0.2934, -2.1788], dtype=ember.float64)
    """
    _check_like_layout('randn_like', input, layout, device)
    return _like_format('randn_like', randn(*input.shape, generator=generator, dtype=dtype or input.dtype,
                              device=device or input.device, requires_grad=requires_grad, pin_memory=pin_memory), input, memory_format)


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

_C_INT_NAMES = {'uint8': 'unsigned char', 'int8': 'signed char', 'int16': 'short int', 'int32': 'int',
                'int64': 'long'}
_WIDE_DTYPES = ('int64', 'float32', 'float64', 'bfloat16')   # the dtypes random_(-2**63, None) accepts


def _int_draw(gen, n, low, high):
    """``n`` integers in [low, high) as PyTorch's random_(from, to) draws them: one word each
    for spans below 2**28, a 64-bit number each from there on."""
    span = high - low
    return draw.random_from_to(gen, n, low, span, span >= (1 << 28))


def _check_int_bounds(low, high, dt):
    if dt.category == 1:
        info = np.iinfo(dt.np_dtype)
        if low < info.min:
            raise RuntimeError(f"from is out of bounds for {_C_INT_NAMES[dt.name]}")
        if high - 1 > info.max:
            raise RuntimeError(f"to - 1 is out of bounds for {_C_INT_NAMES[dt.name]}")


@op('ember', guard=True)
def randint(low=0, high=None, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False, pin_memory=False):
    """Returns a tensor filled with random integers drawn uniformly from ``[low, high)``, with the shape ``size``.
    The dtype is ``int64`` unless ``dtype`` says otherwise.

    Args:
        low (int, optional): lowest integer to be drawn from the distribution. Default: ``0``.
        high (int): one above the highest integer to be drawn from the distribution.
        size (tuple): a tuple defining the shape of the output tensor.

    Keyword args:
        out (Tensor, optional): the output tensor.
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.
        generator (:class:`ember.Generator`, optional): a pseudorandom number generator for sampling.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.randint(3, 5, (3,))
        tensor([3, 4, 4])
        >>> ember.randint(10, (2, 2))
        tensor([[0, 3],
                [9, 7]])
        >>> ember.randint(3, 10, (2, 2))
        tensor([[6, 7],
                [8, 5]])
    """
    _formats.check_layout('randint', layout)
    _check_pin_memory('randint', pin_memory, device)
    if size is None:  # randint(high, size)
        if high is None:
            raise TypeError(_RANDINT_USAGE.format(got=type(low).__name__))
        low, high, size = 0, low, high
    elif high is None:  # randint(high, size=...)
        low, high = 0, low
    shape = size_arg('randint', size)    # (a sequence: randint(0, 5, 3) fails, and the guard gives PyTorch's error)
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dt = to_dtype(dtype) if dtype is not None else int64
    _check_int_bounds(low, high, dt)
    arr = _drawn(device, shape, np.int64,
                 lambda: _int_draw(_gen(generator), _numel(shape), _index(low), _index(high)).reshape(shape))
    return write_out('randint', _finish(arr, dt, device, requires_grad, pin_memory), out, warn_resize=False)


@op('ember', guard=True)
def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None, pin_memory=False):
    """Returns a tensor with the same shape as ``input`` filled with random integers drawn uniformly from ``[low,
    high)``.

    Args:
        input (Tensor): the size of ``input`` determines the size of the output tensor.
        low (int, optional): lowest integer to be drawn from the distribution. Default: ``0``.
        high (int): one above the highest integer to be drawn from the distribution.

    Keyword args:
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default: the
            global default (see :func:`ember.set_default_dtype`).
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        memory_format (:class:`ember.memory_format`, optional): the desired memory format of the returned
            tensor. Default: ``ember.preserve_format``.
        generator (:class:`ember.Generator`, optional): a pseudorandom number generator for sampling.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.randint_like(ember.zeros(4), 10)
        tensor([4., 9., 3., 0.])
    """
    _check_like_layout('randint_like', input, layout, device)
    if high is None:
        low, high = 0, low
    return _like_format('randint_like', randint(low, high, tuple(input.shape), generator=generator,
                                                dtype=dtype or input.dtype,
                                device=device or input.device, requires_grad=requires_grad, pin_memory=pin_memory),
                        input, memory_format)


_RANDPERM_SMALL = (1 << 32) // 20     # PyTorch changes algorithm at 2**32 / 20
_RANDPERM_TYPES = ('uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64')
# the largest n - 1 an integer result holds, and C's name for its type (PyTorch's overflow message)
_RANDPERM_INT_LIMITS = {'int8': (127, 'int8_t'), 'uint8': (255, 'uint8_t'), 'int16': (32767, 'int16_t'),
                        'uint16': (65535, 'uint16_t'), 'int32': (2 ** 31 - 1, 'int'), 'uint32': (2 ** 32 - 1, 'uint32_t')}
# the largest n whose numbers a floating result holds exactly
_RANDPERM_FLOAT_LIMITS = {'float16': (2049, '2049', 'Half'), 'float32': (2 ** 24 + 1, '2^24+1', 'Float'),
                          'float64': (2 ** 53 + 1, '2^53+1', 'Double')}


def _check_randperm_dtype(n, dt):
    """PyTorch's checks, in its order: n - 1 must fit an integer result, a floating result must hold
    0..n-1 exactly, then the dtypes randperm has a kernel for."""
    if dt.name in _RANDPERM_INT_LIMITS and n - 1 > _RANDPERM_INT_LIMITS[dt.name][0]:
        raise RuntimeError(f"value cannot be converted to type {_RANDPERM_INT_LIMITS[dt.name][1]} without overflow")
    if dt.name in _RANDPERM_FLOAT_LIMITS and n > _RANDPERM_FLOAT_LIMITS[dt.name][0]:
        _, bound, name = _RANDPERM_FLOAT_LIMITS[dt.name]
        raise RuntimeError(f"n cannot be greater than {bound} for {name} type.")
    if dt.name not in _RANDPERM_TYPES:
        raise NotImplementedError(f"\"randperm\" not implemented for '{_nm(dt)}'")


@op('ember', guard=True)
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    """Returns a random permutation of the integers from ``0`` to ``n - 1``.

    Args:
        n (int): the upper bound (exclusive).

    Keyword args:
        layout (:class:`ember.layout`, optional): the desired layout of the returned tensor. Default:
            ``ember.strided``.
        device (:class:`ember.device`, optional): the desired device of the returned tensor. Default: the
            current default device.
        requires_grad (bool, optional): whether autograd records operations on the returned tensor. Default:
            ``False``.
        pin_memory (bool, optional): allocate the returned tensor in pinned memory (CPU tensors only). Default:
            ``False``.
        generator (:class:`ember.Generator`, optional): a pseudorandom number generator for sampling.
        out (Tensor, optional): the output tensor.
        dtype (:class:`ember.dtype`, optional): the desired data type of the returned tensor. Default:
            ``ember.int64``.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.randperm(4)
        tensor([0, 1, 3, 2])
    """
    _formats.check_layout('randperm', layout)
    _check_pin_memory('randperm', pin_memory, device)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dt = to_dtype(dtype) if dtype is not None else out.dtype if isinstance(out, Tensor) else int64
    if as_device(device).type != 'meta':   # (PyTorch's meta kernel checks nothing)
        _check_randperm_dtype(n, dt)
    gen = _gen(generator)
    perm = _drawn(device, (n,), np.int64,
                  lambda: draw.randperm(gen, n, dt.np_dtype) if n < _RANDPERM_SMALL else draw.randperm_large(gen, n))
    return write_out('randperm', _finish(perm, dt, device, requires_grad, pin_memory), out, warn_resize=False)


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
           requires_grad=False, pin_memory=False):
    """The four PyTorch overloads: normal(Tensor, Tensor), normal(Tensor, float), normal(float, Tensor)
    and normal(float, float, size).  As in PyTorch, the Tensor forms draw standard normals (or
    normals with the float std) and then scale and shift them in separate steps.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.normal(0.0, 1.0, size=(3,))
        tensor([ 1.5410, -0.2934, -2.1788])
        >>> ember.normal(ember.zeros(2), 0.5).shape
        ember.Size([2])
    """
    _formats.check_layout('normal', layout)
    _check_pin_memory('normal', pin_memory, device)
    gen = _gen(generator)
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mt and not st:
        if size is None:
            raise TypeError(_NORMAL_USAGE.format(got=f"{type(mean).__name__}, {type(std).__name__}"))
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
        dt = _float_dtype(dtype, 'normal_kernel_cpu')
        try:
            shape = size_arg('normal', size)    # (a sequence: normal(0., 1., 3) is refused, as in PyTorch)
        except TypeError:       # PyTorch's argument error for the call
            _argparse.refuse_from_stack()
            raise
        z = _normal_values(gen, _numel(shape), mean, std, dt.np_dtype).reshape(shape)
        return write_out('normal', _finish(z, dt, device, requires_grad, pin_memory), out, warn_resize=False)
    ref = mean if mt else std
    if ref.dtype.category < 2:
        raise NotImplementedError(f"\"normal_kernel_cpu\" not implemented for '{_nm(ref.dtype)}'")
    shape = np.broadcast_shapes(tuple(mean.shape) if mt else (), tuple(std.shape) if st else ())
    if ref._device.type == 'meta':
        return _meta_draw('normal', ref, shape, ref.dtype, out)
    if st and (std._data < 0).any():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if not st and std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    np_dt = ref.dtype.np_dtype
    # (the draws are a fresh array of the result's shape and dtype: the steps write into it, each
    # computed in the operands' common type and rounded to the result's, as PyTorch's do)
    if not st:   # normal(Tensor mean, float std): normal_(0, std), then + mean
        z = _normal_values(gen, _numel(shape), 0.0, std, np_dt).reshape(shape)
    else:        # normal(., Tensor std): normal_(0, 1), then * std, then + mean
        z = _normal_values(gen, _numel(shape), 0.0, 1.0, np_dt).reshape(shape)
        np.multiply(z, backend.to_numpy(std._data), out=z, casting='unsafe')
    m = backend.to_numpy(mean._data) if mt else np.asarray(mean, np_dt)
    np.add(z, m, out=z, casting='unsafe')
    result = _finish(z, ref.dtype, ref.device, False, pin_memory)
    if out is None:
        node = 'NormalBackward3' if mt and st else 'NormalBackward1' if mt else 'NormalBackward2'
        return recorded(result, node, *[t for t in (mean, std) if isinstance(t, Tensor)])
    return write_out('normal', result, out)


_BERNOULLI_P_ERROR = ("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be "
                      "improved?  If so, please report an enhancement request to PyTorch.)")


@op('ember', guard=True)
def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 draws with probabilities ``input`` (or the number ``p``), in the input's dtype.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.bernoulli(ember.tensor([0., 0.5, 1.]))
        tensor([0., 0., 1.])
    """
    if p is None and input.dtype.category < 2:
        raise NotImplementedError(f"\"bernoulli_tensor_cpu_p_\" not implemented for '{_nm(input.dtype)}'")
    if p is not None:
        _check_bernoulli_p(p)
    if input._device.type == 'meta':
        return _meta_draw('bernoulli', input, input.shape, input.dtype, out)
    gen = _gen(generator)
    if p is None:
        probs = backend.to_numpy(input._data)
        if (probs < 0).any() or (probs > 1).any():
            raise RuntimeError(_BERNOULLI_P_ERROR)
        vals = draw.bernoulli_tensor(gen, np.ascontiguousarray(probs)).reshape(probs.shape)   # 0-d stays 0-d
    else:
        vals = draw.bernoulli_scalar(gen, input.numel(), p).reshape(tuple(input.shape))
    result = _finish(vals, input.dtype, input.device, False)
    if out is None:
        if p is None:
            return recorded(result, 'BernoulliBackward0', input)
        return recorded(result, 'NotImplemented', input, op='bernoulli')
    return write_out('bernoulli', result, out, warn_resize=False)


def _check_bernoulli_p(p):
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")


@op('ember', guard=True)
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Category indices drawn from each row of (unnormalised) probabilities, as PyTorch draws them:
    without replacement (or for one sample) the largest ``p / Exp(1)`` keys; with replacement a
    search of each row's cumulative distribution.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> w = ember.tensor([0., 10., 3., 0.])
        >>> ember.multinomial(w, 2)
        tensor([1, 2])
        >>> ember.multinomial(w, 4, replacement=True)
        tensor([1, 2, 1, 1])
    """
    if input.dtype.category < 2:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {_nm(input.dtype)}")
    if input._device.type == 'meta':
        if input.ndim not in (1, 2):
            raise RuntimeError("prob_dist must be 1 or 2 dim")
        if not replacement and num_samples > input.shape[-1]:
            raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
        return _meta_draw('multinomial', input, tuple(input.shape[:-1]) + (num_samples,), int64, out)
    probs = np.ascontiguousarray(backend.to_numpy(input._data))
    if probs.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    bad = ~(probs >= 0) | ~np.isfinite(probs)
    if bad.any():
        if replacement and num_samples > 1:     # (the sampling kernel's own check, element by element)
            first = probs.reshape(-1)[int(np.argmax(bad.reshape(-1)))]
            raise RuntimeError("invalid multinomial distribution (encountering probability entry "
                               f"{'< 0' if not first >= 0 else '= infinity or NaN'})")
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    rows = probs.reshape(-1, probs.shape[-1])
    n_rows, n_cat = rows.shape
    if not replacement and num_samples > n_cat:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if (rows.sum(axis=1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    gen = _gen(generator)
    if replacement and num_samples > 1:
        res = draw.multinomial_with_replacement(gen, rows, num_samples)
    else:
        res = draw.multinomial_without_replacement(gen, rows, num_samples)
    res = res.reshape(probs.shape[:-1] + (num_samples,))
    return write_out('multinomial', _finish(res, int64, input.device, False), out, warn_resize=False)


@op('ember')
def poisson(input, generator=None):
    """Poisson counts with rates ``input``, drawn as PyTorch's CPU generator draws them.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.poisson(ember.tensor([1., 4., 10.]))
        tensor([2., 5., 8.])
    """
    if input._device.type == 'meta':
        return _meta_draw('poisson', input, input.shape, input.dtype, None)
    lam = backend.to_numpy(input._data)
    if lam.size and not (lam >= 0).all():
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    counts = serial.poisson(_gen(generator), np.ascontiguousarray(lam)).reshape(lam.shape)   # 0-d stays 0-d
    return recorded(_finish(counts.astype(lam.dtype), input.dtype, input.device, False), 'PoissonBackward0', input)


@op('ember')
def _standard_gamma(input, generator=None):
    """Gamma(``input``, 1) draws, one per element, as PyTorch's CPU sampler draws them (its
    rejection loop on the generator's stream, each draw at least the dtype's smallest normal
    number); differentiable by the implicit reparameterisation gradient.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember._standard_gamma(ember.tensor([0.5, 1.0, 4.0]))
        tensor([7.8936e-04, 1.1898e-01, 3.9824e+00])
    """
    _require_float(input, 'gamma_cpu')
    from ember.distributions.gamma import _standard_gamma as draw
    return draw(input, generator)


@op('ember')
def _sample_dirichlet(input, generator=None):
    """Dirichlet draws, one per row of concentrations along the last dimension: Gamma draws in
    float64 normalised to sum to one, then rounded to the input's dtype (PyTorch's sampler and
    stream).

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember._sample_dirichlet(ember.tensor([[0.5, 1.0, 4.0]]))
        tensor([[1.9242e-04, 2.9005e-02, 9.7080e-01]])
    """
    _require_float(input, 'dirichlet')
    from ember.distributions.dirichlet import _sample_dirichlet as draw
    # no derivative, as in PyTorch (Dirichlet.rsample has its own backward)
    return recorded(draw(input, generator), 'NotImplemented', input, op='_sample_dirichlet')


# ----------------------------------------------------------------------------- in-place fills
def _iteration_view(arr):
    """``arr`` with its axes in memory order (largest stride first): the order in which PyTorch's
    serial kernels visit the elements of a strided tensor."""
    if arr.ndim < 2 or arr.flags.c_contiguous:
        return arr
    order = sorted(range(arr.ndim), key=lambda d: -abs(arr.strides[d]))
    return arr.transpose(order)


def _fill_inplace(t, values_fn, write_into=None):
    """Fill ``t`` with ``values_fn(n, contiguous)`` (a flat array in iteration order).
    ``write_into(n, flat)``, when given, writes the values straight into a contiguous CPU
    tensor's memory instead (no temporary of the tensor's size)."""
    from ember.ops.inplace import apply_inplace, check_inplace
    from ember.autograd import grad_mode
    check_inplace(t)
    if t._device.type == 'meta':   # no data to fill (initializing a model built on 'meta' costs nothing)
        return t
    in_graph = grad_mode.is_grad_enabled() and t._requires_grad
    host = backend.to_numpy(t._data)
    if write_into is not None and not in_graph and host is t._data and host.flags.c_contiguous:
        write_into(t.numel(), host.reshape(-1))
        t._version_counter.value += 1
        return t
    view = _iteration_view(host)
    flat = np.asarray(values_fn(t.numel(), bool(host.flags.c_contiguous)))
    ordered = np.empty(view.shape, t._data.dtype)
    ordered[...] = flat.reshape(view.shape)
    if view is not host:   # back to the tensor's logical axis order
        inverse = np.argsort(sorted(range(host.ndim), key=lambda d: -abs(host.strides[d])))
        ordered = ordered.transpose(inverse)
    values = backend.move(ordered, t._device)
    if in_graph:
        # a non-leaf in a graph: the new values do not depend on the old ones, so its history
        # becomes one with a zero gradient
        const = Tensor._make(values, t._device)
        return apply_inplace(t, lambda x: x * 0 + const)
    if backend.is_device_array(t._data):
        backend.write_into(t._data, values, t._device)
    else:
        t._data[...] = values
    t._version_counter.value += 1
    return t


def _require_float(t, name):
    if t.dtype.category < 2:
        raise NotImplementedError(f"\"{name}\" not implemented for '{_nm(t.dtype)}'")


def uniform_(t, from_=0.0, to=1.0, *, generator=None, **from_keyword):
    """Fills the tensor in place with numbers drawn uniformly from ``[from, to)`` and returns it. ``from`` is a
    Python keyword, so ``from_`` names it here; ``uniform_(**{'from': 0.5})`` works too, as in PyTorch.

    Args:
        from_ (float, optional): the lower bound. Default: ``0``.
        to (float, optional): the upper bound. Default: ``1``.

    Keyword args:
        generator (ember.Generator, optional): the random number generator to draw from.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.zeros(3).uniform_(-1, 1)
        tensor([-0.0075,  0.5364, -0.8230])
    """
    a, b = from_, to
    if from_keyword:
        unknown = [k for k in from_keyword if k != 'from']
        if unknown:
            raise TypeError(f"uniform_() got an unexpected keyword argument '{unknown[0]}'")
        a = from_keyword['from']
    _require_float(t, 'check_uniform_bounds')
    if a > b:
        # (the bounds printed as C++ streams print a double: 2.0 as 2, 1e10 as 1e+10)
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={float(a):g} > "
                           f"to={float(b):g}")
    gen = _gen(generator)
    return _fill_inplace(t, lambda n, c: _uniform_values(gen, n, a, b, t._data.dtype),
                         lambda n, flat: _uniform_values(gen, n, a, b, flat.dtype, flat))


def normal_(t, mean=0.0, std=1.0, *, generator=None):
    """Fills the tensor in place with numbers drawn from the normal distribution with mean ``mean`` and standard
    deviation ``std``, and returns it.

    Args:
        mean (float): the mean. Default: ``0``.
        std (float): the standard deviation. Default: ``1``.

    Keyword args:
        generator (:class:`ember.Generator`, optional): a pseudorandom number generator for sampling.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.empty(3).normal_(mean=2.0, std=0.5)
        tensor([2.7705, 1.8533, 0.9106])
    """
    _require_float(t, 'normal_kernel_cpu')
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    gen = _gen(generator)
    return _fill_inplace(t, lambda n, c: _normal_values(gen, n, mean, std, t._data.dtype, c),
                         lambda n, flat: _normal_values(gen, n, mean, std, flat.dtype, True, flat))


def bernoulli_(t, p=0.5, *, generator=None):
    """Fills the tensor in place with 0s and 1s drawn from a Bernoulli distribution with probability ``p`` of a 1,
    and returns it. ``p`` may be a number or a tensor of probabilities broadcastable to the tensor.

    Args:
        p (float or Tensor): the probability of drawing 1. Default: ``0.5``.

    Keyword args:
        generator (:class:`ember.Generator`, optional): a pseudorandom number generator for sampling.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.empty(6).bernoulli_(0.3)
        tensor([0., 0., 0., 0., 0., 0.])
    """
    gen = _gen(generator)
    if isinstance(p, Tensor):
        probs = backend.to_numpy(p._data)
        if (probs < 0).any() or (probs > 1).any():
            raise RuntimeError(_BERNOULLI_P_ERROR)
        probs = np.ascontiguousarray(np.broadcast_to(probs, tuple(t.shape)))
        return _fill_inplace(t, lambda n, c: draw.bernoulli_tensor(gen, probs).ravel())
    _check_bernoulli_p(p)
    return _fill_inplace(t, lambda n, c: draw.bernoulli_scalar(gen, n, p))


_INT_DIGITS = {'float16': 11, 'bfloat16': 8, 'float32': 24, 'float64': 53}


def _random_default_kind(dt):
    """(uses random64, modulus) of random_() without bounds; modulus None means ``w & 1``."""
    if dt.name == 'bool':
        return False, None
    if dt.name in _INT_DIGITS:
        return dt.name == 'float64', (1 << _INT_DIGITS[dt.name]) + 1
    return dt.name == 'int64', int(np.iinfo(dt.np_dtype).max) + 1


def _dtype_upper(dt):
    """The largest value random_(from, None) may produce for a dtype."""
    if dt.name == 'bool':
        return 1
    if dt.name in _INT_DIGITS:
        return 1 << _INT_DIGITS[dt.name]
    return int(np.iinfo(dt.np_dtype).max)


_TO_OMITTED = object()


def random_(t, from_=None, to=_TO_OMITTED, *, generator=None):
    """Fills the tensor in place with random integers (stored in its dtype) and returns it: ``random_()`` over
    the dtype's range of exactly representable integers, ``random_(to)`` from ``[0, to)``,
    ``random_(from, to)`` from ``[from, to)``, ``random_(from, None)`` up to the dtype's largest value.

    Args:
        from_ (int, optional): the lower bound, or the upper one when given alone.
        to (int, optional): the upper bound (excluded).

    Keyword args:
        generator (ember.Generator, optional): the random number generator to draw from.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.zeros(5).random_(10)
        tensor([4., 9., 3., 0., 3.])
        >>> ember.zeros(5).random_(3, 7)
        tensor([6., 6., 6., 4., 6.])
    """
    gen = _gen(generator)
    dt = t.dtype
    if to is _TO_OMITTED:
        from_, to = (None, None) if from_ is None else (0, from_)
    if from_ is None:
        kind = _random_default_kind(dt)
        return _fill_inplace(t, lambda n, c: draw.random_default(gen, n, kind))
    if to is None:
        if from_ == -(1 << 63):
            if dt.name == 'float16' or dt.name == 'bool' or dt.is_complex:
                raise NotImplementedError(f"\"random_full_64_bits_range_kernel_cpu\" not implemented for '{_nm(dt)}'")
            if dt.name not in _WIDE_DTYPES:
                raise RuntimeError("random_full_64_bits_range_kernel_cpu handles only int64, double, float and "
                                   "bfloat16")
            if dt.name == 'bfloat16':   # the 64-bit integer becomes a float first, then a bfloat16
                return _fill_inplace(t, lambda n, c: draw.random_full_64(gen, n).astype(np.float32))
            return _fill_inplace(t, lambda n, c: draw.random_full_64(gen, n))
        low, high = from_, _dtype_upper(dt) + 1
    else:
        low, high = from_, to
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    _check_int_bounds(low, high, dt)
    return _fill_inplace(t, lambda n, c: _int_draw(gen, n, int(low), int(high)))


def _require_continuous(t, distribution, type_name):
    if t.dtype.category < 2:
        raise RuntimeError(f"{distribution} distribution is a continuous probability distribution. dtype must be a "
                           f"floating point but you specified {type_name}")


def exponential_(t, lambd=1.0, *, generator=None):
    """Fills the tensor in place with numbers drawn from the exponential distribution of rate ``lambd`` (density
    ``lambd * exp(-lambd * x)``), and returns it.

    Args:
        lambd (float): the rate. Default: ``1``.

    Keyword args:
        generator (:class:`ember.Generator`, optional): a pseudorandom number generator for sampling.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.empty(3).exponential_(2.0)
        tensor([1.7542, 0.6152, 0.3075])
    """
    _require_continuous(t, 'Exponential', _nm(t.dtype))
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    gen = _gen(generator)
    return _fill_inplace(t, lambda n, c: draw.exponential(gen, n, lambd))


def geometric_(t, p, *, generator=None):
    """Fills the tensor in place with numbers drawn from the geometric distribution: the number of Bernoulli trials
    of success probability ``p`` up to and including the first success (values 1, 2, ...), and returns it.

    Args:
        p (float): the probability of success of each trial.

    Keyword args:
        generator (:class:`ember.Generator`, optional): a pseudorandom number generator for sampling.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.empty(5).geometric_(0.5)
        tensor([1., 1., 2., 1., 1.])
    """
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
    if t.dtype.name == 'bool' or t.dtype.is_complex:
        raise NotImplementedError(f"\"geometric_cpu\" not implemented for '{_nm(t.dtype)}'")
    gen = _gen(generator)
    return _fill_inplace(t, lambda n, c: draw.geometric(gen, n, p))


def log_normal_(t, mean=1.0, std=2.0, *, generator=None):
    """Fills the tensor in place with numbers drawn from the log-normal distribution: ``exp(X)`` for ``X`` normal
    with mean ``mean`` and standard deviation ``std``; returns it.

    Args:
        mean (float): the mean of the underlying normal distribution. Default: ``1``.
        std (float): the standard deviation of the underlying normal distribution. Default: ``2``.

    Keyword args:
        generator (:class:`ember.Generator`, optional): a pseudorandom number generator for sampling.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.empty(3).log_normal_(0.0, 0.25)
        tensor([1.4700, 0.9293, 0.5800])
    """
    _require_float(t, 'log_normal_cpu')
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
    gen = _gen(generator)
    return _fill_inplace(t, lambda n, c: draw.log_normal(gen, n, mean, std))


_CPP_TYPE_NAMES = {'bool': 'bool', 'uint8': 'unsigned char', 'int8': 'signed char', 'int16': 'short',
                   'int32': 'int', 'int64': 'long int'}


def cauchy_(t, median=0.0, sigma=1.0, *, generator=None):
    """Fills the tensor in place with numbers drawn from the Cauchy distribution with location ``median`` and scale
    ``sigma`` (density ``1 / (pi * sigma * (1 + ((x - median) / sigma)**2))``), and returns it.

    Args:
        median (float): the location. Default: ``0``.
        sigma (float): the scale. Default: ``1``.

    Keyword args:
        generator (:class:`ember.Generator`, optional): a pseudorandom number generator for sampling.

    Example::

        >>> _ = ember.manual_seed(0)
        >>> ember.empty(3).cauchy_()
        tensor([10.5977,  0.7648, -0.1283])
    """
    _require_continuous(t, 'Cauchy', _CPP_TYPE_NAMES.get(t.dtype.name))
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma:g}")
    gen = _gen(generator)
    return _fill_inplace(t, lambda n, c: draw.cauchy(gen, n, median, sigma))

