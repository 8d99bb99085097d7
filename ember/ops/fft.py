"""Discrete Fourier transforms (PyTorch's ``torch.fft``), differentiable.

Three primitives do the work, as in PyTorch: complex-to-complex, real-to-complex (one-sided) and
complex-to-real. Each backward is another transform in the opposite direction with the dual
normalisation (the adjoint), so gradients of gradients work. ``n``/``s`` trim or zero-pad the
input first (differentiable ``narrow``/``cat``); ``hfft``/``ihfft`` are the c2r/r2c transforms of
the conjugate.
"""
import numpy as np

from ember.autograd import _saved_attrs as _sa
from ember.autograd.function import Primitive
from ember.ops._registry import op
from ember.ops.inplace import write_out
from ember._formats import strided as _strided
from ember.ops._util import wrap_dim
from ember.ops.complex import conj, conj_physical, real
from ember.ops.padding import ConstantPadNd

_DUAL = {'backward': 'forward', 'forward': 'backward', 'ortho': 'ortho'}


def _norm(norm):
    if norm is None:
        return 'backward'
    if norm not in _DUAL:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    return norm


def _cdtype(a):
    return np.complex128 if a.dtype in (np.float64, np.complex128) else np.complex64


def _rdtype(a):
    return np.float64 if a.dtype in (np.float64, np.complex128) else np.float32


def _normalization(norm, forward):
    """PyTorch's ``fft_norm_mode`` as its nodes show it: 0 unscaled, 1 by sqrt(n), 2 by n."""
    return {'backward': 0, 'ortho': 1, 'forward': 2}[norm if forward else _DUAL[norm]]


def _dims(node):
    return tuple(int(d) for d in node.args[0])     # (wrapped: PyTorch's transforms get them so)


class FftC2C(Primitive):
    _profile_name = 'aten::_fft_c2c'
    node_name = 'FftC2CBackward0'
    saved_attrs = {'dim': _dims, 'forward': _sa.item('args', 1),
                   'normalization': lambda node: _normalization(node.args[2], node.args[1])}

    @staticmethod
    def forward(ctx, x, dims, forward, norm):
        xp = ctx.xp
        ctx.args = (dims, forward, norm, x.dtype.kind != 'c')
        fn = xp.fft.fftn if forward else xp.fft.ifftn
        return fn(x, axes=dims, norm=norm).astype(_cdtype(x), copy=False)

    @staticmethod
    def backward(ctx, g):
        dims, forward, norm, real_input = ctx.args
        gx = FftC2C.apply(g, dims, not forward, _DUAL[norm])
        return (real(gx) if real_input else gx), None, None, None


class FftR2C(Primitive):
    """The transform of a real input: the non-negative frequencies of the last dim (``onesided``, rfft's), or
    the whole spectrum (fft's of a real input)."""
    _profile_name = 'aten::_fft_r2c'
    node_name = 'FftR2CBackward0'
    saved_names = ('self',)
    saved_attrs = {'dim': _dims, 'normalization': lambda node: _normalization(node.args[1], True),
                   'onesided': _sa.item('args', 3), 'self': _sa.saved(0)}

    @staticmethod
    def forward(ctx, x, dims, norm, onesided=True):
        xp = ctx.xp
        ctx.args = (dims, norm, x.shape[dims[-1]], onesided)
        ctx.save_for_backward(x)
        fn = xp.fft.rfftn if onesided else xp.fft.fftn
        return fn(x, axes=dims, norm=norm).astype(_cdtype(x), copy=False)

    @staticmethod
    def backward(ctx, g):
        # the adjoint of keeping half the spectrum: zero-pad it back, inverse c2c, real part
        from ember.ops.shape import cat
        dims, norm, n, _ = ctx.args
        last = dims[-1]
        missing = n - g.shape[last]
        if missing:
            shape = list(g.shape)
            shape[last] = missing
            g = cat([g, g.new_zeros(tuple(shape))], last)
        return real(FftC2C.apply(g, dims, False, _DUAL[norm])), None, None, None


