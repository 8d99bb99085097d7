"""The text of PyTorch's "received an invalid combination of arguments" ``TypeError``.

PyTorch writes it when a call of a function with several overloads fits none of them: the types it
got, then each overload as the parser prints it (``(Tensor input, int dim, bool keepdim = False)``).
Under an overload that takes as many arguments as the call gave, a second line says why it did not
match: the keywords it does not take among its last ones, or else the given arguments again with
the ones of the wrong type marked. That diagnosis reads the printed overload text itself, naively:
it splits the text at ", " and takes each piece's last word as the parameter's name and the words
before it as its type, so ``*`` counts as a parameter, ``bool keepdim = False`` is a parameter named
``False`` of a type named ``bool keepdim =``, and such pieces match no argument. Its type test is
the name of the argument's type (``int`` fits ``float``, nothing fits ``Number``). The results here
follow those rules, since users compare the messages.

Used only after a call has failed.
"""
import os


def _type_name(obj):
    from ember.ops._argparse import type_name
    return type_name(obj)


def _pieces(option):
    """``(type, name)`` of each comma-separated piece of a printed overload ``(...)``."""
    body = option[1:-1]
    pieces = []
    for piece in body.split(', '):
        type_, space, name = piece.rpartition(' ')
        pieces.append((type_, name) if space else (piece, piece))
    return pieces


# the Python types a printed parameter type takes, beyond its own name
_WIDER = {'float': ('float', 'int', 'long'), 'int': ('int', 'long')}


def _fits(type_, obj):
    return _type_name(obj) in _WIDER.get(type_, (type_,))


def _count_fits(pieces, args, kwargs):
    return len(pieces) == len(args) + len(kwargs)


def _keywords_in_order(kwargs):
    """The keywords in the order PyTorch's messages list them: last given first (the order of the
    hash map they are gathered in)."""
    return list(reversed(kwargs))


def _unknown_keywords(pieces, args, kwargs):
    """The keywords not among the names of the overload's last ``len(kwargs)`` pieces."""
    last = {name for _, name in pieces[max(len(pieces) - len(kwargs), 0):]}
    return [k for k in _keywords_in_order(kwargs) if k not in last]


def _describe(obj):
    """An argument as the diagnosis shows it: a list or tuple with its elements' types."""
    if isinstance(obj, list):
        return f"list of [{', '.join(_type_name(v) for v in obj)}]"
    if isinstance(obj, tuple):
        return f"tuple of ({', '.join(_type_name(v) for v in obj)}{',' if len(obj) == 1 else ''})"
    return _type_name(obj)


def _colours():
    """(mark on, mark off) for an argument of the wrong type: ANSI red when both standard streams
    are terminals, as PyTorch checks, otherwise ``!``."""
    if os.isatty(1) and os.isatty(2):
        return '\33[31;1m', '\33[0m', '\33[32;1m', '\33[0m'
    return '!', '!', '', ''


def _marked(pieces, args, kwargs):
    """``(...)`` of the given arguments, those of the wrong type for the overload marked."""
    red, end_red, green, end_green = _colours()
    parts = []
    for i, (type_, name) in enumerate(pieces[:len(args) + len(kwargs)]):
        keyword = i >= len(args)
        obj = kwargs[name] if keyword else args[i]
        text = (f"{name}=" if keyword else '') + _describe(obj)
        parts.append(f"{green}{text}{end_green}" if _fits(type_, obj) else f"{red}{text}{end_red}")
    listed = ''.join(p + ', ' for p in parts)
    return f"({listed[:-2] if args else listed})"


def _got(args, kwargs):
    """``(...)`` of the types given: positional ones, then ``name=type`` keywords (a trailing comma
    when only keywords were given, as PyTorch writes it)."""
    listed = ''.join(_type_name(a) + ', ' for a in args)
    listed += ''.join(f"{k}={_type_name(kwargs[k])}, " for k in _keywords_in_order(kwargs))
    return f"({listed[:-2] if args else listed})"


def invalid_combination(name, options, args, kwargs):
    """PyTorch's TypeError text for calling ``name`` with ``args``/``kwargs`` (a method's without
    the tensor itself), which fit none of ``options``, its overloads as printed (``(Tensor input,
    *, Tensor out = None)``); one overload is written on the first line."""
    head = f"{name}() received an invalid combination of arguments - "
    if len(options) == 1:
        pieces = _pieces(options[0])
        unknown = _unknown_keywords(pieces, args, kwargs) if kwargs else []
        if unknown:
            return head + f"got unrecognized keyword arguments: {', '.join(unknown)}"
        got = _marked(pieces, args, kwargs) if _count_fits(pieces, args, kwargs) else _got(args, kwargs)
        return head + f"got {got}, but expected {options[0]}"
    lines = [head + f"got {_got(args, kwargs)}, but expected one of:\n"]
    for option in options:
        lines.append(f" * {option}\n")
        pieces = _pieces(option)
        if not _count_fits(pieces, args, kwargs):
            continue
        unknown = _unknown_keywords(pieces, args, kwargs) if kwargs else []
        if unknown:
            lines.append(f"      didn't match because some of the keywords were incorrect: {', '.join(unknown)}\n")
        else:
            lines.append("      didn't match because some of the arguments have invalid types: "
                         f"{_marked(pieces, args, kwargs)}\n")
    return ''.join(lines)
