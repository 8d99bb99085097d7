"""Small helpers the op families share."""
import functools
from operator import index as _index

from ember._tensor import Tensor
from ember.ops import _argparse


def broadcast_error(a_shape, b_shape):
    """PyTorch's text for shapes that do not broadcast."""
    a, b = tuple(a_shape), tuple(b_shape)
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + a
    b = (1,) * (n - len(b)) + b
    for i in range(n - 1, -1, -1):
        if a[i] != b[i] and a[i] != 1 and b[i] != 1:
            return RuntimeError(f"The size of tensor a ({a[i]}) must match the size of tensor b ({b[i]}) "
                                f"at non-singleton dimension {i}")
    return RuntimeError(f"shapes {list(a_shape)} and {list(b_shape)} cannot be broadcast")


def elementwise(forward):
    """Mark a forward whose NumPy broadcasting ValueError must surface as PyTorch's RuntimeError.

    NOTE: the translation itself happens in ``Function.apply`` (a try around every forward costs
    nothing until it raises), so marking adds no call per op.
    """
    forward._broadcast_errors = True
    return forward


def translate_broadcast_error(e, raw_args):
    """PyTorch's RuntimeError for NumPy's "operands could not be broadcast" ValueError, else None."""
    shapes = [a.shape for a in raw_args if hasattr(a, 'shape')]
    if len(shapes) >= 2 and 'broadcast' in str(e):
        return broadcast_error(shapes[0], shapes[1])
    return None


class GivenDim(int):
    """A negative dim wrapped to its place (``-1`` of a 2-D tensor is 1) that still knows the value given:
    PyTorch's backward nodes show a dim as the user passed it (``grad_fn._saved_dim``). It is the int it
    equals everywhere else, and pickles and copies as that plain int."""

    def __reduce__(self):
        return (int, (int(self),))


def _given(place, dim):
    g = GivenDim(place)
    g.given = dim
    return g


# the negative dims of tensors up to 8-D, made once at import: _GIVEN[ndim][dim] for -ndim <= dim < 0
# (a dim of a wider tensor is made when it is wrapped: all 64 dims' would be 2,000 objects to make)
_GIVEN = [tuple(_given(n + d, d) for d in range(-n, 0)) for n in range(9)]     # (wrap_dim reads 8 as a literal)


def wrap_dim(dim, ndim):
    if dim.__class__ is GivenDim:
        return dim          # wrapped already by the op that called this one; the given value is kept
    n = max(ndim, 1)
    if dim.__class__ is not int and isinstance(dim, Tensor) and dim.ndim:
        # (a one-element tensor has an __index__, but PyTorch's parser takes only a 0-d one for an int dim)
        _argparse.refuse_from_stack()
        raise TypeError(f"dim must be an int, not a {dim.ndim}-d tensor")
    try:
        dim = _index(dim)   # (a float is refused, not used as the dim it equals)
        inside = -n <= dim < n
    except TypeError:       # a dim of the wrong type: PyTorch's argument error for the op called
        _argparse.refuse_from_stack()
        raise
    if not inside:
        _argparse.refuse_from_stack()
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    if dim >= 0:
        return dim
    return _GIVEN[n][dim] if n <= 8 else _given(dim + n, dim)


def wrap_dims(dims, ndim):
    if type(dims) is int and -ndim <= dims < ndim:
        # the common call (one dim, in range): what the general path below returns, without its
        # generator and duplicate check (a reduction along a dim ran them on every call)
        return (_GIVEN[ndim][dims] if dims < 0 and ndim <= 8 else wrap_dim(dims, ndim),)
    if dims is None:
        return None
    if isinstance(dims, Tensor):
        if dims.ndim:
            # PyTorch's parser reads a one-element integer tensor of any shape as a list of one dim
            # (x.sum(torch.tensor([1]))), and refuses a tensor of several dims
            if dims.numel() != 1 or dims.dtype.category != 1:
                _argparse.refuse_from_stack()
                raise TypeError(f'dim must be an int or a tuple of ints, not a {dims.ndim}-d tensor')
            dims = dims.reshape(())
        dims = (dims,)      # a 0-d integer tensor is one dim, as in PyTorch
    elif isinstance(dims, int):
        dims = (dims,)
    try:
        out = tuple(wrap_dim(d, ndim) for d in dims)
    except TypeError:       # not a sequence of dims: PyTorch's argument error for the op called
        _argparse.refuse_from_stack()
        raise
    if len(set(out)) != len(out):
        d = next(d for d in out if out.count(d) > 1)
        raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return out