class FftC2R(Primitive):
    _profile_name = 'aten::_fft_c2r'
    node_name = 'FftC2RBackward0'
    saved_attrs = {'dim': _dims, 'normalization': lambda node: _normalization(node.args[2], False)}

    @staticmethod
    def forward(ctx, x, dims, n, norm):
        xp = ctx.xp
        ctx.args = (dims, n, norm, x.shape[dims[-1]])
        sizes = [x.shape[d] for d in dims[:-1]] + [n]
        return xp.fft.irfftn(x, s=sizes, axes=dims, norm=norm).astype(_rdtype(x), copy=False)

    @staticmethod
    def backward(ctx, g):
        # r2c of the gradient, with the entries that stand for two conjugate terms counted twice
        dims, n, norm, half = ctx.args
        gx = FftR2C.apply(g, dims, _DUAL[norm])
        twice = n - half
        if twice > 0:
            last = dims[-1]
            scale = np.ones(half, dtype=_rdtype(g._data))
            scale[1:1 + twice] = 2
            shape = [1] * g.ndim
            shape[last] = half
            from ember._tensor import Tensor
            from ember import backend
            gx = gx * Tensor._make(backend.move(scale.reshape(shape), g.device), g.device)
        return gx, None, None, None


# ------------------------------------------------------------ argument handling
def _float_input(x):
    if x.dtype.is_floating_point or x.dtype.is_complex:
        if x.dtype.itemsize == 2 and (x.dtype.name == 'bfloat16' or x.device.type != 'cuda'):
            # PyTorch's CPU FFT has no half-precision kernels (cuFFT takes float16, giving complex32)
            from ember._tensor import _scalar_type_name
            raise RuntimeError(f"Unsupported dtype {_scalar_type_name(x.dtype)}")
        return x
    from ember._dtype import get_default_dtype
    return x.to(get_default_dtype())


class FftPad(ConstantPadNd):
    """The zero-padding before a transform: ``constant_pad_nd`` with a pad for every dim, which its node
    shows whole, as PyTorch's does (an ``F.pad`` call's shows only the dims it was given)."""
    node_name = ConstantPadNd.node_name
    saved_attrs = {'pad': lambda node: tuple(_sa.as_int64(v) for pair in reversed(node.pads) for v in pair)}


def _resize(x, dims, sizes):
    """``x`` trimmed (a slice per dim) then zero-padded (one pad over all dims) to ``sizes`` along ``dims``,
    differentiably and with PyTorch's nodes."""
    for d, n in zip(dims, sizes):
        if n < x.shape[d]:
            x = x.narrow(d, 0, n)
    pads = [(0, 0)] * x.ndim
    for d, n in zip(dims, sizes):
        pads[d] = (0, max(n - x.shape[d], 0))
    return FftPad.apply(x, tuple(pads), 0) if any(a for _, a in pads) else x


def _check_n(n):
    if n is not None and n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")


def _dims_and_sizes(x, s, dim):
    """PyTorch's rules for (s, dim) of the n-dimensional transforms."""
    if dim is not None and isinstance(dim, int):
        dim = (dim,)
    if s is not None:
        s = tuple(s)
        if dim is not None and len(dim) != len(s):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
        if dim is None:
            if len(s) > x.ndim:
                raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {x.ndim} dimensions.")
            dim = tuple(range(x.ndim - len(s), x.ndim))
    dims = tuple(wrap_dim(d, x.ndim) for d in (range(x.ndim) if dim is None else dim))
    if len(set(dims)) != len(dims):
        raise RuntimeError("FFT dims must be unique")
    for n in s or ():
        if n != -1:
            _check_n(n)
    sizes = [x.shape[d] if s is None or s[i] == -1 else s[i] for i, d in enumerate(dims)]
    return dims, sizes


def _c2c(x, s, dim, norm, forward, one_dim=False):
    x = _float_input(x)
    norm = _norm(norm)
    dims, sizes = _dims_and_sizes(x, s, dim)
    for n in sizes:
        _check_n(n)     # (an empty dimension transformed as it is)
    if not x.dtype.is_complex:
        if one_dim:     # fft/ifft of a real signal: PyTorch's whole-spectrum r2c (conjugated for the inverse)
            y = FftR2C.apply(_resize(x, dims, sizes), dims, norm if forward else _DUAL[norm], False)
            return y if forward else conj(y)
        x = _complex_input(x)
    return FftC2C.apply(_resize(x, dims, sizes), dims, forward, norm)


def _check_real(name, x):
    if x.dtype.is_complex:
        from ember._tensor import _scalar_type_name
        raise RuntimeError(f"{name} expects a real input tensor, but got {_scalar_type_name(x.dtype)}")


def _r2c(name, x, s, dim, norm):
    _check_real(name, x)
    x = _float_input(x)
    norm = _norm(norm)
    dims, sizes = _dims_and_sizes(x, s, dim)
    for n in sizes:
        _check_n(n)     # (an empty dimension transformed as it is)
    return FftR2C.apply(_resize(x, dims, sizes), dims, norm)


