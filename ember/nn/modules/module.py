"""nn.Module: the base class holding parameters, buffers and submodules.

State lives in three ordered dicts (``_parameters``, ``_buffers``, ``_modules``) that
``__setattr__`` fills and ``__getattr__`` reads, as in PyTorch, so ``state_dict`` keys, printing
order and ``named_parameters`` order all match PyTorch's.  ``__call__`` runs ``forward`` directly
when no hook is registered (the common case; it is the per-layer overhead of every model).
"""
from __future__ import annotations   # annotations are for type checkers: never evaluated at run time

import functools
import itertools
import threading
import warnings
from collections import OrderedDict, namedtuple
from collections.abc import Mapping
from typing import Any, Dict, Iterator, Tuple, TypeVar

_M = TypeVar('_M', bound='Module')

from ember._outside_graphs import outside_graphs
from ember._tensor import Tensor
from ember.autograd import grad_mode
from ember.nn.parameter import Buffer, Parameter

from ember.utils.hooks import RemovableHandle  # noqa: E402  (re-exported: PyTorch users import it from here too)
from ember.nn.modules import _global_hooks as _G  # noqa: E402
_GLOBAL_HOOKS = _G.ACTIVE       # one list lookup per module call tells whether global hooks exist
from ember.nn.modules._global_hooks import (register_module_backward_hook,  # noqa: E402,F401  (PyTorch's home)
                                            register_module_buffer_registration_hook, register_module_forward_hook,
                                            register_module_forward_pre_hook, register_module_full_backward_hook,
                                            register_module_full_backward_pre_hook,
                                            register_module_module_registration_hook,
                                            register_module_parameter_registration_hook)

__all__ = ['Module', 'RemovableHandle']


def _typename(obj):
    from ember._legacy import typename
    return typename(obj)


class _IncompatibleKeys(namedtuple('IncompatibleKeys', ['missing_keys', 'unexpected_keys'])):
    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return '<All keys matched successfully>'
        return f'_IncompatibleKeys(missing_keys={self.missing_keys}, unexpected_keys={self.unexpected_keys})'

    __str__ = __repr__


def _addindent(text, spaces):
    lines = text.split('\n')
    if len(lines) == 1:
        return text
    pad = ' ' * spaces
    return lines[0] + '\n' + '\n'.join(pad + line for line in lines[1:])


_EXTRA_STATE_KEY_SUFFIX = '_extra_state'

# the per-instance containers Module.__init__ creates (also restored by __setstate__)
_HOOK_DICTS = ('_backward_pre_hooks', '_backward_hooks', '_forward_hooks', '_forward_hooks_with_kwargs',
               '_forward_hooks_always_called', '_forward_pre_hooks', '_forward_pre_hooks_with_kwargs',
               '_state_dict_hooks', '_state_dict_pre_hooks', '_load_state_dict_pre_hooks',
               '_load_state_dict_post_hooks')



# What load_state_dict has overwritten so far (per thread), to put back if it fails.
_undo = threading.local()


def _note_undo(restore):
    log = getattr(_undo, 'log', None)
    if log is not None:
        log.append(restore)


def _roll_back():
    log = _undo.log
    with grad_mode.no_grad():
        while log:
            log.pop()()

