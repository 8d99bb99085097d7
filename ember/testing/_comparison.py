"""``assert_close``: values compared with dtype-dependent tolerances, messages as PyTorch's."""
import collections.abc
import math
import numbers
import warnings

# (rtol, atol) per dtype name when neither is given; integers and bool compare exactly
_TOLERANCES = {'float16': (1e-3, 1e-5), 'bfloat16': (1.6e-2, 1e-5), 'float32': (1.3e-6, 1e-5),
               'float64': (1e-7, 1e-7), 'complex32': (1e-3, 1e-5), 'complex64': (1.3e-6, 1e-5),
               'complex128': (1e-7, 1e-7)}


class _Mismatch(Exception):
    """A failed comparison: the exception type to raise and its message."""

    def __init__(self, kind, text):
        super().__init__(text)
        self.kind, self.text = kind, text


def _tolerances(dtypes, rtol, atol):
    if (rtol is None) != (atol is None):
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got no "
                         f"{'rtol' if rtol is None else 'atol'}.")
    if rtol is not None:
        return rtol, atol
    pairs = [_TOLERANCES.get(d.name, (0.0, 0.0)) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _diff_line(kind, diff, idx, tol, equality):
    line = f"{kind.title()} difference: {diff}" if idx is None else f"Greatest {kind} difference: {diff} at index {idx}"
    return line + ('' if equality else f" (up to {tol} allowed)") + '\n'


def _mismatch_text(what, extra, abs_diff, abs_idx, rel_diff, rel_idx, rtol, atol, msg):
    equality = rtol == 0 and atol == 0
    if callable(msg):
        what = msg(what)
    elif msg is not None:
        what = msg
    text = f"{what} are not {'equal' if equality else 'close'}!\n\n{extra.strip()}\n"
    text += _diff_line('absolute', abs_diff, abs_idx, atol, equality)
    text += _diff_line('relative', rel_diff, rel_idx, rtol, equality)
    return text.strip()


def _scalar_text(actual, expected, rtol, atol, identifier=None):
    abs_diff = abs(actual - expected)
    rel_diff = math.inf if expected == 0 else abs_diff / abs(expected)
    return _mismatch_text('Scalars', f"Expected {expected} but got {actual}.", abs_diff, None, rel_diff, None,
                          rtol, atol, identifier)


def _unravel(flat, shape):
    index = []
    for n in reversed(shape):
        flat, r = divmod(flat, n)
        index.append(r)
    return tuple(reversed(index))


def _compare_tensors(actual, expected, *, rtol, atol, equal_nan, check_device, check_dtype, check_layout,
                     check_stride, allow_subclasses):
    import ember
    if not allow_subclasses and type(actual) is not type(expected):
        raise _Mismatch(AssertionError, f"Except for Python scalars, input types need to be equal, but got "
                                        f"{type(actual)} and {type(expected)}.")

    def differ(attr, a, b):
        raise _Mismatch(AssertionError, f"The values for attribute '{attr}' do not match: {a} != {b}.")

    if actual.shape != expected.shape:
        differ('shape', actual.shape, expected.shape)
    if check_layout and actual.layout != expected.layout:
        differ('layout', actual.layout, expected.layout)
    if check_stride and actual.stride() != expected.stride():
        differ('stride()', actual.stride(), expected.stride())
    if check_device and actual.device != expected.device:
        differ('device', actual.device, expected.device)
    if check_dtype and actual.dtype != expected.dtype:
        differ('dtype', actual.dtype, expected.dtype)
    rtol, atol = _tolerances((actual.dtype, expected.dtype), rtol, atol)
    actual, expected = actual.detach(), expected.detach()
    if actual.device != expected.device:
        actual, expected = actual.cpu(), expected.cpu()
    if actual.dtype != expected.dtype:
        common = ember.promote_types(actual.dtype, expected.dtype)
        actual, expected = actual.to(common), expected.to(common)
    matches = ember.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if bool(matches.all()):
        return
    if actual.ndim == 0:
        raise _Mismatch(AssertionError, _scalar_text(actual.item(), expected.item(), rtol, atol))
    total = matches.numel()
    bad = total - int(matches.sum())
    extra = f"Mismatched elements: {bad} / {total} ({bad / total:.1%})"
    a, e, m = actual.flatten(), expected.flatten(), matches.flatten()
    if not (a.dtype.is_floating_point or a.dtype.is_complex):
        a, e = a.to(ember.int64), e.to(ember.int64)
    abs_diff = (a - e).abs()
    abs_diff[m] = 0
    abs_max, abs_at = ember.max(abs_diff, 0)
    rel_diff = abs_diff / e.abs()
    rel_diff[m] = 0
    rel_max, rel_at = ember.max(rel_diff, 0)
    return _mismatch_text('Tensor-likes', extra, abs_max.item(), _unravel(int(abs_at), matches.shape),
                          rel_max.item(), _unravel(int(rel_at), matches.shape), rtol, atol, None)


def _compare_numbers(actual, expected, *, rtol, atol, equal_nan, check_dtype, **_):
    if check_dtype and type(actual) is not type(expected):
        raise _Mismatch(AssertionError, f"The (d)types do not match: {type(actual)} != {type(expected)}.")
    import ember
    kinds = [ember.float64 if isinstance(v, float) else ember.complex128 if isinstance(v, complex)
             else ember.int64 for v in (actual, expected)]
    rtol, atol = _tolerances(kinds, rtol, atol)
    if actual == expected:
        return
    if equal_nan and _isnan(actual) and _isnan(expected):
        return
    if abs(actual - expected) <= atol + rtol * abs(expected) and not (_isnan(actual) or _isnan(expected)):
        return
    return _scalar_text(actual, expected, rtol, atol)


def _isnan(x):
    return isinstance(x, (float, complex)) and x != x


def _is_number(x):
    return isinstance(x, numbers.Number) and not isinstance(x, bool) or isinstance(x, bool)


def _as_tensor_pair(actual, expected):
    """Tensor-likes: a tensor against a tensor or a NumPy array; None if the pair is not tensors."""
    import numpy as np
    import ember
    if isinstance(actual, ember.Tensor) or isinstance(expected, ember.Tensor):
        if isinstance(actual, (ember.Tensor, np.ndarray)) and isinstance(expected, (ember.Tensor, np.ndarray)):
            if isinstance(actual, np.ndarray) or isinstance(expected, np.ndarray):
                if type(actual) is not type(expected):
                    return 'types'
            conv = [ember.as_tensor(v) if isinstance(v, np.ndarray) else v for v in (actual, expected)]
            return conv
        return 'types'
    if isinstance(actual, np.ndarray) and isinstance(expected, np.ndarray):
        return [ember.as_tensor(actual), ember.as_tensor(expected)]
    return None


def _walk(actual, expected, path, options, failures):
    pair = _as_tensor_pair(actual, expected)
    if pair == 'types':
        raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}.")
    if pair is not None:
        text = _compare_tensors(*pair, **options)
        if text:
            failures.append((path, text))
        return
    if actual is None or expected is None:
        if actual is not expected:
            failures.append((path, f"None mismatch: {actual} is not {expected}"))
        return
    if _is_number(actual) and _is_number(expected):
        text = _compare_numbers(actual, expected, **options)
        if text:
            failures.append((path, text))
        return
    seq = collections.abc.Sequence
    if isinstance(actual, seq) and isinstance(expected, seq) and not isinstance(actual, str) \
            and not isinstance(expected, str):
        if len(actual) != len(expected):
            raise _Mismatch(AssertionError, f"The length of the sequences mismatch: {len(actual)} != {len(expected)}"
                            + _where(path))
        for i, (a, e) in enumerate(zip(actual, expected)):
            _walk(a, e, path + [i], options, failures)
        return
    mapping = collections.abc.Mapping
    if isinstance(actual, mapping) and isinstance(expected, mapping):
        ka, ke = set(actual), set(expected)
        if ka != ke:
            raise _Mismatch(AssertionError, f"The keys of the mappings do not match:\n"
                            f"Missing keys in the actual mapping: {sorted(ke - ka, key=repr)}\n"
                            f"Additional keys in the actual mapping: {sorted(ka - ke, key=repr)}" + _where(path))
        for k in actual:
            _walk(actual[k], expected[k], path + [k], options, failures)
        return
    raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and {type(expected)}.")


