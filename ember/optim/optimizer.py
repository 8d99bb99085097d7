"""The Optimizer base class: parameter groups, per-parameter state, state dicts and hooks.

Subclasses hold the state and call a functional update from ``ember.optim._functional``
(state in classes, math in functions). The bookkeeping here follows PyTorch's so that user code
that inspects ``param_groups``/``state`` or saves ``state_dict()`` behaves the same.

>>> import ember
>>> w = ember.tensor([1., 2.], requires_grad=True)
>>> opt = ember.optim.SGD([w], lr=0.5)
>>> (w ** 2).sum().backward()
>>> opt.step()
>>> w
tensor([0., 0.], requires_grad=True)
"""
import functools
import sys
import warnings
from typing import Any, Callable, Optional
from collections import OrderedDict, defaultdict
from copy import deepcopy
from itertools import chain

import numpy as np

from ember import _outside_graphs
from ember._dtype import float32, float64, get_default_dtype
from ember._legacy import typename
from ember._tensor import Tensor
from ember.backend import quiet_fp_enter, quiet_fp_leave
from ember.autograd import grad_mode as _grad_mode
from ember.utils.hooks import RemovableHandle

__all__ = ['Optimizer', 'register_optimizer_step_pre_hook', 'register_optimizer_step_post_hook']


class _RequiredParameter:
    """Singleton marking a default that every parameter group must specify itself."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()

_global_optimizer_pre_hooks = OrderedDict()
_global_optimizer_post_hooks = OrderedDict()


def register_optimizer_step_pre_hook(hook):
    """Register a pre hook, ``hook(optimizer, args, kwargs)``, run before every optimizer's step."""
    handle = RemovableHandle(_global_optimizer_pre_hooks)
    _global_optimizer_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook):
    """Register a post hook, ``hook(optimizer, args, kwargs)``, run after every optimizer's step."""
    handle = RemovableHandle(_global_optimizer_post_hooks)
    _global_optimizer_post_hooks[handle.id] = hook
    return handle


def _with_step_hooks(step):
    """Wrap a ``step`` so registered pre/post hooks run around it (PyTorch's profile_hook_step)."""
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        # NOTE: the common case has no hooks; test for that first to keep step overhead tiny. A subclass
        # step calling super().step() reaches a second wrapper: only the outermost one runs the hooks.
        d = self.__dict__
        capture = sys.modules.get('ember._dynamo._tracer')
        if capture is not None and capture.ACTIVE and not _outside_graphs.EAGER[0]:
            return _outside_graphs.run_eagerly(wrapper, self, args, kwargs)
        profiler = sys.modules.get('ember.autograd.profiler')
        if profiler is not None and profiler._active and not d.get('_in_profiled_call'):
            return profiler.record_optimizer_call(self, 'step', wrapper, args, kwargs)
        pre = d.get('_optimizer_step_pre_hooks')
        # an optimizer whose Optimizer.__init__ never ran (accelerate's wrapper around one) has no hooks: PyTorch
        # hooks a step when __init__ runs, so there its step runs bare too
        if pre is None or not (pre or _global_optimizer_pre_hooks or d['_optimizer_step_post_hooks']
                               or _global_optimizer_post_hooks) or d.get('_in_hooked_step'):
            return step(self, *args, **kwargs)
        self._in_hooked_step = True
        try:
            return _run_with_hooks(self, step, args, kwargs)
        finally:
            self._in_hooked_step = False
    wrapper.hooked = True
    return wrapper


def _run_with_hooks(self, step, args, kwargs):
    for pre_hook in chain(_global_optimizer_pre_hooks.values(), self._optimizer_step_pre_hooks.values()):
        result = pre_hook(self, args, kwargs)
        if result is not None:
            if isinstance(result, tuple) and len(result) == 2:
                args, kwargs = result
            else:
                raise RuntimeError(f"{step} must return None or a tuple of (new_args, new_kwargs), "
                                   f"but got {result}.")
    out = step(self, *args, **kwargs)
    for post_hook in chain(self._optimizer_step_post_hooks.values(), _global_optimizer_post_hooks.values()):
        post_hook(self, args, kwargs)
    return out


def _use_grad_for_differentiable(step):
    """Run a built-in ``step`` with grad mode set to the optimizer's ``differentiable`` flag."""
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        state = _grad_mode._state
        prev = state.enabled
        state.enabled = bool(self.defaults.get('differentiable', False))
        quiet = quiet_fp_enter()  # the update math on arrays warns no more than PyTorch's does
        try:
            return step(self, *args, **kwargs)
        finally:
            quiet_fp_leave(quiet)
            state.enabled = prev
    return wrapper


def _to_scalar(x):
    """A 1-element Tensor hyperparameter as a 0-dim Tensor; anything else unchanged (PyTorch's rule)."""
    if isinstance(x, Tensor) and x.dim() != 0:
        return x.view(())
    return x


