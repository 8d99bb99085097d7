"""Operator schemas as PyTorch writes them (``(Tensor x, SymInt k=2) -> Tensor``): inferred from a Python
function's type annotations, or parsed from a string given to ``define``."""
import collections.abc
import inspect
import re
import typing

_SEQUENCES = (list, collections.abc.Sequence, typing.Sequence, typing.List)


def _is_none(t):
    return t is type(None) or t is None


def _union_args(ann):
    origin = typing.get_origin(ann)
    if origin is typing.Union or (origin is not None and getattr(origin, '__name__', '') == 'UnionType') \
            or type(ann).__name__ == 'UnionType':
        return typing.get_args(ann)
    return None


def _base_type(ann):
    """The schema name of a non-optional, non-list annotation, or None."""
    from ember._device import device
    from ember._dtype import dtype
    from ember._tensor import Tensor
    if isinstance(ann, type) and issubclass(ann, Tensor):
        return 'Tensor'
    simple = {int: 'SymInt', float: 'float', bool: 'bool', str: 'str'}
    if ann in simple:
        return simple[ann]
    if ann is dtype:
        return 'ScalarType'
    if ann is device:
        return 'Device'
    members = _union_args(ann)
    if members is not None and set(members) - {type(None)} == {int, float, bool}:
        return 'Scalar'
    return None


def schema_type(ann, allow_str=True):
    """The schema spelling of a parameter annotation (``Tensor?``, ``SymInt[]``, ...), or None."""
    members = _union_args(ann)
    if members is not None and any(_is_none(m) for m in members):
        rest = [m for m in members if not _is_none(m)]
        inner = schema_type(rest[0] if len(rest) == 1 else typing.Union[tuple(rest)])
        return None if inner is None or inner.endswith('?') else inner + '?'
    origin = typing.get_origin(ann)
    if origin in _SEQUENCES or ann in (list, collections.abc.Sequence):
        args = typing.get_args(ann)
        if len(args) != 1:
            return None
        inner = schema_type(args[0])
        if inner in ('Tensor', 'Tensor?', 'SymInt', 'float', 'bool', 'Scalar'):
            return inner + '[]'
        return None
    return _base_type(ann)


def _return_type(ann):
    from ember._tensor import Tensor
    if _is_none(ann):
        return '()'
    if typing.get_origin(ann) is tuple:
        parts = [_return_type(a) for a in typing.get_args(ann)]
        return None if None in parts else '(' + ', '.join(parts) + ')'
    if isinstance(ann, type) and issubclass(ann, Tensor):
        return 'Tensor'
    if typing.get_origin(ann) in (list, typing.List) and typing.get_args(ann) and \
            isinstance(typing.get_args(ann)[0], type) and issubclass(typing.get_args(ann)[0], Tensor):
        return 'Tensor[]'
    base = _base_type(ann)
    return base if base in ('SymInt', 'float', 'bool', 'Scalar') else None


def _default(value, name, fail):
    from ember._dtype import dtype
    if value is None:
        return 'None'
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dtype):
        return str(value).split('.')[-1]
    fail(f"Parameter {name} has an unsupported default value type {type(value)}. Please file an issue on GitHub "
         "so we can prioritize this.")


def infer_schema(prototype_function, /, *, mutates_args, op_name=None):
    """The schema of an operator from its Python function's type annotations, as PyTorch infers it.

    Args:
        prototype_function: the function; every parameter and the return need type annotations.
        mutates_args: the names of the arguments the function writes to, or ``'unknown'`` (all tensors may be).
        op_name (str, optional): the operator's name, put in front of the schema.

    Example::

        >>> def f(x: ember.Tensor, k: int = 2) -> ember.Tensor: ...
        >>> ember.library.infer_schema(f, mutates_args=())
        '(Tensor x, SymInt k=2) -> Tensor'
    """
    sig = inspect.signature(prototype_function)
    hints = typing.get_type_hints(prototype_function) if not isinstance(prototype_function, type) else {}

    def fail(what):
        raise ValueError(f"infer_schema(func): {what} Got func with signature {sig})")

    params, seen_kw_only = [], False
    for index, (name, p) in enumerate(sig.parameters.items()):
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            fail("We do not support positional-only args, varargs, or varkwargs.")
        if p.annotation is p.empty:
            fail(f"Parameter {name} must have a type annotation.")
        ann = hints.get(name, p.annotation)
        stype = schema_type(ann)
        if stype is None:
            fail(f"Parameter {name} has unsupported type {ann}.")
        if stype.startswith('Tensor') and (mutates_args == 'unknown' or name in mutates_args):
            stype = f'Tensor(a{index}!)' + stype[len('Tensor'):]      # numbered by position, as PyTorch
        text = f'{stype} {name}'
        if p.default is not p.empty:
            text += '=' + _default(p.default, name, fail)
        if p.kind is p.KEYWORD_ONLY and not seen_kw_only:
            params.append('*')
            seen_kw_only = True
        params.append(text)
    if mutates_args != 'unknown':
        missing = set(mutates_args) - set(sig.parameters)
        if missing:
            fail(f"{missing} in mutates_args were not found in the custom op's signature. mutates_args should "
                 "contain the names of all args that the custom op mutates, or just the string 'unknown' if you "
                 "don't know.")
    ret = sig.return_annotation
    if ret is inspect.Signature.empty:
        fail("No return type annotation was provided. Please add one.")
    rtype = _return_type(hints.get('return', ret))
    if rtype is None:
        fail(f"Return has unsupported type {ret}.")
    schema = '(' + ', '.join(params) + ') -> ' + rtype
    return (op_name + schema) if op_name else schema


_ARG = re.compile(r'^(?P<type>[A-Za-z]+(?:\([a-z0-9]+!?\))?(?:\[\d*\])?\??)\s+(?P<name>\w+)(?:=(?P<default>.+))?$')


class Schema:
    """A parsed schema: its arguments (name, type, default text, keyword-only) and the number of returns."""

    def __init__(self, name, args, returns, text):
        self.name, self.args, self.returns, self.text = name, args, returns, text

    def __str__(self):
        return self.text

    def mutated(self):
        return [a[0] for a in self.args if '!' in a[1]]


def _split_top(text):
    parts, depth, cur = [], 0, ''
    for ch in text:
        if ch in '([':
            depth += 1
        elif ch in ')]':
            depth -= 1
        if ch == ',' and depth == 0:
            parts.append(cur.strip())
            cur = ''
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def parse_schema(qualname, text):
    """Parse ``'(Tensor x, *, float y=1.0) -> Tensor'`` (with or without the op's name in front)."""
    m = re.match(r'^\s*([\w.]*)\s*\((.*)\)\s*->\s*(.+?)\s*$', text)
    if not m:
        raise RuntimeError(f"Could not parse schema for {qualname}: {text}")
    _, arg_text, ret_text = m.groups()
    args, kw_only = [], False
    for part in _split_top(arg_text):
        if part == '*':
            kw_only = True
            continue
        am = _ARG.match(part)
        if not am:
            raise RuntimeError(f"Could not parse argument '{part}' of the schema for {qualname}")
        args.append((am['name'], am['type'], am['default'], kw_only))
    ret_text = ret_text.strip()
    if ret_text == '()':
        returns = 0
    elif ret_text.startswith('('):
        returns = len(_split_top(ret_text[1:-1]))
    else:
        returns = 1
    body = text[text.index('('):]
    return Schema(qualname, args, returns, f'{qualname}{body}')