def _ihfftn(x, s, dim, norm):
    """``ihfft2``/``ihfftn`` as PyTorch records them: the one-sided r2c of the last dim, conjugated, then the
    inverse c2c of the others (each step normalised over its own dims)."""
    _check_real('ihfftn', x)
    x = _float_input(x)
    norm = _norm(norm)
    dims, sizes = _dims_and_sizes(x, s, dim)
    for n in sizes:
        _check_n(n)
    y = _r2c('ihfftn', _resize(x, dims, sizes), None, dims[-1:], _DUAL[norm])
    if len(dims) == 1:
        return conj(y)
    return FftC2C.apply(conj_physical(y), dims[:-1], False, norm)


def _complex_input(x):
    x = _float_input(x)
    if x.dtype.is_complex:
        return x
    from ember._dtype import from_numpy_dtype
    return x.to(from_numpy_dtype(_cdtype(x._data)))


def _c2r(x, s, dim, norm, hermitian=False):
    """irfft*'s c2r; with ``hermitian`` hfft*'s, as PyTorch records it: a forward c2c of all but the last dim,
    conjugated, then the c2r of the last with the dual normalisation."""
    x = _complex_input(x)
    norm = _norm(norm)
    dims, sizes = _dims_and_sizes(x, s, dim)
    if s is None or s[-1] == -1:
        sizes[-1] = 2 * (x.shape[dims[-1]] - 1)
    n = sizes[-1]
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")
    x = _resize(x, dims, sizes[:-1] + [n // 2 + 1])
    if not hermitian:
        return FftC2R.apply(x, dims, n, norm)
    if len(dims) > 1:
        x = FftC2C.apply(x, dims[:-1], True, norm)
    return FftC2R.apply(conj(x), dims[-1:], n, _DUAL[norm])


def _one(n, dim):
    _check_n(n)
    return (None if n is None else (n,)), (dim,)




# ----------------------------------------------------------- the transforms
@op('fft')
def fft(input, n=None, dim=-1, norm=None, *, out=None):
    r"""Computes the one-dimensional discrete Fourier transform of ``input``.

    Real inputs are promoted to the matching complex dtype; the result is complex and has the
    same shape as ``input`` except along ``dim``, which has ``n`` points.

    Args:
        input (Tensor): the input signal.
        n (int, optional): signal length. The input is zero-padded or trimmed along ``dim`` to this
            length; by default the length of ``dim`` is used.
        dim (int, optional): the dimension to transform. Default: ``-1``.
        norm (str, optional): scaling convention. ``"backward"`` (the default, same as ``None``)
            leaves the forward transform unscaled and divides the inverse by ``n``; ``"ortho"`` divides
            both by ``sqrt(n)``; ``"forward"`` divides the forward transform by ``n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> x = ember.tensor([1., 2., 3., 4.])
        >>> ember.fft.fft(x)
        tensor([10.+0.j, -2.+2.j, -2.+0.j, -2.-2.j])
    """
    return write_out('fft_fft', _c2c(input, *_one(n, dim), norm, True, one_dim=True), out)


@op('fft')
def ifft(input, n=None, dim=-1, norm=None, *, out=None):
    r"""Computes the one-dimensional inverse discrete Fourier transform of ``input``.

    With the default ``norm`` it undoes :func:`ember.fft.fft`. The result is complex.

    Args:
        input (Tensor): the input signal.
        n (int, optional): signal length. The input is zero-padded or trimmed along ``dim`` to this
            length; by default the length of ``dim`` is used.
        dim (int, optional): the dimension to transform. Default: ``-1``.
        norm (str, optional): scaling convention. ``"backward"`` (the default, same as ``None``)
            leaves the forward transform unscaled and divides the inverse by ``n``; ``"ortho"`` divides
            both by ``sqrt(n)``; ``"forward"`` divides the forward transform by ``n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> X = ember.tensor([10.+0.j, -2.+2.j, -2.+0.j, -2.-2.j])
        >>> ember.fft.ifft(X)
        tensor([1.+0.j, 2.+0.j, 3.+0.j, 4.+0.j])
    """
    return write_out('fft_ifft', _c2c(input, *_one(n, dim), norm, False, one_dim=True), out)


@op('fft')
def fft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    r"""Computes the two-dimensional discrete Fourier transform of ``input``.

    It transforms the last two dimensions by default; leading dimensions are treated as a batch.
    The result is complex.

    Args:
        input (Tensor): the input signal.
        s (Tuple[int], optional): signal size in each transformed dimension; the input is zero-padded
            or trimmed to it. By default the input's own sizes are used.
        dim (Tuple[int], optional): the dimensions to transform. Default: ``(-2, -1)``.
        norm (str, optional): scaling convention. ``"backward"`` (the default, same as ``None``)
            leaves the forward transform unscaled and divides the inverse by ``n``; ``"ortho"`` divides
            both by ``sqrt(n)``; ``"forward"`` divides the forward transform by ``n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> x = ember.ones(2, 2)
        >>> ember.fft.fft2(x)
        tensor([[4.+0.j, 0.+0.j],
                [0.+0.j, 0.+0.j]])
    """
    return write_out('fft_fft2', _c2c(input, s, dim, norm, True), out)


@op('fft')
def ifft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    r"""Computes the two-dimensional inverse discrete Fourier transform of ``input``.

    With the default ``norm`` it undoes :func:`ember.fft.fft2`. The result is complex.

    Args:
        input (Tensor): the input signal.
        s (Tuple[int], optional): signal size in each transformed dimension; the input is zero-padded
            or trimmed to it. By default the input's own sizes are used.
        dim (Tuple[int], optional): the dimensions to transform. Default: ``(-2, -1)``.
        norm (str, optional): scaling convention. ``"backward"`` (the default, same as ``None``)
            leaves the forward transform unscaled and divides the inverse by ``n``; ``"ortho"`` divides
            both by ``sqrt(n)``; ``"forward"`` divides the forward transform by ``n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> X = ember.tensor([[4.+0.j, 0.+0.j], [0.+0.j, 0.+0.j]])
        >>> ember.fft.ifft2(X)
        tensor([[1.+0.j, 1.+0.j],
                [1.+0.j, 1.+0.j]])
    """
    return write_out('fft_ifft2', _c2c(input, s, dim, norm, False), out)


@op('fft')
def fftn(input, s=None, dim=None, norm=None, *, out=None):
    r"""Computes the N-dimensional discrete Fourier transform of ``input``.

    The result is complex and has the shape of ``input``, resized to ``s`` in the transformed
    dimensions.

    Args:
        input (Tensor): the input signal.
        s (Tuple[int], optional): signal size in each transformed dimension; the input is zero-padded
            or trimmed to it. By default the input's own sizes are used.
        dim (Tuple[int], optional): the dimensions to transform. Default: ``None`` (all dimensions, or the last ``len(s)`` when ``s`` is given).
        norm (str, optional): scaling convention. ``"backward"`` (the default, same as ``None``)
            leaves the forward transform unscaled and divides the inverse by ``n``; ``"ortho"`` divides
            both by ``sqrt(n)``; ``"forward"`` divides the forward transform by ``n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> x = ember.ones(2, 2, 2)
        >>> ember.fft.fftn(x)[0]
        tensor([[8.+0.j, 0.+0.j],
                [0.+0.j, 0.+0.j]])
    """
    return write_out('fft_fftn', _c2c(input, s, dim, norm, True), out)


@op('fft')
def ifftn(input, s=None, dim=None, norm=None, *, out=None):
    r"""Computes the N-dimensional inverse discrete Fourier transform of ``input``.

    With the default ``norm`` it undoes :func:`ember.fft.fftn`. The result is complex.

    Args:
        input (Tensor): the input signal.
        s (Tuple[int], optional): signal size in each transformed dimension; the input is zero-padded
            or trimmed to it. By default the input's own sizes are used.
        dim (Tuple[int], optional): the dimensions to transform. Default: ``None`` (all dimensions, or the last ``len(s)`` when ``s`` is given).
        norm (str, optional): scaling convention. ``"backward"`` (the default, same as ``None``)
            leaves the forward transform unscaled and divides the inverse by ``n``; ``"ortho"`` divides
            both by ``sqrt(n)``; ``"forward"`` divides the forward transform by ``n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> X = ember.zeros(2, 2, dtype=ember.complex64)
        >>> X[0, 0] = 4
        >>> ember.fft.ifftn(X)
        tensor([[1.+0.j, 1.+0.j],
                [1.+0.j, 1.+0.j]])
    """
    return write_out('fft_ifftn', _c2c(input, s, dim, norm, False), out)


@op('fft')
def rfft(input, n=None, dim=-1, norm=None, *, out=None):
    r"""Computes the one-dimensional discrete Fourier transform of a real ``input``.

    Because the spectrum of a real signal is Hermitian-symmetric, only the ``n // 2 + 1``
    non-negative frequencies are returned. Complex inputs are rejected.

    Args:
        input (Tensor): the input signal.
        n (int, optional): signal length. The input is zero-padded or trimmed along ``dim`` to this
            length; by default the length of ``dim`` is used.
        dim (int, optional): the dimension to transform. Default: ``-1``.
        norm (str, optional): scaling convention. ``"backward"`` (the default, same as ``None``)
            leaves the forward transform unscaled and divides the inverse by ``n``; ``"ortho"`` divides
            both by ``sqrt(n)``; ``"forward"`` divides the forward transform by ``n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> x = ember.tensor([1., 2., 3., 4.])
        >>> ember.fft.rfft(x)
        tensor([10.+0.j, -2.+2.j, -2.+0.j])
    """
    return write_out('fft_rfft', _r2c('rfft', input, *_one(n, dim), norm), out)


@op('fft')
def rfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    r"""Computes the two-dimensional discrete Fourier transform of a real ``input``.

    Only the non-negative frequencies of the last transformed dimension are kept (``s[-1] // 2 + 1``
    points).

    Args:
        input (Tensor): the input signal.
        s (Tuple[int], optional): signal size in each transformed dimension; the input is zero-padded
            or trimmed to it. By default the input's own sizes are used.
        dim (Tuple[int], optional): the dimensions to transform. Default: ``(-2, -1)``.
        norm (str, optional): scaling convention. ``"backward"`` (the default, same as ``None``)
            leaves the forward transform unscaled and divides the inverse by ``n``; ``"ortho"`` divides
            both by ``sqrt(n)``; ``"forward"`` divides the forward transform by ``n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> x = ember.ones(2, 4)
        >>> ember.fft.rfft2(x)
        tensor([[8.+0.j, 0.+0.j, 0.+0.j],
                [0.+0.j, 0.+0.j, 0.+0.j]])
    """
    return write_out('fft_rfft2', _r2c('rfftn', input, s, dim, norm), out)


@op('fft')
def rfftn(input, s=None, dim=None, norm=None, *, out=None):
    r"""Computes the N-dimensional discrete Fourier transform of a real ``input``.

    Only the non-negative frequencies of the last transformed dimension are kept.

    Args:
        input (Tensor): the input signal.
        s (Tuple[int], optional): signal size in each transformed dimension; the input is zero-padded
            or trimmed to it. By default the input's own sizes are used.
        dim (Tuple[int], optional): the dimensions to transform. Default: ``None`` (all dimensions, or the last ``len(s)`` when ``s`` is given).
        norm (str, optional): scaling convention. ``"backward"`` (the default, same as ``None``)
            leaves the forward transform unscaled and divides the inverse by ``n``; ``"ortho"`` divides
            both by ``sqrt(n)``; ``"forward"`` divides the forward transform by ``n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> x = ember.ones(2, 2, 2)
        >>> ember.fft.rfftn(x).shape
        ember.Size([2, 2, 2])
    """
    return write_out('fft_rfftn', _r2c('rfftn', input, s, dim, norm), out)


@op('fft')
def irfft(input, n=None, dim=-1, norm=None, *, out=None):
    r"""Computes the inverse of :func:`ember.fft.rfft`, giving a real signal.

    ``input`` holds the non-negative frequencies of a Hermitian-symmetric spectrum. The output
    length is ``n``, which defaults to ``2 * (m - 1)`` where ``m`` is the size of ``input`` along
    ``dim``; pass ``n`` to recover odd-length signals.

    Args:
        input (Tensor): the input signal.
        n (int, optional): length of the real output. Default: ``2 * (input.size(dim) - 1)``.
        dim (int, optional): the dimension to transform. Default: ``-1``.
        norm (str, optional): scaling convention. ``"backward"`` (the default, same as ``None``)
            leaves the forward transform unscaled and divides the inverse by ``n``; ``"ortho"`` divides
            both by ``sqrt(n)``; ``"forward"`` divides the forward transform by ``n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> X = ember.tensor([10.+0.j, -2.+2.j, -2.+0.j])
        >>> ember.fft.irfft(X)
        tensor([1., 2., 3., 4.])
    """
    return write_out('fft_irfft', _c2r(input, *_one(n, dim), norm), out)


@op('fft')
def irfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    r"""Computes the inverse of :func:`ember.fft.rfft2`, giving a real result.

    The last transformed dimension of the output has ``2 * (m - 1)`` points unless ``s`` says
    otherwise, where ``m`` is its size in ``input``.

    Args:
        input (Tensor): the input signal.
        s (Tuple[int], optional): signal size in each transformed dimension; the input is zero-padded
            or trimmed to it. By default the input's own sizes are used.
        dim (Tuple[int], optional): the dimensions to transform. Default: ``(-2, -1)``.
        norm (str, optional): scaling convention. ``"backward"`` (the default, same as ``None``)
            leaves the forward transform unscaled and divides the inverse by ``n``; ``"ortho"`` divides
            both by ``sqrt(n)``; ``"forward"`` divides the forward transform by ``n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> X = ember.tensor([[8.+0.j, 0.+0.j, 0.+0.j], [0.+0.j, 0.+0.j, 0.+0.j]])
        >>> ember.fft.irfft2(X)
        tensor([[1., 1., 1., 1.],
                [1., 1., 1., 1.]])
    """
    return write_out('fft_irfft2', _c2r(input, s, dim, norm), out)


@op('fft')
def irfftn(input, s=None, dim=None, norm=None, *, out=None):
    r"""Computes the inverse of :func:`ember.fft.rfftn`, giving a real result.

    The last transformed dimension of the output has ``2 * (m - 1)`` points unless ``s`` says
    otherwise, where ``m`` is its size in ``input``.

    Args:
        input (Tensor): the input signal.
        s (Tuple[int], optional): signal size in each transformed dimension; the input is zero-padded
            or trimmed to it. By default the input's own sizes are used.
        dim (Tuple[int], optional): the dimensions to transform. Default: ``None`` (all dimensions, or the last ``len(s)`` when ``s`` is given).
        norm (str, optional): scaling convention. ``"backward"`` (the default, same as ``None``)
            leaves the forward transform unscaled and divides the inverse by ``n``; ``"ortho"`` divides
            both by ``sqrt(n)``; ``"forward"`` divides the forward transform by ``n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> X = ember.zeros(2, 2, 3, dtype=ember.complex64)
        >>> X[0, 0, 0] = 16
        >>> ember.fft.irfftn(X)
        tensor([[[1., 1., 1., 1.],
                 [1., 1., 1., 1.]],
        <BLANKLINE>
                [[1., 1., 1., 1.],
                 [1., 1., 1., 1.]]])
    """
    return write_out('fft_irfftn', _c2r(input, s, dim, norm), out)


# hfft* take a Hermitian half-spectrum to a real signal: the c2r transform of its conjugate, in the
# forward direction (so with the dual normalisation); ihfft* are their inverses
@op('fft')
def hfft(input, n=None, dim=-1, norm=None, *, out=None):
    r"""Computes the one-dimensional discrete Fourier transform of a Hermitian-symmetric signal.

    ``input`` holds the first half of a signal whose full form is Hermitian-symmetric in time; its
    spectrum is real, so the result is real with ``n`` points (default ``2 * (m - 1)``).

    Args:
        input (Tensor): the input signal.
        n (int, optional): length of the real output. Default: ``2 * (input.size(dim) - 1)``.
        dim (int, optional): the dimension to transform. Default: ``-1``.
        norm (str, optional): scaling convention. ``"backward"`` (the default, same as ``None``)
            leaves the forward transform unscaled and divides the inverse by ``n``; ``"ortho"`` divides
            both by ``sqrt(n)``; ``"forward"`` divides the forward transform by ``n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> x = ember.tensor([1.+0.j, 2.+0.j, 3.+0.j])
        >>> ember.fft.hfft(x)
        tensor([ 8., -2.,  0., -2.])
    """
    return write_out('fft_hfft', _c2r(input, *_one(n, dim), norm, hermitian=True), out)


@op('fft')
def hfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    r"""Computes the two-dimensional discrete Fourier transform of a Hermitian-symmetric signal.

    The result is real; the last transformed dimension has ``2 * (m - 1)`` points unless ``s``
    says otherwise.

    Args:
        input (Tensor): the input signal.
        s (Tuple[int], optional): signal size in each transformed dimension; the input is zero-padded
            or trimmed to it. By default the input's own sizes are used.
        dim (Tuple[int], optional): the dimensions to transform. Default: ``(-2, -1)``.
        norm (str, optional): scaling convention. ``"backward"`` (the default, same as ``None``)
            leaves the forward transform unscaled and divides the inverse by ``n``; ``"ortho"`` divides
            both by ``sqrt(n)``; ``"forward"`` divides the forward transform by ``n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> x = ember.zeros(2, 3, dtype=ember.complex64)
        >>> x[0, 0] = 1
        >>> ember.fft.hfft2(x)
        tensor([[1., 1., 1., 1.],
                [1., 1., 1., 1.]])
    """
    return write_out('fft_hfft2', _c2r(input, s, dim, norm, hermitian=True), out)


@op('fft')
def hfftn(input, s=None, dim=None, norm=None, *, out=None):
    r"""Computes the N-dimensional discrete Fourier transform of a Hermitian-symmetric signal.

    The result is real; the last transformed dimension has ``2 * (m - 1)`` points unless ``s``
    says otherwise.

    Args:
        input (Tensor): the input signal.
        s (Tuple[int], optional): signal size in each transformed dimension; the input is zero-padded
            or trimmed to it. By default the input's own sizes are used.
        dim (Tuple[int], optional): the dimensions to transform. Default: ``None`` (all dimensions, or the last ``len(s)`` when ``s`` is given).
        norm (str, optional): scaling convention. ``"backward"`` (the default, same as ``None``)
            leaves the forward transform unscaled and divides the inverse by ``n``; ``"ortho"`` divides
            both by ``sqrt(n)``; ``"forward"`` divides the forward transform by ``n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> x = ember.zeros(2, 2, 3, dtype=ember.complex64)
        >>> x[0, 0, 0] = 1
        >>> ember.fft.hfftn(x).shape
        ember.Size([2, 2, 4])
    """
    return write_out('fft_hfftn', _c2r(input, s, dim, norm, hermitian=True), out)


@op('fft')
def ihfft(input, n=None, dim=-1, norm=None, *, out=None):
    r"""Computes the inverse of :func:`ember.fft.hfft` for a real ``input``.

    Only the ``n // 2 + 1`` non-negative frequencies are returned; the result is complex.

    Args:
        input (Tensor): the input signal.
        n (int, optional): signal length. The input is zero-padded or trimmed along ``dim`` to this
            length; by default the length of ``dim`` is used.
        dim (int, optional): the dimension to transform. Default: ``-1``.
        norm (str, optional): scaling convention. ``"backward"`` (the default, same as ``None``)
            leaves the forward transform unscaled and divides the inverse by ``n``; ``"ortho"`` divides
            both by ``sqrt(n)``; ``"forward"`` divides the forward transform by ``n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> x = ember.tensor([8., -2., 0., -2.])
        >>> ember.fft.ihfft(x)
        tensor([1.-0.j, 2.-0.j, 3.-0.j])
    """
    return write_out('fft_ihfft', conj(_r2c('ihfft', input, *_one(n, dim), _DUAL[_norm(norm)])), out)


@op('fft')
def ihfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):
    r"""Computes the inverse of :func:`ember.fft.hfft2` for a real ``input``.

    Only the non-negative frequencies of the last transformed dimension are kept; the result is
    complex.

    Args:
        input (Tensor): the input signal.
        s (Tuple[int], optional): signal size in each transformed dimension; the input is zero-padded
            or trimmed to it. By default the input's own sizes are used.
        dim (Tuple[int], optional): the dimensions to transform. Default: ``(-2, -1)``.
        norm (str, optional): scaling convention. ``"backward"`` (the default, same as ``None``)
            leaves the forward transform unscaled and divides the inverse by ``n``; ``"ortho"`` divides
            both by ``sqrt(n)``; ``"forward"`` divides the forward transform by ``n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> x = ember.ones(2, 4)
        >>> X = ember.fft.ihfft2(x)
        >>> X.shape
        ember.Size([2, 3])
        >>> X.real
        tensor([[1., 0., 0.],
                [0., 0., 0.]])
        >>> ember.fft.hfft2(X, s=x.shape)
        tensor([[1., 1., 1., 1.],
                [1., 1., 1., 1.]])
    """
    return write_out('fft_ihfft2', _ihfftn(input, s, dim, norm), out)


@op('fft')
def ihfftn(input, s=None, dim=None, norm=None, *, out=None):
    r"""Computes the inverse of :func:`ember.fft.hfftn` for a real ``input``.

    Only the non-negative frequencies of the last transformed dimension are kept; the result is
    complex.

    Args:
        input (Tensor): the input signal.
        s (Tuple[int], optional): signal size in each transformed dimension; the input is zero-padded
            or trimmed to it. By default the input's own sizes are used.
        dim (Tuple[int], optional): the dimensions to transform. Default: ``None`` (all dimensions, or the last ``len(s)`` when ``s`` is given).
        norm (str, optional): scaling convention. ``"backward"`` (the default, same as ``None``)
            leaves the forward transform unscaled and divides the inverse by ``n``; ``"ortho"`` divides
            both by ``sqrt(n)``; ``"forward"`` divides the forward transform by ``n``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.

    Example::

        >>> x = ember.ones(2, 2, 2)
        >>> X = ember.fft.ihfftn(x)
        >>> X.shape
        ember.Size([2, 2, 2])
        >>> ember.fft.hfftn(X, s=x.shape)[0]
        tensor([[1., 1.],
                [1., 1.]])
    """
    return write_out('fft_ihfftn', _ihfftn(input, s, dim, norm), out)


# ------------------------------------------------------ frequencies and shifts
def _freq(name, values, out, dtype, layout, device, requires_grad):
    from ember._dtype import get_default_dtype
    if layout is not None and layout != _strided:
        raise RuntimeError(f"fftfreq: only the strided layout is supported, got {layout}")
    from ember.ops.creation import tensor
    res = tensor(values, dtype=dtype or get_default_dtype(), device=device, requires_grad=requires_grad)
    return write_out(name, res, out)


@op('fft')
def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=_strided, device=None, requires_grad=False):
    r"""Returns the sample frequencies of a length-``n`` discrete Fourier transform.

    Frequencies are in cycles per unit of the sample spacing ``d``, in the order :func:`ember.fft.fft`
    produces them: zero, the positive frequencies, then the negative ones.

    Args:
        n (int): the signal length.
        d (float, optional): the sample spacing. Default: ``1.0``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.
        dtype (ember.dtype, optional): result dtype. Default: the default floating point dtype.
        layout (ember.layout, optional): must be ``ember.strided``.
        device (ember.device, optional): device of the result.
        requires_grad (bool, optional): whether autograd records operations on the result. Default: ``False``.

    Example::

        >>> ember.fft.fftfreq(4)
        tensor([ 0.0000,  0.2500, -0.5000, -0.2500])
        >>> ember.fft.fftfreq(4, d=0.5)
        tensor([ 0.0000,  0.5000, -1.0000, -0.5000])
    """
    if isinstance(n, int) and n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    return _freq('fft_fftfreq', np.fft.fftfreq(n, d), out, dtype, layout, device, requires_grad)