def _get_scalar_dtype():
    """PyTorch keeps ``state['step']`` in float64 only when that is the default dtype."""
    return float64 if get_default_dtype() is float64 else float32


def _new_step():
    """A fresh ``state['step']``: a 0-dim CPU tensor, float32 (float64 under that default dtype)."""
    return Tensor._make(np.zeros((), dtype=_get_scalar_dtype().np_dtype))


def _steps_to_tensors(optimizer):
    """State saved by old PyTorch versions holds 'step' as a number; make it the 0-dim tensor used now."""
    for p_state in optimizer.state.values():
        if isinstance(p_state, dict) and 'step' in p_state and not isinstance(p_state['step'], Tensor):
            step = _new_step()
            step._data.fill(float(p_state['step']))
            p_state['step'] = step


def _zeros_like_param(p, fill=0):
    """State buffer shaped and placed like ``p`` (a plain Tensor, no grad), filled with ``fill``."""
    xp = p._xp
    arr = xp.zeros_like(p._data) if fill == 0 else xp.full_like(p._data, fill)
    return Tensor._make(arr, p._device)


def _check_differentiable(differentiable):
    # NOTE: the updates run in place on raw arrays for speed, so they cannot be recorded by autograd
    if differentiable:
        raise RuntimeError("ember's optimizers do not support differentiable=True: their updates run in "
                           "place on raw arrays, outside autograd")


