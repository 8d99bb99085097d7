"""State behind ``autograd.graph.saved_tensors_hooks``, read by the engine when an op saves tensors.

The innermost active (pack_hook, unpack_hook) is last in ``_pack_stack``. The engine tests the list
once per recorded op that saves something, so an empty list is the only cost when no hooks are in use.
"""
_pack_stack = []
_disabled = []  # error messages of enclosing disable_saved_tensors_hooks blocks


class PackedSaved:
    """A saved tensor held as whatever the pack hook returned, with the saved tensor's version (None: hooks
    registered on the one saved tensor, whose version is not checked) and, for an input so hooked, its
    ``history`` (grad_fn and output number, or None and its accumulator) given back to what unpack returns."""
    __slots__ = ('packed', 'unpack_hook', 'version_counter', 'version', 'is_output', 'position', 'dtype', 'shape',
                 'history')


def pack_saved(saved, saved_type, results=()):
    """``saved`` (the engine's saved records) with every tensor passed through the innermost pack hook;
    a saved output reaches the hook as the output itself (``results``), with its ``grad_fn``, as in PyTorch."""
    pack_hook, unpack_hook = _pack_stack[-1]
    out = []
    for s in saved:
        if type(s) is not saved_type:
            out.append(s)
            continue
        p = PackedSaved()
        p.packed = _run_pack(pack_hook, results[s.is_output - 1] if s.is_output and results else s.tensor)
        p.unpack_hook = unpack_hook
        p.version_counter = s.tensor._version_counter
        p.version = s.version
        p.is_output = s.is_output
        p.position = s.position         # (names it: grad_fn._saved_self is found through the hooks too)
        p.history = None
        out.append(p)
    return out


def _run_pack(pack_hook, tensor):
    """``pack_hook(tensor)`` with the hooks off: what the ops inside it save is kept as it is (as in
    PyTorch), not packed again by the same hook, which would never end."""
    stack = _pack_stack[:]
    _pack_stack.clear()
    try:
        return pack_hook(tensor)
    finally:
        _pack_stack[:] = stack
