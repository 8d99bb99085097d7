"""The arrays behind 'meta' tensors: a shape and a dtype, and no data.

A ``MetaArray`` is a NumPy array whose every element is one and the same zero (all strides 0), so it
costs no memory however large. Ops run their ordinary NumPy code on it: NumPy hands every ufunc
call (elementwise ops, reductions, ``@``) and every array function (``concatenate``, ``einsum``,
``take``, ...) on a ``MetaArray`` to the class, which works out the result's shape and dtype by
rule, from tiny stand-in arrays, without computing anything the size of the shape. Views (reshape,
transpose, basic indexing, ``as_strided`` windows) are zero-strided already. What has no rule runs
on the zero-strided arrays as NumPy would and keeps only the shape and dtype of its result.
"""
import operator
import types

import numpy as np

from ember._formats import contiguous_strides, iteration_perm

try:
    from numpy.lib.array_utils import normalize_axis_tuple as _axes
except ImportError:  # NumPy 1.x
    from numpy.core.numeric import normalize_axis_tuple as _axes


def meta_array(shape, dtype):
    """A ``MetaArray`` of ``shape`` and ``dtype``: one zero element viewed with all strides 0. It is
    writable (writes land on that one element), so in-place ops on 'meta' tensors run as they do in
    PyTorch, changing nothing that can be read."""
    shape = tuple([operator.index(s) for s in shape])
    dtype = np.dtype(dtype)
    return np.ndarray.__new__(MetaArray, shape, dtype, np.zeros(1, dtype), 0, (0,) * len(shape))


def as_meta(x):
    """``x`` (an op's result computed from meta arrays) as a ``MetaArray``: zero-strided views stay
    views; anything holding data is replaced by a data-free array of its shape and dtype."""
    if isinstance(x, np.ndarray):
        if not any(x.strides):
            return x if type(x) is MetaArray else x.view(MetaArray)
        return meta_array(x.shape, x.dtype)
    x = np.asarray(x)
    return meta_array(x.shape, x.dtype)


def _result(x):
    """A result of NumPy's own code: arrays become meta arrays; other values (shapes, flags) stay."""
    return as_meta(x) if isinstance(x, (np.ndarray, np.generic)) else x


# ---------------------------------------------------------------- layout
# A meta array's own strides are all 0; the strides and storage offset PyTorch would give the tensor
# (its layout: transposed, sliced, channels-last, ...) are kept beside them, in elements, and worked
# out on a "layout probe": a NumPy view of the same shape with those strides over a one-element
# buffer. Only views (which never read) are taken of a probe.


def layout(a):
    """``(strides, storage_offset)`` of meta array ``a``, in elements."""
    strides = getattr(a, '_lstrides', None)
    return (contiguous_strides(a.shape) if strides is None else strides), getattr(a, '_loffset', 0)


def layout_probe(a):
    """A view with ``a``'s shape and layout strides (over one element: to be viewed, never read)."""
    strides, offset = layout(a)
    base = np.zeros(1, a.dtype)
    probe = np.lib.stride_tricks.as_strided(base, a.shape, [s * a.itemsize for s in strides])
    return probe, base, offset


def laid_out(out, strides, offset=0):
    """``out`` (a fresh view or array) with this layout."""
    out = as_meta(out)
    strides = tuple([int(s) for s in strides])
    if strides != contiguous_strides(out.shape) or offset:
        out._lstrides = strides
        out._loffset = int(offset)
    return out