class Optimizer:
    """Base class for all optimizers.

    Args:
        params (iterable): Tensors to optimize, dicts defining parameter groups, or
            ``(name, tensor)`` pairs.
        defaults (dict): default values of the optimization options, used by groups that do not
            specify them.

    Example::

        >>> class PlainSGD(ember.optim.Optimizer):
        ...     def __init__(self, params, lr=0.1):
        ...         super().__init__(params, dict(lr=lr))
        ...     @ember.no_grad()
        ...     def step(self):
        ...         for group in self.param_groups:
        ...             for p in group['params']:
        ...                 p.add_(p.grad, alpha=-group['lr'])
        >>> w = ember.tensor([1., 2.], requires_grad=True)
        >>> opt = PlainSGD([w], lr=0.5)
        >>> (w ** 2).sum().backward()
        >>> opt.step()
        >>> w
        tensor([0., 0.], requires_grad=True)
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get('step')
        if step is not None and not getattr(step, 'hooked', False):
            cls.step = _with_step_hooks(step)

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()

        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            "but got " + typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []

        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{'params': param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self):
        return {'defaults': self.defaults, 'state': self.state, 'param_groups': self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in ('_optimizer_step_pre_hooks', '_optimizer_step_post_hooks', '_optimizer_state_dict_pre_hooks',
                     '_optimizer_state_dict_post_hooks', '_optimizer_load_state_dict_pre_hooks',
                     '_optimizer_load_state_dict_post_hooks'):
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())
        self.defaults.setdefault('differentiable', False)

    def __repr__(self):
        # NOTE: each group starts with a newline and each option line ends with one, so groups are
        # separated by a blank line (PyTorch's layout)
        text = self.__class__.__name__ + ' ('
        for i, group in enumerate(self.param_groups):
            text += f'\nParameter Group {i}\n'
            for key in sorted(group.keys()):
                if key != 'params':
                    text += f'    {key}: {group[key]}\n'
        return text + ')'

    # ------------------------------------------------------------------ groups
    def add_param_group(self, param_group):
        """Add a parameter group (a dict with ``'params'`` and optional per-group options)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")

        params = param_group['params']
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        else:
            params = list(params)

        names = [p[0] for p in params if isinstance(p, tuple)]
        tensors = [p[1] if isinstance(p, tuple) else p for p in params]
        param_group['params'] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group['param_names'] = names

        differentiable = self.defaults.get('differentiable', None)
        for param in tensors:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is " + typename(param))
            if not differentiable and not (param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)

        # NOTE: membership by identity: Tensor.__eq__ is elementwise, so compare ids, not tensors
        ids = [id(p) for p in tensors]
        if len(ids) != len(set(ids)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)

        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group['params'])
            if ('param_names' in param_group) != ('param_names' in group):
                which = 'with names' if 'param_names' in param_group else 'without names'
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(ids):
            raise ValueError("some parameters appear in more than one parameter group")

        self.param_groups.append(param_group)

    # -------------------------------------------------------------- gradients
    # what a step says when a gradient is sparse (nn.Embedding(sparse=True)); None: this optimizer takes them
    _sparse_refusal = '{name} does not support sparse gradients'

    def _evaluate(self, closure):
        """The closure's loss, computed with grad enabled (None when there is no closure); a sparse gradient
        is refused here, before anything changes, by the optimizers that cannot use one."""
        loss = None
        if closure is not None:
            with _grad_mode.enable_grad():
                loss = closure()
        refusal = self._sparse_refusal
        if refusal is not None:
            for group in self.param_groups:
                for p in group['params']:
                    g = p._grad
                    if g is not None and g.is_sparse:
                        raise RuntimeError(refusal.format(name=type(self).__name__))
        return loss

    @_outside_graphs.outside_graphs
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized tensors (to None by default, else to zeros in place)."""
        profiler = sys.modules.get('ember.autograd.profiler')
        if profiler is not None and profiler._active and not self.__dict__.get('_in_profiled_call'):
            return profiler.record_optimizer_call(self, 'zero_grad', Optimizer.zero_grad, (set_to_none,), {})
        for group in self.param_groups:
            for p in group['params']:
                g = p._grad
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    if g._grad_fn is not None:
                        g.detach_()
                    else:
                        g._requires_grad = False
                    if g.is_sparse:
                        g.zero_()        # no element specified any more, as PyTorch's
                    else:
                        g._data.fill(0)
                    g._version_counter.value += 1

    def step(self, closure: Optional[Callable[[], Any]] = None) -> Optional[Any]:
        """Perform a single optimization step (subclasses implement it)."""
        raise NotImplementedError

    # -------------------------------------------------------------------- hooks
    def register_step_pre_hook(self, hook):
        """Register ``hook(optimizer, args, kwargs) -> None or (new_args, new_kwargs)`` to run before step."""
        handle = RemovableHandle(self._optimizer_step_pre_hooks)
        self._optimizer_step_pre_hooks[handle.id] = hook
        return handle

    def register_step_post_hook(self, hook):
        """Register ``hook(optimizer, args, kwargs) -> None`` to run after step."""
        handle = RemovableHandle(self._optimizer_step_post_hooks)
        self._optimizer_step_post_hooks[handle.id] = hook
        return handle

    def _register(self, hooks, hook, prepend):
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """Register ``hook(optimizer)`` to run before :meth:`state_dict`."""
        return self._register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """Register ``hook(optimizer, state_dict) -> state_dict or None`` to run after :meth:`state_dict`."""
        return self._register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """Register ``hook(optimizer, state_dict) -> state_dict or None`` to run before loading."""
        return self._register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """Register ``hook(optimizer)`` to run after :meth:`load_state_dict`."""
        return self._register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # -------------------------------------------------------------- state dict
    def state_dict(self):
        """The optimizer's state as a dict: ``{'state': {id: {...}}, 'param_groups': [{..., 'params': [ids]}]}``.

        Parameters are replaced by integer ids numbered in group order, so the dict can be loaded into
        an optimizer built over other (but corresponding) parameters.
        """
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)

        index_of = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != 'params'}
            for p in group['params']:
                index_of.setdefault(id(p), len(index_of))
            packed['params'] = [index_of[id(p)] for p in group['params']]
            groups.append(packed)
        packed_state = {(index_of[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        state_dict = {'state': packed_state, 'param_groups': groups}

        for post_hook in self._optimizer_state_dict_post_hooks.values():
            result = post_hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    @staticmethod
    def _process_value_according_to_param_policy(param, value, param_id, param_groups, key=None):
        # 'step' counters keep their own dtype; other floating state follows the parameter's dtype
        fused = capturable = False
        for pg in param_groups:
            if param_id in pg['params']:
                fused = pg.get('fused', False)
                capturable = pg.get('capturable', False)
                break
        if key == 'step':
            if capturable or fused:
                return value.to(dtype=float32, device=param.device)
            return value
        if param.is_floating_point():
            return value.to(dtype=param.dtype, device=param.device)
        return value.to(device=param.device)

    def load_state_dict(self, state_dict):
        """Load a state dict produced by :meth:`state_dict` (of this or a PyTorch-compatible optimizer)."""
        state_dict = state_dict.copy()
        for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = pre_hook(self, state_dict)
            if result is not None:
                state_dict = result

        groups = self.param_groups
        saved_groups = deepcopy(state_dict['param_groups'])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g['params']) != len(s['params']) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")

        id_map = dict(zip(chain.from_iterable(g['params'] for g in saved_groups),
                          chain.from_iterable(g['params'] for g in groups)))
        saved_param_groups = state_dict['param_groups']

        def cast(param, value, param_id, key=None):
            if isinstance(value, Tensor):
                return Optimizer._process_value_according_to_param_policy(param, value, param_id,
                                                                          saved_param_groups, key)
            if isinstance(value, dict):
                return {k: cast(param, v, param_id, key=k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v, param_id) for v in value)
            return value

        state = defaultdict(dict)
        for k, v in state_dict['state'].items():
            if k in id_map:
                param = id_map[k]
                state[param] = cast(param, v, k)
            else:
                state[k] = v

        new_groups = []
        for group, saved in zip(groups, saved_groups):
            saved['params'] = group['params']
            if 'param_names' in group and 'param_names' not in saved:
                saved['param_names'] = group['param_names']
            new_groups.append(saved)
        self.__setstate__({'state': state, 'param_groups': new_groups})

        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)