def scalar_number(x):
    """A Scalar argument as PyTorch's parser reads it: a one-element tensor given for it (``alpha=ember.tensor(2)``)
    is its Python number, so it takes no part in type promotion."""
    return x.item() if isinstance(x, Tensor) else x


def is_tensor(x):
    return isinstance(x, Tensor)


def shape_arg(size):
    """Accept f(2, 3), f((2, 3)), f([2, 3]) and f(ember.Size([2, 3]))."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    try:
        return tuple(map(_index, size))     # (an int, an integer tensor; not 2.0, as in PyTorch)
    except (TypeError, ValueError):     # PyTorch's argument error for the op called
        _argparse.refuse_from_stack()
        raise


def require_tensor(obj, native=None, param='input', position=1):
    """For an op whose PyTorch function is a C function taking a tensor: PyTorch's argument error
    (``pixel_shuffle(): argument 'input' (position 1) must be Tensor, not NoneType``) when ``obj``,
    read from that argument, is not a tensor (ember's own code would fail later, naming an
    attribute PyTorch never mentions). ``native``: the C function's name where PyTorch's Python
    function hands its input to one of another name (``fold`` to ``col2im``)."""
    if not isinstance(obj, Tensor):
        if native is None:
            _argparse.refuse_from_stack()
        else:
            raise TypeError(f"{native}(): argument '{param}' (position {position}) must be Tensor, not "
                            f"{_argparse.type_name(obj)}")


def require_tensor_args(*objs):
    """For an op whose PyTorch function is a C function taking only tensors: PyTorch's argument
    error for the call when one of ``objs`` is not a tensor."""
    for obj in objs:
        if not isinstance(obj, Tensor):
            _argparse.refuse_from_stack()
            return


def int_arg(value):
    """An int argument of an op the user called that is not a plain int: the value as an int (a
    NumPy integer, a 0-d integer tensor), or PyTorch's argument error for the call (a float, a
    bool)."""
    try:
        if not isinstance(value, bool):
            return _index(value)
    except TypeError:
        pass
    _argparse.refuse_from_stack()
    raise TypeError(f"expected an int, not {_argparse.type_name(value)}")


def int_tensor_arg(value, one_element=False):
    """An int argument given as an integer tensor, read as PyTorch's argument parser reads it: a 0-d integer
    tensor that needs no gradient stands for its value (a count a library worked out with tensor ops, such as
    ``linspace(-0.5, 0.5, levels[i])``); a size argument (``one_element=True``, eye's ``n``) takes any
    one-element integer tensor. Anything else comes back as it was, for the caller's type error."""
    if (isinstance(value, Tensor) and value.dtype.category == 1 and not value.requires_grad
            and (value.dim() == 0 or one_element and value.numel() == 1)):
        return int(value.item())
    return value


def bool_refused(value, native, name, position):
    """PyTorch's argument error for a bool argument given ``value`` (its parser takes a bool and
    nothing else), for the call the user made when it can be rebuilt from the stack (an op the
    user called directly); else as from ``native``, to which PyTorch's Python function (or
    module) hands the argument at ``position``."""
    _argparse.refuse_from_stack()
    return TypeError(f"{native}(): argument '{name}' (position {position}) must be bool, not "
                     f"{_argparse.type_name(value)}")


def int_option(value, native, name, position):
    """An int option that the caller read as ``value`` was not a plain int: the value as an int
    (a NumPy integer, a 0-d integer tensor), or PyTorch's argument error from ``native``, the
    C function it hands the option to as argument ``name`` at ``position`` (a float, a bool)."""
    try:
        if not isinstance(value, bool):
            return _index(value)
    except TypeError:
        pass
    raise TypeError(f"{native}(): argument '{name}' (position {position}) must be int, not "
                    f"{_argparse.type_name(value)}")


def tensor_sequence(tensors):
    """For an op taking ``*tensors`` (PyTorch's C function reads them as one tensor list): PyTorch's
    TypeError for an element that is not a tensor."""
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {_argparse.type_name(t)}")


def python_check(error):
    """``error`` marked as one that PyTorch's Python function raises before its C function parses
    the arguments (a missing option, an option of the wrong kind): no argument error replaces it."""
    error._raised_by_python_check = True
    return error


def python_reads(obj, attribute):
    """For an op whose PyTorch function is Python code that starts with ``input.<attribute>``
    (``input.dim()``, ``input.size()``): that read, so a non-tensor fails with Python's
    AttributeError naming what PyTorch's code names."""
    if not isinstance(obj, Tensor):
        getattr(obj, attribute)
