"""``torch._dynamo.eval_frame``: the class ``ember.compile(module)`` returns.

ember compiles nothing (see :func:`ember.compile`); the wrapper keeps PyTorch's shape so that code
written for compiled modules works: ``_orig_mod`` is the module, its state appears under
``_orig_mod.`` in ``state_dict()``, ``isinstance(m, OptimizedModule)`` tells a compiled module."""
from ember.nn import Module


class OptimizedModule(Module):
    """A module returned by ``ember.compile``: calling it calls the original module (``_orig_mod``)
    eagerly; attributes it lacks are the original module's.

    Example::

        >>> import ember
        >>> net = ember.nn.Linear(2, 1)
        >>> compiled = ember.compile(net)
        >>> type(compiled).__name__, compiled._orig_mod is net, list(compiled.state_dict())
        ('OptimizedModule', True, ['_orig_mod.weight', '_orig_mod.bias'])
    """

    def __init__(self, mod, compiled=None):
        super().__init__()
        self._orig_mod = mod
        if compiled is None:
            from ember._dynamo._capture import CompiledCallable
            compiled = CompiledCallable(mod, None, False, None)
        self.__dict__['_compiled_call'] = compiled     # the captured graphs, per guard key

    def forward(self, *args, **kwargs):
        return self._compiled_call(*args, **kwargs)

    def __getattr__(self, name):
        try:
            return super().__getattr__(name)
        except AttributeError:
            return getattr(self._modules['_orig_mod'], name)
