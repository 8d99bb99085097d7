"""``Dim``: name a dimension that may vary between calls of an exported program, with its range.

ember traces on the example's real sizes, so a dynamic dimension is recorded (its symbol and range in
``range_constraints``, the range checked by ``module()``) but the graph itself holds the example's
sizes wherever the program computed with them.
"""
import inspect

_INT_MAX = 9223372036854775806


class ValueRanges:
    """An integer range ``VR[lower, upper]``, as PyTorch prints a symbol's range."""

    def __init__(self, lower, upper):
        self.lower, self.upper = lower, upper

    def __repr__(self):
        upper = 'int_oo' if self.upper is None or self.upper >= _INT_MAX else self.upper
        return f'VR[{self.lower}, {upper}]'

    def __eq__(self, other):
        return isinstance(other, ValueRanges) and (self.lower, self.upper) == (other.lower, other.upper)

    def __hash__(self):
        return hash((self.lower, self.upper))


class _DimHint:
    def __init__(self, kind, min=None, max=None):
        self.kind, self.min, self.max = kind, min, max

    def __call__(self, min=None, max=None):
        return _DimHint(self.kind, min, max)

    def __repr__(self):
        return f'DimHint({self.kind})'


class Dim:
    """A dimension that may vary: ``Dim("batch", min=1, max=64)``; ``Dim.AUTO``, ``Dim.DYNAMIC`` and
    ``Dim.STATIC`` are PyTorch's hints.

    Args:
        name (str): the symbol's name, as shown in errors.
        min (int, optional): the smallest size allowed (0 when not given).
        max (int, optional): the largest size allowed (unbounded when not given).

    Example:
        >>> batch = ember.export.Dim("batch", min=1, max=64)
        >>> batch
        Dim('batch', min=1, max=64)
    """
    AUTO = _DimHint('AUTO')
    DYNAMIC = _DimHint('DYNAMIC')
    STATIC = _DimHint('STATIC')

    def __init__(self, name, *, min=None, max=None):
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f'Dim name must be a valid identifier, got {name}')
        lo = 0 if min is None else min
        hi = _INT_MAX if max is None else max
        if hi <= 1:
            raise ValueError(f'Upper bound of Dim {name} must be greater than 1, got {hi}')
        if hi < lo:
            raise ValueError(f'Upper bound of Dim {name} must be greater than or equal to lower bound, got '
                             f'min={lo}, max={hi}')
        self.__name__ = name
        self.min, self.max = lo, hi

    def __repr__(self):
        if self.min == 0 and self.max == _INT_MAX:
            return f"Dim('{self.__name__}')"
        if self.max == _INT_MAX:
            return f"Dim('{self.__name__}', min={self.min})"
        if self.min == 0:
            return f"Dim('{self.__name__}', max={self.max})"
        return f"Dim('{self.__name__}', min={self.min}, max={self.max})"


def dims(*names, min=None, max=None):
    """Several ``Dim`` at once, sharing ``min`` and ``max``."""
    return tuple(Dim(name, min=min, max=max) for name in names)


def _specs_by_input(dynamic_shapes, args, kwargs, mod):
    """The dynamic-shape spec of each (top-level) input, by the forward's parameter names."""
    sig = inspect.signature(mod.forward)
    bound = sig.bind(*args, **kwargs)
    names = list(bound.arguments)
    if isinstance(dynamic_shapes, dict):
        unknown = set(dynamic_shapes) - set(names)
        if unknown:
            from ember.export._errors import UserError
            raise UserError(f"When `dynamic_shapes` is specified as a dict, its top-level keys must be the "
                            f"arg names {names} of `inputs`, but here they are {sorted(dynamic_shapes)}. Since "
                            "here `inputs` is a list/tuple enclosing a single dict, maybe you just forgot to "
                            "enclose `dynamic_shapes` in a list/tuple?")
        return {n: dynamic_shapes.get(n) for n in names}, bound
    if isinstance(dynamic_shapes, (tuple, list)):
        if len(dynamic_shapes) != len(names):
            from ember.export._errors import UserError
            raise UserError(f'When `dynamic_shapes` is specified as a list/tuple, it must have the same length '
                            f'as `inputs` ({len(names)}), but got {len(dynamic_shapes)}')
        return dict(zip(names, dynamic_shapes)), bound
    raise TypeError(f'dynamic_shapes must be a dict, tuple or list, got {type(dynamic_shapes)}')


