"""The plan of a compiled call split by graph breaks, kept per guard key so that later calls run it
without tracing the code again (as PyTorch re-runs its guards, then its cached graphs and resume
functions).

A plan is a tree of ``Step``s. A step is one graph of the call (the backend's callable, with where each
of its inputs comes from) followed by what ends it: a graph break (a data-dependent branch, ``.item()``,
a disabled function, ...) or the call's return. What the break gives back to the code (the branch
taken, the number ``.item()`` read, the non-tensor part of a disabled function's result) is the
break's *outcome*: the code that follows depends on nothing else, so each outcome seen leads to the
steps traced after it. A later call runs the steps, re-deciding each break on its real values; where
it meets an outcome (or an input signature) not seen before, or a break that must run the user's own
code (``print``, iterating over a tensor), it traces the call again from the start, replaying what
already ran (the graphs' outputs, the breaks' results) instead of running it twice, and the steps it
traces from there join the tree.

Values are named by slots that do not depend on the trace that made them: ``(i, j)`` is the ``j``-th
output of the ``i``-th step of the path, ``(i, 'o', j)`` the ``j``-th tensor a disabled function
called at step ``i`` returned.
"""
from ember._tensor import Tensor
from ember._dynamo._tracer import lookup_state

# at most this many outcomes (or input signatures) are kept after one point of a plan: code whose
# breaks read ever new numbers (``.item()`` on data) is traced at each call instead of growing the tree
MAX_BRANCHES = 16


class Ref:
    """A value inside a break's arguments or the call's result: ``('arg', name)``, ``('state', state)``
    or ``('slot', slot)``."""
    __slots__ = ('source',)

    def __init__(self, source):
        self.source = source


class Step:
    """One graph of a plan and the break (or return) that ends it.

    ``key``: the graph's code and input signature (None where a break closed no graph); ``compiled``:
    the backend's callable; ``sources``: where each input comes from; ``signature``: the inputs'
    signature; ``action``: ``('bool', ref)``, ``('method', name, ref, args, kwargs)``,
    ``('call', fn, args, kwargs)``, ``('break',)``, ``('trace',)`` (a break only the traced code can
    run) or ``('return', result)``; ``after``: outcome -> the steps that may follow; ``where``:
    the file and line of its break."""
    __slots__ = ('key', 'compiled', 'sources', 'signature', 'action', 'after', 'retraced', 'where')

    def __init__(self, key, compiled, sources, signature):
        self.key, self.compiled, self.sources, self.signature = key, compiled, sources, signature
        self.action = None
        self.where = None           # (filename, line) of the break that ends it
        self.after = {}
        self.retraced = False


class Done:
    """What a step did in this call: its graph's outputs and its break's result (replayed by a trace
    that catches up with it)."""
    __slots__ = ('step', 'outputs', 'result')

    def __init__(self, step, outputs, result=None):
        self.step, self.outputs, self.result = step, outputs, result


def resolve(source, env, arguments, fn):
    where, name = source
    if where == 'slot':
        return env[name]
    if where == 'arg':
        return arguments[name]
    return lookup_state(fn, name)


def fill(template, env, arguments, fn):
    """``template`` with each ``Ref`` replaced by its value in this call."""
    if isinstance(template, Ref):
        return resolve(template.source, env, arguments, fn)
    if isinstance(template, (tuple, list)):
        items = [fill(t, env, arguments, fn) for t in template]
        return type(template)(*items) if hasattr(template, '_fields') else type(template)(items)
    if isinstance(template, dict):
        return {k: fill(v, env, arguments, fn) for k, v in template.items()}
    return template


def signature(values):
    """What a graph was compiled for, of its inputs: dtype, sizes, device and requires_grad of each tensor."""
    return tuple((v.dtype, tuple(v.shape), v.device, v.requires_grad) if isinstance(v, Tensor)
                 else (type(v), repr(v)) for v in values)


def tensor_leaves(value):
    """The tensors a disabled function returned, in the order the trace carries them on."""
    if isinstance(value, Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from tensor_leaves(v)


def outcome(action, result):
    """What a break's result tells the code after it (see the module's docstring), or ``NEW`` where it
    cannot be compared (the code after it is then traced at every call)."""
    kind = action[0]
    if kind == 'bool':
        return bool(result)
    if kind == 'break':
        return None
    if kind == 'method':
        if action[1] == 'numpy':        # an array the code computes on: only a trace can follow it
            return NEW
        return None if result is None else (type(result).__name__, repr(result))
    if kind == 'call':
        try:
            frozen = _frozen_outside(result)
            hash(frozen)
        except TypeError:
            return NEW
        return frozen
    return NEW


def _frozen_outside(value):
    if isinstance(value, Tensor):
        return ('tensor', value.dtype, tuple(value.shape))
    if isinstance(value, (tuple, list)):
        return (type(value).__name__,) + tuple(_frozen_outside(v) for v in value)
    if isinstance(value, (int, float, complex, str, bytes, bool, type(None))):
        return (type(value).__name__, repr(value))
    raise TypeError('not comparable')


NEW = object()          # an outcome no later call can match


def perform(action, env, arguments, fn):
    """Runs a break between two graphs on this call's real values; returns its result."""
    kind = action[0]
    if kind == 'bool':
        return bool(resolve(action[1].source, env, arguments, fn))
    if kind == 'method':
        _, name, this, args, kwargs = action
        value = resolve(this.source, env, arguments, fn)
        return getattr(value, name)(*fill(args, env, arguments, fn), **fill(kwargs, env, arguments, fn))
    if kind == 'call':
        _, target, args, kwargs = action
        return target(*fill(args, env, arguments, fn), **fill(kwargs, env, arguments, fn))
    return None


def replay(plan, arguments, fn):
    """Runs the plan's steps for this call. Returns ``(True, result)``, or ``(False, done)`` where the
    call leaves the plan (``done``: the steps that ran, for the trace that takes over)."""
    env = {}
    done = []
    candidates = plan
    i = 0
    while True:
        step = values = None
        for candidate in candidates:
            inputs = [resolve(s, env, arguments, fn) for s in candidate.sources]
            if candidate.signature == signature(inputs):
                step, values = candidate, inputs
                break
        if step is None:
            return False, done
        outputs = step.compiled(*values) if step.compiled is not None else ()
        for j, value in enumerate(outputs):
            env[(i, j)] = value
        action = step.action
        kind = action[0]
        if kind == 'return':
            return True, fill(action[1], env, arguments, fn)
        if kind == 'trace':
            done.append(Done(step, outputs))
            return False, done
        result = perform(action, env, arguments, fn)
        done.append(Done(step, outputs, result))
        if kind == 'call':
            for j, value in enumerate(tensor_leaves(result)):
                env[(i, 'o', j)] = value
        candidates = step.after.get(outcome(action, result), ())
        i += 1


def store(plan, steps, outcomes):
    """Adds the steps a traced call took (with its breaks' outcomes) to the plan, reusing the steps it
    already holds."""
    point = plan
    for step, seen in zip(steps, outcomes):
        known = next((s for s in point if s.key == step.key and s.sources == step.sources), None)
        if known is None:
            if step.action is None or len(point) >= MAX_BRANCHES:
                return
            point.append(step)
            known = step
        if known.action[0] in ('return', 'trace') or seen is NEW:
            return
        if seen not in known.after and len(known.after) >= MAX_BRANCHES:
            return
        point = known.after.setdefault(seen, [])
