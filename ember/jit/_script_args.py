"""The arguments of a call of a scripted function or method, checked against its signature as PyTorch checks
them before running the program: a missing or surplus argument, an unknown keyword, or a value that is not
of its parameter's type raises PyTorch's RuntimeError (with the declaration in PyTorch's schema form)."""
import ember
from ember.jit._script_enums import enum_class


def _schema_type(tp):
    """A TorchScript type in a schema's spelling (``Optional[Tensor]`` is ``Tensor?``, ``List[int]``
    ``int[]``, ``Tuple[int, int]`` ``(int, int)``, an Enum class ``Enum<__torch__.m.Mode>``)."""
    if enum_class(tp) is not None:
        return f'Enum<{tp}>'
    if tp.startswith('Optional[') and tp.endswith(']'):
        return _schema_type(tp[9:-1]) + '?'
    if tp.startswith('List[') and tp.endswith(']'):
        return _schema_type(tp[5:-1]) + '[]'
    if tp.startswith(('Tuple[', 'Dict[')) and tp.endswith(']'):
        inner = ', '.join(_schema_type(t) for t in _split(tp[tp.index('[') + 1:-1]))
        return f'({inner})' if tp.startswith('Tuple[') else f'Dict({inner})'
    return tp


def _split(inner):
    parts, depth, start = [], 0, 0
    for i, c in enumerate(inner):
        depth += c == '['
        depth -= c == ']'
        if c == ',' and depth == 0:
            parts.append(inner[start:i].strip())
            start = i + 1
    parts.append(inner[start:].strip())
    return parts


def declaration(name, signature, self_type=None):
    """``name(Tensor x, float alpha=2.) -> Tensor``: the signature as PyTorch's errors show it."""
    parts = [f'{self_type} self'] if self_type else []
    parts += [f'{_schema_type(t)} {n}' + ('' if d is None else f'={_schema_default(t, d)}')
              for n, t, d in signature.params]
    return f'{name}({", ".join(parts)}) -> {_schema_type(signature.returns)}'


def _schema_default(tp, default):
    """A default as a schema shows it (an Enum member ``Enum<Mode.BILINEAR>``)."""
    cls = enum_class(tp)
    return f'Enum<{cls.__name__}.{default.rsplit(".", 1)[1]}>' if cls is not None else default


_PYBIND = "Unable to cast Python instance of type {} to C++ type '?' (#define PYBIND11_DETAILED_ERROR_MESSAGES " \
          "or compile in debug mode for details)"


def _cast_error(tp, value):
    """Why ``value`` is no ``tp`` (None when it is one, or when the type is one this check leaves to the
    program: containers, classes)."""
    if tp.startswith('Optional['):
        return None if value is None else _cast_error(tp[9:-1], value)
    cls = enum_class(tp)
    if cls is not None:         # PyTorch reads the value's name and value, then casts the value to the members'
        if isinstance(value, cls):
            return None
        if not hasattr(value, 'name'):
            return f" Python error details: AttributeError: '{type(value).__name__}' object has no attribute 'name'"
        return _PYBIND.format(type(getattr(value, 'value', value)))
    if tp == 'Tensor':
        return None if value is None or isinstance(value, ember.Tensor) else f'Unable to cast {value!r} to Tensor'
    if tp.startswith('Tuple[') and isinstance(value, (list, tuple)) and len(value) != len(_split(tp[6:-1])):
        return f'Object {value!r} had a different number of elements than type {tp}'
    numbers = {'int': (int, ember.Tensor), 'float': (int, float, ember.Tensor), 'bool': (int, ember.Tensor),
               'str': (str,)}
    if tp in numbers and not isinstance(value, numbers[tp]) or tp in ('int', 'bool') and isinstance(value, float):
        return _PYBIND.format(type(value))
    return None


def check_call(name, signature, args, kwargs, self_type=None):
    """Raises PyTorch's RuntimeError when ``args``/``kwargs`` do not fit ``signature``."""
    params = signature.params
    offset = 1 if self_type else 0
    if len(args) > len(params):
        shown = declaration(name, signature, self_type)
        raise RuntimeError(f"{name}() expected at most {len(params) + offset} argument(s) but received "
                           f"{len(args) + offset} argument(s). Declaration: {shown}")
    names = {n for n, _, _ in params} if kwargs else ()
    for key in kwargs:
        if key not in names:
            shown = declaration(name, signature, self_type)
            raise RuntimeError(f"Unknown keyword argument '{key}' for operator '{name}'. Schema: {shown}")
    for position, (pname, tp, default) in enumerate(params):
        if position < len(args):
            value = args[position]
        elif pname in kwargs:
            value = kwargs[pname]
        elif default is None:
            shown = declaration(name, signature, self_type)
            raise RuntimeError(f"{name}() is missing value for argument '{pname}'. Declaration: {shown}")
        else:
            continue
        why = _cast_error(tp, value)
        if why is None:
            continue
        shown = declaration(name, signature, self_type)
        inferred = pname in signature.inferred
        shown_type = _schema_type(tp) if enum_class(tp) is not None else tp
        lines = [f"{name}() Expected a value of type '{shown_type}{' (inferred)' if inferred else ''}' for argument "
                 f"'{pname}' but instead found type '{type(value).__name__}'."]
        if inferred:
            lines.append(f"Inferred '{pname}' to be of type 'Tensor' because it was not annotated with an explicit "
                         "type.")
        lines += [f'Position: {position + offset}', f'Value: {value!r}', f'Declaration: {shown}',
                  why if why.startswith(' Python error details') else f'Cast error details: {why}']
        raise RuntimeError('\n'.join(lines))
