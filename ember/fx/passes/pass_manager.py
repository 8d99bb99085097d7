"""The older pass manager (``torch.fx.passes.pass_manager``): passes are plain callables that take
an object and return it (modified), run in list order after the order constraints are checked;
with helpers to loop a pass, log its result and wrap passes that modify in place.

>>> from ember.fx.passes.pass_manager import PassManager, loop_pass
>>> PassManager([loop_pass(lambda n: n * 2, n_iter=3), lambda n: n + 1])(1)
9
"""
import inspect
import logging
from functools import wraps

from ember.fx.passes.infra.pass_manager import this_before_that_pass_constraint

logger = logging.getLogger(__name__)

__all__ = ['PassManager', 'inplace_wrapper', 'log_hook', 'loop_pass', 'this_before_that_pass_constraint',
           'these_before_those_pass_constraint']


def inplace_wrapper(fn):
    """Wrap a pass that modifies its argument in place so that it returns the argument."""
    @wraps(fn)
    def wrapped_fn(gm, *args, **kwargs):
        fn(gm, *args, **kwargs)
        return gm
    return wrapped_fn


def log_hook(fn, level=logging.INFO):
    """Wrap a pass so that its return value is logged (at ``level``) after each run."""
    @wraps(fn)
    def wrapped_fn(*args, **kwargs):
        val = fn(*args, **kwargs)
        logger.log(level, 'Ran pass %s\t Return value: %s', fn, val)
        return val
    return wrapped_fn


def loop_pass(base_pass, n_iter=None, predicate=None):
    """``base_pass`` run ``n_iter`` times, or while ``predicate(result)`` holds (give exactly one)."""
    if (n_iter is not None) == (predicate is not None):
        raise AssertionError('Exactly one of `n_iter`or `predicate` must be specified.')

    @wraps(base_pass)
    def new_pass(source):
        output = source
        if n_iter is not None and n_iter > 0:
            for _ in range(n_iter):
                output = base_pass(output)
        elif predicate is not None:
            while predicate(output):
                output = base_pass(output)
        else:
            raise RuntimeError(f'loop_pass must be given positive int n_iter (given {n_iter}) xor predicate '
                               f'(given {predicate})')
        return output
    return new_pass


def these_before_those_pass_constraint(these, those):
    """A constraint: ``these`` runs before ``those``, comparing the passes under their wrappers
    (``loop_pass(pass_a, 5)`` is ``pass_a``)."""
    def depends_on(a, b):
        return inspect.unwrap(a) != those or inspect.unwrap(b) != these
    return depends_on


def _validate_pass_schedule_constraint(constraint, passes):
    for i, a in enumerate(passes):
        for j, b in enumerate(passes[i + 1:]):
            if not constraint(a, b):
                raise RuntimeError(f'pass schedule constraint violated. Expected {a} before {b} but found {a} at '
                                   f'index {i} and {b} at index{j} in pass list.')


class PassManager:
    """A list of passes (callables returning the modified object) and constraints on their order
    (callables ``(a, b) -> bool``, False where ``a`` must not run before ``b``). Calling it checks the
    constraints against the list's order (RuntimeError if one is broken) and runs the passes in turn."""

    def __init__(self, passes=None, constraints=None):
        self.passes = passes or []
        self.constraints = constraints or []
        self._validated = False

    @classmethod
    def build_from_passlist(cls, passes):
        return PassManager(passes)

    def add_pass(self, _pass):
        self.passes.append(_pass)
        self._validated = False

    def add_constraint(self, constraint):
        self.constraints.append(constraint)
        self._validated = False

    def remove_pass(self, _passes):
        """Drop the passes whose names are in ``_passes``."""
        if _passes is None:
            return
        self.passes = [p for p in self.passes if p.__name__ not in _passes]
        self._validated = False

    def replace_pass(self, _target, _replacement):
        """Put ``_replacement`` where the passes named as ``_target`` are."""
        self.passes = [_replacement if p.__name__ == _target.__name__ else p for p in self.passes]
        self._validated = False

    def validate(self):
        """Check the list's order against every constraint (RuntimeError where one is broken)."""
        if self._validated:
            return
        for constraint in self.constraints:
            _validate_pass_schedule_constraint(constraint, self.passes)
        self._validated = True

    def __call__(self, source):
        self.validate()
        out = source
        for _pass in self.passes:
            out = _pass(out)
        return out
