"""The windows of ``ember.signal.windows``.

Each window is composed from ``linspace`` and pointwise ops in the requested dtype, in the same
order of operations as PyTorch, so that float32 windows carry the same rounding. ``sym=True``
gives the symmetric window (filter design); ``sym=False`` the periodic one (spectral analysis),
which is the first ``M`` points of the symmetric window of length ``M + 1``.
"""
import math
from collections.abc import Iterable

import ember
from ember._formats import strided

_COMMON = """
    Args:
        M (int): the length of the window, the number of points returned.

    Keyword args:{extra}
        sym (bool, optional): ``False`` gives a periodic window for spectral analysis, ``True`` a
            symmetric one for filter design. Default: ``True``.
        dtype (ember.dtype, optional): ``float32`` or ``float64``; the default dtype when not given.
        layout (ember.layout, optional): only ``ember.strided``.
        device (ember.device, optional): the device of the result.
        requires_grad (bool, optional): whether the result records operations. Default: ``False``.

    Returns:
        Tensor: the 1-D window of length ``M``.
"""


def _doc(summary, extra='', example=''):
    def decorate(fn):
        fn.__doc__ = summary + '\n' + _COMMON.format(extra=extra) + example
        return fn
    return decorate


def _checks(name, M, dtype, layout):
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    if layout is not strided:
        raise ValueError(f"{name} is implemented for strided tensors only, got: {layout}")
    if dtype not in (ember.float32, ember.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {dtype}")


def _dtype(dtype):
    return ember.get_default_dtype() if dtype is None else dtype


def _trivial(M, dtype, layout, device, requires_grad):
    """The windows of length 0 and 1 (every window is ``[1.]`` at length one)."""
    make = ember.empty if M == 0 else ember.ones
    return make((M,), dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)


def _grid(start, end, M, dtype, layout, device, requires_grad):
    return ember.linspace(start, end, M, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)


def _span(M, sym):
    """The denominator that spaces the samples: ``M - 1`` for symmetric windows, ``M`` for periodic ones."""
    return M if not sym and M > 1 else M - 1


@_doc("""Computes the exponential (Poisson) window ``w_n = exp(-|n - c| / tau)``, centred on ``c``.""",
      extra="""
        center (float, optional): the centre ``c``; only for periodic windows. Default: the middle,
            ``M / 2`` when ``sym`` is ``False``, else ``(M - 1) / 2``.
        tau (float, optional): the decay. Default: 1.0.""",
      example="""
    Example::

        >>> ember.signal.windows.exponential(6)
        tensor([0.0821, 0.2231, 0.6065, 0.6065, 0.2231, 0.0821])
""")
def exponential(M, *, center=None, tau=1.0, sym=True, dtype=None, layout=strided, device=None,
                requires_grad=False):
    dtype = _dtype(dtype)
    _checks('exponential', M, dtype, layout)
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")
    if M == 0:
        return _trivial(M, dtype, layout, device, requires_grad)
    if center is None:
        center = _span(M, sym) / 2.0
    scale = 1 / tau
    k = _grid(-center * scale, (-center + (M - 1)) * scale, M, dtype, layout, device, requires_grad)
    return ember.exp(-ember.abs(k))


@_doc("""Computes the cosine (sine) window ``w_n = sin(pi (n + 0.5) / M)``.""", example="""
    Example::

        >>> ember.signal.windows.cosine(5)
        tensor([0.3090, 0.8090, 1.0000, 0.8090, 0.3090])
""")
def cosine(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    dtype = _dtype(dtype)
    _checks('cosine', M, dtype, layout)
    if M == 0:
        return _trivial(M, dtype, layout, device, requires_grad)
    step = math.pi / (M + 1 if not sym and M > 1 else M)
    k = _grid(0.5 * step, (0.5 + (M - 1)) * step, M, dtype, layout, device, requires_grad)
    return ember.sin(k)


@_doc("""Computes the Gaussian window ``w_n = exp(-n^2 / (2 std^2))`` over ``n`` centred on the middle.""",
      extra="""
        std (float, optional): the standard deviation. Default: 1.0.""",
      example="""
    Example::

        >>> ember.signal.windows.gaussian(5)
        tensor([0.1353, 0.6065, 1.0000, 0.6065, 0.1353])
""")
def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    dtype = _dtype(dtype)
    _checks('gaussian', M, dtype, layout)
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")
    if M == 0:
        return _trivial(M, dtype, layout, device, requires_grad)
    start = -_span(M, sym) / 2.0
    scale = 1 / (std * math.sqrt(2))
    k = _grid(start * scale, (start + (M - 1)) * scale, M, dtype, layout, device, requires_grad)
    return ember.exp(-(k ** 2))


@_doc("""Computes the Kaiser window ``w_n = I0(beta sqrt(1 - (2n / (M - 1) - 1)^2)) / I0(beta)``.""",
      extra="""
        beta (float, optional): the shape parameter, non-negative. Default: 12.0.""",
      example="""
    Example::

        >>> ember.signal.windows.kaiser(5)
        tensor([5.2773e-05, 2.1567e-01, 1.0000e+00, 2.1567e-01, 5.2773e-05])
""")
def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    dtype = _dtype(dtype)
    _checks('kaiser', M, dtype, layout)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")
    if M <= 1:
        return _trivial(M, dtype, layout, device, requires_grad)
    # beta as a tensor of the window's dtype, so that the square root below never sees a
    # slightly negative argument at the ends
    beta = ember.tensor(beta, dtype=dtype, device=device)
    start = -beta
    step = 2.0 * beta / (M if not sym else M - 1)
    end = ember.minimum(beta, start + (M - 1) * step)
    k = _grid(start, end, M, dtype, layout, device, requires_grad)
    return ember.i0(ember.sqrt(beta * beta - ember.pow(k, 2))) / ember.i0(beta)


@_doc("""Computes the general cosine window ``w_n = sum_i (-1)^i a_i cos(2 pi i n / (M - 1))``.""",
      extra="""
        a (Iterable): the coefficients ``a_i`` of the cosine terms.""",
      example="""
    Example::

        >>> ember.signal.windows.general_cosine(5, a=[0.5, 0.5])
        tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
""")
def general_cosine(M, *, a, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    dtype = _dtype(dtype)
    _checks('general_cosine', M, dtype, layout)
    if M <= 1:
        return _trivial(M, dtype, layout, device, requires_grad)
    if not isinstance(a, Iterable):
        raise TypeError("Coefficients must be a list/tuple")
    if not a:
        raise ValueError("Coefficients cannot be empty")
    step = 2 * math.pi / (M if not sym else M - 1)
    k = _grid(0, (M - 1) * step, M, dtype, layout, device, requires_grad)
    coeffs = ember.tensor([(-1) ** i * w for i, w in enumerate(a)], device=device, dtype=dtype,
                          requires_grad=requires_grad)
    i = ember.arange(coeffs.shape[0], dtype=coeffs.dtype, device=coeffs.device, requires_grad=coeffs.requires_grad)
    return (coeffs.unsqueeze(-1) * ember.cos(i.unsqueeze(-1) * k)).sum(0)


@_doc("""Computes the general Hamming window ``w_n = alpha - (1 - alpha) cos(2 pi n / (M - 1))``.""",
      extra="""
        alpha (float, optional): the window coefficient. Default: 0.54.""",
      example="""
    Example::

        >>> ember.signal.windows.general_hamming(5, alpha=0.6)
        tensor([0.2000, 0.6000, 1.0000, 0.6000, 0.2000])
""")
def general_hamming(M, *, alpha=0.54, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    return general_cosine(M, a=[alpha, 1.0 - alpha], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


@_doc("""Computes the Hamming window, the general Hamming window with ``alpha = 0.54``.""", example="""
    Example::

        >>> ember.signal.windows.hamming(5)
        tensor([0.0800, 0.5400, 1.0000, 0.5400, 0.0800])
""")
def hamming(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    return general_hamming(M, sym=sym, dtype=dtype, layout=layout, device=device, requires_grad=requires_grad)


@_doc("""Computes the Hann window, the general Hamming window with ``alpha = 0.5``.""", example="""
    Example::

        >>> ember.signal.windows.hann(5)
        tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
""")
def hann(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    return general_hamming(M, alpha=0.5, sym=sym, dtype=dtype, layout=layout, device=device,
                           requires_grad=requires_grad)


@_doc("""Computes the Blackman window, the general cosine window with ``a = [0.42, 0.5, 0.08]``.""",
      example="""
    Example::

        >>> ember.signal.windows.blackman(5, dtype=ember.float64)
        tensor([-1.3878e-17,  3.4000e-01,  1.0000e+00,  3.4000e-01, -1.3878e-17],
               dtype=ember.float64)
""")
def blackman(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    dtype = _dtype(dtype)
    _checks('blackman', M, dtype, layout)
    return general_cosine(M, a=[0.42, 0.5, 0.08], sym=sym, dtype=dtype, layout=layout, device=device,
                          requires_grad=requires_grad)


@_doc("""Computes the Bartlett (triangular) window ``w_n = 1 - |2n / (M - 1) - 1|``.""", example="""
    Example::

        >>> ember.signal.windows.bartlett(5)
        tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
""")
def bartlett(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    dtype = _dtype(dtype)
    _checks('bartlett', M, dtype, layout)
    if M <= 1:
        return _trivial(M, dtype, layout, device, requires_grad)
    step = 2 / (M if not sym else M - 1)
    k = _grid(-1, -1 + (M - 1) * step, M, dtype, layout, device, requires_grad)
    return 1 - ember.abs(k)


@_doc("""Computes Nuttall's minimum 4-term Blackman-Harris window, the general cosine window with
``a = [0.3635819, 0.4891775, 0.1365995, 0.0106411]``.""", example="""
    Example::

        >>> ember.signal.windows.nuttall(5)
        tensor([3.6280e-04, 2.2698e-01, 1.0000e+00, 2.2698e-01, 3.6280e-04])
""")
def nuttall(M, *, sym=True, dtype=None, layout=strided, device=None, requires_grad=False):
    return general_cosine(M, a=[0.3635819, 0.4891775, 0.1365995, 0.0106411], sym=sym, dtype=dtype,
                          layout=layout, device=device, requires_grad=requires_grad)
