"""Activation checkpointing, like ``torch.utils.checkpoint``: a checkpointed function keeps only its inputs
for the backward pass and runs again inside it to rebuild the activations it needs, trading compute for
memory.

>>> import ember
>>> from ember.utils.checkpoint import checkpoint
>>> lin = ember.nn.Linear(4, 4)
>>> x = ember.ones(2, 4, requires_grad=True)
>>> checkpoint(lin, x, use_reentrant=False).sum().backward()
>>> x.grad.shape
ember.Size([2, 4])

Both variants recompute in backward and give the same gradients as an uncheckpointed run:

- ``use_reentrant=True`` runs the function under ``no_grad`` and, in backward, re-runs it and calls
  ``backward`` on the result, so the parameters it uses get their ``.grad`` from that inner pass.
- ``use_reentrant=False`` (recommended) also works with ``ember.autograd.grad`` and ``backward(inputs=...)``
  and takes keyword arguments: the first run keeps its graph, but the tensors its ops save for backward are
  not kept (saved-tensor hooks number them); the first backward run that needs one runs the function again
  and gives the graph the recomputed ones, as PyTorch does.
"""
import contextlib
import warnings

import ember
from ember._tensor import Tensor
from ember.autograd import grad_mode
from ember.autograd.engine import current_graph_task_id, queue_callback
from ember.autograd.function import Function

from ember.utils._selective_checkpoint import (CheckpointPolicy, SelectiveCheckpointContext,  # noqa: F401
                                                create_selective_checkpoint_contexts)
from ember.utils import _selective_checkpoint

__all__ = ['checkpoint', 'checkpoint_sequential', 'CheckpointError', 'CheckpointFunction', 'check_backward_validity',
           'detach_variable', 'noop_context_fn', 'set_checkpoint_early_stop', 'DefaultDeviceType',
           'set_checkpoint_debug_enabled', 'CheckpointPolicy', 'SelectiveCheckpointContext',
           'create_selective_checkpoint_contexts', 'SAC_IGNORED_OPS', 'GraphExecGroup', 'get_device_states',
           'set_device_states']


def __getattr__(name):
    if name == 'SAC_IGNORED_OPS':  # the view ops, which selective checkpointing never keeps
        return _selective_checkpoint.SAC_IGNORED_OPS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_checkpoint_debug_enabled = None
_enable_checkpoint_early_stop = None


@contextlib.contextmanager
def set_checkpoint_debug_enabled(enabled):
    """Within this context, ``checkpoint``'s ``debug`` argument is replaced by ``enabled`` (``None`` defers to
    the argument again).

    Args:
        enabled (bool or None): the ``debug`` setting to use.

    Example::

        >>> from ember.utils.checkpoint import checkpoint, set_checkpoint_debug_enabled
        >>> x = ember.ones(2, requires_grad=True)
        >>> with set_checkpoint_debug_enabled(False):     # overrides debug=True below
        ...     y = checkpoint(lambda t: (t * 3).sum(), x, use_reentrant=False, debug=True)
        >>> y.backward()
        >>> x.grad
        tensor([3., 3.])
    """
    global _checkpoint_debug_enabled
    previous, _checkpoint_debug_enabled = _checkpoint_debug_enabled, enabled
    try:
        yield
    finally:
        _checkpoint_debug_enabled = previous


@contextlib.contextmanager
def set_checkpoint_early_stop(enable):
    """Within this context, ``checkpoint``'s ``early_stop`` argument is replaced by ``enable``.

    Early stopping lets PyTorch end a recomputation once the tensors backward needs exist. ember's
    recomputation runs the whole checkpointed function and differentiates it, so both settings compute the
    same gradients in the same way.

    Args:
        enable (bool): the ``early_stop`` setting to use.

    Example::

        >>> from ember.utils.checkpoint import checkpoint, set_checkpoint_early_stop
        >>> x = ember.tensor([0., 1.], requires_grad=True)
        >>> with set_checkpoint_early_stop(False):
        ...     y = checkpoint(lambda t: t.exp(), x, use_reentrant=False)
        >>> y.sum().backward()
        >>> x.grad
        tensor([1.0000, 2.7183])
    """
    global _enable_checkpoint_early_stop
    previous, _enable_checkpoint_early_stop = _enable_checkpoint_early_stop, enable
    try:
        yield
    finally:
        _enable_checkpoint_early_stop = previous


