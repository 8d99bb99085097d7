"""Dynamic axes: what the traced graph froze but must compute when the model runs.

A second capture on other input values, with every dynamic input axis longer, is compared with the
first: shape arguments that changed (a ``reshape(x.shape[0], ...)``), and tensors made outside
ember's ops that changed (the zero initial state of an RNN, ``arange(x.shape[1])``), are rebuilt in
the ONNX graph from the sizes of the graph's inputs; anything else that changed is refused.
"""
import numpy as np

from ember._trace.graph import Value

_SHAPE_ARGS = ('View', 'UnsafeView', 'Reshape', 'ReshapeAlias', 'Expand')


def normalise_dynamic_axes(dynamic_axes):
    """``{name: {axis: symbol}}`` from either of PyTorch's forms of ``dynamic_axes``."""
    spec = {}
    for name, axes in (dynamic_axes or {}).items():
        if isinstance(axes, dict):
            spec[name] = {int(d): str(s) for d, s in axes.items()}
        else:
            spec[name] = {int(d): f"{name}_dynamic_axes_{i + 1}" for i, d in enumerate(axes)}
    return spec


def growths(dynamic_axes):
    """How much longer each symbol's axes are in the second capture: 1 for the unnamed axes of the
    list form (they cannot be told apart), and 1, 2, 3... for the named ones, so that two named
    axes of the same example size still show which one a shape follows."""
    grow, named = {}, []
    for name, axes in (dynamic_axes or {}).items():
        for d, s in normalise_dynamic_axes({name: axes})[name].items():
            if isinstance(axes, dict) and s not in named:
                named.append(s)
            grow[s] = named.index(s) + 1 if isinstance(axes, dict) else 1
    return grow


def varied(args, kwargs, names, symbols, grow):
    """The arguments with other values (rolled by one place; floats also scaled and shifted) and
    every dynamic input axis longer, for the second capture."""
    import ember
    it = iter(names)

    def vary(obj):
        if isinstance(obj, ember.Tensor):
            axes = symbols.get(next(it), {})
            data = obj.detach().cpu().numpy()
            shape = [s + grow[axes[d]] if d in axes else s for d, s in enumerate(data.shape)]
            data = np.roll(np.resize(data, shape).reshape(-1), 1).reshape(shape)
            if data.dtype.kind in 'fc':
                data = data * 1.5 + 0.25
            # np.array, not ascontiguousarray: that makes a 0-dim input 1-dim
            return ember.from_numpy(np.array(data, dtype=obj.detach().cpu().numpy().dtype, order='C'))
        if isinstance(obj, (tuple, list)):
            return type(obj)(vary(o) for o in obj)
        if isinstance(obj, dict):
            return {k: vary(v) for k, v in obj.items()}
        return obj
    return vary(args), vary(kwargs)