def _where(path):
    return '' if not path else '\n\nThe failure occurred for item ' + ''.join(f'[{p!r}]' for p in path)


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None, equal_nan=False,
                 check_device=True, check_dtype=True, check_layout=True, check_stride=False, msg=None):
    r"""Asserts that ``actual`` and ``expected`` are close.

    Tensors (and NumPy arrays) are close when their shapes, devices, dtypes and layouts agree (each
    check can be turned off) and every element satisfies
    ``|actual - expected| <= atol + rtol * |expected|``; Python numbers compare the same way, and
    sequences and mappings are compared element by element. Without ``rtol``/``atol`` the
    tolerances depend on the dtype (``float32``: ``rtol=1.3e-6, atol=1e-5``; ``float64``:
    ``rtol=1e-7, atol=1e-7``; integers and bool: exact).

    Args:
        actual (Any): Actual input.
        expected (Any): Expected input.
        allow_subclasses (bool): allow tensors of different (sub)classes. Default: ``True``.
        rtol (float, optional): relative tolerance; give ``atol`` too.
        atol (float, optional): absolute tolerance; give ``rtol`` too.
        equal_nan (bool): whether two ``NaN`` values are equal. Default: ``False``.
        check_device (bool): whether devices must match. Default: ``True``.
        check_dtype (bool): whether dtypes must match. Default: ``True``.
        check_layout (bool): whether layouts must match. Default: ``True``.
        check_stride (bool): whether strides must match. Default: ``False``.
        msg (str or Callable[[str], str], optional): the message to raise instead of the default, or a
            function turning the default message into the one to raise.

    Raises:
        AssertionError: if the inputs are not close, with statistics about the mismatch.
        TypeError: if the inputs cannot be compared with each other.

    Example::

        >>> from ember.testing import assert_close
        >>> assert_close(ember.tensor([1., 2., 3.]), ember.tensor([1., 2., 3.]))
        >>> assert_close(ember.tensor([1., 2., 3.]), ember.tensor([1., 2.5, 3.]))
        Traceback (most recent call last):
        ...
        AssertionError: Tensor-likes are not close!
        <BLANKLINE>
        Mismatched elements: 1 / 3 (33.3%)
        Greatest absolute difference: 0.5 at index (1,) (up to 1e-05 allowed)
        Greatest relative difference: 0.20000000298023224 at index (1,) (up to 1.3e-06 allowed)
    """
    __tracebackhide__ = True
    if (rtol is None) != (atol is None):
        _tolerances((), rtol, atol)
    options = dict(rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=check_device, check_dtype=check_dtype,
                   check_layout=check_layout, check_stride=check_stride, allow_subclasses=allow_subclasses)
    failures = []
    try:
        _walk(actual, expected, [], options, failures)
    except _Mismatch as e:
        raise e.kind(_custom(msg, e.text)) from None
    if failures:
        path, text = failures[0]
        raise AssertionError(_custom(msg, text + _where(path)))


def _custom(msg, text):
    if msg is None:
        return text
    return msg(text) if callable(msg) else msg


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=''):
    """Deprecated: use :func:`assert_close`. Compares like ``assert_close`` without the dtype and
    device checks, with ``NaN`` equal to ``NaN`` by default.

    Example::

        >>> from ember.testing import assert_allclose
        >>> assert_allclose(ember.tensor([1., float('nan')]), [1., float('nan')])  # doctest: +SKIP
    """
    import ember
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a future "
                  "release. Please use `torch.testing.assert_close()` instead.", FutureWarning, stacklevel=2)
    if not isinstance(actual, ember.Tensor):
        actual = ember.tensor(actual)
    if not isinstance(expected, ember.Tensor):
        expected = ember.tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        rtol, atol = _tolerances((actual.dtype, expected.dtype), None, None)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=True,
                 check_dtype=False, check_stride=False, msg=msg or None)
