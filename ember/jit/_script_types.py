"""TorchScript types for ``ember.jit.script``: annotations read from the source, values' types, literals.

Types are kept as TorchScript's text (``Tensor``, ``int``, ``List[int]``, ``Optional[Tensor]``,
``Tuple[Tensor, int]``); a module is a ``ModuleType`` holding the module object it stands for.
"""
import ast

import ember
from ember.jit._literals import scalar_literal
from ember.jit._script_enums import enum_type, is_enum_class, member_literal

NOCONST = object()      # an expression whose value is not known when compiling


class ModuleType:
    """The type of a value that is a (sub)module: calls on it are its methods."""

    def __init__(self, module):
        self.module = module

    def __eq__(self, other):
        return isinstance(other, ModuleType) and other.module is self.module

    def __hash__(self):
        return id(self.module)


class Expr:
    """A compiled expression: its TorchScript text, its type and, when known, its value."""
    __slots__ = ('text', 'type', 'const')

    def __init__(self, text, type_, const=NOCONST):
        self.text, self.type, self.const = text, type_, const

    @property
    def is_const(self):
        return self.const is not NOCONST


_CONTAINERS = {'list': 'List', 'tuple': 'Tuple', 'dict': 'Dict', 'List': 'List', 'Tuple': 'Tuple',
               'Dict': 'Dict', 'Optional': 'Optional', 'Union': 'Union', 'Final': 'Final'}
_PLAIN = {'Tensor': 'Tensor', 'int': 'int', 'float': 'float', 'bool': 'bool', 'str': 'str', 'None': 'NoneType',
          'NoneType': 'NoneType', 'Any': 'Any', 'device': 'Device', 'complex': 'complex'}


def annotation_type(node, resolve=None):
    """The TorchScript type text of an annotation's ast (``torch.Tensor``, ``typing.List[int]``, ``int | None``);
    ``resolve`` names what else a name may be (a TorchScript class's qualified name), or None."""
    if node is None:
        return 'Tensor'
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return annotation_type(ast.parse(node.value, mode='eval').body, resolve)
    if isinstance(node, ast.Constant) and node.value is None:
        return 'NoneType'
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = annotation_type(node.left, resolve), annotation_type(node.right, resolve)
        if right == 'NoneType':
            return f'Optional[{left}]'
        if left == 'NoneType':
            return f'Optional[{right}]'
        return f'Union[{left}, {right}]'
    if isinstance(node, ast.Subscript):
        head = _CONTAINERS.get(_last_name(node.value))
        if head is None:
            raise ValueError(f"Unknown type annotation: '{ast.unparse(node)}'")
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        inner = [annotation_type(a, resolve) for a in args]
        if head == 'Union' and 'NoneType' in inner and len(inner) == 2:
            return f'Optional[{[t for t in inner if t != "NoneType"][0]}]'
        return f'{head}[{", ".join(inner)}]'
    name = _last_name(node)
    if name in _PLAIN:
        return _PLAIN[name]
    resolved = resolve(node) if resolve is not None else None
    if resolved is not None:
        return resolved
    raise ValueError(f"Unknown type annotation: '{ast.unparse(node)}'")


def _last_name(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def type_of_value(value):
    """The TorchScript type of a Python value held by a module (an attribute, a constant)."""
    if isinstance(value, ember.Tensor):
        return 'Tensor'
    if value is None:
        return 'NoneType'
    if is_enum_class(type(value)):
        return enum_type(type(value))
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind.__name__
    if isinstance(value, tuple):
        return 'Tuple[' + ', '.join(type_of_value(v) for v in value) + ']'
    if isinstance(value, list):
        inner = {type_of_value(v) for v in value}
        return f'List[{inner.pop() if len(inner) == 1 else "Tensor"}]'
    if isinstance(value, dict):
        keys = {type_of_value(k) for k in value} or {'str'}
        values = {type_of_value(v) for v in value.values()} or {'Tensor'}
        return f'Dict[{keys.pop()}, {values.pop()}]'
    if isinstance(value, ember.dtype):
        return 'int'
    if isinstance(value, ember.device):
        return 'Device'
    return None


def literal(value):
    """``value`` as TorchScript source (floats as PyTorch prints them: ``1.``, ``0.25``, ``1e-05``)."""
    if is_enum_class(type(value)):
        return member_literal(value)
    text = scalar_literal(value)
    if text is not None:
        return text
    if isinstance(value, list):
        return '[' + ', '.join(literal(v) for v in value) + ']'
    if isinstance(value, tuple):
        return '(' + ', '.join(literal(v) for v in value) + (',)' if len(value) == 1 else ')')
    raise ValueError(f"{value!r} ({type(value).__name__}) cannot be written as a TorchScript constant")


def unify(a, b):
    """The type of a variable that is ``a`` on one path and ``b`` on another."""
    if a == b or b is None:
        return a
    if a is None:
        return b
    if a == 'NoneType' and isinstance(b, str):
        return b if b.startswith('Optional[') else f'Optional[{b}]'
    if b == 'NoneType' and isinstance(a, str):
        return a if a.startswith('Optional[') else f'Optional[{a}]'
    if a == f'Optional[{b}]':
        return a
    if b == f'Optional[{a}]':
        return b
    if {a, b} <= {'int', 'float'}:
        return 'float'
    return a


def element_type(container):
    """The element type of iterating ``container`` (a list's element, a tensor's rows)."""
    if isinstance(container, str):
        if container.startswith('List['):
            return container[5:-1]
        if container == 'Tensor':
            return 'Tensor'
        if container == 'str':
            return 'str'
        if container.startswith('Dict['):
            return container[5:-1].split(',')[0].strip()
    return 'Tensor'


def tuple_items(type_):
    """The item types of ``Tuple[...]`` (top-level commas only)."""
    from ember.library._schema import _split_top
    if isinstance(type_, str) and type_.startswith('Tuple['):
        return [t.strip() for t in _split_top(type_[6:-1])]
    return None
