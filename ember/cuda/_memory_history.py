"""The CUDA memory history (``torch.cuda.memory._record_memory_history``/``_snapshot``/``_dump_snapshot``):
every device allocation and free ember's memory pool makes, with the Python stack that made it.

PyTorch's snapshot has two parts: ``segments``, the blocks its caching allocator holds from the driver,
and ``device_traces``, the allocator's actions in order. CuPy's pool does not list its segments, so
ember's snapshot has the traces (what pytorch.org/memory_viz draws its memory timeline from) and an
empty ``segments`` list. The actions are recorded by a CuPy memory hook, which sees the allocations of
the thread that started the recording.
"""
import collections
import os
import pickle
import time
import traceback

from ember import backend
from ember.backend import cuda_runtime as _rt

_ACTIONS = ('alloc', 'free_requested', 'free_completed')
# PyTorch's allocator actions; those about segments, snapshots and OOMs never occur in ember's history
_KNOWN_ACTIONS = _ACTIONS + ('segment_alloc', 'segment_free', 'segment_map', 'segment_unmap', 'snapshot', 'oom')


class _History:
    stop = None          # removes the memory hook while recording
    traces = None        # device index -> deque of trace entries
    context = None       # which actions keep their stacks: 'alloc', 'all' or None ('state': no traces)
    record_trace = True
    device = None        # the one device recorded, or None for all
    skip = frozenset()
    max_entries = None
    library = ()         # where the array library's Python frames live


def _frames():
    # the Python stack, innermost first as PyTorch lists it, without the frames of the array library and of
    # ember's device layer (PyTorch's allocator is C++: its stacks start at the library's Python frames)
    inside = _History.library + (_BACKEND,)
    frames = [{'filename': f.filename, 'line': f.lineno, 'name': f.name} for f in traceback.extract_stack()
              if not f.filename.startswith(inside)]
    return frames[::-1]


_BACKEND = os.path.dirname(os.path.abspath(backend.__file__))


def _entry(action, device, address, size):
    if not _History.record_trace or action in _History.skip:
        return
    if _History.device is not None and device != _History.device:
        return
    keep_stack = _History.context == 'all' or (_History.context == 'alloc' and action == 'alloc')
    trace = _History.traces.setdefault(device, collections.deque(maxlen=_History.max_entries))
    trace.append({'action': action, 'addr': int(address), 'size': int(size), 'stream': 0,
                  'time_us': time.time_ns() // 1000, 'frames': _frames() if keep_stack else []})


def _on_malloc(device, address, size):
    _entry('alloc', device, address, size)


def _on_free(device, address, size):
    # CuPy takes the memory back at once: the free is requested and completed together
    _entry('free_requested', device, address, size)
    _entry('free_completed', device, address, size)


def record(enabled, context, stacks, max_entries, device, clear_history, compile_context,
           global_record_annotations, skip_actions):
    """See ``ember.cuda.memory._record_memory_history``."""
    if enabled not in (None, 'state', 'all'):
        raise ValueError(f"enabled must be one of None, 'state' or 'all', got {enabled!r}")
    if context not in (None, 'state', 'alloc', 'all'):
        raise ValueError(f"context must be one of None, 'state', 'alloc' or 'all', got {context!r}")
    if stacks not in ('python', 'all'):
        raise ValueError(f"stacks must be 'python' or 'all', got {stacks!r}")
    unknown = set(skip_actions or ()) - set(_KNOWN_ACTIONS)
    if unknown:
        raise ValueError(f"skip_actions: unknown actions {sorted(unknown)}; the actions are {list(_KNOWN_ACTIONS)}")
    if compile_context or global_record_annotations:
        raise RuntimeError("compile_context and global_record_annotations are not available in ember's memory "
                           "history: it records ember's own allocations, with their Python stacks")
    if enabled is None:
        if _History.stop is not None:
            _History.stop()
            _History.stop = None
        if clear_history:
            _History.traces = None
        return
    backend._require_cuda()
    from ember.cuda import _index
    _History.device = None if device is None else _index(device)
    _History.record_trace = enabled == 'all'
    _History.context = None if context in (None, 'state') else context
    _History.max_entries = int(max_entries) if max_entries and max_entries < 2 ** 62 else None
    _History.skip = frozenset(skip_actions or ())
    if _History.traces is None or clear_history:
        _History.traces = {}
    if _History.stop is None:
        _History.library = _rt.library_paths()
        _History.stop = _rt.watch_memory(_on_malloc, _on_free)


def snapshot(device=None):
    """See ``ember.cuda.memory._snapshot``."""
    backend._require_cuda()
    from ember.cuda import device_count
    traces = _History.traces or {}
    return {'segments': [], 'device_traces': [list(traces.get(i, ())) for i in range(device_count())],
            'allocator_settings': {}, 'external_annotations': []}


def dump(filename):
    """See ``ember.cuda.memory._dump_snapshot``."""
    data = snapshot()
    with open(filename, 'wb') as f:
        pickle.dump(data, f)
