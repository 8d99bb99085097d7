"""How a Tensor prints: ``repr(t)`` and ``str(t)``, byte for byte as PyTorch prints them.

The rules, as PyTorch applies them (the print options are module state, set with
``set_printoptions``):

* One *formatter* is chosen per tensor (two for complex: real and imaginary parts), so every
  element shares one width and one notation and the columns line up.
* Floating tensors look only at their finite, non-zero elements.  If all of those are whole
  numbers the tensor prints in *int mode* (``10.``); scientific notation is switched on when
  the largest magnitude is over 1e8, the smallest under 1e-4, or their ratio over 1000
  (unless ``sci_mode`` forces it on or off).  NaN and infinities do not take part in the
  width, so they can stick out of the columns, as they do in PyTorch.
* A tensor with more than ``threshold`` elements is *summarised*: along every dimension longer
  than ``2 * edgeitems`` only the first and last ``edgeitems`` entries are shown, around
  ``...``.  The formatter then only looks at what is shown.
* Rows wrap at ``linewidth``; sub-tensors are separated by ``dim - 1`` blank lines.
* Suffixes: ``device=`` when not the default device, ``size=`` for empty (non 1-D) tensors and
  when ``edgeitems`` is 0, ``dtype=`` unless it is the default float dtype, its complex
  partner, int64 or bool (an empty tensor shows any dtype but the default float one), and
  ``grad_fn=<...>`` or ``requires_grad=True``.  A suffix that would run past ``linewidth``
  moves to its own line.
"""
import contextlib
import math

import numpy as np

__all__ = ['set_printoptions', 'get_printoptions', 'printoptions', 'tensor_repr']


class _PrintOptions:
    __slots__ = ('precision', 'threshold', 'edgeitems', 'linewidth', 'sci_mode')

    def __init__(self):
        self.precision = 4
        self.threshold = 1000
        self.edgeitems = 3
        self.linewidth = 80
        self.sci_mode = None


PRINT_OPTS = _PrintOptions()