class Module:
    """Base class for all neural network modules.

    Subclasses assign layers and parameters as attributes in ``__init__`` and define
    ``forward``; calling the module runs ``forward`` (with any registered hooks).

    Example::

        class Net(ember.nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = ember.nn.Linear(4, 2)

            def forward(self, x):
                return self.fc(x).relu()

    Example::

        >>> class TwoLayer(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.hidden = nn.Linear(4, 8)
        ...         self.out = nn.Linear(8, 2)
        ...     def forward(self, x):
        ...         return self.out(F.relu(self.hidden(x)))
        ...
        >>> model = TwoLayer()
        >>> model(ember.ones(3, 4)).shape
        ember.Size([3, 2])
        >>> [name for name, _ in model.named_parameters()]
        ['hidden.weight', 'hidden.bias', 'out.weight', 'out.bias']
    """
    dump_patches = False
    _version = 1
    training: bool
    call_super_init = False

    def __init__(self, *args, **kwargs):
        if self.call_super_init is False and bool(kwargs):
            raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword argument "
                            f"'{next(iter(kwargs))}'")
        if self.call_super_init is False and bool(args):
            raise TypeError(f"{type(self).__name__}.__init__() takes 1 positional argument but "
                            f"{len(args) + 1} were given")
        d = self.__dict__
        d['training'] = True
        d['_parameters'] = {}
        d['_buffers'] = {}
        d['_non_persistent_buffers_set'] = set()
        d['_modules'] = {}
        for name in _HOOK_DICTS:
            d[name] = OrderedDict()
        d['_is_full_backward_hook'] = None
        if self.call_super_init:
            super().__init__(*args, **kwargs)

    def forward(self, *input):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    # ------------------------------------------------------------------ calling
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        d = self.__dict__
        if not (d['_forward_hooks'] or d['_forward_pre_hooks'] or d['_backward_hooks']
                or d['_backward_pre_hooks'] or _GLOBAL_HOOKS[0]):
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    _call_impl = __call__

    def _call_with_hooks(self, args, kwargs):
        # hooks registered for every module (ember.nn.modules.module.register_module_*) run first
        for hook in list(_G.forward_pre_hooks.values()):
            result = hook(self, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
        for hook_id, hook in list(self._forward_pre_hooks.items()):
            if hook_id in self._forward_pre_hooks_with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    if isinstance(result, tuple) and len(result) == 2:
                        args, kwargs = result
                    else:
                        raise RuntimeError("forward pre-hook must return None or a tuple of (new_args, "
                                           f"new_kwargs), but got {result}.")
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)

        bw_hook = None
        if self._backward_hooks or self._backward_pre_hooks or _G.backward_hooks or _G.backward_pre_hooks:
            from ember.nn.modules._backward_hook import BackwardHook
            bw_hook = BackwardHook(self, [*_G.backward_hooks.values(), *self._backward_hooks.values()],
                                   [*_G.backward_pre_hooks.values(), *self._backward_pre_hooks.values()])
            args = bw_hook.setup_input_hook(args)

        hooks = [(hook_id, hook, hook_id in _G.forward_hooks_with_kwargs, hook_id in _G.forward_hooks_always_called)
                 for hook_id, hook in _G.forward_hooks.items()]
        hooks += [(hook_id, hook, hook_id in self._forward_hooks_with_kwargs,
                   hook_id in self._forward_hooks_always_called) for hook_id, hook in self._forward_hooks.items()]
        called = set()
        result = None
        try:
            result = self.forward(*args, **kwargs)
            for hook_id, hook, with_kwargs, always in hooks:
                if always:
                    called.add(hook_id)
                hook_result = hook(self, args, kwargs, result) if with_kwargs else hook(self, args, result)
                if hook_result is not None:
                    result = hook_result
        except Exception:
            # hooks registered with always_call=True still run (once) when forward or a hook raised
            for hook_id, hook, with_kwargs, always in hooks:
                if always and hook_id not in called:
                    try:
                        hook_result = hook(self, args, kwargs, result) if with_kwargs else hook(self, args, result)
                        if hook_result is not None:
                            result = hook_result
                    except Exception as e:
                        where = 'global module' if hook_id in _G.forward_hooks else 'module'
                        warnings.warn(f"{where} forward hook with ``always_call=True`` raised an exception that "
                                      f"was silenced as another error was raised in forward: {e}")
            raise
        if bw_hook is not None:
            result = bw_hook.setup_output_hook(result)
        return result

    # --------------------------------------------------------- registration API
    def register_buffer(self, name, tensor, persistent=True):
        """Add a tensor that is state but not a parameter (e.g. BatchNorm's running mean)."""
        if '_buffers' not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"buffer name should be a string. Got {_typename(name)}")
        if '.' in name:
            raise KeyError('buffer name can\'t contain "."')
        if name == '':
            raise KeyError('buffer name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_typename(tensor)}' object to buffer '{name}' "
                            "(ember Tensor or None required)")
        if isinstance(tensor, Buffer):
            persistent = tensor.persistent
        if _G.buffer_registration_hooks:
            tensor = _G.run_registration_hooks(_G.buffer_registration_hooks, self, name, tensor)
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def register_parameter(self, name, param):
        """Add a parameter (a ``Parameter`` or None) under ``name``."""
        if '_parameters' not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"parameter name should be a string. Got {_typename(name)}")
        if '.' in name:
            raise KeyError('parameter name can\'t contain "."')
        if name == '':
            raise KeyError('parameter name can\'t be empty string ""')
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is None:
            self._parameters[name] = None
            return
        if not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                            "(ember.nn.Parameter or None required)")
        if param._grad_fn is not None:
            raise ValueError(f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                             f"created explicitly. To express '{name}' as a function of another Tensor, compute "
                             "the value in the forward() method.")
        if _G.parameter_registration_hooks:
            param = _G.run_registration_hooks(_G.parameter_registration_hooks, self, name, param)
        self._parameters[name] = param

    def add_module(self, name, module):
        """Add a child module, reachable as an attribute named ``name``."""
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {_typename(name)}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if '.' in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == '':
            raise KeyError('module name can\'t be empty string ""')
        if _G.module_registration_hooks:
            module = _G.run_registration_hooks(_G.module_registration_hooks, self, name, module)
        self._modules[name] = module

    def register_module(self, name, module):
        self.add_module(name, module)

    def get_submodule(self, target):
        """The submodule at dotted path ``target`` (``''`` is the module itself)."""
        if target == '':
            return self
        mod = self
        for item in target.split('.'):
            if not hasattr(mod, item):
                raise AttributeError(mod._get_name() + " has no attribute `" + item + "`")
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return mod

    def set_submodule(self, target, module, strict=False):
        if target == '':
            raise ValueError("Cannot set the submodule without a target name!")
        *path, last = target.split('.')
        parent = self.get_submodule('.'.join(path))
        if strict and not hasattr(parent, last):
            raise AttributeError(parent._get_name() + " has no attribute `" + last + "`")
        if hasattr(parent, last) and not isinstance(getattr(parent, last), Module):
            raise AttributeError("`" + last + "` is not an nn.Module")
        setattr(parent, last, module)

    def get_parameter(self, target):
        module_path, _, param_name = target.rpartition('.')
        mod = self.get_submodule(module_path)
        if not hasattr(mod, param_name):
            raise AttributeError(mod._get_name() + " has no attribute `" + param_name + "`")
        param = getattr(mod, param_name)
        if not isinstance(param, Parameter):
            raise AttributeError("`" + param_name + "` is not an nn.Parameter")
        return param

    def get_buffer(self, target):
        module_path, _, buffer_name = target.rpartition('.')
        mod = self.get_submodule(module_path)
        if not hasattr(mod, buffer_name):
            raise AttributeError(mod._get_name() + " has no attribute `" + buffer_name + "`")
        if buffer_name not in mod._buffers:
            raise AttributeError("`" + buffer_name + "` is not a buffer")
        return getattr(mod, buffer_name)

    def get_extra_state(self):
        raise RuntimeError("Reached a code path in Module.get_extra_state() that should never be called. "
                           "Please file an issue at https://github.com/pytorch/pytorch/issues/new?template="
                           "bug-report.yml to report this bug.")

    def set_extra_state(self, state):
        raise RuntimeError("Reached a code path in Module.set_extra_state() that should never be called. "
                           "Please file an issue at https://github.com/pytorch/pytorch/issues/new?template="
                           "bug-report.yml to report this bug.")

    # ------------------------------------------------------ attribute protocol
    def __getattr__(self, name):
        # only reached when normal lookup fails: parameters, buffers and modules live in dicts
        d = self.__dict__
        if '_parameters' in d:
            p = d['_parameters']
            if name in p:
                return p[name]
        if '_buffers' in d:
            b = d['_buffers']
            if name in b:
                return b[name]
        if '_modules' in d:
            m = d['_modules']
            if name in m:
                return m[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        d = self.__dict__

        def remove_from(*dicts_or_sets):
            for c in dicts_or_sets:
                if name in c:
                    if isinstance(c, dict):
                        del c[name]
                    else:
                        c.discard(name)

        params = d.get('_parameters')
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            remove_from(d, self._buffers, self._modules, self._non_persistent_buffers_set)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as parameter '{name}' "
                                "(ember.nn.Parameter or None expected)")
            self.register_parameter(name, value)
        else:
            modules = d.get('_modules')
            if isinstance(value, Module):
                if modules is None:
                    raise AttributeError("cannot assign module before Module.__init__() call")
                remove_from(d, self._parameters, self._buffers, self._non_persistent_buffers_set)
                if _G.module_registration_hooks:
                    value = _G.run_registration_hooks(_G.module_registration_hooks, self, name, value)
                modules[name] = value
            elif modules is not None and name in modules:
                if value is not None:
                    raise TypeError(f"cannot assign '{_typename(value)}' as child module '{name}' "
                                    "(ember.nn.Module or None expected)")
                if _G.module_registration_hooks:
                    value = _G.run_registration_hooks(_G.module_registration_hooks, self, name, value)
                modules[name] = value
            else:
                buffers = d.get('_buffers')
                if isinstance(value, Buffer) or (buffers is not None and name in buffers):
                    if value is not None and not isinstance(value, Tensor):
                        raise TypeError(f"cannot assign '{_typename(value)}' as buffer '{name}' "
                                        "(ember.nn.Buffer, ember.Tensor or None expected)")
                    if isinstance(value, Buffer):
                        persistent = value.persistent
                    else:
                        persistent = name not in self._non_persistent_buffers_set
                    if buffers is None:
                        raise AttributeError("cannot assign buffer before Module.__init__() call")
                    remove_from(d, self._parameters, self._modules)
                    self.register_buffer(name, value, persistent)
                else:
                    object.__setattr__(self, name, value)

    def __delattr__(self, name):
        d = self.__dict__
        if name in d.get('_parameters', ()):
            del self._parameters[name]
        elif name in d.get('_buffers', ()):
            del self._buffers[name]
            self._non_persistent_buffers_set.discard(name)
        elif name in d.get('_modules', ()):
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    def __dir__(self):
        keys = (dir(self.__class__) + list(self.__dict__) + list(self._parameters) + list(self._modules)
                + list(self._buffers))
        return sorted(k for k in keys if not k[0].isdigit())

    def __setstate__(self, state):
        self.__dict__.update(state)
        d = self.__dict__
        for name in _HOOK_DICTS:
            if name not in d:
                d[name] = OrderedDict()
        d.setdefault('_non_persistent_buffers_set', set())
        d.setdefault('_is_full_backward_hook', None)

    # ---------------------------------------------------------------- iteration
    def _named_members(self, get_members_fn, prefix='', recurse=True, remove_duplicate=True):
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse \
            else [(prefix, self)]
        memo = set()
        for module_prefix, module in modules:
            for k, v in get_members_fn(module):
                if v is None or id(v) in memo:
                    continue
                if remove_duplicate:
                    memo.add(id(v))
                yield (module_prefix + ('.' if module_prefix else '') + k, v)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_parameters(self, prefix: str = '', recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[Tuple[str, Parameter]]:
        """(name, Parameter) pairs; a parameter shared between submodules comes once."""
        yield from self._named_members(lambda m: m._parameters.items(), prefix=prefix, recurse=recurse,
                                       remove_duplicate=remove_duplicate)

    def buffers(self, recurse=True):
        for _, buf in self.named_buffers(recurse=recurse):
            yield buf

    def named_buffers(self, prefix='', recurse=True, remove_duplicate=True):
        yield from self._named_members(lambda m: m._buffers.items(), prefix=prefix, recurse=recurse,
                                       remove_duplicate=remove_duplicate)

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def named_children(self):
        memo = set()
        for name, module in self._modules.items():
            if module is not None and id(module) not in memo:
                memo.add(id(module))
                yield name, module

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_modules(self, memo=None, prefix='', remove_duplicate=True):
        if memo is None:
            memo = set()
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            sub_prefix = prefix + ('.' if prefix else '') + name
            yield from module.named_modules(memo, sub_prefix, remove_duplicate)

    # Module identity is object identity (also what PyTorch uses for the memo sets above)
    __hash__ = object.__hash__

    # ------------------------------------------------------------------ modes
    def train(self: _M, mode: bool = True) -> _M:
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self: _M) -> _M:
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    @outside_graphs
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters (to None by default, as in PyTorch 2.x)."""
        for p in self.parameters():
            g = p._grad
            if g is None:
                continue
            if set_to_none:
                p._grad = None
            else:
                if g._grad_fn is not None:
                    g.detach_()
                else:
                    g.requires_grad_(False)
                g.zero_()

    def share_memory(self):
        """Move every parameter, gradient and buffer into shared memory (``Tensor.share_memory_``), so
        processes started afterwards, or sent the module through ``ember.multiprocessing``, update
        the same weights (Hogwild-style training). Returns the module."""
        return self._apply(lambda t: t.share_memory_())

    def _get_name(self):
        return self.__class__.__name__

    def extra_repr(self):
        """The text inside this module's parentheses in ``repr``; subclasses override it."""
        return ''

    def __repr__(self):
        extra = self.extra_repr()
        extra_lines = extra.split('\n') if extra else []
        child_lines = [f'({key}): ' + _addindent(repr(module), 2) for key, module in self._modules.items()]
        lines = extra_lines + child_lines
        text = self._get_name() + '('
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += '\n  ' + '\n  '.join(lines) + '\n'
        return text + ')'

    # ------------------------------------------------------- device and dtype
    def _apply(self, fn, recurse=True):
        """Apply ``fn`` to every parameter, gradient and buffer, keeping Parameter objects.

        Parameters get the new array through ``.data`` so that optimizers holding them see it.
        """
        from ember import __future__ as future
        if recurse:
            for module in self.children():
                module._apply(fn)
        swap = future.get_swap_module_params_on_conversion()
        overwrite = future.get_overwrite_module_params_on_conversion()
        for key, param in list(self._parameters.items()):
            if param is None:
                continue
            with grad_mode.no_grad():
                new = fn(param)
            g = param._grad
            if new is param:
                out = param
            elif swap:
                # ember.__future__.set_swap_module_params_on_conversion(True): the same object, new contents
                if not isinstance(new, Parameter):
                    new = Parameter(new, requires_grad=param.requires_grad)
                try:
                    from ember.utils import swap_tensors
                    swap_tensors(param, new)
                except Exception as e:
                    raise RuntimeError(f"_apply(): Couldn't swap {self._get_name()}.{key}") from e
                out = param
            elif overwrite:
                out = self._parameters[key] = Parameter(new, requires_grad=param.requires_grad)
            else:
                param.data = new
                out = param
            if g is not None:
                with grad_mode.no_grad():
                    new_g = fn(g)
                if new_g is g:
                    out._grad = g
                elif swap:
                    from ember.utils import swap_tensors
                    new_g.requires_grad_(g.requires_grad)
                    swap_tensors(g, new_g)
                    out._grad = g
                elif overwrite:
                    out._grad = new_g.requires_grad_(g.requires_grad)
                else:
                    g.data = new_g
        for key, buf in self._buffers.items():
            if buf is not None:
                self._buffers[key] = fn(buf)
        return self

    def apply(self, fn):
        """Call ``fn`` on every submodule (children first) and on self; e.g. custom init."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def to(self: _M, *args: Any, **kwargs: Any) -> _M:
        """Move and/or cast parameters and buffers: ``to(device)``, ``to(dtype)``, ``to(tensor)``,
        ``to(device, dtype)``; only floating point/complex tensors change dtype."""
        from ember._C._nn import _parse_to
        device, dtype, non_blocking, memory_format = _parse_to(*args, **kwargs)
        if dtype is not None:
            if not (dtype.is_floating_point or dtype.is_complex):
                raise TypeError("nn.Module.to only accepts floating point or complex dtypes, but got desired "
                                f"dtype={dtype}")
            if dtype.is_complex:
                warnings.warn("Complex modules are a new feature under active development whose design may change, "
                              "and some modules might not work as expected when using complex tensors as "
                              "parameters or buffers.")

        def convert(t):
            dt = dtype if dtype is not None and (t.is_floating_point() or t.is_complex()) else None
            # as PyTorch: a memory format applies to the 4- and 5-dimensional tensors (convolution weights)
            fmt = memory_format if memory_format is not None and t.dim() in (4, 5) else None
            if dt is None and device is None and fmt is None:
                return t
            if ((dt is None or t.dtype is dt) and (device is None or t.device == device)
                    and (fmt is None or t.is_contiguous(memory_format=fmt))):
                return t
            if fmt is None:
                return t.to(device=device, dtype=dt, non_blocking=non_blocking)
            return t.to(device=device, dtype=dt, non_blocking=non_blocking, memory_format=fmt)
        return self._apply(convert)

    def cpu(self: _M) -> _M:
        return self._apply(lambda t: t.cpu())

    def to_empty(self: _M, *, device: Any, recurse: bool = True) -> _M:
        """Move the parameters and buffers to ``device`` without copying their values: each becomes an
        uninitialized tensor of the same shape and dtype there. This is how a model built on the 'meta'
        device (shapes only, no memory) gets real storage, to be filled by ``load_state_dict`` or an
        initializer.

        Args:
            device (str or ember.device): the device to allocate on.
            recurse (bool): also move the submodules' parameters and buffers (default ``True``).

        Returns:
            Module: self

        Example::

            >>> with ember.device('meta'):
            ...     net = nn.Linear(2, 3)
            >>> net.weight.device
            device(type='meta')
            >>> net.to_empty(device='cpu').weight.shape
            ember.Size([3, 2])
        """
        import ember   # the public empty_like: a tensor subclass (a sharded DTensor) makes one of its own kind
        return self._apply(lambda t: ember.empty_like(t, device=device), recurse=recurse)

    def cuda(self: _M, device: Any = None) -> _M:
        return self._apply(lambda t: t.cuda(device))

    def type(self, dst_type):
        return self._apply(lambda t: t.type(dst_type))

    def float(self):
        return self._apply(lambda t: t.float() if t.is_floating_point() else t)

    def double(self):
        return self._apply(lambda t: t.double() if t.is_floating_point() else t)

    def half(self):
        return self._apply(lambda t: t.half() if t.is_floating_point() else t)

    def bfloat16(self):
        return self._apply(lambda t: t.bfloat16() if t.is_floating_point() else t)

    # ------------------------------------------------------------------ hooks
    def _add_hook(self, store, hook, prepend, flag_dicts=()):
        handle = RemovableHandle(store, extra_dict=list(flag_dicts))
        store[handle.id] = hook
        if prepend:
            store.move_to_end(handle.id, last=False)
        return handle

    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """``hook(module, args)`` (or ``(module, args, kwargs)``) runs before forward and may
        return new args."""
        handle = self._add_hook(self._forward_pre_hooks, hook, prepend, [self._forward_pre_hooks_with_kwargs])
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[handle.id] = True
        return handle

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False, always_call=False):
        """``hook(module, args, output)`` (or ``(module, args, kwargs, output)``) runs after forward
        and may return a new output."""
        handle = self._add_hook(self._forward_hooks, hook, prepend,
                                [self._forward_hooks_with_kwargs, self._forward_hooks_always_called])
        if with_kwargs:
            self._forward_hooks_with_kwargs[handle.id] = True
        if always_call:
            self._forward_hooks_always_called[handle.id] = True
        return handle

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """``hook(module, grad_output)`` runs when the output gradients are known; it may return
        new ones."""
        return self._add_hook(self._backward_pre_hooks, hook, prepend)

    def register_full_backward_hook(self, hook, prepend=False):
        """``hook(module, grad_input, grad_output)`` runs once the gradients with respect to the
        module's tensor inputs are computed; it may return replacements for ``grad_input``."""
        if self._is_full_backward_hook is False:
            raise RuntimeError("Cannot use both regular backward hooks and full backward hooks on a single "
                               "Module. Please use only one of them.")
        self._is_full_backward_hook = True
        return self._add_hook(self._backward_hooks, hook, prepend)

    def register_backward_hook(self, hook):
        # NOTE: PyTorch's legacy hook sees the last autograd node's gradients; ember gives it the
        # module-level gradients (what the full hook sees), which is what such hooks are written for.
        if self._is_full_backward_hook is True:
            raise RuntimeError("Cannot use both regular backward hooks and full backward hooks on a single "
                               "Module. Please use only one of them.")
        self._is_full_backward_hook = False
        return self._add_hook(self._backward_hooks, hook, False)

    def register_state_dict_pre_hook(self, hook):
        return self._add_hook(self._state_dict_pre_hooks, hook, False)

    def register_state_dict_post_hook(self, hook):
        return self._add_hook(self._state_dict_hooks, hook, False)

    _register_state_dict_hook = register_state_dict_post_hook

    def register_load_state_dict_pre_hook(self, hook):
        # hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
        return self._add_hook(self._load_state_dict_pre_hooks, functools.partial(hook, self), False)

    def _register_load_state_dict_pre_hook(self, hook, with_module=False):
        return self._add_hook(self._load_state_dict_pre_hooks,
                              functools.partial(hook, self) if with_module else hook, False)

    def register_load_state_dict_post_hook(self, hook):
        return self._add_hook(self._load_state_dict_post_hooks, hook, False)

    # ------------------------------------------------------------ state_dict
    def _save_to_state_dict(self, destination, prefix, keep_vars):
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buf in self._buffers.items():
            if buf is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buf if keep_vars else buf.detach()
        if type(self).get_extra_state is not Module.get_extra_state:
            destination[prefix + _EXTRA_STATE_KEY_SUFFIX] = self.get_extra_state()

    def state_dict(self, *args: Any, destination: Any = None, prefix: str = '',
                   keep_vars: bool = False) -> Dict[str, Any]:
        """An OrderedDict of every parameter and persistent buffer by dotted name, values detached.

        It carries ``_metadata`` (each module's ``version``), as PyTorch's does.
        """
        if args:
            # the deprecated positional form state_dict(destination, prefix, keep_vars)
            warnings.warn("Positional args are being deprecated, use kwargs instead. Refer to "
                          "https://pytorch.org/docs/main/generated/torch.nn.Module.html#torch.nn.Module.state_dict"
                          " for details.", FutureWarning, stacklevel=2)
            names = ('destination', 'prefix', 'keep_vars')
            values = dict(zip(names, args))
            destination = values.get('destination', destination)
            prefix = values.get('prefix', prefix)
            keep_vars = values.get('keep_vars', keep_vars)
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        local_metadata = dict(version=self._version)
        if hasattr(destination, '_metadata'):
            destination._metadata[prefix[:-1]] = local_metadata
        for hook in self._state_dict_pre_hooks.values():
            hook(self, prefix, keep_vars)
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + '.', keep_vars=keep_vars)
        for hook in self._state_dict_hooks.values():
            result = hook(self, destination, prefix, local_metadata)
            if result is not None:
                destination = result
        return destination

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        """Copy this module's own entries of ``state_dict`` in (children are handled by the caller)."""
        for hook in self._load_state_dict_pre_hooks.values():
            hook(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)
        persistent = {k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers_set}
        local_state = {k: v for k, v in itertools.chain(self._parameters.items(), persistent.items())
                       if v is not None}
        assign = local_metadata.get('assign_to_params_buffers', False)
        from ember import __future__ as future
        use_swap_tensors = future.get_swap_module_params_on_conversion()
        for name, param in local_state.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                error_msgs.append(f'While copying the parameter named "{key}", expected ember.Tensor or '
                                  f'Tensor-like object from checkpoint but received {type(value)}')
                continue
            if param.ndim == 0 and value.ndim == 1:
                value = value[0]  # pre-0.4 checkpoints stored scalars as 1-element vectors
            if tuple(value.shape) != tuple(param.shape):
                error_msgs.append(f'size mismatch for {key}: copying a param with shape {value.shape} from '
                                  f'checkpoint, the shape in current model is {param.shape}.')
                continue
            try:
                with grad_mode.no_grad():
                    if use_swap_tensors:
                        self._load_by_swapping(param, value, assign)
                    elif assign:
                        if isinstance(param, Parameter):
                            if not isinstance(value, Parameter):
                                value = Parameter(value, requires_grad=param.requires_grad)
                            else:
                                value.requires_grad_(param.requires_grad)
                        _note_undo(lambda m=self, n=name, old=param: setattr(m, n, old))
                        setattr(self, name, value)
                    else:
                        _note_undo(lambda p=param, old=param._data.copy(): p._data.__setitem__(Ellipsis, old))
                        param.copy_(value)
            except Exception as ex:
                error_msgs.append(f'While copying the parameter named "{key}", whose dimensions in the model are '
                                  f'{param.size()} and whose dimensions in the checkpoint are {value.size()}, an '
                                  f'exception occurred : {ex.args}.')
        extra_key = prefix + _EXTRA_STATE_KEY_SUFFIX
        if type(self).set_extra_state is not Module.set_extra_state:
            if extra_key in state_dict:
                self.set_extra_state(state_dict[extra_key])
            elif strict:
                missing_keys.append(extra_key)
        elif strict and extra_key in state_dict:
            unexpected_keys.append(extra_key)
        if strict:
            for key in state_dict:
                if key.startswith(prefix) and key != extra_key:
                    first = key[len(prefix):].split('.', 1)[0]
                    if first not in self._modules and first not in local_state:
                        unexpected_keys.append(key)

    @staticmethod
    def _load_by_swapping(param, value, assign):
        # ember.__future__.set_swap_module_params_on_conversion(True): the parameter object keeps its
        # identity and takes what module_load (which a tensor subclass may override) makes of the value
        from ember.utils import swap_tensors
        new = param.module_load(value, assign=assign)
        if new is value or new is param:
            raise RuntimeError("module_load returned one of self or other, please .detach() the result if "
                               "returning one of the inputs in module_load")
        if isinstance(param, Parameter):
            if not isinstance(new, Parameter):
                new = Parameter(new, requires_grad=param.requires_grad)
            else:
                new.requires_grad_(param.requires_grad)
        swap_tensors(param, new)
        _note_undo(lambda p=param, n=new: swap_tensors(p, n))

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy parameters and buffers from ``state_dict`` into this module (in place, no grad).

        ``strict`` requires the keys to match exactly; ``assign`` replaces the tensors instead of
        copying into them.  Returns ``(missing_keys, unexpected_keys)``.

        All or nothing: when it raises (a missing or unexpected key under ``strict``, a shape
        mismatch, a failing hook), every parameter and buffer is as it was before the call.
        (PyTorch leaves the entries it had already copied.)  Until it returns it keeps a copy of
        each tensor it overwrote, so loading needs that much memory on top of the model's.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        missing_keys, unexpected_keys, error_msgs = [], [], []
        metadata = getattr(state_dict, '_metadata', None)
        state_dict = OrderedDict(state_dict)
        if metadata is not None:
            state_dict._metadata = metadata

        def load(module, local_state, prefix=''):
            local_metadata = {} if metadata is None else dict(metadata.get(prefix[:-1], {}))
            if assign:
                local_metadata['assign_to_params_buffers'] = assign
            module._load_from_state_dict(local_state, prefix, local_metadata, True, missing_keys, unexpected_keys,
                                         error_msgs)
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + '.'
                    load(child, {k: v for k, v in local_state.items() if k.startswith(child_prefix)}, child_prefix)
            keys = _IncompatibleKeys(missing_keys, unexpected_keys)
            for hook in module._load_state_dict_post_hooks.values():
                out = hook(module, keys)
                if out is not None:
                    raise AssertionError("Hooks registered with ``register_load_state_dict_post_hook`` are not "
                                         "expected to return new values, if incompatible_keys need to be modified,"
                                         "it should be done inplace.")

        saved_log, _undo.log = getattr(_undo, 'log', None), []
        try:
            try:
                load(self, state_dict)
            except BaseException:
                _roll_back()
                raise
            undo_needed = bool(error_msgs or (strict and (missing_keys or unexpected_keys)))
            if undo_needed:
                _roll_back()
        finally:
            _undo.log = saved_log
        if strict:
            if unexpected_keys:
                error_msgs.insert(0, 'Unexpected key(s) in state_dict: {}. '.format(
                    ', '.join(f'"{k}"' for k in unexpected_keys)))
            if missing_keys:
                error_msgs.insert(0, 'Missing key(s) in state_dict: {}. '.format(
                    ', '.join(f'"{k}"' for k in missing_keys)))
        if error_msgs:
            raise RuntimeError('Error(s) in loading state_dict for {}:\n\t{}'.format(
                self.__class__.__name__, '\n\t'.join(error_msgs)))
        return _IncompatibleKeys(missing_keys, unexpected_keys)
