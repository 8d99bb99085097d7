"""Indexing as PyTorch's dispatcher hands it to ``__torch_dispatch__`` modes: ``x[key]`` and
``x[key] = value`` arrive as the basic steps (``aten.select.int``, ``aten.slice.Tensor``,
``aten.unsqueeze``) followed by one ``aten.index.Tensor`` / ``aten.index_put_`` for the tensor indices,
and a Python number or list becomes a tensor through ``aten.lift_fresh`` (what ``torch.tensor`` shows).
The forms this does not know (a Python bool as an index) answer NotImplemented and are refused as before.
"""

_INT64_MAX = 9223372036854775807


def _hand(name, overload, *args):
    from ember.utils._python_dispatch import _hand_aten
    return _hand_aten(name, overload, *args)


def _bool():
    import ember
    return ember.bool


def make_tensor(*args, **kwargs):
    """``ember.tensor`` itself, not the form that hands it to the modes."""
    from ember.ops.creation import tensor
    return tensor(*args, **kwargs)


def lifted(t):
    """``t`` as ``aten.lift_fresh`` hands it on: a tensor the program made from Python data."""
    return _hand('lift_fresh', 'default', t)


def tensor(fn, *args, **kwargs):
    """``ember.tensor(...)`` under a mode: made outside the dispatcher, then shown as ``aten.lift_fresh``."""
    requires_grad = kwargs.pop('requires_grad', False)
    out = lifted(fn(*args, **kwargs))
    return out.requires_grad_() if requires_grad else out


def _consumed(k):
    """How many dimensions of the indexed tensor the index ``k`` uses up."""
    from ember._tensor import Tensor
    if k is None or k is Ellipsis:
        return 0
    if isinstance(k, Tensor) and k.dtype == _bool():
        return k.dim()
    return 1


def _basic_steps(x, key, reading=True):
    """Apply the int/slice/None parts of ``key`` to ``x`` as ATen calls; ``(view, indices)`` where
    ``indices`` is the ``Tensor?[]`` list of the tensor parts (None for a dimension kept whole), or
    NotImplemented for a key this does not take apart. A slice keeping a whole dimension is skipped, except
    when it is the whole key of a read (``x[:]``), as in PyTorch."""
    from ember._tensor import Tensor
    single = not isinstance(key, tuple)
    key = (key,) if single else key
    cur, dim, indices = x, 0, []
    for n, k in enumerate(key):
        if k is Ellipsis:
            skip = cur.dim() - dim - sum(_consumed(r) for r in key[n + 1:])
            dim += skip
            indices.extend([None] * skip)
        elif k is None:
            cur = _hand('unsqueeze', 'default', cur, dim)
            dim += 1
            indices.append(None)
        elif isinstance(k, bool) or (isinstance(k, Tensor) and k.dim() == 0 and k.dtype == _bool()):
            return NotImplemented
        elif isinstance(k, int):
            cur = _hand('select', 'int', cur, dim, k)
        elif isinstance(k, slice):
            start = 0 if k.start is None else k.start
            stop = _INT64_MAX if k.stop is None else k.stop
            step = 1 if k.step is None else k.step
            length = cur.shape[dim]
            whole = step == 1 and (start == 0 or start <= -length) and stop >= length
            if (single and reading) or not whole:
                cur = _hand('slice', 'Tensor', cur, dim, start, stop, *((step,) if step != 1 else ()))
            dim += 1
            indices.append(None)
        elif isinstance(k, Tensor):
            indices.append(k)
            dim += _consumed(k)
        elif isinstance(k, list):
            t = lifted(make_tensor(k))
            indices.append(t)
            dim += _consumed(t)
        else:
            return NotImplemented
    while indices and indices[-1] is None:
        indices.pop()
    return cur, indices


def getitem(fn, self, key):
    """``self[key]`` under a mode."""
    steps = _basic_steps(self, key)
    if steps is NotImplemented:
        return NotImplemented
    cur, indices = steps
    if indices:
        return _hand('index', 'Tensor', cur, indices)
    if cur is self:                  # x[...]: a new tensor viewing x
        return _hand('alias', 'default', self)
    return cur


def setitem(fn, self, key, value):
    """``self[key] = value`` under a mode: the basic steps, then ``index_put_`` for tensor indices, else
    ``fill_`` (a number) or ``copy_`` (a tensor, viewed and expanded to the target's shape)."""
    from ember._tensor import Tensor
    if isinstance(value, (bool, int, float, complex)):
        value = lifted(make_tensor(value, dtype=self.dtype, device=self.device))
        number = True
    elif isinstance(value, Tensor):
        number = False
    else:
        return NotImplemented
    steps = _basic_steps(self, key, reading=False)
    if steps is NotImplemented:
        return NotImplemented
    cur, indices = steps
    if indices:
        _hand('index_put_', 'default', cur, indices, value)
    elif number:
        _hand('fill_', 'Tensor', cur, value)
    else:
        if value.shape != cur.shape:
            shape = list(value.shape)
            while shape and shape[0] == 1:      # leading ones dropped, as PyTorch's copy_to does
                shape.pop(0)
            value = _hand('expand', 'default', _hand('view', 'default', value, shape), list(cur.shape))
        _hand('copy_', 'default', cur, value)
    return None


def index_put_(fn, self, indices, values, accumulate=False):
    """``x.index_put_(indices, values, accumulate)`` under a mode: ``aten.index_put_``."""
    return _hand('index_put_', 'default', self, list(indices), values, *((True,) if accumulate else ()))