@op('fft')
def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=_strided, device=None, requires_grad=False):
    r"""Returns the sample frequencies of a length-``n`` :func:`ember.fft.rfft`.

    Only the ``n // 2 + 1`` non-negative frequencies are returned, in cycles per unit of ``d``.

    Args:
        n (int): the real signal length.
        d (float, optional): the sample spacing. Default: ``1.0``.

    Keyword args:
        out (Tensor, optional): tensor to write the result into.
        dtype (ember.dtype, optional): result dtype. Default: the default floating point dtype.
        layout (ember.layout, optional): must be ``ember.strided``.
        device (ember.device, optional): device of the result.
        requires_grad (bool, optional): whether autograd records operations on the result. Default: ``False``.

    Example::

        >>> ember.fft.rfftfreq(4)
        tensor([0.0000, 0.2500, 0.5000])
    """
    return _freq('fft_rfftfreq', np.fft.rfftfreq(n, d), out, dtype, layout, device, requires_grad)


def _shift(input, dim, sign):
    dims = tuple(range(input.ndim)) if dim is None else ((dim,) if isinstance(dim, int) else tuple(dim))
    for d in dims:
        wrap_dim(d, input.ndim)     # (PyTorch's IndexError for a dim out of range)
    # (ifftshift rolls forward by the larger half, as PyTorch's: the same turn as back by the smaller one)
    return input.roll(tuple(input.shape[d] // 2 if sign > 0 else (input.shape[d] + 1) // 2 for d in dims), dims)


@op('fft')
def fftshift(input, dim=None):
    r"""Moves the zero-frequency term to the centre of the spectrum.

    Each dimension in ``dim`` is rolled by half its length, so frequencies run from most negative to
    most positive, as is convenient for plotting.

    Args:
        input (Tensor): a tensor in FFT order.
        dim (int or Tuple[int], optional): the dimensions to shift. Default: all dimensions.

    Example::

        >>> f = ember.fft.fftfreq(5)
        >>> f
        tensor([ 0.0000,  0.2000,  0.4000, -0.4000, -0.2000])
        >>> ember.fft.fftshift(f)
        tensor([-0.4000, -0.2000,  0.0000,  0.2000,  0.4000])
    """
    return _shift(input, dim, 1)


@op('fft')
def ifftshift(input, dim=None):
    r"""Undoes :func:`ember.fft.fftshift`, putting the zero frequency back in front.

    Args:
        input (Tensor): a tensor in centred order.
        dim (int or Tuple[int], optional): the dimensions to shift. Default: all dimensions.

    Example::

        >>> f = ember.fft.fftshift(ember.fft.fftfreq(5))
        >>> ember.fft.ifftshift(f)
        tensor([ 0.0000,  0.2000,  0.4000, -0.4000, -0.2000])
    """
    return _shift(input, dim, -1)
