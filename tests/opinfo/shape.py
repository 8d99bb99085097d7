"""Rows for ember/ops/shape.py: views, reshapes, joins and splits, flips, diagonals, triangles."""
import numpy as np

import ember
from tests.opinfo import OpInfo, Sample


def _n(rng, *shape):
    return rng.standard_normal(shape)


def _one(shape, *extra, **kw):
    return lambda rng: [Sample(rng.standard_normal(shape), *extra, **kw)]


def _reshape(rng):
    x = _n(rng, 2, 3, 4)
    return [Sample(x, (6, 4)), Sample(x, (4, -1)), Sample(x, (24,)), Sample(x, (2, 1, 12)), Sample(_n(rng), (1, 1))]


def _np_split(x, size, dim=0):
    n = x.shape[dim]
    if isinstance(size, int):
        bounds = list(range(size, n, size))
    else:
        bounds = list(np.cumsum(size)[:-1])
    return tuple(np.split(x, bounds, axis=dim))


def _np_chunk(x, chunks, dim=0):
    n = x.shape[dim]
    step = -(-n // chunks)
    return _np_split(x, step, dim)


def _np_tensor_split(x, sections, dim=0):
    return tuple(np.array_split(x, sections, axis=dim))


def _np_movedim(x, src, dst):
    return np.moveaxis(x, src, dst)


def _np_narrow(x, dim, start, length):
    return np.take(x, np.arange(start, start + length), axis=dim)


def _np_roll(x, shifts, dims=None):
    return np.roll(x, shifts, dims)


def _np_repeat(x, *sizes):
    sizes = sizes[0] if len(sizes) == 1 and isinstance(sizes[0], tuple) else sizes
    return np.tile(x.reshape((1,) * (len(sizes) - x.ndim) + x.shape), sizes)


def _np_repeat_interleave(x, repeats, dim=None):
    if dim is None:
        return np.repeat(x.reshape(-1), repeats)
    return np.repeat(x, repeats, axis=dim)


def _np_diag_embed(x, offset=0, dim1=-2, dim2=-1):
    n = x.shape[-1] + abs(offset)
    out = np.zeros(x.shape[:-1] + (n, n), x.dtype)
    i = np.arange(x.shape[-1])
    out[..., i + max(-offset, 0), i + max(offset, 0)] = x
    return np.moveaxis(out, (-2, -1), (dim1, dim2))


def _np_unfold(x, dim, size, step):
    win = np.lib.stride_tricks.sliding_window_view(x, size, axis=dim)
    idx = [slice(None)] * win.ndim
    idx[dim] = slice(None, None, step)
    return win[tuple(idx)]


def _np_sum_to(x, *size):
    lead = x.ndim - len(size)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(size) if s == 1 and x.shape[lead + i] != 1)
    return np.sum(x, axis=axes, keepdims=True).reshape(size)


def _cat(rng):
    return [Sample([_n(rng, 2, 3), _n(rng, 1, 3), _n(rng, 3, 3)]), Sample([_n(rng, 2, 3), _n(rng, 2, 1)], 1),
            Sample([_n(rng, 2, 3), _n(rng, 2, 2)], -1), Sample([_n(rng, 2, 3), _n(rng, 0, 3), _n(rng, 1, 3)]),
            Sample([_n(rng, 2, 3), np.zeros(0), _n(rng, 1, 3)]), Sample([_n(rng, 4)])]


def _np_cat(xs, dim=0):
    return np.concatenate([x for x in xs if not (x.ndim == 1 and x.shape[0] == 0)], axis=dim)


def _stack(rng):
    return [Sample([_n(rng, 2, 3), _n(rng, 2, 3), _n(rng, 2, 3)]), Sample([_n(rng, 2, 3), _n(rng, 2, 3)], 2),
            Sample([_n(rng, 2, 3), _n(rng, 2, 3)], -2), Sample([_n(rng), _n(rng)])]


def _hv(rng):
    return [Sample([_n(rng, 2, 3), _n(rng, 2, 3)]), Sample([_n(rng, 3), _n(rng, 2)]), Sample([_n(rng), _n(rng)]),
            Sample([_n(rng, 2, 3, 2), _n(rng, 2, 3, 2)])]


def _vstack(rng):
    return [Sample([_n(rng, 2, 3), _n(rng, 1, 3)]), Sample([_n(rng, 3), _n(rng, 3)]), Sample([_n(rng, 3), _n(rng, 2, 3)])]


def _column_stack(rng):
    return [Sample([_n(rng, 3), _n(rng, 3, 2)]), Sample([_n(rng, 3), _n(rng, 3)])]


