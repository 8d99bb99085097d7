"""``torch._dynamo.exc``: the errors ``ember.compile`` raises.

>>> issubclass(Unsupported, RuntimeError)
True
"""

__all__ = ['TorchDynamoException', 'Unsupported', 'BackendCompilerFailed', 'FailOnRecompileLimitHit']


class TorchDynamoException(RuntimeError):
    """The base of the compiler's errors.

    Example::

        >>> isinstance(Unsupported('x'), TorchDynamoException)
        True
    """


class Unsupported(TorchDynamoException):
    """Code the compiler cannot capture into a graph (raised with ``fullgraph=True``).

    Example::

        >>> str(Unsupported('Data-dependent branching'))
        'Data-dependent branching'
    """


class BackendCompilerFailed(TorchDynamoException):
    """A backend raised while compiling a captured graph; ``inner_exception`` is its error.

    Example::

        >>> e = BackendCompilerFailed('be', ValueError('bad'))
        >>> e.backend_name, type(e.inner_exception).__name__
        ('be', 'ValueError')
    """

    def __init__(self, backend_name, inner_exception):
        self.backend_name = backend_name
        self.inner_exception = inner_exception
        super().__init__(f"backend={backend_name!r} raised:\n{type(inner_exception).__name__}: {inner_exception}")


class FailOnRecompileLimitHit(Exception):
    """Raised under ``fullgraph=True`` when a call would capture more graphs than the recompile limit.

    Example::

        >>> str(FailOnRecompileLimitHit('Hard failure due to fullgraph=True'))
        'Hard failure due to fullgraph=True'
    """
