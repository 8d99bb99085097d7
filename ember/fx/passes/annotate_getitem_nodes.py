"""``annotate_getitem_nodes``: give each ``operator.getitem`` node the type of the element it reads,
taken from the annotated type of the sequence it indexes (tuple, list or NamedTuple): local
annotations are lost when a graph is transformed, and scripting needs them."""
import operator
import typing

__all__ = ['annotate_getitem_nodes']


def _element_type(seq_type, index):
    """The type of element ``index`` of a value of ``seq_type``, or None if it does not say."""
    origin, members = typing.get_origin(seq_type), typing.get_args(seq_type)
    if origin is tuple:
        if len(members) == 2 and members[1] is Ellipsis:      # tuple[T, ...]
            return members[0]
        if len(members) <= index:
            raise AssertionError(f"Index {index} out of range for parameterized_types (len={len(members)})")
        return members[index]
    if origin is list:
        if len(members) != 1:
            raise AssertionError(f"Expected 1 parameterized type, got {len(members)}")
        return members[0]
    fields = getattr(seq_type, '_fields', None)        # a NamedTuple class: its field's annotation
    if fields is not None and hasattr(seq_type, '__annotations__'):
        return seq_type.__annotations__[fields[index]]
    return None


def annotate_getitem_nodes(graph):
    """Set ``node.type`` of every getitem node of ``graph`` whose sequence node has a type.

    Example::

        >>> import typing
        >>> g = ember.fx.Graph()
        >>> pair = g.placeholder('pair', type_expr=typing.Tuple[int, float])
        >>> second = g.call_function(operator.getitem, (pair, 1))
        >>> annotate_getitem_nodes(g)
        >>> second.type
        <class 'float'>
    """
    for node in graph.nodes:
        if node.target is not operator.getitem:
            continue
        seq, index = node.args
        if not seq.type:
            continue
        found = _element_type(seq.type, index)
        if found is not None:
            node.type = found
