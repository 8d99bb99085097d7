"""Selective activation checkpointing: a policy picks, op by op, which results of a checkpointed function
are kept from the first run and which are recomputed in backward (PyTorch's SAC).

PyTorch intercepts ops below autograd with dispatch modes; ember has one place every op passes through,
``Function.apply``, and registers an op observer there (``ember/autograd/_op_observers.py``) only while
a SAC context is active, so ops cost nothing extra otherwise.

- While the forward context is active, each built-in op runs as usual, except that what its forward left on
  its graph node (attributes and the arrays it saved) is noted; the policy then decides: for a *save*
  policy the op's output arrays and that note are kept.
- While the recompute context is active, the n-th call of an op whose n-th forward call was kept does not
  compute: its forward is replaced by one that restores the note (with the recomputed inputs in place of
  the original ones) and returns the kept arrays. The op's node is still recorded, so gradients flow
  through it exactly as through a computed one.

View ops are never kept (they cost nothing and must alias the recomputed input): they are in
``SAC_IGNORED_OPS`` and the policy is not asked about them.
"""
import enum
from collections import defaultdict

from ember.autograd import _op_observers as _observe
from ember.autograd.function import Function, Primitive

__all__ = ['CheckpointPolicy', 'SelectiveCheckpointContext', 'create_selective_checkpoint_contexts',
           'SAC_IGNORED_OPS']


class SelectiveCheckpointContext:
    """What a selective-checkpoint policy function receives first: ``op_output`` is the op's result in the
    forward run. The policy is only asked during forward, so ``is_recompute`` is always False (as in
    PyTorch, where it is deprecated).

    Args:
        is_recompute (bool): whether this call is part of the recomputation.
        op_output: the op's output.

    Example::

        >>> import functools
        >>> from ember.utils.checkpoint import (checkpoint, create_selective_checkpoint_contexts,
        ...                                     CheckpointPolicy)
        >>> seen = []
        >>> def policy(ctx, op, *args, **kwargs):
        ...     seen.append(type(ctx).__name__)
        ...     return CheckpointPolicy.MUST_SAVE
        >>> x = ember.ones(2, requires_grad=True)
        >>> y = checkpoint(lambda t: t.sin().sum(), x, use_reentrant=False,
        ...                context_fn=functools.partial(create_selective_checkpoint_contexts, policy))
        >>> sorted(set(seen))
        ['SelectiveCheckpointContext']
    """

    def __init__(self, *, is_recompute, op_output=None):
        self.is_recompute = is_recompute
        self.op_output = op_output


class CheckpointPolicy(enum.Enum):
    """What selective checkpointing does with one op's output.

    - ``MUST_SAVE``/``PREFER_SAVE``: kept from the forward run, not recomputed in backward.
    - ``MUST_RECOMPUTE``/``PREFER_RECOMPUTE``: not kept; recomputed in backward.
    - ``MUST_CPU_OFFLOAD``/``PREFER_CPU_OFFLOAD``: kept on the CPU under a compiler; when running eagerly (as
      ember always does, and PyTorch outside ``torch.compile``) they are recomputed.

    ``MUST_*`` and ``PREFER_*`` differ only for a compiler, which may override ``PREFER_*``.

    A policy function returns one of them for each op the checkpointed function runs.

    Example::

        >>> import functools
        >>> from ember.utils.checkpoint import (checkpoint, create_selective_checkpoint_contexts,
        ...                                     CheckpointPolicy)
        >>> def policy(ctx, op, *args, **kwargs):
        ...     # keep matrix products (costly to recompute), recompute everything else
        ...     if op.__name__ == 'Mm':
        ...         return CheckpointPolicy.MUST_SAVE
        ...     return CheckpointPolicy.PREFER_RECOMPUTE
        >>> x = ember.ones(3, 3, requires_grad=True)
        >>> context_fn = functools.partial(create_selective_checkpoint_contexts, policy)
        >>> out = checkpoint(lambda t: ember.mm(t, t).relu(), x, use_reentrant=False, context_fn=context_fn)
        >>> out.sum().backward()
        >>> x.grad
        tensor([[6., 6., 6.],
                [6., 6., 6.],
                [6., 6., 6.]])
    """
    MUST_SAVE = 0
    PREFER_SAVE = 1
    MUST_RECOMPUTE = 2
    PREFER_RECOMPUTE = 3
    MUST_CPU_OFFLOAD = 4
    PREFER_CPU_OFFLOAD = 5


_SAVE = (CheckpointPolicy.MUST_SAVE, CheckpointPolicy.PREFER_SAVE)


