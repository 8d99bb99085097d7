"""Symbolic sizes in ``.pt2`` archives. PyTorch writes a size or stride that follows a dynamic
dimension as the ``sympy.srepr`` of its expression (``Symbol('s77', positive=True, integer=True)``,
``Mul(Integer(2), Symbol('s27', ...))``) with the example's value as its hint. ember's dynamic sizes
are single symbols (``node.meta['sym_shape']``), so its strides are products of them."""
import ast

_ASSUMPTIONS = 'positive=True, integer=True'


def _symbol(name):
    return f"Symbol('{name}', {_ASSUMPTIONS})"


def _product_srepr(coefficient, symbols):
    """The srepr of ``coefficient * s_a * s_b ...`` (symbols in sympy's order: by name, powers grouped)."""
    factors = []
    for name in sorted(set(symbols)):
        k = symbols.count(name)
        factors.append(_symbol(name) if k == 1 else f'Pow({_symbol(name)}, Integer({k}))')
    if coefficient != 1 or not factors:
        factors.insert(0, f'Integer({coefficient})')
    return factors[0] if len(factors) == 1 else f"Mul({', '.join(factors)})"


def sym_int(coefficient, symbols, hint):
    """The serialized form of the size ``coefficient * prod(symbols)`` (a plain int without symbols)."""
    if not symbols:
        return {'as_int': int(coefficient)}
    return {'as_expr': {'expr_str': _product_srepr(coefficient, list(symbols)), 'hint': {'as_int': int(hint)}}}


def sizes_and_strides(val, shape):
    """The serialized sizes and strides of a tensor of example value ``val`` whose sizes are ``shape``
    (ints, or symbol names for the sizes that follow a dynamic dimension)."""
    sizes = [sym_int(1, [s], h) if isinstance(s, str) else {'as_int': int(s)} for s, h in zip(shape, val.shape)]
    strides = list(val.stride())
    # a dense tensor's strides are products of the sizes inside it, in some order of the dimensions
    order = sorted(range(len(strides)), key=lambda d: (strides[d], -d))
    expected, terms = 1, {}
    coefficient, symbols = 1, []
    for d in order:
        if val.shape[d] != 1 and strides[d] != expected:
            if any(isinstance(s, str) for s in shape):
                raise NotImplementedError('ember.export.save: a tensor whose strides are not those of a dense '
                                          'layout cannot be written with symbolic sizes')
            break
        terms[d] = (coefficient, list(symbols))
        expected *= val.shape[d]
        if isinstance(shape[d], str):
            symbols.append(shape[d])
        else:
            coefficient *= shape[d]
    if len(terms) < len(strides):
        return sizes, [{'as_int': int(s)} for s in strides]
    return sizes, [sym_int(c, s, strides[d]) for d, (c, s) in sorted(terms.items())]


def range_constraints(ranges):
    """PyTorch's serialized ``range_constraints`` (an unbounded maximum as null)."""
    return {name: {'min_val': r.lower, 'max_val': r.upper} for name, r in ranges.items()}


def parse(expr_str):
    """A serialized expression as ``(text, symbol or None)``: ``('2*s27', None)``, ``('s77', 's77')``."""
    def walk(node):
        if isinstance(node, ast.Constant):
            return str(node.value)
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            raise NotImplementedError(f'ember.export.load: the size expression {expr_str!r} is not supported')
        kind, args = node.func.id, [walk(a) for a in node.args]
        if kind == 'Symbol':
            return args[0]
        if kind == 'Integer':
            return args[0]
        if kind == 'Mul':
            return '*'.join(args)
        if kind == 'Add':
            return ' + '.join(args)
        if kind == 'Pow':
            return f'{args[0]}**{args[1]}'
        if kind == 'FloorDiv':
            return f'(({args[0]})//({args[1]}))'
        raise NotImplementedError(f'ember.export.load: the size expression {expr_str!r} is not supported')
    tree = ast.parse(expr_str, mode='eval').body
    text = walk(tree)
    symbol = text if isinstance(tree, ast.Call) and tree.func.id == 'Symbol' else None
    return text, symbol


class SymInt:
    """The example value of a node computing a symbolic int (``aten.sym_size.int``): its expression,
    printed as PyTorch prints it (``Sym(s17)``), and its value for the example inputs."""

    def __init__(self, text, expr_str, hint):
        self.text, self.expr_str, self.hint = text, expr_str, hint

    def __str__(self):
        return self.text

    def __repr__(self):
        return self.text

    def __int__(self):
        return self.hint

    __index__ = __int__