def _same(a, b):
    """Whether two captured arguments are equal, looking into tuples, lists and arrays (index keys)."""
    if isinstance(a, Value) or isinstance(b, Value):
        return isinstance(a, Value) and isinstance(b, Value)
    if isinstance(a, (tuple, list)) or isinstance(b, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if hasattr(a, 'shape') or hasattr(b, 'shape'):
        return hasattr(a, 'shape') and hasattr(b, 'shape') and a.shape == b.shape and \
            bool(np.array_equal(np.asarray(a), np.asarray(b), equal_nan=np.asarray(a).dtype.kind in 'fc'))
    # a NaN argument (logdet's where(sign < 0, nan, ...)) is the same NaN in both captures
    return bool(a == b) or (isinstance(a, float) and isinstance(b, float) and a != a and b != b)


def _pattern(a):
    """What a tensor made outside ember's ops holds, when its values are a rule its shape fixes:
    ``('fill', value)``, ``('range', start, step)`` (1-D) or ``('tril', k, inside, outside)`` (2-D,
    one value on and below the k-th diagonal, another above it: causal masks); else None."""
    flat = a.reshape(-1)
    if flat.size and (flat == flat[0]).all():
        return ('fill', flat[0].item())
    if a.ndim == 1 and a.size > 1 and a.dtype.kind in 'iuf':
        step = flat[1] - flat[0]
        if np.array_equal(flat, flat[0] + step * np.arange(flat.size, dtype=flat.dtype)):
            return ('range', flat[0].item(), step.item())
    if a.ndim == 2 and a.size:
        return _triangle(a)
    return None


def _run_length(v):
    return int(np.argmax(v != v[0])) if (v != v[0]).any() else len(v)


def _triangle(a):
    # the first row's run of its first value gives k when that value is inside; the first column's
    # run when it is outside (k < 0)
    n, m = a.shape
    for k in (_run_length(a[0]) - 1, -_run_length(a[:, 0])):
        inside = np.tri(n, m, k, dtype=bool)
        if inside.all() or not inside.any():
            continue
        fill_in, fill_out = a[inside][0], a[~inside][0]
        if np.array_equal(a, np.where(inside, fill_in, fill_out)):
            return ('tril', k, fill_in.item(), fill_out.item())
    return None


def _refuse_constant(graph, value):
    users = [n.name for n in graph.nodes if any(v is value for v in n.inputs)]
    raise NotImplementedError(
        f"ember.onnx.export: a tensor read by {users[0] if users else 'the model'} was computed by code "
        f"the exporter cannot record (an op with no gradient such as argmax or nonzero, a tensor "
        f"built from the input's values or sizes, or random numbers such as dropout's in training mode), "
        f"so it would be frozen as a constant")


def fold_reshape_copies(graph):
    """Drop the contiguous copy a reshape makes before it views (Clone read only by an UnsafeView): as
    the input's strides allow, one capture's reshape is a View, another's a Clone then an UnsafeView,
    and the copy changes no value, so without it both captures run the same ops."""
    readers = {}
    for n in graph.nodes:
        for v in n.inputs:
            readers[id(v)] = readers.get(id(v), 0) + 1
    outputs = {id(v) for v in graph.outputs}
    dropped = set()
    for n in graph.nodes:
        src = n.args[0] if n.name == 'UnsafeView' and n.args else None
        clone = getattr(src, 'producer', None)
        if clone is not None and clone.name == 'Clone' and readers.get(id(src)) == 1 and id(src) not in outputs:
            n.args = [clone.args[0]] + list(n.args[1:])
            dropped.add(id(clone))
    if dropped:
        graph.nodes = [n for n in graph.nodes if id(n) not in dropped]
    return graph


def _kind(node):
    """What a node is written as: ops with one translation are alike (a reshape recorded as View for
    one batch size and as UnsafeView for another, as the input's strides allow, is the same op)."""
    from ._ops import CONVERTERS
    return CONVERTERS.get(node.name, node.name)


class Dynamic:
    """What differs between the two captures, and how the ONNX graph computes it."""

    def __init__(self, graph, other):
        if [_kind(n) for n in graph.nodes] != [_kind(n) for n in other.nodes] or \
                len(graph.constants) != len(other.constants):
            raise NotImplementedError("ember.onnx.export: the model runs different ops for other input values or "
                                      "sizes (Python control flow on tensor values?), so one graph cannot serve "
                                      "them all")
        self.inputs = graph.inputs
        self.twins = {id(v): t for v, t in zip(graph.inputs, other.inputs)}
        for node, twin in zip(graph.nodes, other.nodes):
            self.twins.update({id(v): t for v, t in zip(node.outputs, twin.outputs) if v is not None})
        self.args = {}       # id(node) -> {argument index: its shape argument in the second capture}
        for node, twin in zip(graph.nodes, other.nodes):
            for i, (a, t) in enumerate(zip(node.args, twin.args)):
                if _same(a, t):
                    continue
                if node.name in _SHAPE_ARGS and i == 1 and len(a) == len(t):
                    self.args.setdefault(id(node), {})[i] = tuple(t)
                else:
                    raise NotImplementedError(
                        f"ember.onnx.export: {node.name} takes {a!r} as a constant, but it changes with the input "
                        f"(the size of a dynamic axis, or a value read with .item() or .tolist())")
        self.constants = {}  # id(constant) -> (its pattern, its twin)
        for mine, theirs in zip(graph.constants, other.constants):
            a, b = mine.example._data, theirs.example._data
            if a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind in 'fc'):
                continue
            pattern = _pattern(a)
            if pattern is None or a.ndim != b.ndim or _pattern(b) != pattern:
                _refuse_constant(graph, mine)
            self.constants[id(mine)] = (pattern, theirs)
            self.twins[id(mine)] = theirs

    # ------------------------------------------------------------ sizes in the ONNX graph
    def size(self, b, names, first, second, prefer=()):
        """A 1-element int64 ONNX tensor holding the size that was ``first`` in the traced run and
        ``second`` in the other: one axis of an input (or of ``prefer``'s values), or the product
        of two axes of one of them; None when none fits."""
        sources = [v for v in list(prefer) + list(self.inputs) if id(v) in self.twins]
        for v in sources:
            for d, (s, t) in enumerate(zip(v.shape, self.twins[id(v)].shape)):
                if (s, t) == (first, second):
                    return b.op('Shape', [names[id(v)]], start=d, end=d + 1)
        for v in sources:
            pairs = list(zip(v.shape, self.twins[id(v)].shape))
            for d in range(len(pairs) - 1):
                for e in range(d + 1, len(pairs)):
                    if (pairs[d][0] * pairs[e][0], pairs[d][1] * pairs[e][1]) == (first, second):
                        return b.op('Mul', [b.op('Shape', [names[id(v)]], start=d, end=d + 1),
                                            b.op('Shape', [names[id(v)]], start=e, end=e + 1)])
        return None

    def shape(self, b, names, first, second, prefer=(), unknown=None):
        """An int64 ONNX shape tensor for a shape that was ``first`` and ``second`` in the two runs.
        An entry no input size explains becomes ``unknown`` (-1 for a reshape, which infers one
        entry; a list gives one such value per entry), and is refused where that is None."""
        parts, static, inferred = [], [], 0
        for p, (s, t) in enumerate(zip(first, second)):
            if s == t:
                static.append(s)
                continue
            size = self.size(b, names, s, t, prefer)
            if size is None:
                fill = unknown[p] if isinstance(unknown, list) else unknown
                inferred += fill == -1
                if fill is None or inferred > 1:
                    raise NotImplementedError(
                        f"ember.onnx.export: the shape {tuple(first)} follows the dynamic axes in a way the exporter "
                        f"cannot express with the inputs' sizes; export with fewer dynamic_axes")
                static.append(fill)
                continue
            if static:
                parts.append(b.ints(static))
                static = []
            parts.append(size)
        if not parts:
            return b.ints(static)
        if static:
            parts.append(b.ints(static))
        return parts[0] if len(parts) == 1 else b.op('Concat', parts, axis=0)

    def build_constant(self, b, names, value):
        """The nodes that compute a dynamic constant, writing ``names[id(value)]``."""
        import onnx
        pattern, twin = self.constants[id(value)]
        arr = value.example._data
        out = names[id(value)]
        if pattern[0] == 'fill':
            shape = self.shape(b, names, arr.shape, twin.example._data.shape)
            fill = onnx.numpy_helper.from_array(np.asarray([pattern[1]], dtype=arr.dtype))
            b.op('ConstantOfShape', [shape], [out], value=fill)
            return
        if pattern[0] == 'tril':
            _, k, fill_in, fill_out = pattern
            shape = self.shape(b, names, arr.shape, twin.example._data.shape)
            ones = b.op('ConstantOfShape', [shape], value=onnx.numpy_helper.from_array(np.ones(1, np.float32)))
            inside = b.op('Cast', [b.op('Trilu', [ones, b.ints(k)], upper=0)], to=onnx.TensorProto.BOOL)
            if arr.dtype == np.bool_:  # the mask itself (runtimes have no boolean Where)
                b.op('Identity' if fill_in else 'Not', [inside], [out])
            else:
                b.op('Where', [inside, b.const(np.asarray(fill_in, arr.dtype)),
                               b.const(np.asarray(fill_out, arr.dtype))], [out])
            return
        _, start, step = pattern
        n = self.size(b, names, arr.shape[0], twin.example._data.shape[0])
        if n is None:
            self.shape(b, names, arr.shape, twin.example._data.shape)  # raises the error
        n = b.op('Squeeze', [b.op('Cast', [n], to=onnx.helper.np_dtype_to_tensor_dtype(arr.dtype))])
        first, delta = b.const(np.asarray(start, arr.dtype)), b.const(np.asarray(step, arr.dtype))
        b.op('Range', [first, b.op('Add', [first, b.op('Mul', [n, delta])]), delta], [out])