def range_constraints_for(graph, signature, dynamic_shapes, args, kwargs, mod, strict=False):
    """Record each dynamic dimension on its placeholder (``meta['dynamic_dims']``) and return the
    range constraints ``{symbol: VR[min, max]}``, each symbol named from its source as PyTorch
    names it (strict mode reads the inputs as one flat list)."""
    if dynamic_shapes is None:
        return {}
    from ember._tensor import Tensor
    specs, bound = _specs_by_input(dynamic_shapes, args, kwargs, mod)
    placeholders = {n.name: n for n in graph.nodes if n.op == 'placeholder'}
    constraints, symbols, used, first, renamed = {}, {}, set(), {}, {}
    for name, spec in specs.items():
        value = bound.arguments[name]
        if spec is None or not isinstance(value, Tensor):
            continue
        items = spec.items() if isinstance(spec, dict) else enumerate(spec)
        node = placeholders[name]
        dims_meta = {}
        for d, dim in items:
            if dim is None or (isinstance(dim, _DimHint) and dim.kind == 'STATIC'):
                continue
            size = value.shape[d]
            if isinstance(dim, _DimHint):
                lo, hi, key = (dim.min if dim.min is not None else 0), dim.max, (name, d)
            elif isinstance(dim, Dim):
                lo, hi, key = dim.min, dim.max, dim.__name__
            else:
                raise TypeError(f'Unexpected dimension mapped to index {d} in input tensor shape {spec} specified '
                                f'at `dynamic_shapes[{name!r}]` (expected None, an int, a Dim, Dim.AUTO, Dim.STATIC, '
                                f'or Dim.DYNAMIC, but got {dim!r} instead)')
            if size < 2 and isinstance(dim, Dim):
                from ember.export._errors import UserError
                raise UserError(f'Received user-specified dim hint Dim.DYNAMIC, but export 0/1 specialized due to '
                                f'hint of {size} for dimension inputs[{name!r}].shape[{d}].')
            if size < lo or (hi is not None and size > hi):
                from ember.export._errors import UserError
                raise UserError(f'Expected input {name}.shape[{d}] = {size} to be of the form dim, where '
                                f'{lo} <= dim <= {hi}')
            # every source gets its symbol; sources sharing a Dim are then one symbol, the one sympy sorts
            # first by name (s15 before s7), as PyTorch's shape environment keeps it
            source = f"L['flat_args'][{list(signature.user_inputs).index(name)}]" if strict else f"L['{name}']"
            symbol = _symbol_name(f"{source}.size()[{d}]", used)
            if key not in symbols:
                symbols[key] = symbol
                # a named Dim keeps its own range; a hint's dynamic size is at least 2 (PyTorch specialises 0
                # and 1 there)
                constraints[symbol] = ValueRanges(lo if isinstance(dim, Dim) else max(lo, 2),
                                                  hi if hi is not None and hi < _INT_MAX else None)
                first[key] = (name, d)
            else:
                if symbol < symbols[key]:
                    constraints = {(symbol if k == symbols[key] else k): v for k, v in constraints.items()}
                    renamed[symbols[key]] = symbol
                    symbols[key] = symbol
                # the call checks this size equals the first one's (``y.size()[0] == x.size()[1]``)
                node.meta.setdefault('dynamic_equal_to', {})[d] = first[key]
            dims_meta[d] = (max(lo, 0), None if hi is None or hi >= _INT_MAX else hi)
            node.meta.setdefault('dynamic_symbols', {})[d] = symbols[key]
        if dims_meta:
            node.meta['dynamic_dims'] = dims_meta
    for node in placeholders.values():         # the placeholders named before a shared symbol was renamed
        syms = node.meta.get('dynamic_symbols')
        if syms:
            node.meta['dynamic_symbols'] = {d: _final(sym, renamed) for d, sym in syms.items()}
    return constraints


def _final(symbol, renamed):
    while symbol in renamed:
        symbol = renamed[symbol]
    return symbol


def _symbol_name(source, used):
    """PyTorch's name for the size symbol of ``source`` (``s77`` for ``L['x'].size()[0]``): a hash of the
    source, moved on past names already taken."""
    import hashlib
    n = int(hashlib.sha256(source.encode()).hexdigest(), 16) % 100
    while n in used:
        n += 1
    used.add(n)
    return SymbolName(f's{n}')


class SymbolName(str):
    """A size symbol's name (``s77``), shown bare as PyTorch shows its sympy symbols (``{s77: VR[0, int_oo]}``)."""

    def __repr__(self):
        return str(self)


def follow_dynamic_sizes(graph, retrace_grown):
    """Check the graph holds no size a dynamic dimension would change, and note which value sizes
    follow a dynamic dimension (``node.meta['sym_shape']``, printed as the symbol).

    ``retrace_grown(grown)`` exports the program again with each dynamic dimension one larger
    (``grown``: input name -> dims) and returns its graph; the two graphs must match but for those sizes.
    """
    from ember._tensor import Tensor
    from ember.export._errors import UserError
    from ember.fx.node import Node
    dynamic = {n.name: n.meta['dynamic_symbols'] for n in graph.nodes
               if n.op == 'placeholder' and n.meta.get('dynamic_symbols')}
    if not dynamic:
        return
    sizes = {}      # example size -> symbol
    for n in graph.nodes:
        for d, sym in n.meta.get('dynamic_symbols', {}).items():
            sizes.setdefault(n.meta['val'].shape[d], sym)
    other = retrace_grown({name: list(d) for name, d in dynamic.items()})
    first, second = list(graph.nodes), list(other.nodes)

    def fail(why):
        raise UserError(f'ember.export cannot export this program with dynamic dimensions: {why}. ember traces '
                        'on the example sizes, and this graph depends on them; export it without dynamic_shapes')
    if len(first) != len(second) or any((a.op, a.target) != (b.op, b.target) for a, b in zip(first, second)):
        fail('its operations change with the size of a dynamic dimension')

    def plain(v):
        if isinstance(v, Node):
            return ('node', v.name)
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        return v
    for a, b in zip(first, second):
        if plain(a.args) != plain(b.args) or plain(a.kwargs) != plain(b.kwargs):
            fail(f"the arguments of '{a.name}' hold a size that follows a dynamic dimension")
        va, vb = a.meta.get('val'), b.meta.get('val')
        if isinstance(va, Tensor) and isinstance(vb, Tensor):
            if va.dim() != vb.dim():
                fail(f"the rank of '{a.name}' changes with a dynamic dimension")
            shape = []
            for x, y in zip(va.shape, vb.shape):
                if x == y:
                    shape.append(x)
                elif y == x + 1 and x in sizes:
                    shape.append(sizes[x])
                else:
                    fail(f"a size of '{a.name}' is not a dynamic dimension itself ({x} becomes {y})")
            if shape != list(va.shape):
                a.meta['sym_shape'] = shape