class DefaultDeviceType:
    """The device type whose random state checkpointing saves when no tensor argument is on an accelerator:
    ``'cuda'`` when ember can use a GPU, else ``'cpu'``, until :meth:`set_device_type` changes it.

    Example::

        >>> from ember.utils.checkpoint import DefaultDeviceType
        >>> DefaultDeviceType.get_device_type() == ('cuda' if ember.cuda.is_available() else 'cpu')
        True
    """

    _default_device_type = None

    @staticmethod
    def set_device_type(device='cuda'):
        """Set the default device type (``'cuda'`` by default)."""
        DefaultDeviceType._default_device_type = device

    @staticmethod
    def get_device_type():
        """The default device type."""
        if not DefaultDeviceType._default_device_type:
            acc = ember.accelerator.current_accelerator(True)
            DefaultDeviceType._default_device_type = acc.type if acc is not None else 'cpu'
        return DefaultDeviceType._default_device_type


def _tensors_in(args):
    from ember.func._tree import flatten
    return [a for a in flatten(args)[0] if isinstance(a, Tensor)]


def get_device_states(*args):
    """The random states to restore before recomputing a function of ``args``: the ids of the accelerator
    devices ``args``' tensors are on, and one state per id.

    ember draws the random numbers of CUDA tensors from the default generator (so a seed gives the same
    numbers on every device); each state is therefore that generator's state.

    Returns:
        (list of int, list of Tensor): the device ids and their states; both empty for CPU tensors.

    Example::

        >>> from ember.utils.checkpoint import get_device_states
        >>> get_device_states(ember.ones(2), (ember.zeros(1), 'not a tensor'))
        ([], [])
    """
    ids = [t.get_device() for t in _tensors_in(args) if t.device.type not in ('cpu', 'meta')]
    return ids, [ember.get_rng_state() for _ in ids]


def set_device_states(devices, states, *, device_type=None):
    """Restore random states saved by :func:`get_device_states`.

    Args:
        devices (list of int): device ids.
        states (list of Tensor): their states.
        device_type (str, optional): the devices' type (default: :meth:`DefaultDeviceType.get_device_type`).

    Example::

        >>> from ember.utils.checkpoint import get_device_states, set_device_states
        >>> devices, states = get_device_states(ember.ones(2))
        >>> set_device_states(devices, states)
        >>> devices
        []
    """
    if device_type is None:
        device_type = DefaultDeviceType.get_device_type()
    if device_type == 'meta':
        return
    for _, state in zip(devices, states):
        ember.set_rng_state(state)


_graph_exec_group = []


class GraphExecGroup:
    """Within one instance of this context, a checkpointed region (``use_reentrant=False``) is recomputed at
    most once however many backward calls reach it; the backward calls must use disjoint parts of the
    graph. Outside it, every backward call that reaches the region recomputes it.

    Example::

        >>> from ember.utils.checkpoint import GraphExecGroup, checkpoint
        >>> x = ember.ones(2, requires_grad=True)
        >>> with GraphExecGroup():
        ...     a, b = checkpoint(lambda t: (t.sin(), t.cos()), x, use_reentrant=False)
        ...     a.sum().backward(retain_graph=True)
        ...     b.sum().backward()
        >>> x.grad
        tensor([-0.3012, -0.3012])
    """

    def __enter__(self):
        if _graph_exec_group:
            raise RuntimeError(f"GraphExecGroup contexts cannot be nested. Already inside group "
                               f"{_graph_exec_group[0]}")
        _graph_exec_group.append(self)
        return self

    def __exit__(self, *args):
        _graph_exec_group.clear()

    @classmethod
    def _get_current_group(cls):
        return _graph_exec_group[0] if _graph_exec_group else None