def _all_op_classes():
    seen, stack = [], [Primitive]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if not getattr(sub, '_sac_copy', False):
                seen.append(sub)
                stack.append(sub)
    return seen


def _ignored_ops():
    """SAC_IGNORED_OPS: the view ops (computed on access, so ops defined later count too)."""
    return frozenset(cls for cls in _all_op_classes() if cls._view)


def __getattr__(name):
    if name == 'SAC_IGNORED_OPS':
        return _ignored_ops()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- the interception ---------------------------------------------------------------------------

_modes = []      # active SAC contexts, innermost last
_notes = []      # what the recording forward of the op being run noted


class _Interception(_observe.OpObserver):
    """Sends each op run while a SAC context is active to the innermost one."""

    @staticmethod
    def op(proceed, cls, args, kwargs):
        if not _modes or not cls._raw or getattr(cls, '_sac_copy', False) or cls._view:
            return proceed(cls, *args, **kwargs)
        return _modes[-1]._dispatch(proceed, cls, args, kwargs)


_INTERCEPTION = _Interception()


class _Mode:
    """Base of the two contexts: installs the interception while any SAC context is active."""

    def __enter__(self):
        if not _modes:
            _observe.add(_INTERCEPTION)
        _modes.append(self)
        return self

    def __exit__(self, *exc):
        _modes.remove(self)
        if not _modes:
            _observe.remove(_INTERCEPTION)
        return False


def _copy_of(cls, forward, kind):
    """A subclass of ``cls`` with another forward, recorded under the same node name (cached per class)."""
    attr = '_sac_' + kind
    sub = cls.__dict__.get(attr)
    if sub is None:
        forward._broadcast_errors = getattr(cls.forward, '_broadcast_errors', False)
        sub = type(cls.__name__, (cls,), {'node_name': cls.node_name, 'forward': staticmethod(forward),
                                          '_sac_copy': True, '_sac_kind': kind, '__module__': cls.__module__,
                                          '__qualname__': cls.__qualname__})
        setattr(cls, attr, sub)
    return sub


def _recording(cls):
    def forward(ctx, *raw, **kwargs):
        out = cls.forward(ctx, *raw, **kwargs)
        state = {}
        for k, v in vars(ctx).items():
            if k == '_to_save':
                continue
            state[k] = _note_item(v, raw)
        to_save = ctx.__dict__.get('_to_save', ())
        _notes.append((state, tuple(_note_item(v, raw) for v in to_save)))
        return out
    return _copy_of(cls, forward, 'recording')


class _Input:
    """In a note: "the op's i-th (raw) input", replaced by the recomputed input on replay."""
    __slots__ = ('i',)

    def __init__(self, i):
        self.i = i


def _note_item(v, raw):
    for i, r in enumerate(raw):
        if v is r and hasattr(r, 'shape'):
            return _Input(i)
    return v


def _replaying(cls):
    def forward(ctx, *raw, **kwargs):
        entry = _replay_entry.pop()
        state, to_save = entry.note

        def restore(v):
            return raw[v.i] if type(v) is _Input else v
        for k, v in state.items():
            setattr(ctx, k, restore(v))
        if to_save:
            ctx.save_for_backward(*[restore(v) for v in to_save])
        return entry.out
    return _copy_of(cls, forward, 'replaying')


_replay_entry = []


class _Entry:
    """One kept op call: its output arrays, its node's note, and its outputs' versions (to refuse mutations)."""
    __slots__ = ('out', 'note', 'versions')


_RECOMPUTE = object()
_CONSUMED = object()
_MISMATCH = ("This can happen if the operations in the checkpointed region are nondeterministic or depend on "
             "global state that changed between forward and backward.")


def _outputs(result):
    return result if isinstance(result, tuple) else (result,)


class _CachingMode(_Mode):
    """The forward context: runs ops, asks the policy, keeps the outputs it says to save."""

    def __init__(self, policy_fn, storage):
        self.policy_fn = policy_fn
        self.storage = storage
        self.counter = defaultdict(int)

    def _dispatch(self, inner, cls, args, kwargs):
        depth = len(_notes)
        try:
            result = inner(_recording(cls), *args, **kwargs)
            note = _notes[depth] if len(_notes) > depth else ({}, ())
        finally:
            del _notes[depth:]
        idx = self.counter[cls]
        self.counter[cls] += 1
        policy = self.policy_fn(SelectiveCheckpointContext(is_recompute=False, op_output=result), cls,
                                *args, **kwargs)
        if isinstance(policy, bool):
            policy = CheckpointPolicy.MUST_SAVE if policy else CheckpointPolicy.PREFER_RECOMPUTE
        if policy in _SAVE:
            entry = _Entry()
            outs = _outputs(result)
            arrays = tuple(None if o is None else o._data for o in outs)
            entry.out = arrays if isinstance(result, tuple) else arrays[0]
            entry.note = note
            entry.versions = [(o._version_counter, o._version_counter.value) for o in outs if o is not None]
            self.storage[cls][idx] = entry
        else:
            self.storage[cls][idx] = _RECOMPUTE
        return result


