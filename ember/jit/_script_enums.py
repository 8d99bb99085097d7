"""Python ``Enum`` classes in scripted programs, as TorchScript types them.

An Enum class a program meets (an annotation, a default, a module attribute, a constant such as
``Color.RED``) is the TorchScript type ``__torch__.<module>.<Name>``; its members are written as
``__torch__.<module>.<Name>.<MEMBER>``, and the program gets the class's text (``class Color(Enum):`` and
its members' values), as PyTorch writes it. When the program runs, those names are the user's own class,
so what it takes and returns are the user's members (``scripted.mode is Mode.BILINEAR``).
"""
import enum
import re
import sys

from ember.jit._literals import scalar_literal

_KNOWN = {}     # qualified name: the Enum class (the latest one a program met under that name)


def is_enum_class(target):
    return isinstance(target, type) and issubclass(target, enum.Enum)


def enum_type(cls):
    """The TorchScript type of the Enum class ``cls`` (its members' values must share one type, as
    TorchScript requires)."""
    from ember.jit._trace_code import torch_class_path
    module, _ = torch_class_path(type('_', (), {'__module__': cls.__module__}))
    qualified = '.'.join(p for p in ('__torch__', module, cls.__name__) if p)
    if _KNOWN.get(qualified) is not cls:
        kinds = [type(m.value).__name__ for m in cls]
        for i, kind in enumerate(kinds):
            if kind != kinds[0]:        # PyTorch's words (it may name another pair: it lists members unordered)
                raise RuntimeError(f"Could not unify type list since element {i} of type {kind} did not match "
                                   f"the types before it ({kinds[0]})")
        if kinds and kinds[0] not in ('int', 'float', 'str'):
            raise RuntimeError(f"Cannot create Enum with value type '{kinds[0]}', only int, float and string are "
                               "supported")
        _KNOWN[qualified] = cls
    return qualified


def plain_attribute(value):
    """A module attribute's value as TorchScript holds it: a member of an Enum mixed with int, float or str
    (``IntEnum``, ``class Format(str, Enum)``) is typed by its base type, as PyTorch infers it, so it is held as
    its plain value; anything else as it is."""
    if isinstance(value, enum.Enum) and isinstance(value, (int, float, str)):
        return value.value
    return value


def enum_class(type_):
    """The Enum class of the TorchScript type ``type_`` (None for any other type)."""
    return _KNOWN.get(type_) if isinstance(type_, str) else None


def member_literal(member):
    return f'{enum_type(type(member))}.{member.name}'


def value_type(cls):
    return type(next(iter(cls)).value).__name__


def add_enum_classes(sources):
    """Adds the text of each Enum class the program's ``sources`` ({qualified module: text}) name; returns
    {qualified name: the Python class} for the program to run with."""
    used = {}
    text = '\n'.join(sources.values())
    for qualified, cls in _KNOWN.items():
        if re.search(re.escape(qualified) + r'\b', text):
            used[qualified] = cls
    for qualified in sorted(used):
        module, name = qualified.rsplit('.', 1)
        lines = [f'class {name}(Enum):'] + [f'  {m.name} = {scalar_literal(m.value)}' for m in used[qualified]]
        sources[module] = sources.get(module, '') + '\n'.join(lines) + '\n'
    return used


def python_enum(qualified, members):
    """The user's Enum class an archive's ``class <Name>(Enum)`` of ``qualified`` stands for, when this process has
    it (scripted, or its module imported; nothing is imported) and its members are ``members`` ([(name, value)]);
    else None. A loaded program then takes and gives the user's members, as PyTorch's does."""
    module, name = qualified.rsplit('.', 1)
    module = module[len('__torch__.'):] if module.startswith('__torch__.') else '__main__'
    for cls in (_KNOWN.get(qualified), getattr(sys.modules.get(module), name, None)):
        if is_enum_class(cls) and [(m.name, m.value) for m in cls] == members:
            return cls
    return None