_PROFILES = {
    'default': dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    'short': dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    'full': dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set the options for printing tensors (the same options as ``torch.set_printoptions``).

    Args:
        precision: digits after the decimal point for floating-point output (default 4).
        threshold: number of elements above which a tensor is summarised (default 1000).
        edgeitems: items shown at the beginning and end of each summarised dimension (default 3).
        linewidth: characters per line before rows wrap (default 80).
        profile: ``'default'``, ``'short'`` or ``'full'``; applied first, so the other
            arguments override it.
        sci_mode: ``True``/``False`` force scientific notation on/off; ``None`` lets each tensor
            choose.  Like PyTorch, every call sets this one, so leaving it out resets it to None.

    Example::

        >>> ember.set_printoptions(precision=2)
        >>> ember.tensor([1.12345])
        tensor([1.12])
        >>> ember.set_printoptions(profile='default')
    """
    # NOTE: an unknown profile name is ignored, as PyTorch ignores it.
    for name, value in _PROFILES.get(profile, {}).items():
        setattr(PRINT_OPTS, name, value)
    for name, value in (('precision', precision), ('threshold', threshold),
                        ('edgeitems', edgeitems), ('linewidth', linewidth)):
        if value is not None:
            setattr(PRINT_OPTS, name, value)
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current print options, as a dict that ``set_printoptions(**d)`` accepts."""
    return {name: getattr(PRINT_OPTS, name) for name in _PrintOptions.__slots__}


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options (same arguments as ``set_printoptions``).

    Example::

        >>> from ember._tensor_str import printoptions
        >>> with printoptions(precision=2):
        ...     print(ember.tensor([1.12345]))
        tensor([1.12])
    """
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


# ----------------------------------------------------------------------------- formatting

class _Formatter:
    """One notation and one width for all the elements of a (possibly summarised) array."""

    def __init__(self, values, floating, counted=None):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        precision = PRINT_OPTS.precision
        if not floating:
            if values.size:
                # The longest decimal string of a set of integers belongs to its max or its min.
                if values.dtype == np.bool_:
                    self.width = 4 if values.all() else 5
                else:
                    self.width = max(len(str(values.max().item())), len(str(values.min().item())))
            return

        flat = values.reshape(-1)
        # counted: which elements PyTorch's "nonzero finite" test passes, where it is not the usual one
        finite = flat[np.isfinite(flat) & (flat != 0) if counted is None else counted.reshape(-1)]
        if finite.size == 0:
            # NOTE: PyTorch returns before consulting sci_mode here, so an all-zero/non-finite
            # tensor prints in int mode even when sci_mode=True.
            return
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        magnitude = np.abs(finite)
        smallest, largest = float(magnitude.min()), float(magnitude.max())
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode

        if self.sci_mode:
            spec, extra = f'.{precision}e', 0
        elif self.int_mode:
            spec, extra = '.0f', 1          # room for the '.' that int mode appends
        else:
            spec, extra = f'.{precision}f', 0
        # NOTE: rounding is monotone, so within one sign the longest string (most integer
        # digits, or the widest exponent) comes from the smallest or the largest magnitude;
        # four candidates give the same width as formatting every element.
        candidates = []
        for part in (finite[finite > 0], finite[finite < 0]):
            if part.size:
                candidates += [part.min().item(), part.max().item()]
        self.width = max((len(format(v, spec)) for v in candidates), default=len('nan') - extra) + extra

    def format(self, value):
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = format(value, f'{self.width}.{PRINT_OPTS.precision}e')
        elif self.int_mode:
            text = format(value, '.0f')
            if not (math.isinf(value) or math.isnan(value)):
                text += '.'
        else:
            text = format(value, f'.{PRINT_OPTS.precision}f')
        return text.rjust(self.width)


def _complex_str(value, real_fmt, imag_fmt):
    real = real_fmt.format(value.real)
    imag = (imag_fmt.format(value.imag) + 'j').lstrip()
    # a sign of its own (negative numbers, and -0.0) needs no '+'
    return real + imag if imag[0] in '+-' else real + '+' + imag


def _take_edges(data, cuts, e):
    """The first and last ``e`` entries along each cut dimension, on the array's own device.

    Done before the copy to the host, so printing a large GPU tensor moves only what is shown.
    """
    from ember.backend import array_module_of
    xp = array_module_of(data)
    for axis, cut in enumerate(cuts):
        if cut:
            lead = (slice(None),) * axis
            data = xp.concatenate([data[lead + (slice(0, e),)], data[lead + (slice(-e, None),)]],
                                  axis=axis)
    return data


def _body(data, indent):
    """The bracketed contents of a non-empty array, laid out as PyTorch lays them out."""
    summarize = data.size > PRINT_OPTS.threshold
    e = PRINT_OPTS.edgeitems
    nd = data.ndim
    if nd and summarize and not e:
        return '[...]'
    cuts = [summarize and n > 2 * e for n in data.shape]
    shown = _to_numpy(_take_edges(data, cuts, e))
    counted = None
    if shown.dtype.name == 'float8_e8m0fnu':
        # PyTorch counts as "nonzero finite" every code but 0 (2**-127, which equals a 0 converted to
        # the type); NaN among them (its isfinite says True) keeps the notation fixed
        counted = shown.view(np.uint8) != 0
    if shown.dtype.kind == 'V':      # bfloat16, float8 (ml_dtypes): every value is exact in float32
        shown = shown.astype('float32')

    if shown.dtype.kind == 'c':
        real_fmt = _Formatter(shown.real, True)
        imag_fmt = _Formatter(shown.imag, True)
        items = [_complex_str(v, real_fmt, imag_fmt) for v in shown.reshape(-1).tolist()]
        element_width = real_fmt.width + 2 + imag_fmt.width + 1
    else:
        fmt = _Formatter(shown, shown.dtype.kind == 'f', counted)
        items = [fmt.format(v) for v in shown.reshape(-1).tolist()]
        element_width = fmt.width + 2
    if nd == 0:
        return items[0]

    # innermost dimension: rows of elements, wrapped to the line width
    vec_indent = indent + nd - 1
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - vec_indent) / element_width))
    line_sep = ',\n' + ' ' * (vec_indent + 1)
    n = shown.shape[-1]
    blocks = []
    for start in range(0, len(items), n):
        row = items[start:start + n]
        if cuts[-1]:
            row[e:e] = [' ...']
        blocks.append('[' + line_sep.join(', '.join(row[i:i + per_line])
                                          for i in range(0, len(row), per_line)) + ']')

    # outer dimensions: join sub-tensors, one blank line fewer per level inwards
    for k in range(nd - 2, -1, -1):
        n = shown.shape[k]
        sep = ',' + '\n' * (nd - k - 1) + ' ' * (indent + k + 1)
        grouped = []
        for start in range(0, len(blocks), n):
            group = blocks[start:start + n]
            if cuts[k]:
                group[e:e] = ['...']
            grouped.append('[' + sep.join(group) + ']')
        blocks = grouped
    return blocks[0]


def _add_suffixes(text, suffixes, indent, force_newline=False):
    """``text`` then ``suffixes`` wrapped at the line width; ``force_newline`` starts the first on a line of its
    own (PyTorch does so for sparse COO tensors)."""
    # NOTE: PyTorch's running line length starts 2 over the real one; kept for identical wrapping.
    line_len = len(text) - text.rfind('\n') + 1
    parts = [text]
    for suffix in suffixes:
        if force_newline or line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(',\n' + ' ' * indent + suffix)
            line_len, force_newline = indent + len(suffix), False
        else:
            parts.append(', ' + suffix)
            line_len += len(suffix) + 2
    parts.append(')')
    return ''.join(parts)


# ----------------------------------------------------------------------------- the repr

def _to_numpy(arr):
    from ember.backend import to_numpy
    return to_numpy(arr)


def _default_dtypes():
    """The default float dtype, and the dtypes a non-empty tensor prints without a suffix."""
    from ember import _dtype
    default = _dtype.get_default_dtype()
    return default, (default, _dtype.default_complex_dtype(), _dtype.int64, _dtype.bool_)


def _device_suffix(device):
    """PyTorch names the device unless it is the default one (and, for cuda, the current one)."""
    from ember import _device
    # NOTE: the default is the CPU until ember grows set_default_device (PyTorch's
    # torch.set_default_device); then _device.get_default_device is consulted.
    get_default = getattr(_device, 'get_default_device', None)
    default = get_default() if get_default is not None else None
    default_type = 'cpu' if default is None else _device.device(default).type
    if device.type != default_type:
        return f"device='{device}'"
    if device.type == 'cuda':
        from ember.backend import current_cuda_index
        if device.index != current_cuda_index():
            return f"device='{device}'"
    return None


def _prefix(t):
    """('tensor(' or the subclass name + '(', whether to wrap the whole in 'Parameter(...)').

    Tensor and nn.Parameter print as 'tensor(...)'; other subclasses under their own class
    name, and subclasses of Parameter additionally inside 'Parameter(...)', as in PyTorch.
    """
    from ember._tensor import Tensor
    cls = type(t)
    param = next((c for c in cls.__mro__
                  if c.__name__ == 'Parameter' and c.__module__.startswith('ember.')), None)
    plain = cls is Tensor or cls is param
    return ('tensor(' if plain else cls.__name__ + '('), param is not None and not plain


def tensor_repr(t, *, tensor_contents=None):
    """``repr(t)`` of an ember Tensor, identical to PyTorch's with 'torch' read as 'ember'.

    ``tensor_contents`` replaces the bracketed values (for subclasses that print their own).

    Example::

        >>> tensor_repr(ember.tensor([1., 2.5], dtype=ember.float64))
        'tensor([1.0000, 2.5000], dtype=ember.float64)'
    """
    prefix, wrap_as_param = _prefix(t)
    indent = len(prefix)
    suffixes = []
    default_dtype, plain_dtypes = _default_dtypes()
    dtype = t.dtype

    device = t.device
    device_suffix = _device_suffix(device)
    if device_suffix:
        suffixes.append(device_suffix)

    shape = tuple(t.shape)
    body = tensor_contents
    if device.type == 'meta':  # no values to show
        suffixes.append(f'size={shape}')
        if dtype is not default_dtype:
            suffixes.append(f'dtype={dtype}')
        body = body if body is not None else '...'
    elif math.prod(shape) == 0:
        if len(shape) != 1:
            suffixes.append(f'size={shape}')
        # no values to tell an int64 tensor from a float one: any dtype but the default is shown
        if dtype is not default_dtype:
            suffixes.append(f'dtype={dtype}')
        body = body if body is not None else '[]'
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f'size={shape}')
        if dtype not in plain_dtypes:
            suffixes.append(f'dtype={dtype}')
        body = body if body is not None else _body(t._data, indent)

    try:
        grad_fn = t._grad_fn_as_is()     # (its name only: steps deferred in a fused node stay so)
        grad_fn_name = None
        if grad_fn is not None:
            name = getattr(grad_fn, 'name', None)
            # (a namespaced node, ember::autograd::CopySlices, prints by its last part, as in PyTorch)
            grad_fn_name = name().rsplit('::', 1)[-1] if callable(name) else type(grad_fn).__name__
    except RuntimeError:
        grad_fn_name = 'Invalid'
    if grad_fn_name is not None:
        suffixes.append(f'grad_fn=<{grad_fn_name}>')
    elif t.requires_grad:
        suffixes.append('requires_grad=True')

    text = _add_suffixes(prefix + body, suffixes, indent)
    return f'Parameter({text})' if wrap_as_param else text


# PyTorch's private names for the pieces above, which Tensor subclasses printing their own contents call
# (PyG's EdgeIndex: torch._tensor_str._tensor_str(self._data, indent), then _add_suffixes or _str_intern)
def _tensor_str(self, indent):
    """The bracketed values of tensor ``self`` laid out for a repr whose prefix is ``indent`` columns wide."""
    if self.numel() == 0:
        return '[]'
    return _body(self._data, indent)


def _str_intern(inp, *, tensor_contents=None):
    """``repr(inp)``, with ``tensor_contents`` in place of its values when given."""
    return tensor_repr(inp, tensor_contents=tensor_contents)


def _str(self, *, tensor_contents=None):
    """``repr(self)``, with ``tensor_contents`` in place of its values when given."""
    return tensor_repr(self, tensor_contents=tensor_contents)
