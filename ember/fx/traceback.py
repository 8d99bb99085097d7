"""Node metadata carried into traced graphs: inside :func:`preserve_node_meta`, every node a tracer
creates copies the current metadata (a stack trace set with :func:`set_stack_trace`, a node's
meta while :func:`set_current_meta` replays it, ``custom`` entries from :func:`annotate`), so a
graph built from another keeps where each of its nodes came from."""
import contextlib
import copy
import threading
import traceback

__all__ = ['preserve_node_meta', 'has_preserved_node_meta', 'set_stack_trace', 'set_grad_fn_seq_nr',
           'reset_grad_fn_seq_nr', 'format_stack', 'set_current_meta', 'get_current_meta', 'annotate']

_state = threading.local()
# the entries a created node copies from the current metadata
_COPIED = ('stack_trace', 'nn_module_stack', 'source_fn_stack', 'original_aten', 'recompute', 'ac_graph_id',
           'has_backward_hook', 'from_node', 'quantization_tag', 'custom', 'seq_nr')


def _current():
    if not hasattr(_state, 'meta'):
        _state.meta, _state.preserve = {}, False
    return _state


@contextlib.contextmanager
def preserve_node_meta(enable=True):
    """Within the block, nodes created by tracers copy the current metadata (see the module doc)."""
    state = _current()
    saved_meta, saved_flag = state.meta, state.preserve
    state.meta, state.preserve = {}, enable
    try:
        yield
    finally:
        state.meta, state.preserve = saved_meta, saved_flag


def has_preserved_node_meta():
    """Whether a :func:`preserve_node_meta` block is active."""
    return _current().preserve


def set_stack_trace(stack):
    """Make ``stack`` (a list of formatted frames) the stack trace of the nodes created next."""
    if _current().preserve and stack:
        _current().meta['stack_trace'] = ''.join(stack)


def set_grad_fn_seq_nr(seq_nr):
    """Record the sequence number of the autograd node being replayed (nested replays stack)."""
    meta = _current().meta
    if _current().preserve:
        meta['prev_grad_fn_seq_nr'] = meta.get('grad_fn_seq_nr')
        meta['prev_in_grad_fn'] = meta.get('in_grad_fn')
        meta.setdefault('grad_fn_seq_nr', [])
        meta['grad_fn_seq_nr'] = meta['grad_fn_seq_nr'] + [seq_nr]
        meta['in_grad_fn'] = meta.get('in_grad_fn', 0) + 1


def reset_grad_fn_seq_nr():
    """Undo the last :func:`set_grad_fn_seq_nr`."""
    meta = _current().meta
    if _current().preserve:
        if meta.get('in_grad_fn', 0) <= 1:
            for key in ('grad_fn_seq_nr', 'in_grad_fn', 'prev_grad_fn_seq_nr', 'prev_in_grad_fn'):
                meta.pop(key, None)
        else:
            meta['grad_fn_seq_nr'] = meta['grad_fn_seq_nr'][:-1]
            meta['in_grad_fn'] -= 1


def format_stack():
    """The stack trace of the nodes being created: the one set with :func:`set_stack_trace` while
    node metadata is preserved, otherwise the caller's current Python stack (formatted frames)."""
    state = _current()
    if state.preserve:
        return [state.meta.get('stack_trace', '')]
    return traceback.format_list(traceback.extract_stack()[:-1])


@contextlib.contextmanager
def set_current_meta(node, pass_name=''):
    """Within the block, the current metadata is ``node``'s (``seq_nr`` -1 where it has none): nodes a
    pass creates while replaying ``node`` inherit where it came from."""
    state = _current()
    if not (state.preserve and node is not None):
        yield
        return
    saved = state.meta
    meta = copy.copy(dict(node.meta))
    meta.setdefault('seq_nr', -1)
    state.meta = meta
    try:
        yield
    finally:
        state.meta = saved


def get_current_meta():
    """The current metadata (empty outside :func:`preserve_node_meta` blocks that set any)."""
    return _current().meta


@contextlib.contextmanager
def annotate(annotation_dict):
    """Within the block, nodes created while metadata is preserved carry ``annotation_dict``'s items
    in ``node.meta['custom']`` (nested blocks merge, the inner one winning)."""
    meta = _current().meta
    had = 'custom' in meta
    saved = copy.copy(meta.get('custom', {}))
    meta['custom'] = {**saved, **annotation_dict}
    try:
        yield
    finally:
        if had:
            meta['custom'] = saved
        else:
            meta.pop('custom', None)


def copy_into(node):
    """Give a node just created by a tracer the current metadata's entries (while preserved)."""
    state = _current()
    if state.preserve:
        for key in _COPIED:
            if key in state.meta and key != 'seq_nr':
                node.meta[key] = copy.copy(state.meta[key])
