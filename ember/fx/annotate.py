"""``annotate(value, type)``: give a traced value a type, which the generated code then declares
(``def forward(self, x, y : int)``)."""
from ember.fx.proxy import Proxy

__all__ = ['annotate']


def annotate(val, type):
    """During a symbolic trace, set the type of the node behind the Proxy ``val`` and return it;
    outside a trace (``val`` a real value), return ``val`` unchanged.

    Raises:
        RuntimeError: if the node already has a type (a parameter annotated in the signature, or a
            value annotated twice).

    Example::

        >>> from ember.fx.annotate import annotate
        >>> def f(x, y):
        ...     return x + annotate(y, int)
        >>> print(ember.fx.symbolic_trace(f).code.strip().splitlines()[0])
        def forward(self, x, y : int):
    """
    if isinstance(val, Proxy):
        if val.node.type:
            raise RuntimeError(f"Tried to annotate a value that already had a type on it! Existing type is "
                               f"{val.node.type} and new type is {type}. This could happen if you tried to "
                               "annotate a function parameter value (in which case you should use the type slot "
                               "on the function signature) or you called annotate on the same value twice")
        val.node.type = type
    return val