def _view_of_probe(a, view_fn, out):
    """``out`` (the view ``view_fn`` takes of ``a``) with the layout of the same view of ``a``'s probe."""
    probe, base, offset = layout_probe(a)
    v = view_fn(probe)
    start = (v.__array_interface__['data'][0] - base.__array_interface__['data'][0]) // a.itemsize
    return laid_out(out, [s // a.itemsize for s in v.strides], offset + start)


def _view_strides(shape, strides, new_shape):
    """The strides of ``new_shape`` viewing a tensor of ``shape`` and ``strides``, or None where no
    view can (PyTorch's rule: each run of dims that is contiguous within itself may be re-split)."""
    if 0 in shape or not shape:
        return contiguous_strides(new_shape)
    new = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    base = strides[-1]
    tensor_numel = view_numel = 1
    for d in range(len(shape) - 1, -1, -1):
        tensor_numel *= shape[d]
        if d == 0 or (shape[d - 1] != 1 and strides[d - 1] != tensor_numel * base):
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                new[view_d] = view_numel * base
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if d > 0:
                base = strides[d - 1]
                tensor_numel = view_numel = 1
    return tuple(new) if view_d == -1 else None


def _dense_layout(shape, operand_strides):
    """The strides PyTorch gives an elementwise result of ``shape``: its dims ordered as the
    operands' strides order them (the first operand that tells two dims apart decides; broadcast
    dims tell nothing), then laid out densely."""
    ndim = len(shape)
    perm = iteration_perm(shape, operand_strides)
    out, step = [0] * ndim, 1
    for d in perm:
        out[d] = step
        step *= max(shape[d], 1)
    return tuple(out)


def _result_layout(out, inputs):
    """Lay out an elementwise result as PyTorch would, from the inputs that are not in C order."""
    if not isinstance(out, MetaArray) or out.ndim < 2:
        return out
    shape = out.shape
    operands = []
    odd = False
    for x in inputs:
        if isinstance(x, np.ndarray) and x.ndim:
            strides = layout(x)[0] if type(x) is MetaArray else contiguous_strides(x.shape)
            odd = odd or getattr(x, '_lstrides', None) is not None
            pad = len(shape) - x.ndim
            operands.append((0,) * pad + tuple([0 if n == 1 and m != 1 else s
                                                for s, n, m in zip(strides, x.shape, shape[pad:])]))
    if not odd:
        return out
    return laid_out(out, _dense_layout(shape, operands))


def _preserved(a):
    """The strides of a copy of ``a`` that keeps its layout (``preserve_format``)."""
    strides = layout(a)[0]
    dims = sorted((d for d in range(a.ndim) if a.shape[d] >= 2), key=lambda d: strides[d])
    step = 1
    for d in dims:
        if strides[d] != step:
            return _dense_layout(a.shape, [strides])
        step *= a.shape[d]
    return strides


class _NoRule(Exception):
    """The rule cannot decide (an error to report, an unusual form): run NumPy's own code."""


def _plain(x):
    """``x`` with every ``MetaArray`` in it seen as a plain ndarray (still zero-strided)."""
    if isinstance(x, MetaArray):
        return x.view(np.ndarray)
    if type(x) in (list, tuple):
        return type(x)([_plain(v) for v in x])
    return x


def _fallback(func, args, kwargs):
    """NumPy's own code on the zero-strided arrays; the results keep only their shapes and dtypes.
    A function NumPy writes in Python runs as it is (what it calls on the arrays comes back here);
    one written in C runs on plain views of them."""
    impl = getattr(func, '_implementation', None)
    if impl is not None and not isinstance(impl, type(np.concatenate)) and hasattr(impl, '__code__'):
        out = impl(*args, **kwargs)
    else:
        out = func(*_plain(args), **{k: _plain(v) for k, v in kwargs.items()})
    if type(out) is tuple:
        return tuple([_result(o) for o in out])
    if type(out) is list:
        return [_result(o) for o in out]
    return _result(out)


def _stand_in(x, ndim=0):
    """A tiny array of ``x``'s dtype (Python numbers stay themselves: NumPy treats them weakly)."""
    if isinstance(x, np.ndarray):
        return np.ones((1,) * (x.ndim if ndim is None else ndim), x.dtype)
    return x


def _shape(x):
    return x.shape if isinstance(x, np.ndarray) else np.shape(x)


def _outputs(results, out, shape):
    """The results' arrays: new meta arrays of ``shape``, or the given ``out`` arrays once they fit."""
    dtypes = [r.dtype for r in results]
    if out is None:
        arrays = [meta_array(shape, dt) for dt in dtypes]
    else:
        arrays = []
        for o, dt in zip(out, dtypes):
            if o is None:
                arrays.append(meta_array(shape, dt))
            elif _zero_strided(o) and o.shape == tuple(shape) and np.can_cast(dt, o.dtype, 'same_kind'):
                arrays.append(o)
            else:
                raise _NoRule
    return arrays[0] if len(arrays) == 1 else tuple(arrays)


def _matmul_shape(a, b):
    if not a or not b:
        raise _NoRule
    a1, b1 = len(a) == 1, len(b) == 1
    a = (1,) + a if a1 else a
    b = b + (1,) if b1 else b
    if a[-1] != b[-2]:
        raise _NoRule
    batch = np.broadcast_shapes(a[:-2], b[:-2])
    return batch + (() if a1 else a[-2:-1]) + (() if b1 else b[-1:])


def _ufunc_call(ufunc, inputs, kwargs):
    out = kwargs.pop('out', None)
    kwargs.pop('where', None)
    shapes = [_shape(i) for i in inputs]
    if ufunc.signature is None:
        if out is not None:
            shapes += [o.shape for o in out if o is not None]
        shape = np.broadcast_shapes(*shapes)
        stand_ins = [_stand_in(i) for i in inputs]
    elif ufunc is np.matmul and len(shapes) == 2:   # an out= array must have the product's shape
        shape = _matmul_shape(*shapes)
        stand_ins = [_stand_in(i, None) for i in inputs]
    else:
        raise _NoRule
    with np.errstate(all='ignore'):
        results = ufunc(*stand_ins, **kwargs)
    outs = _outputs(results if type(results) is tuple else (results,), out, shape)
    if out is None and ufunc.signature is None:
        outs = tuple([_result_layout(o, inputs) for o in outs]) if type(outs) is tuple else \
            _result_layout(outs, inputs)
    return outs


def _reduce(ufunc, inputs, kwargs):
    if len(inputs) != 1 or not isinstance(inputs[0], np.ndarray):
        raise _NoRule
    x = inputs[0]
    axis = kwargs.get('axis', 0)
    axes = tuple(range(x.ndim)) if axis is None else _axes(axis, x.ndim)
    if ufunc.identity is None and 'initial' not in kwargs and any(x.shape[a] == 0 for a in axes):
        raise _NoRule    # NumPy's "zero-size array to reduction operation" error
    keep = kwargs.get('keepdims', False)
    shape = tuple([1 if i in axes else n for i, n in enumerate(x.shape) if keep or i not in axes])
    out = kwargs.get('out')
    with np.errstate(all='ignore'):
        result = ufunc.reduce(np.ones(1, x.dtype), axis=0, dtype=kwargs.get('dtype'))
    return _outputs((np.asarray(result),), out, shape)


def _accumulate(ufunc, inputs, kwargs):
    x = inputs[0]
    if len(inputs) != 1 or not isinstance(x, np.ndarray) or not x.ndim:
        raise _NoRule
    _axes(kwargs.get('axis', 0), x.ndim)
    with np.errstate(all='ignore'):
        result = ufunc.accumulate(np.ones(1, x.dtype), dtype=kwargs.get('dtype'))
    return _outputs((result,), kwargs.get('out'), x.shape)


def _outer(ufunc, inputs, kwargs):
    if len(inputs) != 2 or ufunc.signature is not None:
        raise _NoRule
    out = kwargs.pop('out', None)
    with np.errstate(all='ignore'):
        results = ufunc(*[_stand_in(i) for i in inputs], **kwargs)
    return _outputs(results if type(results) is tuple else (results,), out, _shape(inputs[0]) + _shape(inputs[1]))


def _at(ufunc, inputs, kwargs):
    return None   # writes into a meta array change nothing readable


_UFUNC_METHODS = {'__call__': _ufunc_call, 'reduce': _reduce, 'accumulate': _accumulate,
                  'outer': _outer, 'at': _at}


# ---------------------------------------------------------------- array functions


def _like(a, dtype=None, order='K', subok=True, shape=None, **kwargs):
    if shape is None:
        out = meta_array(a.shape, a.dtype if dtype is None else dtype)
        keep = order in ('K', 'A') and getattr(a, '_lstrides', None) is not None
        return laid_out(out, _preserved(a)) if keep else out
    shape = tuple(shape) if hasattr(shape, '__len__') else (shape,)
    return meta_array(shape, a.dtype if dtype is None else dtype)


def _full_like(a, fill_value, dtype=None, order='K', subok=True, shape=None, **kwargs):
    return _like(a, dtype, order, subok, shape)


def _copy(a, order='K', subok=False):
    return a.copy(order)


def _concatenate(arrays, axis=0, out=None, dtype=None, casting='same_kind'):
    arrays = list(arrays)
    if axis is None or out is not None or not arrays or not all(isinstance(a, np.ndarray) for a in arrays):
        raise _NoRule
    ndim = arrays[0].ndim
    if not ndim or any(a.ndim != ndim for a in arrays):
        raise _NoRule
    ax = _axes(axis, ndim)[0]
    shape = list(arrays[0].shape)
    for a in arrays[1:]:
        if any(n != m for i, (n, m) in enumerate(zip(a.shape, shape)) if i != ax):
            raise _NoRule
        shape[ax] += a.shape[ax]
    kw = {} if dtype is None else {'dtype': dtype}
    result = np.concatenate([np.ones((1,) * ndim, a.dtype) for a in arrays], casting=casting, **kw)
    return meta_array(shape, result.dtype)


def _stack(arrays, axis=0, out=None, dtype=None, casting='same_kind'):
    arrays = list(arrays)
    if out is not None or not arrays or not all(isinstance(a, np.ndarray) for a in arrays):
        raise _NoRule
    shape = arrays[0].shape
    if any(a.shape != shape for a in arrays):
        raise _NoRule
    ax = _axes(axis, len(shape) + 1)[0]
    kw = {} if dtype is None else {'dtype': dtype}
    result = np.stack([np.ones((), a.dtype) for a in arrays], casting=casting, **kw)
    return meta_array(shape[:ax] + (len(arrays),) + shape[ax:], result.dtype)


def _where(condition, *xy):
    if len(xy) != 2:
        raise _NoRule    # where(condition) gives indices: they depend on values
    shape = np.broadcast_shapes(*[_shape(v) for v in (condition,) + xy])
    return meta_array(shape, np.where(True, *[_stand_in(v) for v in xy]).dtype)


def _take(a, indices, axis=None, out=None, mode='raise'):
    if out is not None or not isinstance(a, np.ndarray):
        raise _NoRule
    ishape = _shape(indices)
    if (indices.dtype if isinstance(indices, np.ndarray) else np.asarray(indices).dtype).kind not in 'iu':
        raise _NoRule
    if axis is None:
        return meta_array(ishape, a.dtype)
    ax = _axes(axis, a.ndim)[0]
    return meta_array(a.shape[:ax] + ishape + a.shape[ax + 1:], a.dtype)


def _take_along_axis(arr, indices, axis=-1, **kwargs):
    if axis is None or not isinstance(indices, np.ndarray) or indices.ndim != arr.ndim:
        raise _NoRule
    ax = _axes(axis, arr.ndim)[0]
    rest = np.broadcast_shapes(arr.shape[:ax] + (1,) + arr.shape[ax + 1:],
                               indices.shape[:ax] + (1,) + indices.shape[ax + 1:])
    return meta_array(rest[:ax] + indices.shape[ax:ax + 1] + rest[ax + 1:], arr.dtype)


def _dot(a, b, out=None):
    if out is not None:
        raise _NoRule
    sa, sb = _shape(a), _shape(b)
    if not sa or not sb:
        shape = sa or sb
    elif len(sb) == 1:
        if sa[-1] != sb[0]:
            raise _NoRule
        shape = sa[:-1]
    else:
        if sa[-1] != sb[-2]:
            raise _NoRule
        shape = sa[:-1] + sb[:-2] + sb[-1:]
    return meta_array(shape, np.result_type(_stand_in(a), _stand_in(b)))


def _tensordot(a, b, axes=2):
    sa, sb = _shape(a), _shape(b)
    if isinstance(axes, (int, np.integer)):
        axes_a, axes_b = list(range(len(sa) - axes, len(sa))), list(range(axes))
    else:
        axes_a, axes_b = axes
        axes_a = [axes_a] if isinstance(axes_a, (int, np.integer)) else list(axes_a)
        axes_b = [axes_b] if isinstance(axes_b, (int, np.integer)) else list(axes_b)
    if len(axes_a) != len(axes_b):
        raise _NoRule
    axes_a = [_axes(i, len(sa))[0] for i in axes_a]
    axes_b = [_axes(i, len(sb))[0] for i in axes_b]
    if any(sa[i] != sb[j] for i, j in zip(axes_a, axes_b)):
        raise _NoRule
    shape = tuple([n for i, n in enumerate(sa) if i not in axes_a]) + \
        tuple([n for i, n in enumerate(sb) if i not in axes_b])
    return meta_array(shape, np.result_type(_stand_in(a), _stand_in(b)))


def _einsum(subscripts, *operands, out=None, dtype=None, order='K', casting='safe', optimize=False):
    if not isinstance(subscripts, str) or out is not None:
        raise _NoRule
    spec = subscripts.replace(' ', '')
    ins, arrow, outs = spec.partition('->')
    terms = ins.split(',')
    if len(terms) != len(operands):
        raise _NoRule
    sizes, ell = {}, ()
    for term, op in zip(terms, operands):
        shape = _shape(op)
        if '...' in term:
            head, tail = term.split('...')
            n = len(shape) - len(head) - len(tail)
            if n < 0:
                raise _NoRule
            ell = np.broadcast_shapes(ell, shape[len(head):len(head) + n])
            dims = list(zip(head, shape[:len(head)])) + list(zip(tail, shape[len(head) + n:]))
        else:
            if len(term) != len(shape):
                raise _NoRule
            dims = list(zip(term, shape))
        for letter, n in dims:
            m = sizes.get(letter, 1)
            if m != n and m != 1 and n != 1:
                raise _NoRule
            sizes[letter] = max(m, n) if m != n else n
    if not arrow:
        letters = ins.replace(',', '').replace('.', '')
        outs = ('...' if '...' in ins else '') + ''.join(sorted(c for c in set(letters) if letters.count(c) == 1))
    head, _, tail = outs.partition('...')
    if '...' not in outs and ell:
        raise _NoRule
    shape = tuple([sizes[c] for c in head]) + (ell if '...' in outs else ()) + tuple([sizes[c] for c in tail])
    dt = np.result_type(*[_stand_in(o) for o in operands]) if dtype is None else np.dtype(dtype)
    return meta_array(shape, dt)


def _pad(array, pad_width, mode='constant', **kwargs):
    widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (array.ndim, 2))
    if (widths < 0).any():
        raise _NoRule
    return meta_array(tuple(int(n + lo + hi) for n, (lo, hi) in zip(array.shape, widths)), array.dtype)


def _triangle(m, k=0):
    if m.ndim < 2:
        raise _NoRule
    return meta_array(m.shape, m.dtype)


def _broadcast_to(array, shape, subok=False):
    out = np.broadcast_to(array.view(np.ndarray), shape)
    return _view_of_probe(array, lambda p: np.broadcast_to(p, shape), out)


def _shape_of(a):
    return _shape(a)


_FUNCTIONS = {
    np.empty_like: _like, np.zeros_like: _like, np.ones_like: _like, np.full_like: _full_like,
    np.copy: _copy, np.concatenate: _concatenate, np.stack: _stack, np.where: _where, np.take: _take,
    np.take_along_axis: _take_along_axis, np.dot: _dot, np.tensordot: _tensordot, np.einsum: _einsum,
    np.pad: _pad, np.shape: _shape_of, np.tril: _triangle, np.triu: _triangle,
    np.broadcast_to: _broadcast_to,
}


def _arg_reduce(x, axis, out, keepdims):
    if axis is None:
        shape = (1,) * x.ndim if keepdims else ()
    else:
        ax = _axes(axis, x.ndim)[0]
        shape = x.shape[:ax] + ((1,) if keepdims else ()) + x.shape[ax + 1:]
    if 0 in x.shape and (axis is None or x.shape[ax] == 0):
        return _fallback(np.argmax, (x,), {'axis': axis, 'keepdims': keepdims})   # NumPy's error
    return meta_array(shape, np.intp) if out is None else out


def _cumulative(ufunc, x, axis, dtype, out):
    if axis is None:
        x = x.reshape(-1)
        axis = 0
    result = ufunc.accumulate(x, axis=axis, dtype=dtype if dtype is not None else
                              (np.int_ if x.dtype.kind in 'bi' and x.dtype.itemsize < np.dtype(np.int_).itemsize
                               else np.uint if x.dtype.kind == 'u' and x.dtype.itemsize < np.dtype(np.uint).itemsize
                               else None))
    return result if out is None else out


# ---------------------------------------------------------------- indexing


def _index_shape(shape, key):
    """The shape of ``x[key]`` for an ``x`` of ``shape``, when ``key`` has integer-array parts."""
    parts = []
    for k in (key if type(key) is tuple else (key,)):
        if k is None or k is Ellipsis or isinstance(k, slice):
            parts.append(k)
        elif isinstance(k, (bool, np.bool_)):
            raise _NoRule     # a boolean selects by value
        else:
            k = k if isinstance(k, np.ndarray) else np.asarray(k)
            if k.dtype.kind not in 'iu':
                raise _NoRule
            parts.append(k)
    ellipses = [i for i, p in enumerate(parts) if p is Ellipsis]
    used = sum(1 for p in parts if p is not None and p is not Ellipsis)
    if len(ellipses) > 1 or used > len(shape):
        raise _NoRule     # NumPy's error to give
    fill = [slice(None)] * (len(shape) - used)
    parts = parts[:ellipses[0]] + fill + parts[ellipses[0] + 1:] if ellipses else parts + fill
    out, advanced, positions, dim = [], [], [], 0
    for p in parts:
        if p is None:
            out.append(1)
            continue
        n = shape[dim]
        dim += 1
        if isinstance(p, slice):
            out.append(len(range(*p.indices(n))))
        else:
            advanced.append(p.shape)
            positions.append(len(out))
            out.append(None)
    if not advanced:
        raise _NoRule
    bshape = np.broadcast_shapes(*advanced)
    first = positions[0]
    if positions == list(range(first, first + len(positions))):   # together: they stay in place
        return tuple(out[:first]) + bshape + tuple([n for n in out[first:] if n is not None])
    return bshape + tuple([n for n in out if n is not None])


class MetaArray(np.ndarray):
    """A zero-memory array: a shape and a dtype, every element the same shared zero."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        rule = _UFUNC_METHODS.get(method)
        if rule is not None:
            try:
                return rule(ufunc, inputs, dict(kwargs))
            except (_NoRule, ValueError):
                pass
        return _fallback(ufunc if method == '__call__' else getattr(ufunc, method), inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        rule = _FUNCTIONS.get(func)
        if rule is not None:
            try:
                return rule(*args, **kwargs)
            except (_NoRule, ValueError, TypeError, IndexError):
                pass     # NumPy's own code gives its error (or handles the unusual form)
        return _fallback(func, args, kwargs)

    def __getitem__(self, key):
        if isinstance(key, np.ndarray) or (type(key) is tuple and any(isinstance(k, (np.ndarray, list)) for k in key)) \
                or type(key) is list:
            try:
                return meta_array(_index_shape(self.shape, key), self.dtype)
            except (_NoRule, ValueError, TypeError):
                pass
        out = np.ndarray.__getitem__(self.view(np.ndarray), _plain(key))
        if not isinstance(out, np.ndarray) or (getattr(self, '_lstrides', None) is None and not out.ndim) or \
                isinstance(key, np.ndarray) or type(key) is list or \
                (type(key) is tuple and any(isinstance(k, (np.ndarray, list)) for k in key)):
            return _result(out)
        whole = key if type(key) is tuple else (key,)
        if not any(k is Ellipsis for k in whole):
            whole = whole + (Ellipsis,)     # a view even where every dim is indexed: nothing is read
        return _view_of_probe(self, lambda p: p[whole], out)

    def argmax(self, axis=None, out=None, *, keepdims=False):
        return _arg_reduce(self, axis, out, keepdims)

    def argmin(self, axis=None, out=None, *, keepdims=False):
        return _arg_reduce(self, axis, out, keepdims)

    def cumsum(self, axis=None, dtype=None, out=None):
        return _cumulative(np.add, self, axis, dtype, out)

    def cumprod(self, axis=None, dtype=None, out=None):
        return _cumulative(np.multiply, self, axis, dtype, out)

    def round(self, decimals=0, out=None):
        return self.copy() if out is None else out

    def repeat(self, repeats, axis=None):
        if axis is None or not isinstance(repeats, (int, np.integer)):
            return _fallback(np.ndarray.repeat, (self, repeats, axis), {})
        ax = _axes(axis, self.ndim)[0]
        return meta_array(self.shape[:ax] + (self.shape[ax] * repeats,) + self.shape[ax + 1:], self.dtype)

    def sort(self, axis=-1, kind=None, order=None, stable=None):
        _axes(axis, self.ndim)   # in place: a meta array has nothing to sort

    def argsort(self, axis=-1, kind=None, order=None, stable=None):
        if axis is None:
            return meta_array((self.size,), np.intp)
        _axes(axis, self.ndim)
        return meta_array(self.shape, np.intp)

    def argpartition(self, kth, axis=-1, kind='introselect', order=None):
        return self.argsort(axis)

    def partition(self, kth, axis=-1, kind='introselect', order=None):
        _axes(axis, self.ndim)   # in place: nothing to move

    def take(self, indices, axis=None, out=None, mode='raise'):
        return np.take(self, indices, axis, out, mode)

    def transpose(self, *axes):
        return _view_of_probe(self, lambda p: p.transpose(*axes), np.ndarray.transpose(self, *axes))

    def swapaxes(self, a, b):
        return _view_of_probe(self, lambda p: p.swapaxes(a, b), np.ndarray.swapaxes(self, a, b))

    @property
    def T(self):
        return self.transpose()

    @property
    def mT(self):
        return self.swapaxes(-1, -2)

    def squeeze(self, axis=None):
        return _view_of_probe(self, lambda p: p.squeeze(axis), np.ndarray.squeeze(self, axis))

    def diagonal(self, offset=0, axis1=0, axis2=1):
        return _view_of_probe(self, lambda p: p.diagonal(offset, axis1, axis2),
                              np.ndarray.diagonal(self, offset, axis1, axis2))

    def reshape(self, *shape, order='C', copy=None):
        out = np.ndarray.reshape(self, *shape, order=order)     # NumPy's checks; a view (strides are 0)
        if getattr(self, '_lstrides', None) is None:
            return out
        strides = _view_strides(self.shape, layout(self)[0], out.shape)
        if strides is None:
            if copy is False:
                raise ValueError("cannot reshape array without copying")
            return meta_array(out.shape, out.dtype)
        return laid_out(out, strides, layout(self)[1])

    def view(self, *args, **kwargs):
        out = np.ndarray.view(self, *args, **kwargs)
        if not args and not kwargs and getattr(self, '_lstrides', None) is not None:
            out._lstrides, out._loffset = layout(self)     # the same tensor seen again: the same layout
        return out

    @property
    def shape(self):
        return np.ndarray.shape.__get__(self)

    @shape.setter
    def shape(self, value):
        # in place (what .view() falls back on): only where PyTorch's view would work
        try:
            view = self.reshape(value, copy=False)
        except ValueError:
            raise AttributeError("Incompatible shape for in-place modification. Use `.reshape()` to make a copy "
                                 "with the desired shape.") from None
        np.ndarray.shape.__set__(self, view.shape)
        self._lstrides, self._loffset = getattr(view, '_lstrides', None), getattr(view, '_loffset', 0)

    def __setitem__(self, key, value):
        # values are not kept: only NumPy's checks of the key and the value's shape are wanted
        target = self[key]
        try:
            fits = isinstance(target, np.ndarray) and np.broadcast_shapes(_shape(value), target.shape) == target.shape
        except ValueError:
            fits = False
        if not fits:    # NumPy's error (or an unusual form): its own code
            np.ndarray.__setitem__(self.view(np.ndarray), _plain(key), _plain(value))

    def astype(self, dtype, order='K', casting='unsafe', subok=True, copy=True):
        dtype = np.dtype(dtype)
        if not np.can_cast(self.dtype, dtype, casting):
            np.ones(1, self.dtype).astype(dtype, casting=casting)   # NumPy's error
        return self if not copy and dtype == self.dtype else meta_array(self.shape, dtype)

    def copy(self, order='C'):
        out = meta_array(self.shape, self.dtype)
        return out if order in ('C', 'F') or getattr(self, '_lstrides', None) is None else \
            laid_out(out, _preserved(self))

    def flatten(self, order='C'):
        return meta_array((self.size,), self.dtype)

    def ravel(self, order='C'):
        return self.reshape(-1)

    def dot(self, b, out=None):
        return np.dot(self, b, out=out)

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()


# ---------------------------------------------------------------- the array module of 'meta' tensors


class _MetaNumPy(types.ModuleType):
    """NumPy as ops on 'meta' tensors see it (their ``xp``): the same functions, except that those
    which would copy or allocate an array give zero-memory arrays instead."""

    def __init__(self, name, numpy_module):
        super().__init__(name, _MetaNumPy.__doc__)
        self._numpy_module = numpy_module

    def __getattr__(self, name):
        return getattr(self._numpy_module, name)


meta_numpy = _MetaNumPy('ember.backend.meta_numpy', np)
meta_numpy.lib = _MetaNumPy('ember.backend.meta_numpy.lib', np.lib)
meta_numpy.lib.stride_tricks = _MetaNumPy('ember.backend.meta_numpy.lib.stride_tricks', np.lib.stride_tricks)


def _as_strided(x, shape=None, strides=None, **kwargs):
    # a meta tensor's as_strided view: its own strides are 0, the ones asked for are its layout
    out = np.lib.stride_tricks.as_strided(x, shape, strides, **kwargs)
    return laid_out(meta_array(out.shape, out.dtype), [s // out.itemsize for s in out.strides])


meta_numpy.lib.stride_tricks.as_strided = _as_strided
meta_numpy.lib.stride_tricks.sliding_window_view = \
    lambda *args, **kwargs: as_meta(np.lib.stride_tricks.sliding_window_view(*args, **kwargs))


def _zero_strided(a):
    # NumPy's stride tricks (as_strided windows) give plain views of a meta array: still zero-strided
    return isinstance(a, np.ndarray) and (type(a) is MetaArray or (a.size > 1 and not any(a.strides)))


def _converter(numpy_fn):
    in_order = numpy_fn in (np.ascontiguousarray, np.asfortranarray)

    def convert(a, dtype=None, *args, **kwargs):
        if _zero_strided(a):
            a = as_meta(a)
            if in_order and getattr(a, '_lstrides', None) is not None:
                return meta_array(a.shape, a.dtype if dtype is None else dtype)
            return a if dtype is None else a.astype(dtype, copy=False)
        return numpy_fn(a, dtype, *args, **kwargs)
    convert.__name__ = numpy_fn.__name__
    return convert


def _array(a, dtype=None, *args, copy=True, **kwargs):
    if _zero_strided(a):
        a = as_meta(a)
        return a.astype(a.dtype if dtype is None else dtype, copy=bool(copy))
    return np.array(a, dtype, *args, copy=copy, **kwargs)


def _maker(value_args):
    def make(shape, *args, dtype=None, order='C', **kwargs):
        if value_args:
            args = args[1:] if args else args
        if args:
            dtype = args[0]
        shape = (shape,) if isinstance(shape, (int, np.integer)) else shape
        return meta_array(shape, float if dtype is None else dtype)
    return make


for _name in ('ascontiguousarray', 'asfortranarray', 'asarray', 'asanyarray'):
    setattr(meta_numpy, _name, _converter(getattr(np, _name)))
meta_numpy.array = _array
meta_numpy.empty = meta_numpy.zeros = meta_numpy.ones = _maker(False)
meta_numpy.full = _maker(True)


def _tri(N, M=None, k=0, dtype=float, **kwargs):
    return meta_array((N, N if M is None else M), dtype)


def _eye(N, M=None, k=0, dtype=float, **kwargs):
    return meta_array((N, N if M is None else M), dtype)


meta_numpy.tri = _tri
meta_numpy.eye = _eye
meta_numpy.identity = lambda n, dtype=None, **kwargs: meta_array((n, n), float if dtype is None else dtype)