def _dstack(rng):
    return [Sample([_n(rng, 2, 3), _n(rng, 2, 3)]), Sample([_n(rng, 3), _n(rng, 3)])]


def _atleast(rng):
    return [Sample(_n(rng)), Sample(_n(rng, 3)), Sample(_n(rng, 2, 3)), Sample(_n(rng, 2, 3, 2))]


def _unbind_like(rng):
    x = _n(rng, 3, 4)
    return [Sample(x), Sample(x, 1), Sample(_n(rng, 2, 3, 2), -1)]


def _diag(rng):
    return [Sample(_n(rng, 3)), Sample(_n(rng, 3), 1), Sample(_n(rng, 3), -2), Sample(_n(rng, 3, 4)),
            Sample(_n(rng, 3, 4), 1), Sample(_n(rng, 4, 3), -1)]


def _np_diag(x, diagonal=0):
    return np.diag(x, diagonal)


def _diagonal(rng):
    x = _n(rng, 3, 4)
    y = _n(rng, 2, 3, 4)
    return [Sample(x), Sample(x, 1), Sample(x, -1), Sample(y, 0, 1, 2), Sample(y, 1, -1, 0), Sample(y, -1, 2, 1)]


def _np_diagonal(x, offset=0, dim1=0, dim2=1):
    return np.diagonal(x, offset, dim1, dim2)


def _diag_embed(rng):
    x = _n(rng, 2, 3)
    return [Sample(x), Sample(x, 1), Sample(x, -1), Sample(x, 0, 0, 2), Sample(_n(rng, 3), 0, -1, -2)]


def _tri(rng):
    x = _n(rng, 3, 4)
    return [Sample(x), Sample(x, 1), Sample(x, -1), Sample(_n(rng, 2, 3, 3), 0), Sample(x, 5), Sample(x, -5)]


def _squeeze(rng):
    x = _n(rng, 1, 3, 1, 2)
    return [Sample(x), Sample(x, 0), Sample(x, 1), Sample(x, -2), Sample(x, (0, 2)), Sample(_n(rng, 1))]


def _np_squeeze(x, dim=None):
    if dim is None:
        return np.squeeze(x)
    dims = (dim,) if isinstance(dim, int) else dim
    dims = tuple(d % x.ndim for d in dims if x.shape[d] == 1)
    return np.squeeze(x, dims)


def _flip(rng):
    x = _n(rng, 2, 3, 4)
    return [Sample(x, (0,)), Sample(x, (0, 2)), Sample(x, [-1]), Sample(x, (0, 1, 2))]


def _roll(rng):
    x = _n(rng, 3, 4)
    return [Sample(x, 1), Sample(x, -2, 0), Sample(x, (1, 2), (0, 1)), Sample(x, 5, 1), Sample(x, 7)]


def _unflatten(rng):
    x = _n(rng, 6, 4)
    return [Sample(x, 0, (2, 3)), Sample(x, 1, (2, -1)), Sample(x, -1, (4, 1))]


def _np_unflatten(x, dim, sizes):
    dim = dim % x.ndim
    sizes = list(sizes)
    if -1 in sizes:
        sizes[sizes.index(-1)] = x.shape[dim] // int(-np.prod(sizes))
    return x.reshape(x.shape[:dim] + tuple(sizes) + x.shape[dim + 1:])


def _flatten(rng):
    x = _n(rng, 2, 3, 4)
    return [Sample(x), Sample(x, 1), Sample(x, 0, 1), Sample(x, -2, -1), Sample(_n(rng))]


def _np_flatten(x, start_dim=0, end_dim=-1):
    if x.ndim == 0:
        return x.reshape(1)
    s, e = start_dim % x.ndim, end_dim % x.ndim
    return x.reshape(x.shape[:s] + (-1,) + x.shape[e + 1:])