class CheckpointError(RuntimeError):
    """Raised by a non-reentrant checkpoint (``use_reentrant=False``) whose recomputation in backward
    does not match its forward run: its ops saved other tensors for backward (number, shapes, dtypes) the second
    time (it depends on state that changed, or on randomness not replayed). Fix the function, or
    pass ``determinism_check='none'`` to skip the comparison.

    Example::

        >>> from ember.utils.checkpoint import CheckpointError
        >>> issubclass(CheckpointError, RuntimeError)
        True
    """


def noop_context_fn():
    """The default ``context_fn`` of :func:`checkpoint`: two contexts that do nothing, entered around
    the forward run and around the recomputation.

    Example::

        >>> from ember.utils.checkpoint import noop_context_fn
        >>> forward_context, recompute_context = noop_context_fn()
        >>> with forward_context, recompute_context:
        ...     pass
    """
    return contextlib.nullcontext(), contextlib.nullcontext()


def detach_variable(inputs):
    """Each tensor of the tuple ``inputs`` detached, keeping its ``requires_grad``; other items as they are.

    Example::

        >>> from ember.utils.checkpoint import detach_variable
        >>> a = ember.ones(2, requires_grad=True)
        >>> b = a * 3
        >>> detached = detach_variable((b, 'label'))
        >>> detached
        (tensor([3., 3.], requires_grad=True), 'label')
        >>> detached[0].grad_fn is None and detached[0].is_leaf
        True
    """
    if not isinstance(inputs, tuple):
        raise RuntimeError(f"Only tuple of tensors is supported. Got Unsupported input type: "
                           f"{type(inputs).__name__}")
    out = []
    for inp in inputs:
        if isinstance(inp, Tensor):
            x = inp.detach()
            x.requires_grad = inp.requires_grad
            out.append(x)
        else:
            out.append(inp)
    return tuple(out)


def check_backward_validity(inputs):
    """Warn when no tensor among ``inputs`` requires grad (a checkpointed function of them would get
    no gradients).

    Example::

        >>> import warnings
        >>> from ember.utils.checkpoint import check_backward_validity
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter('always')
        ...     check_backward_validity((ember.ones(2), 3))
        >>> print(caught[0].message)
        None of the inputs have requires_grad=True. Gradients will be None
    """
    if not any(inp.requires_grad for inp in inputs if isinstance(inp, Tensor)):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2)


class _Replay:
    """What the recomputation must reproduce: the random state and autocast settings of the first run."""

    def __init__(self, preserve_rng_state):
        self.rng_state = ember.get_rng_state() if preserve_rng_state else None
        self.autocast = [(d, ember.is_autocast_enabled(d), ember.get_autocast_dtype(d)) for d in ('cpu', 'cuda')]
        self.cache_enabled = ember.is_autocast_cache_enabled()

    @contextlib.contextmanager
    def __call__(self):
        with ember.random.fork_rng(enabled=self.rng_state is not None), contextlib.ExitStack() as stack:
            if self.rng_state is not None:
                ember.set_rng_state(self.rng_state)
            for device_type, enabled, dtype in self.autocast:
                if enabled:
                    stack.enter_context(ember.amp.autocast(device_type, dtype=dtype,
                                                           cache_enabled=self.cache_enabled))
            with grad_mode.enable_grad():
                yield


def _as_tuple(outputs):
    return outputs if isinstance(outputs, tuple) else (outputs,)