def _symbol(spec, where):
    """A dynamic dimension's name from a ``dynamic_shapes`` entry: a string, or an object with a
    ``__name__`` (``torch.export.Dim('batch')``-style); None means static."""
    if spec is None or isinstance(spec, str):
        return spec
    name = getattr(spec, '__name__', None)
    if isinstance(name, str):
        return name
    raise TypeError(f"ember.onnx.export: dynamic_shapes entry {spec!r} for {where} must be a string naming the "
                    f"dimension, an object with a __name__, or None")


def axes_from_dynamic_shapes(dynamic_shapes, params, args, kwargs, in_names):
    """``dynamic_axes`` (``{input name: {axis: symbol}}``) from PyTorch's ``dynamic_shapes``: a dict
    keyed by the forward's parameter names, or a tuple/list in the order of the positional then the
    keyword arguments; each entry maps axes to names (a dict, or a list with None for static axes)."""
    import ember
    plain = list(args) + list(kwargs.values())
    if not all(isinstance(a, ember.Tensor) for a in plain):
        raise NotImplementedError("ember.onnx.export: dynamic_shapes is supported for models whose arguments are "
                                  "tensors; use dynamic_axes with the flattened input names")
    keys = list(params[:len(args)]) + list(kwargs)
    if isinstance(dynamic_shapes, dict):
        unknown = [k for k in dynamic_shapes if k not in keys]
        if unknown:
            raise ValueError(f"ember.onnx.export: dynamic_shapes names {unknown} are not arguments of the model "
                             f"({keys})")
        entries = [dynamic_shapes.get(k) for k in keys]
    else:
        entries = list(dynamic_shapes)
        if len(entries) != len(keys):
            raise ValueError(f"ember.onnx.export: dynamic_shapes has {len(entries)} entries for {len(keys)} "
                             f"arguments")
    axes = {}
    for name, key, entry in zip(in_names, keys, entries):
        if entry is None:
            continue
        items = entry.items() if isinstance(entry, dict) else enumerate(entry)
        spec = {int(d): _symbol(s, f"{key}[{d}]") for d, s in items}
        spec = {d: s for d, s in spec.items() if s is not None}
        if spec:
            axes[name] = spec
    return axes
