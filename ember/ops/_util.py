"""Small helpers the op families share."""
import functools

from ember._tensor import Tensor


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
    """Turn NumPy's broadcasting ValueError into PyTorch's RuntimeError."""
    @functools.wraps(forward)
    def wrapper(ctx, *args, **kw):
        try:
            return forward(ctx, *args, **kw)
        except ValueError as e:
            shapes = [getattr(a, 'shape', ()) for a in args if hasattr(a, 'shape')]
            if len(shapes) >= 2 and 'broadcast' in str(e):
                raise broadcast_error(shapes[0], shapes[1]) from None
            raise
    return wrapper


def wrap_dim(dim, ndim):
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim


def wrap_dims(dims, ndim):
    if dims is None:
        return None
    if isinstance(dims, int):
        dims = (dims,)
    out = tuple(wrap_dim(d, ndim) for d in dims)
    if len(set(out)) != len(out):
        d = next(d for d in out if out.count(d) > 1)
        raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return out


def is_tensor(x):
    return isinstance(x, Tensor)


def shape_arg(size):
    """Accept f(2, 3), f((2, 3)), f([2, 3]) and f(ember.Size([2, 3]))."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    return tuple(int(s) for s in size)