class CheckpointFunction(Function):
    """The reentrant checkpoint (what ``checkpoint(..., use_reentrant=True)`` applies): forward runs the function
    without recording a graph; backward runs it again and back-propagates through the fresh graph.

    ``CheckpointFunction.apply(run_function, preserve_rng_state, *args)`` returns ``run_function(*args)``;
    ``preserve_rng_state`` replays the random state of the first run in the second.

    Example::

        >>> from ember.utils.checkpoint import CheckpointFunction
        >>> x = ember.ones(2, requires_grad=True)
        >>> y = CheckpointFunction.apply(lambda t: t.exp(), True, x)
        >>> y.sum().backward()
        >>> x.grad
        tensor([2.7183, 2.7183])
    """

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        check_backward_validity(args)
        ctx.run_function = run_function
        ctx.replay = _Replay(preserve_rng_state)
        ctx.inputs = [None if isinstance(a, Tensor) else a for a in args]
        ctx.tensor_indices = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.save_for_backward(*[a for a in args if isinstance(a, Tensor)])
        with grad_mode.no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        inputs = list(ctx.inputs)
        for i, t in zip(ctx.tensor_indices, ctx.saved_tensors):
            inputs[i] = t
        detached = detach_variable(tuple(inputs))
        with ctx.replay():
            outputs = _as_tuple(ctx.run_function(*detached))
        with_grad = [(o, g) for o, g in zip(outputs, grads) if isinstance(o, Tensor) and o.requires_grad]
        if not with_grad:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        ember.autograd.backward([o for o, _ in with_grad], [g for _, g in with_grad])
        return (None, None) + tuple(inp.grad if isinstance(inp, Tensor) else None for inp in detached)


def _metadata(t):
    return {'shape': t.shape, 'dtype': t.dtype, 'device': t.device}


def _check_recomputed_saves(saved, recomputed, early_stop):
    """PyTorch's determinism check: the recomputation must save as many tensors as the first run (more is
    allowed with ``early_stop``, where PyTorch stops recomputing once it has them all), each with the same
    metadata."""
    if len(recomputed) > len(saved) and not early_stop:
        raise CheckpointError("ember.utils.checkpoint: trying to save more tensors during recomputation than "
                              "during the original forward pass.\n")
    if len(recomputed) < len(saved):
        raise CheckpointError("ember.utils.checkpoint: A different number of tensors was saved during the original "
                              "forward and recomputation.\n"
                              f"Number of tensors saved during forward: {len(saved)}\n"
                              f"Number of tensors saved during recomputation: {len(recomputed)}.\n")
    different = ''.join(f"tensor at position {i}:\nsaved metadata: {a}\nrecomputed metadata: {b}\n"
                        for i, (a, b) in enumerate(zip(saved, recomputed)) if a != b)
    if different:
        raise CheckpointError("ember.utils.checkpoint: Recomputed values for the following tensors have different "
                              f"metadata than during the forward pass.\n{different}.\n")


class _SaveInputs(Function):
    """Keeps a checkpointed call's tensor inputs for its recomputation (saved for backward, so that enclosing
    saved-tensor hooks see them); its output is a placeholder no backward reaches."""

    @staticmethod
    def forward(placeholder, *inputs):
        return placeholder.new_empty(0)

    @staticmethod
    def setup_context(ctx, inputs, output):     # (the form function transforms take: ember.func.grad works)
        ctx.save_for_backward(*inputs[1:])

    @staticmethod
    def backward(ctx, *grads):
        raise AssertionError("Did not expect to backward on this graph")


