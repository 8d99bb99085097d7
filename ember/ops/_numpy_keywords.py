"""NumPy's keyword names on ops that have no wrapper to rename them after a failed call.

PyTorch's argument parser takes ``axis`` for ``dim`` and ``keepdims`` for ``keepdim`` (among
others) when the parameter's own name is not given. Ops behind a wrapper get this from
``_argparse.refuse`` once the call has failed; an op that is a plain Python function (``mean``,
``squeeze``) would fail in Python's own binding before any of ember runs, so it declares the NumPy
names as keyword-only parameters defaulting to :data:`NOT_GIVEN` and, when one was given, calls
:func:`take` at its start (one ``is not`` test per name on every call: the whole cost).
"""


class _NotGiven:
    __slots__ = ()

    def __repr__(self):
        return '<not given>'

    def __reduce__(self):
        return 'NOT_GIVEN'


NOT_GIVEN = _NotGiven()     # the default of a NumPy-named keyword: the user did not pass it


def take(name, alias, value, real, real_default):
    """The value for the parameter ``alias`` stands for: ``value`` (given under NumPy's name
    ``alias``) when the parameter's own name was not given (it holds ``real_default``), else
    PyTorch's error for giving both (its parser binds the parameter's own name and refuses the
    other as an unexpected keyword)."""
    if value is NOT_GIVEN:
        return real
    if real is not real_default:
        from ember.ops import _argparse
        _argparse.refuse_from_stack()       # (PyTorch's text for the call as the user wrote it)
        raise TypeError(f"{name}() got an unexpected keyword argument '{alias}'")
    return value


def take_required(name, param, alias, value, real):
    """:func:`take` for a parameter PyTorch requires (``param``, declared here with the default
    :data:`NOT_GIVEN` so that its NumPy name can stand for it): PyTorch's error when neither
    name was given."""
    if value is NOT_GIVEN and real is NOT_GIVEN:
        from ember.ops import _argparse
        _argparse.refuse_from_stack()
        raise TypeError(f'{name}() missing 1 required positional arguments: "{param}"')
    return take(name, alias, value, real, NOT_GIVEN)
