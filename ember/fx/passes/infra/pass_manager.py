"""``PassManager``: runs a list of passes over a module, ordered by constraints, until nothing changes
or for a number of steps."""
import inspect
import logging
from collections import deque
from functools import wraps

from ember.fx.passes.infra.pass_base import PassResult

logger = logging.getLogger(__name__)
logger.setLevel(logging.WARNING)

__all__ = ['pass_result_wrapper', 'this_before_that_pass_constraint', 'PassManager']


def _name(fn):
    return fn.__name__ if inspect.isfunction(fn) else type(fn).__name__


def pass_result_wrapper(fn):
    """Wrap a pass that returns nothing or a module so that it returns a :class:`PassResult` (marked
    modified)."""
    if fn is None:
        return None

    @wraps(fn)
    def wrapped_fn(gm):
        import ember.nn as nn
        res = fn(gm)
        if res is None:
            return PassResult(gm, True)
        if isinstance(res, PassResult):
            return res
        if isinstance(res, nn.Module):
            return PassResult(res, True)
        return None
    if not inspect.isfunction(fn):
        wrapped_fn.__name__ = type(fn).__name__
    return wrapped_fn


def _validate_pass_schedule_constraint(constraint, passes):
    for i, a in enumerate(passes):
        for j, b in enumerate(passes[i + 1:]):
            if not constraint(a, b):
                raise RuntimeError(f'pass schedule constraint violated. Expected {a} before {b} but found {a} at '
                                   f'index {i} and {b} at index {j} in pass list.')


def _topological_sort_passes(passes, constraints):
    """The passes in an order every constraint accepts (Kahn's algorithm, stable for ties)."""
    if not constraints:
        return passes
    later = {p: [] for p in passes}          # a pass -> the passes that must wait for it
    waiting = dict.fromkeys(passes, 0)
    ready = deque()
    for a in passes:
        for b in passes:
            if a == b:
                continue
            for constraint in constraints:
                if not constraint(a, b):     # a must come after b
                    later[b].append(a)
                    waiting[a] += 1
        if waiting[a] == 0:
            ready.append(a)
    done, order = set(), []
    while ready:
        p = ready.popleft()
        order.append(p)
        done.add(p)
        for n in later[p]:
            if n not in done:
                waiting[n] -= 1
                if waiting[n] == 0:
                    ready.append(n)
    cycle = [p for p, count in waiting.items() if count != 0]
    if cycle:
        raise RuntimeError(f'Circular dependency detected within the following passes: {cycle}')
    return order


def this_before_that_pass_constraint(this, that):
    """A constraint: the pass ``this`` runs before the pass ``that``."""
    def depends_on(a, b):
        return a != that or b != this
    return depends_on


class PassManager:
    """Collects passes and the constraints on their order, and runs them.

    Args:
        passes (list, optional): callables taking a module and returning a :class:`PassResult`.
        constraints (list, optional): callables ``(a, b) -> bool``, False where ``a`` must not run
            before ``b`` (see :func:`this_before_that_pass_constraint`).
        steps (int, optional): how many times at most to run the whole list (1); it stops early
            once a round modifies nothing.
        run_checks_after_each_pass (bool): run ``check`` after every pass.
        suppress_check_failures (bool): kept for PyTorch's signature; checks raise as they do there.

    Example:
        >>> from ember.fx.passes.infra.pass_manager import PassManager, pass_result_wrapper
        >>> def drop_dead(gm):
        ...     gm.graph.eliminate_dead_code()
        >>> pm = PassManager([pass_result_wrapper(drop_dead)])
        >>> gm = ember.fx.symbolic_trace(lambda x: x + 1)
        >>> pm(gm).modified
        True
    """
    _validated = False
    steps = 1

    def __init__(self, passes=None, constraints=None, steps=None, run_checks_after_each_pass=False,
                 suppress_check_failures=False):
        self.passes = passes or []
        self.constraints = constraints or []
        if steps:
            self.steps = steps
        self.run_checks_after_each_pass = run_checks_after_each_pass
        self.suppress_check_failures = suppress_check_failures

    def add_pass(self, _pass):
        """Append a pass."""
        self.passes.append(_pass)
        self._validated = False

    def add_constraint(self, constraint):
        """Add a constraint on the order of the passes."""
        self.constraints.append(constraint)
        self._validated = False

    def validate_constraints(self):
        """Raise if the passes, in their present order, break a constraint."""
        if self._validated:
            return
        for constraint in self.constraints:
            _validate_pass_schedule_constraint(constraint, self.passes)
        self._validated = True

    def solve_constraints(self):
        """Reorder the passes so that every constraint holds (raises on a cycle)."""
        self.passes = _topological_sort_passes(self.passes, self.constraints)
        self._validated = True

    def add_checks(self, check):
        """Use ``check(module)`` to verify the module before the passes (and after each, when asked)."""
        if len(inspect.signature(check).parameters) != 1:
            raise TypeError('PassManager check function should only take in one variable, a module')
        self.check = check

    def check(self, module):
        pass

    def __call__(self, module):
        """Run the passes on ``module``; returns a :class:`PassResult` of the last module and whether any
        pass modified it."""
        from ember.fx.graph_module import GraphModule
        if not self._validated:
            self.solve_constraints()
        self.check(module)
        overall = False
        for _ in range(self.steps):
            modified = False
            for i, fn in enumerate(self.passes):
                name = _name(fn)
                logger.debug("Running pass '%s'", name)
                try:
                    res = fn(module)
                    if not isinstance(res, PassResult) and not hasattr(res, 'graph_module'):
                        raise TypeError(f'The result of the pass {name} should be type PassResult.Please wrap it '
                                        'with pass_result_wrapper()')
                    module = res.graph_module
                    modified = modified or res.modified
                    if isinstance(module, GraphModule):
                        logger.debug("Graph after pass '%s': %s", name, module.graph)
                        module.recompile()
                    if self.run_checks_after_each_pass:
                        self.check(module)
                except Exception as e:
                    before = [_name(p) for p in self.passes[:i]]
                    raise Exception(f"An error occurred when running the '{name}' pass after the following "
                                    f'passes: {before}') from e
            overall = overall or modified
            if not modified:
                break
        return PassResult(module, overall)