class _Frame:
    """One non-reentrant checkpointed call. Its first run keeps its graph, but every tensor an op of it saves
    for backward is packed (saved-tensor hooks) as a number, its place in the order of saves; the first
    unpack of a backward run runs the function again, which saves the same tensors in the same order, and
    hands the recomputed ones out by their numbers (as PyTorch does: the first run's graph is
    differentiated, so outputs need not even have the same shapes the second time)."""

    def __init__(self, run, inputs, replay, recompute_context, determinism_check, early_stop):
        self.run, self.replay = run, replay
        # the inputs are saved by a node of their own, outside this frame's hooks: an enclosing hook packs
        # them (an outer checkpoint's, a user's), as PyTorch's _NoopSaveInputs does
        self.needs_grad = [t.requires_grad for t in inputs]
        self.input_saver = _SaveInputs.apply(ember.empty(0, requires_grad=True), *inputs).grad_fn
        self.recompute_context, self.early_stop = recompute_context, early_stop
        self.saved_meta = [] if determinism_check == 'default' else None
        self.count = 0
        # per saved tensor, its place in the first run's graph (a leaf itself, or its node and output number):
        # a recomputed value is handed back there, so a gradient computed with create_graph=True differentiates
        # through it again (PyTorch's unpacked saved tensors keep their history too)
        self.history = []
        self.recomputed = {}    # backward run (or GraphExecGroup) -> the recomputed saved tensors

    def pack(self, t):
        if self.saved_meta is not None:
            self.saved_meta.append(_metadata(t))
        self.history.append(t if t._grad_fn is None and t._requires_grad else
                            (t._grad_fn, t._output_nr) if t._grad_fn is not None else None)
        self.count += 1
        return self, self.count - 1

    def unpack(self, packed):
        _, index = packed
        group = GraphExecGroup._get_current_group()
        key = group if group is not None else ('run', current_graph_task_id())
        saved = self.recomputed.get(key)
        if saved is None:
            saved = self.recomputed[key] = self._recompute()
            if group is None and key[1] != -1:      # freed when the backward run ends
                queue_callback(lambda: self.recomputed.pop(key, None))
        value, place = saved[index], self.history[index]
        if isinstance(place, Tensor):       # a leaf (an input, a parameter): the same values, itself
            return place
        if place is not None:
            return Tensor._make(value._data, value._device, True, place[0], place[1])
        return value

    def _recompute(self):
        # NOTE: whether an input needs a gradient is the forward's to say: a saved-tensor unpack hook may
        # hand back the values without their autograd history
        inputs = tuple(t.detach().requires_grad_(need)
                       for t, need in zip(self.input_saver.saved_tensors, self.needs_grad))
        recomputed = []

        def keep(t):
            recomputed.append(t.detach() if t.requires_grad else t)
            return None

        def refuse(_):
            raise RuntimeError("ember.utils.checkpoint: a tensor saved during recomputation was unpacked")
        with grad_mode.enable_grad(), self.replay(), self.recompute_context, \
                ember.autograd.graph.saved_tensors_hooks(keep, refuse):
            self.run(*inputs)
        if self.saved_meta is not None:
            _check_recomputed_saves(self.saved_meta, [_metadata(t) for t in recomputed], self.early_stop)
        elif len(recomputed) < self.count:
            _check_recomputed_saves([None] * self.count, recomputed, True)
        return recomputed


def _checkpoint_without_reentrant(function, preserve, context_fn, determinism_check, early_stop, args,
                                  kwargs):
    tensor_slots = [i for i, a in enumerate(args) if isinstance(a, Tensor)]

    def run(*tensors):
        call = list(args)
        for i, t in zip(tensor_slots, tensors):
            call[i] = t
        return function(*call, **kwargs)

    replay = _Replay(preserve)
    forward_context, recompute_context = context_fn()
    if not grad_mode.is_grad_enabled():
        with forward_context:
            return function(*args, **kwargs)
    frame = _Frame(run, tuple(args[i] for i in tensor_slots), replay, recompute_context, determinism_check,
                   early_stop)
    # NOTE: the graph built here is kept (its nodes hold numbers in place of the activations they save);
    # backward differentiates it, with the activations the recomputation gives back
    with forward_context, ember.autograd.graph.saved_tensors_hooks(frame.pack, frame.unpack):
        return function(*args, **kwargs)


def _explicit(use_reentrant, first_sentences):
    """``use_reentrant``, warning (as PyTorch does) and defaulting to True when it was not passed."""
    if use_reentrant is None:
        warnings.warn(first_sentences + " use_reentrant=False is recommended, but if you need to preserve the current "
                      "default behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
                      "differences between the two variants.", stacklevel=3)
        return True
    return use_reentrant


