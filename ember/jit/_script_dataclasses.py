"""Dataclasses as TorchScript classes.

``dataclasses`` writes a class's ``__init__``, ``__repr__``, ``__eq__`` and the ordering methods at run time,
so they have no source file for ``ember.jit.script`` to read. As PyTorch does, ember writes TorchScript-ready
source for each such method the class body does not define itself, and compiles that instead:

* ``__init__`` assigns every ``init`` field (``InitVar`` arguments go to ``__post_init__`` when the class has
  one); fields with a ``default_factory`` are refused, as PyTorch refuses them;
* ``__eq__``/``__ne__`` compare the ``compare`` fields in order (an Optional field equal only when both are
  None or both are set and equal); ``__lt__``/``__le__``/``__gt__``/``__ge__`` compare lexicographically and
  raise ``TypeError`` when exactly one of an Optional pair is None;
* ``__repr__`` returns the fixed text ``Name(field=self.field, ...)`` (TorchScript never calls it; Python's
  own ``repr`` of the returned objects is the dataclass's);
* ``__hash__`` (frozen classes) raises ``NotImplementedError`` when compiled code calls it.
"""
import dataclasses
import inspect
import linecache
import sys
import typing

_ORDERINGS = {'__lt__': ('<', False), '__le__': ('<', True), '__gt__': ('>', False), '__ge__': ('>', True)}


def dataclass_method(cls, name, fn):
    """The function ``ember.jit.script`` compiles for ``cls.name``: ``fn`` itself unless it is one of the
    methods ``dataclasses`` wrote for ``cls`` (no source file), which is replaced by written source."""
    if not dataclasses.is_dataclass(cls) or _has_source(fn):
        return fn
    writer = _WRITERS.get(name)
    if writer is None:
        return fn
    names = {cls.__name__: cls}
    header, body = writer(cls, names)
    return _function(cls, name, f'def {name}{header}:\n' + ''.join(f'    {line}\n' for line in body), names)


def _has_source(fn):
    filename = getattr(getattr(inspect.unwrap(fn), '__code__', None), 'co_filename', '<')
    return not filename.startswith('<')      # dataclasses compiles its methods from '<string>'


def _function(cls, name, source, names):
    """A Python function made from ``source`` whose text ``inspect`` can read back (kept in ``linecache`` under
    a file name of its own), its globals the class's module's plus the classes its annotations name."""
    filename = f'<ember.jit dataclass {cls.__module__}.{cls.__qualname__}.{name}>'
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    module = sys.modules.get(cls.__module__)
    namespace = dict(vars(module)) if module is not None else {}
    namespace.update(names)
    exec(compile(source, filename, 'exec'), namespace)     # noqa: S102 - source written above from field names
    fn = namespace[name]
    fn.__qualname__ = f'{cls.__qualname__}.{name}'
    return fn


def _annotation(tp, names):
    """``tp`` as annotation source TorchScript's reader understands; classes it names are bound in ``names``."""
    if isinstance(tp, str):
        return tp
    if tp is type(None) or tp is None:
        return 'None'
    if isinstance(tp, dataclasses.InitVar):
        return _annotation(tp.type, names)
    args = typing.get_args(tp)
    origin = typing.get_origin(tp)
    if origin is typing.Union:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and len(args) == 2:
            return f'Optional[{_annotation(rest[0], names)}]'
        return 'Union[' + ', '.join(_annotation(a, names) for a in args) + ']'
    if origin is not None:
        head = {list: 'List', tuple: 'Tuple', dict: 'Dict'}.get(origin, getattr(origin, '__name__', str(origin)))
        return f'{head}[' + ', '.join(_annotation(a, names) for a in args) + ']'
    names.setdefault(tp.__name__, tp)
    return tp.__name__


def _is_optional(tp):
    if isinstance(tp, str):
        return tp.replace(' ', '').startswith('Optional[')
    return typing.get_origin(tp) is typing.Union and type(None) in typing.get_args(tp)


def _init(cls, names):
    fields = dataclasses.fields(cls)
    if any(f.default_factory is not dataclasses.MISSING for f in fields):
        raise NotImplementedError("Default factory initializers are not supported in TorchScript dataclasses")
    params, init_vars = [], []
    for name, param in inspect.signature(cls.__init__).parameters.items():
        if name == 'self':
            continue
        text = name
        if param.annotation is not inspect.Parameter.empty:
            text += ': ' + _annotation(param.annotation, names)
            if isinstance(param.annotation, dataclasses.InitVar):
                init_vars.append(name)
        if param.default is not inspect.Parameter.empty:
            names[f'_default_{name}'] = param.default
            text += f' = _default_{name}'
        params.append(text)
    body = [f'self.{f.name} = {f.name}' for f in fields if f.init and f.name not in init_vars]
    if hasattr(cls, '__post_init__'):
        body.append(f'self.__post_init__({", ".join(init_vars)})')
    return f'(self, {", ".join(params)}) -> None' if params else '(self) -> None', body or ['pass']


def _repr(cls, names):
    shown = ', '.join(f'{f.name}=self.{f.name}' for f in dataclasses.fields(cls) if f.repr)
    return '(self) -> str', [f'return {f"{cls.__name__}({shown})"!r}']


def _hash(cls, names):
    return '(self) -> int', ["raise NotImplementedError('__hash__ is not supported for dataclasses in TorchScript')"]


def _compared(cls, per_field, when_one_none):
    """Body lines walking the ``compare`` fields: ``per_field`` lines on two set values, ``when_one_none`` the
    line for an Optional field set on one side only."""
    body = []
    for i, f in enumerate(f for f in dataclasses.fields(cls) if f.compare):
        # a pair of variables per field: TorchScript keeps one type per variable
        mine, theirs = f'mine{i}', f'theirs{i}'
        lines = [line.format(mine=mine, theirs=theirs) for line in per_field]
        body += [f'{mine} = self.{f.name}', f'{theirs} = other.{f.name}']
        if _is_optional(f.type):
            body += [f'if {mine} is not None and {theirs} is not None:', *['    ' + line for line in lines],
                     f'elif ({mine} is None) != ({theirs} is None):', '    ' + when_one_none]
        else:
            body += lines
    return body


def _equality(equal):
    def write(cls, names):
        differs = f'return {not equal}'
        body = _compared(cls, ['if {mine} != {theirs}:', '    ' + differs], differs)
        return f'(self, other: {cls.__name__}) -> bool', body + [f'return {equal}']
    return write


def _ordering(name):
    op, or_equal = _ORDERINGS[name]

    def write(cls, names):
        per_field = [f'if {{mine}} {op} {{theirs}}:', '    return True', f'elif {{theirs}} {op} {{mine}}:',
                     '    return False']
        refuse = f"raise TypeError('Cannot compare {cls.__name__} with None')"
        return f'(self, other: {cls.__name__}) -> bool', _compared(cls, per_field, refuse) + [f'return {or_equal}']
    return write


_WRITERS = {'__init__': _init, '__repr__': _repr, '__hash__': _hash, '__eq__': _equality(True),
            '__ne__': _equality(False), **{name: _ordering(name) for name in _ORDERINGS}}