OPS = [
    OpInfo('reshape', ember.reshape, _reshape, ref=np.reshape),
    OpInfo('reshape', lambda x: ember.reshape(x.transpose(0, 1), (3, 8)), _one((2, 3, 4)),
           ref=lambda x: np.reshape(np.swapaxes(x, 0, 1), (3, 8))),
    OpInfo('Tensor.view', lambda x, s: x.view(s), _reshape, ref=np.reshape, noncontig=False),
    OpInfo('Tensor.view', lambda x: x.view(-1, 4).view(2, 3, 4)[1], _one((2, 3, 4)), ref=lambda x: x[1]),
    OpInfo('view_as', lambda x, y: ember.view_as(x, y), lambda rng: [Sample(_n(rng, 2, 6), np.zeros((3, 4)))],
           ref=lambda x, y: x.reshape(3, 4), noncontig=False),
    OpInfo('Tensor.reshape_as', lambda x: x.reshape_as(ember.zeros(4, 3)), _one((3, 4)),
           ref=lambda x: x.reshape(4, 3)),
    OpInfo('flatten', ember.flatten, _flatten, ref=_np_flatten),
    OpInfo('unflatten', ember.unflatten, _unflatten, ref=_np_unflatten),
    OpInfo('Tensor.expand', lambda x, *s: x.expand(*s), lambda rng: [Sample(_n(rng, 3, 1), 3, 4),
                                                                    Sample(_n(rng, 3, 1), (2, 3, 5)),
                                                                    Sample(_n(rng, 1, 4), -1, 4), Sample(_n(rng), 2, 2)],
           ref=lambda x, *s: np.broadcast_to(x, tuple(a if a != -1 else b for a, b in zip(
               s[0] if isinstance(s[0], tuple) else s, x.shape)) if -1 in (s[0] if isinstance(s[0], tuple) else s)
               else (s[0] if isinstance(s[0], tuple) else s))),
    OpInfo('Tensor.expand_as', lambda x: x.expand_as(ember.zeros(2, 3, 4)), _one((3, 1)),
           ref=lambda x: np.broadcast_to(x, (2, 3, 4))),
    OpInfo('broadcast_to', ember.broadcast_to, lambda rng: [Sample(_n(rng, 3, 1), (3, 4)),
                                                            Sample(_n(rng, 4), (2, 3, 4))], ref=np.broadcast_to),
    OpInfo('broadcast_tensors', lambda a, b: ember.stack(ember.broadcast_tensors(a, b)),
           lambda rng: [Sample(_n(rng, 3, 1), _n(rng, 1, 4))], ref=lambda a, b: np.stack(np.broadcast_arrays(a, b)),
           called=ember.broadcast_tensors),
    OpInfo('Tensor.sum_to_size', lambda x, *s: x.sum_to_size(*s), lambda rng: [Sample(_n(rng, 2, 3, 4), 3, 1),
                                                                              Sample(_n(rng, 2, 3, 4), (1, 4)),
                                                                              Sample(_n(rng, 3, 4), 3, 4)],
           ref=lambda x, *s: _np_sum_to(x, *(s[0] if isinstance(s[0], tuple) else s))),
    OpInfo('squeeze', ember.squeeze, _squeeze, ref=_np_squeeze),
    OpInfo('unsqueeze', ember.unsqueeze, lambda rng: [Sample(_n(rng, 3, 4), 0), Sample(_n(rng, 3, 4), -1),
                                                      Sample(_n(rng, 3, 4), 1), Sample(_n(rng), 0)],
           ref=np.expand_dims),
    OpInfo('permute', ember.permute, lambda rng: [Sample(_n(rng, 2, 3, 4), (2, 0, 1)), Sample(_n(rng, 2, 3, 4), (0, -1, 1))],
           ref=lambda x, d: np.transpose(x, d)),
    OpInfo('Tensor.permute', lambda x: x.permute(1, 2, 0), _one((2, 3, 4)), ref=lambda x: x.transpose(1, 2, 0)),
    OpInfo('transpose', ember.transpose, lambda rng: [Sample(_n(rng, 2, 3, 4), 0, 2), Sample(_n(rng, 3, 4), -1, 0)],
           ref=np.swapaxes, aliases=('swapaxes', 'swapdims')),
    OpInfo('t', ember.t, lambda rng: [Sample(_n(rng, 3, 4)), Sample(_n(rng, 3)), Sample(_n(rng))], ref=lambda x: x.T),
    OpInfo('Tensor.T', lambda x: x.T, lambda rng: [Sample(_n(rng, 3, 4))], ref=lambda x: x.T),
    OpInfo('Tensor.mT', lambda x: x.mT, lambda rng: [Sample(_n(rng, 2, 3, 4))], ref=lambda x: np.swapaxes(x, -1, -2)),
    OpInfo('adjoint', ember.adjoint, _one((2, 3, 4)), ref=lambda x: np.swapaxes(x, -1, -2)),
    OpInfo('movedim', ember.movedim, lambda rng: [Sample(_n(rng, 2, 3, 4), 0, 2), Sample(_n(rng, 2, 3, 4), (0, 1), (2, 0)),
                                                  Sample(_n(rng, 2, 3, 4), -1, 0)], ref=_np_movedim,
           aliases=('moveaxis',)),
    OpInfo('narrow', ember.narrow, lambda rng: [Sample(_n(rng, 4, 5), 0, 1, 2), Sample(_n(rng, 4, 5), -1, 2, 3),
                                                Sample(_n(rng, 4, 5), 1, 0, 0)], ref=_np_narrow),
    OpInfo('split', ember.split, lambda rng: [Sample(_n(rng, 5, 4), 2), Sample(_n(rng, 5, 4), [1, 3, 0], 1),
                                              Sample(_n(rng, 5, 4), 5)], ref=_np_split),
    OpInfo('tensor_split', ember.tensor_split, lambda rng: [Sample(_n(rng, 7, 2), 3), Sample(_n(rng, 4, 5), [1, 3], 1)],
           ref=_np_tensor_split),
    OpInfo('chunk', ember.chunk, lambda rng: [Sample(_n(rng, 5, 4), 2), Sample(_n(rng, 4, 6), 4, 1),
                                              Sample(_n(rng, 3, 2), 5)], ref=_np_chunk),
    OpInfo('unbind', ember.unbind, _unbind_like, ref=lambda x, dim=0: tuple(np.moveaxis(x, dim, 0))),
    OpInfo('select', ember.select, lambda rng: [Sample(_n(rng, 3, 4), 0, 1), Sample(_n(rng, 3, 4), 1, -1),
                                                Sample(_n(rng, 2, 3, 4), -2, 2)],
           ref=lambda x, dim, i: np.take(x, i, axis=dim)),
    OpInfo('flip', ember.flip, _flip, ref=lambda x, d: np.flip(x, d)),
    OpInfo('fliplr', ember.fliplr, _one((3, 4)), ref=np.fliplr),
    OpInfo('flipud', ember.flipud, _one((3, 4)), ref=np.flipud),
    OpInfo('roll', ember.roll, _roll, ref=_np_roll),
    OpInfo('Tensor.repeat', lambda x, *s: x.repeat(*s), lambda rng: [Sample(_n(rng, 2, 3), 2, 1),
                                                                    Sample(_n(rng, 2, 3), (1, 2, 2)), Sample(_n(rng, 3), 2, 2)],
           ref=_np_repeat),
    OpInfo('tile', ember.tile, lambda rng: [Sample(_n(rng, 2, 3), (2,)), Sample(_n(rng, 2, 3), (2, 1, 2))],
           ref=np.tile),
    OpInfo('repeat_interleave', ember.repeat_interleave,
           lambda rng: [Sample(_n(rng, 2, 3), 2), Sample(_n(rng, 2, 3), 2, 1), Sample(_n(rng, 3, 2), np.array([1, 0, 2]), 0)],
           ref=lambda x, r, dim=None: _np_repeat_interleave(x, r.numpy() if hasattr(r, 'numpy') else r, dim)),
    OpInfo('diagonal', ember.diagonal, _diagonal, ref=_np_diagonal),
    OpInfo('diag', ember.diag, _diag, ref=_np_diag),
    OpInfo('diag_embed', ember.diag_embed, _diag_embed, ref=_np_diag_embed),
    OpInfo('tril', ember.tril, _tri, ref=np.tril),
    OpInfo('triu', ember.triu, _tri, ref=np.triu),
    OpInfo('cat', ember.cat, _cat, ref=_np_cat, aliases=('concat', 'concatenate')),
    OpInfo('stack', ember.stack, _stack, ref=lambda xs, dim=0: np.stack(xs, axis=dim)),
    OpInfo('hstack', ember.hstack, _hv, ref=np.hstack),
    OpInfo('vstack', ember.vstack, _vstack, ref=np.vstack, aliases=('row_stack',)),
    OpInfo('dstack', ember.dstack, _dstack, ref=np.dstack),
    OpInfo('column_stack', ember.column_stack, _column_stack, ref=np.column_stack),
    OpInfo('atleast_1d', ember.atleast_1d, _atleast, ref=np.atleast_1d),
    OpInfo('atleast_2d', ember.atleast_2d, _atleast, ref=np.atleast_2d),
    OpInfo('atleast_3d', ember.atleast_3d, _atleast, ref=np.atleast_3d),
    OpInfo('Tensor.unfold', lambda x, *a: x.unfold(*a), lambda rng: [Sample(_n(rng, 7), 0, 2, 1), Sample(_n(rng, 3, 7), 1, 3, 2),
                                                                    Sample(_n(rng, 5, 2), 0, 2, 3)],
           ref=_np_unfold),
    OpInfo('clone', ember.clone, _one((3, 4)), ref=np.copy),
    # (the recorders call contiguous on the sample itself, already contiguous: PyTorch hands it back, no node)
    OpInfo('Tensor.contiguous', lambda x: x.t().contiguous(), _one((3, 4)), ref=lambda x: x.T,
           called=ember.Tensor.contiguous),
]