def checkpoint(function, *args, use_reentrant=None, context_fn=noop_context_fn, determinism_check='default',
               debug=False, early_stop=True, **kwargs):
    """Run ``function(*args, **kwargs)`` without keeping its activations; backward re-runs it.

    Args:
        function: what to run (a module or any callable).
        use_reentrant (bool): the variant (see the module docstring); pass it explicitly, False is
            recommended.
        preserve_rng_state (bool): replay the random state of the first run (default True), so dropout
            draws the same masks.
        context_fn: (non-reentrant only) returns two context managers, entered around the first run and
            around the recomputation.
        determinism_check (str): (non-reentrant only) ``'default'``: the recomputation must save for backward
            as many tensors as the first run, of the same shapes, dtypes and devices (as PyTorch checks), else
            :class:`CheckpointError`; ``'none'``: no check.
        early_stop (bool): (non-reentrant only) when True, tensors the recomputation saves beyond the first
            run's are not an error (ember runs the whole function again, where PyTorch stops once it has
            them all).

    Example::

        >>> layer = nn.Sequential(nn.Linear(3, 3), nn.Tanh())
        >>> x = ember.ones(2, 3, requires_grad=True)
        >>> y = ember.utils.checkpoint.checkpoint(layer, x, use_reentrant=False)
        >>> y.sum().backward()
        >>> ember.allclose(x.grad, ember.func.grad(lambda t: layer(t).sum())(x))
        True
    """
    use_reentrant = _explicit(use_reentrant, "ember.utils.checkpoint: the use_reentrant parameter should be "
                              "passed explicitly. Starting in PyTorch 2.9, calling checkpoint without use_reentrant "
                              "will raise an exception.")
    preserve = kwargs.pop('preserve_rng_state', True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    if determinism_check not in ('default', 'none'):
        raise ValueError(f"determinism_check should be one of ['default', 'none'], but got {determinism_check}")
    if _checkpoint_debug_enabled is not None:
        debug = _checkpoint_debug_enabled
    if debug:
        raise ValueError("checkpoint(debug=True) is not supported by ember")
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        return CheckpointFunction.apply(function, preserve, *args)
    if _enable_checkpoint_early_stop is not None:
        early_stop = _enable_checkpoint_early_stop
    return _checkpoint_without_reentrant(function, preserve, context_fn, determinism_check, early_stop, args,
                                         kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Run ``functions`` (an ``nn.Sequential`` or a list of callables) in ``segments`` chunks, checkpointing
    every chunk but the last: only the chunks' inputs are kept for backward.

    Example::

        >>> model = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 4), nn.ReLU())
        >>> x = ember.randn(2, 4, requires_grad=True)
        >>> out = ember.utils.checkpoint.checkpoint_sequential(model, 2, x, use_reentrant=False)
        >>> ember.equal(out, model(x))
        True
        >>> out.sum().backward()
        >>> x.grad.shape
        ember.Size([2, 4])
    """
    use_reentrant = _explicit(use_reentrant, "ember.utils.checkpoint.checkpoint_sequential: the use_reentrant "
                              "parameter should be passed explicitly. In version 2.9 we will raise an exception if "
                              "use_reentrant is not passed.")
    preserve = kwargs.pop('preserve_rng_state', True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))

    def run_function(start, end, functions):
        def forward(input):
            for j in range(start, end + 1):
                input = functions[j](input)
            return input
        return forward

    if isinstance(functions, ember.nn.Sequential):
        functions = list(functions.children())
    segment_size = len(functions) // segments
    end = -1
    for start in range(0, segment_size * (segments - 1), segment_size):
        end = start + segment_size - 1
        input = checkpoint(run_function(start, end, functions), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run_function(end + 1, len(functions) - 1, functions)(input)
