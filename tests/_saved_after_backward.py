"""What a node's ``_saved_*`` / ``_raw_saved_*`` attributes give once backward has run through it (without
retain_graph), the same way for PyTorch's nodes (tests/fixtures/saved_attrs/record.py records them under
'after_backward') and ember's (tests/test_saved_attrs.py compares): 'freed' where reading raises PyTorch's
RuntimeError for a freed saved tensor, 'kept' where it still gives a value, else the error's type."""


def backward_through(out, ones_like):
    """Runs backward from ``out`` (the first of several outputs with a node) with a gradient of ones; returns
    that output's node, or None where no output has one."""
    outs = out if isinstance(out, (list, tuple)) else [out]
    for o in outs:
        node = getattr(o, 'grad_fn', None)
        if node is not None and getattr(o, 'is_floating_point', lambda: False)() or \
                node is not None and o.is_complex():
            o.backward(ones_like(o))
            return node
    return None


def after_backward(node):
    """Each ``_saved_*`` / ``_raw_saved_*`` attribute ``dir(node)`` lists: 'freed', 'kept' or an error's type."""
    out = {}
    for attr in dir(node):
        if attr.startswith(('_saved_', '_raw_saved_')):
            try:
                getattr(node, attr)
                out[attr] = 'kept'
            except RuntimeError as e:
                out[attr] = 'freed' if str(e).startswith('Trying to backward through the graph a second time') \
                    else 'RuntimeError'
            except Exception as e:
                out[attr] = type(e).__name__
    return out
