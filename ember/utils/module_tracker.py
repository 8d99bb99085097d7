"""``ModuleTracker``: which modules are running right now, in forward and in backward.

Tools that attribute work to modules (the FLOP counter, memory trackers) ask it for ``parents``: the
fully qualified names of every module whose forward is in progress, or, during backward, whose
backward is in progress. Forward is followed with the global module hooks; backward with one gradient
hook on each module's outputs (entering the module's backward) and one on its inputs (leaving it).
"""
import logging
import weakref

from ember._tensor import Tensor
from ember.autograd.graph import register_multi_grad_hook
from ember.nn.modules._global_hooks import register_module_forward_hook, register_module_forward_pre_hook
from ember.utils._pytree import tree_flatten

logger = logging.getLogger(__name__)

__all__ = ['ModuleTracker']


class ModuleTracker:
    """A context manager that tracks the ``nn.Module`` hierarchy while code runs.

    ``parents`` is the set of names of the modules currently executing (their forward, or their
    backward): ``'Global'`` always, then each module's class name for a top-level module and
    ``'<parent>.<attribute>'`` for its children (``'Sequential.0'``). ``is_bw`` says whether a
    backward pass is running. After a backward pass ends, ``parents`` is ``{'Global'}`` again.

    Example::

        >>> net = nn.Sequential(nn.Linear(2, 2))
        >>> seen = []
        >>> with ModuleTracker() as tracker:
        ...     handle = net[0].register_forward_pre_hook(lambda *a: seen.append(sorted(tracker.parents)))
        ...     out = net(ember.ones(1, 2))
        >>> seen
        [['Global', 'Sequential', 'Sequential.0']]
        >>> handle.remove()
    """

    def __init__(self):
        self.parents = {'Global'}
        self._known_modules = weakref.WeakKeyDictionary()
        self._seen_modules = weakref.WeakSet()
        self._has_callback = False
        self._hooks = []

    @property
    def is_bw(self):
        """Whether a backward pass is running."""
        from ember.autograd.engine import current_graph_task_id
        return current_graph_task_id() != -1

    def _reset_after_backward(self):
        # once backward ends no module is running: a module left "entered" by a partial backward
        # (only some of its inputs needed gradients) must not stay a parent
        if self._has_callback:
            return
        from ember.autograd.engine import queue_callback

        def reset():
            self.parents = {'Global'}
            self._has_callback = False
        queue_callback(reset)
        self._has_callback = True

    def _name(self, module):
        if module not in self._known_modules:
            self._known_modules[module] = type(module).__name__
        name = self._known_modules[module]
        if module not in self._seen_modules:
            for child_name, child in module.named_children():
                self._known_modules[child] = f'{name}.{child_name}'
                self._name(child)
            self._seen_modules.add(module)
        return name

    def _enter(self, name, backward):
        def enter(*_):
            if backward:
                self._reset_after_backward()
            if name in self.parents:
                logger.info("The module hierarchy tracking seems to be broken as this Module was already entered. "
                            "%s during %s", name, 'backward' if backward else 'forward')
            self.parents.add(name)
        return enter

    def _leave(self, name, backward):
        def leave(*_):
            if name in self.parents:
                self.parents.remove(name)
            else:
                logger.info("The Module hierarchy tracking is confused as we're exiting a Module that was never "
                            "entered. %s during %s", name, 'backward' if backward else 'forward')
        return leave

    def _watch(self, values, hook):
        tensors = [v for v in tree_flatten(values)[0] if isinstance(v, Tensor) and v.requires_grad]
        if tensors:
            self._hooks.append(register_multi_grad_hook(tensors, hook))

    def _forward_pre_hook(self, module, args):
        name = self._name(module)
        self._enter(name, False)()
        self._watch(args, self._leave(name, True))       # its inputs' gradients: its backward is over

    def _forward_hook(self, module, args, output):
        name = self._name(module)
        self._leave(name, False)()
        self._watch(output, self._enter(name, True))     # its outputs' gradients: its backward starts

    def __enter__(self):
        self._pre_handle = register_module_forward_pre_hook(self._forward_pre_hook)
        self._post_handle = register_module_forward_hook(self._forward_hook)
        return self

    def __exit__(self, *exc):
        self._pre_handle.remove()
        self._post_handle.remove()
        for handle in self._hooks:
            handle.remove()
        self._hooks.clear()
