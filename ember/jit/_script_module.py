"""Modules loaded from TorchScript archives: ``RecursiveScriptModule``, an ``nn.Module`` whose methods
are the archive's compiled code (see ``_script_code``)."""
from ember import nn
from ember.jit._script_code import Module as _CodeModule


class ScriptModule(nn.Module):
    """The base of TorchScript modules: those :func:`ember.jit.load` reads and :func:`ember.jit.trace` makes
    (``isinstance(m, ember.jit.ScriptModule)`` holds for them, as in PyTorch). ``script`` returns an eager
    module as it is.

    Example::

        >>> traced = ember.jit.trace(nn.Linear(2, 1), ember.ones(1, 2))
        >>> isinstance(traced, ember.jit.ScriptModule), isinstance(traced, nn.Module)
        (True, True)
        >>> isinstance(nn.Linear(2, 1), ember.jit.ScriptModule)
        False
    """


class RecursiveScriptModule(ScriptModule):
    """A module of a TorchScript archive loaded by :func:`ember.jit.load`: its parameters, buffers and
    submodules are the archive's, its methods (``forward`` and the rest) run the archive's code on
    ember. ``original_name`` is the class name the module had when it was scripted or traced."""

    def __init__(self, code_class, qualified_name):
        super().__init__()
        self._code_class = code_class
        self._qualified_name = qualified_name
        self.original_name = qualified_name.rsplit('.', 1)[-1]
        self._script_attributes = set()

    def forward(self, *args, **kwargs):
        method = getattr(self._code_class, 'forward', None)
        if method is None:
            raise RuntimeError(f"Method 'forward' is not defined on the archive's {self.original_name}")
        signature = self._code_class.__dict__.get('_script_signatures', {}).get('forward')
        if signature is not None:       # a scripted module's: arguments that do not fit get PyTorch's errors
            from ember.jit._script_args import check_call
            check_call('forward', signature, args, kwargs, self._qualified_name)
        return method(self, *args, **kwargs)

    def __getattr__(self, name):
        try:
            return super().__getattr__(name)
        except AttributeError:
            pass
        code_class = self.__dict__.get('_code_class')
        if code_class is not None:
            member = getattr(code_class, name, None)
            if callable(member) and not isinstance(member, type):
                return member.__get__(self, type(self))
            if member is not None and not name.startswith('__'):
                return member      # a Final constant of the class (stride, padding, ...)
        if name in ('graph', 'inlined_graph'):
            raise AttributeError(f"'RecursiveScriptModule' object has no attribute '{name}': ember does not build "
                                 "TorchScript IR graphs (.code shows the module's TorchScript program)")
        raise AttributeError(f"'RecursiveScriptModule' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        code_class = self.__dict__.get('_code_class')
        if code_class is not None and name in _final_constants(code_class):
            current = getattr(code_class, name)
            shown = '%.17g' % current if isinstance(current, float) else str(current)
            raise RuntimeError(f"Can't set constant '{name}' which has value:{shown}")
        super().__setattr__(name, value)

    def extra_repr(self):
        return f'original_name={self.original_name}'

    def _method_source(self, name):
        return _source_of(self._code_class, name)

    @property
    def code(self):
        """The ``forward`` method's TorchScript source, as the archive holds it."""
        return self._method_source('forward')

    @property
    def code_with_constants(self):
        return self.code, {}

    def save(self, f, **kwargs):
        from ember.jit import save
        save(self, f, **kwargs)


def _source_of(code_class, name):
    """The text of method ``name`` from the archive's code, its ``self`` annotation dropped as PyTorch
    prints it."""
    import ast
    source = code_class._archive_source
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == code_class.__name__:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == name:
                    lines = source.splitlines()[item.lineno - 1:item.end_lineno]
                    indent = len(lines[0]) - len(lines[0].lstrip())
                    lines = [ln[indent:] for ln in lines]
                    # the signature's continuation lines sit 4 deeper than the def, as PyTorch prints them
                    header_end = next(i for i, ln in enumerate(lines) if ln.rstrip().endswith(':'))
                    lines = [lines[0]] + ['  ' + ln for ln in lines[1:header_end + 1]] + lines[header_end + 1:]
                    text = '\n'.join(lines) + '\n'
                    head, rest = text.split('(', 1)
                    if rest.startswith('self:'):
                        close = rest.index(',') if ',' in rest.split(')')[0] else rest.index(')')
                        rest = 'self' + rest[close:]
                    return head + '(' + rest
    raise RuntimeError(f"Method '{name}' is not defined")


def _final_constants(code_class):
    """The class's ``Final`` attributes (TorchScript constants such as a convolution's stride)."""
    names = code_class.__dict__.get('_final_names')
    if names is None:
        names = frozenset(name for name, annotation in code_class.__dict__.get('__annotations__', {}).items()
                          if isinstance(annotation, str) and annotation.startswith('Final['))
        code_class._final_names = names
    return names


def is_module_class(code_class):
    return isinstance(code_class, type) and issubclass(code_class, _CodeModule)


def build_module(code_class, qualified_name, state):
    """The ``RecursiveScriptModule`` of one pickled module object: ``state`` is its attribute dict."""
    module = RecursiveScriptModule(code_class, qualified_name)
    params = set(getattr(code_class, '__parameters__', ()))
    buffers = set(getattr(code_class, '__buffers__', ()))
    for name, value in state.items():
        if name == 'training':
            module.training = bool(value)
        elif name in params:
            module.register_parameter(name, None if value is None else nn.Parameter(value, value.requires_grad))
        elif name in buffers:
            module.register_buffer(name, value)
        elif isinstance(value, nn.Module):
            module.add_module(name, value)
        else:
            object.__setattr__(module, name, value)
            module._script_attributes.add(name)
    return module
