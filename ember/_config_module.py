"""Settings modules in the style of PyTorch's compiler configs (``torch._dynamo.config``): a module whose
attributes are a fixed set of named settings with recorded defaults. Reading or assigning a name that is
not a setting raises ``AttributeError`` as PyTorch's does; dotted settings (``triton.cudagraphs``) are
reached through sub-namespaces; ``patch`` changes settings for a ``with`` block or a decorated function."""
import contextlib
import functools
import json
import os
import pathlib
import sys
import types

__all__ = ['install']


def _decode(value):
    if isinstance(value, dict) and set(value) == {'__set__'}:
        return set(value['__set__'])
    if isinstance(value, str) and '<' in value:     # paths recorded relative to an installation / directory
        site = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        return value.replace('<site-packages>', site).replace('<cwd>', os.getcwd())
    return value


class _Namespace:
    """The settings under one dotted prefix (``config.triton``)."""

    def __init__(self, root, prefix):
        object.__setattr__(self, '_root', root)
        object.__setattr__(self, '_prefix', prefix)

    def __getattr__(self, name):
        return self._root._lookup(self._prefix + name)

    def __setattr__(self, name, value):
        self._root._assign(self._prefix + name, value)


class ConfigModule(types.ModuleType):
    """A module of settings (see the module docstring)."""

    def _lookup(self, key):
        key = self.__dict__['_aliases'].get(key, key)
        values = self.__dict__['_values']
        if key in values:
            return values[key]
        if any(k.startswith(key + '.') for k in values):
            return _Namespace(self, key + '.')
        raise AttributeError(f"{self.__dict__['_public_name']}.{key} does not exist")

    def _assign(self, key, value):
        key = self.__dict__['_aliases'].get(key, key)
        values = self.__dict__['_values']
        if key not in values:
            raise AttributeError(f"{self.__dict__['_public_name']}.{key} does not exist")
        values[key] = value

    def __getattr__(self, name):
        return self._lookup(name)

    def __setattr__(self, name, value):
        if name.startswith('__') or name in self.__dict__ and callable(self.__dict__[name]):
            super().__setattr__(name, value)
        else:
            self._assign(name, value)

    def get_config_copy(self):
        """Every setting and its current value (a new dict)."""
        return {k: (set(v) if isinstance(v, set) else v) for k, v in self.__dict__['_values'].items()}

    def patch(self, arg1=None, arg2=None, **changes):
        """Set some settings for a ``with`` block or a decorated function, then restore them:
        ``patch('name', value)``, ``patch({'name': value})`` or ``patch(name=value)``."""
        if arg1 is not None:
            changes = {arg1: arg2} if isinstance(arg1, str) else dict(arg1, **changes)
        aliases = self.__dict__['_aliases']
        changes = {aliases.get(k, k): v for k, v in changes.items()}
        for key in changes:
            self._lookup(key)
        return _Patch(self, changes)


class _Patch(contextlib.ContextDecorator):
    def __init__(self, module, changes):
        self.module, self.changes, self.saved = module, changes, []

    def __enter__(self):
        values = self.module.__dict__['_values']
        self.saved.append({k: values[k] for k in self.changes})
        values.update(self.changes)
        return self

    def __exit__(self, *exc):
        self.module.__dict__['_values'].update(self.saved.pop())
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return run


def install(module_name, defaults_file, public_name):
    """Turn module ``module_name`` into a settings module with the defaults recorded in ``defaults_file``;
    error messages name it ``public_name``."""
    recorded = json.loads(pathlib.Path(defaults_file).read_text())
    defaults = {k: _decode(v) for k, v in recorded['values'].items()}
    install_values(module_name, {k: (set(v) if isinstance(v, set) else v) for k, v in defaults.items()},
                   public_name, recorded['aliases'], defaults)


def install_values(module_name, values, public_name, aliases=None, defaults=None):
    """Turn module ``module_name`` into a settings module over the dict ``values`` (dotted names to current
    values; the module reads and writes that very dict, so code holding it sees every change)."""
    module = sys.modules[module_name]
    module.__dict__['_aliases'] = aliases or {}
    module.__dict__['_defaults'] = dict(values) if defaults is None else defaults
    module.__dict__['_values'] = values
    module.__dict__['_public_name'] = public_name
    module.__class__ = ConfigModule