class _CachedMode(_Mode):
    """The recompute context: ops kept by the forward context return their kept outputs."""

    def __init__(self, storage, allow_cache_entry_mutation=False):
        self.storage = storage
        self.allow_cache_entry_mutation = allow_cache_entry_mutation
        self.counter = defaultdict(int)

    def __enter__(self):
        self.counter.clear()
        return super().__enter__()

    def _dispatch(self, inner, cls, args, kwargs):
        idx = self.counter[cls]
        self.counter[cls] += 1
        kept = self.storage.get(cls)
        if kept is None:
            raise RuntimeError(f"{cls.__name__} encountered during backward but not found in storage. {_MISMATCH}")
        entry = kept.get(idx)
        if entry is None:
            raise RuntimeError(f"{cls.__name__} invocation index {idx} encountered during backward but not found "
                               f"in storage. {_MISMATCH}")
        if entry is _CONSUMED:
            raise RuntimeError("Trying to backward an extra time. You are only allowed to backward once on any "
                               "region computed under selective activation checkpoint.")
        if entry is _RECOMPUTE:
            return inner(cls, *args, **kwargs)
        kept[idx] = _CONSUMED
        if not self.allow_cache_entry_mutation and any(c.value != v for c, v in entry.versions):
            raise RuntimeError("Tensor cached during selective activation checkpoint has been mutated")
        _replay_entry.append(entry)
        try:
            return inner(_replaying(cls), *args, **kwargs)
        finally:
            if _replay_entry and _replay_entry[-1] is entry:
                _replay_entry.pop()


def create_selective_checkpoint_contexts(policy_fn_or_list, allow_cache_entry_mutation=False):
    """The two contexts selective activation checkpointing needs, for ``checkpoint(..., context_fn=...)``.

    Args:
        policy_fn_or_list (Callable or list): either a function
            ``policy_fn(ctx, op, *args, **kwargs) -> CheckpointPolicy`` (or a bool, True meaning save), called
            once per op of the forward run with a :class:`SelectiveCheckpointContext`, the op (ember's op
            class, e.g. ``ember.ops.linalg.Mm``; its ``__name__`` names it) and the op's arguments; or a list
            of op classes to save, their subclasses included (every other op is recomputed).
        allow_cache_entry_mutation (bool): allow a kept output to be modified in place before backward uses it
            (by default that raises ``RuntimeError``).

    Returns:
        A tuple of two context managers: the one for the forward run and the one for the recomputation.

    Example::

        >>> import functools
        >>> from ember.utils.checkpoint import checkpoint, create_selective_checkpoint_contexts
        >>> from ember.ops.linalg import Mm
        >>> x = ember.rand(4, 4, requires_grad=True)
        >>> context_fn = functools.partial(create_selective_checkpoint_contexts, [Mm])
        >>> out = checkpoint(lambda x: (x @ x).sin(), x, use_reentrant=False, context_fn=context_fn)
        >>> out.sum().backward()   # recomputes the sine; the product is kept from the forward run
        >>> x.grad.shape
        ember.Size([4, 4])
    """
    if isinstance(policy_fn_or_list, list):
        for op in policy_fn_or_list:
            if not (isinstance(op, type) and issubclass(op, Function)):
                raise ValueError(f"Expected op in `op_list` to be an ember op class (such as "
                                 f"ember.ops.linalg.Mm) but got: {op} of type {type(op)}. ")
        ops = tuple(policy_fn_or_list)

        def policy_fn(ctx, op, *args, **kwargs):
            # (a listed class covers the subclasses that name its node per call: einsum's EinsumView, ...)
            kept = op in ops or isinstance(op, type) and issubclass(op, ops)
            return CheckpointPolicy.MUST_SAVE if kept else CheckpointPolicy.PREFER_RECOMPUTE
    elif callable(policy_fn_or_list):
        policy_fn = policy_fn_or_list
    else:
        raise TypeError("policy_fn_or_list must be either a function or a list of ops.")
    storage = defaultdict(dict)
    return _CachingMode(policy_fn, storage), _CachedMode(storage, allow_cache_entry_mutation)
