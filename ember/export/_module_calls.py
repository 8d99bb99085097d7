"""Which module each recorded operator ran in: while ``export`` traces, every submodule call pushes
``(fqn, type)`` onto the tracer's module stack, so each node carries ``meta['nn_module_stack']`` as
PyTorch's nodes do (``{'L__self__': ('', 'M'), 'L__self__sub': ('sub', 'Sub')}``; the n-th repeated
call of one module is keyed ``L__self__sub@n``). ``unflatten`` rebuilds the module hierarchy from it."""
import contextlib
from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass
class ModuleCallSignature:
    """How a module was called: its flat inputs and outputs and the pytree specs around them."""
    inputs: list
    outputs: list
    in_spec: Any
    out_spec: Any
    forward_arg_names: Optional[list] = None


@dataclass
class ModuleCallEntry:
    """A module of the exported hierarchy (``fqn``, '' for the root) and, for the root, its call's
    signature."""
    fqn: str
    signature: Optional[ModuleCallSignature] = field(default=None)


def type_name(module):
    cls = type(module)
    return f'{cls.__module__}.{cls.__qualname__}'


@contextlib.contextmanager
def recording_module_calls(tracer, root):
    """While this runs, each call of ``root`` or one of its submodules is on ``tracer.module_stack``."""
    from ember.nn.modules.module import register_module_forward_hook, register_module_forward_pre_hook
    names = {}
    for fqn, m in root.named_modules(remove_duplicate=False):
        names.setdefault(id(m), fqn)
    calls = {}
    pushed = []         # whether each running module call pushed an entry (a module outside the hierarchy does not)

    def pre(module, args):
        fqn = names.get(id(module))
        if fqn is None:
            pushed.append(False)
            return
        n = calls.get(fqn, 0)
        calls[fqn] = n + 1
        key = 'L__self__' + fqn + (f'@{n}' if n else '')
        tracer.module_stack.append((key, (fqn, type_name(module))))
        pushed.append(True)

    def post(module, args, output):
        if pushed and pushed.pop():
            tracer.module_stack.pop()

    handles = [register_module_forward_pre_hook(pre), register_module_forward_hook(post, always_call=True)]
    try:
        yield
    finally:
        for h in handles:
            h.remove()


@contextlib.contextmanager
def recording_call_signatures(tracer, root, fqns, signatures):
    """While this runs, each call of the submodules named in ``fqns`` records its signature in
    ``signatures[fqn]``: the graph values it took and gave back, and their structure."""
    from ember._tensor import Tensor
    from ember.export.graph_signature import ConstantArgument, TensorArgument
    from ember.utils._pytree import tree_flatten
    modules = dict(root.named_modules())
    for fqn in fqns:
        if fqn not in modules or not fqn:
            raise ValueError(f'preserve_module_call_signature names {fqn!r}, which is not a submodule of the '
                             'exported module')

    def argument(value):
        node = tracer.node_of(value) if isinstance(value, Tensor) else None
        return TensorArgument(node.name) if node is not None else ConstantArgument('', value)

    def wrap(fqn, forward):
        def recorded(*args, **kwargs):
            # the n-th later call of the module is ``fqn@n``, as in its nodes' nn_module_stack
            calls = sum(1 for k in signatures if k.split('@')[0] == fqn)
            leaves, in_spec = tree_flatten((args, kwargs))
            inputs = [argument(v) for v in leaves]
            out = forward(*args, **kwargs)
            out_leaves, out_spec = tree_flatten(out)
            signatures[fqn + (f'@{calls}' if calls else '')] = ModuleCallSignature(
                inputs, [argument(v) for v in out_leaves], in_spec, out_spec)
            return out
        return recorded
    for fqn in fqns:
        modules[fqn].__dict__['forward'] = wrap(fqn, modules[fqn].forward)
    try:
        yield
    finally:
        for fqn in fqns:
            modules[fqn].__dict__.pop('forward', None)


def module_call_graph(root, args, kwargs, out, forward_arg_names, signatures=None):
    """PyTorch's ``module_call_graph``: the root with its call signature, then every submodule path
    (with the signatures recorded for the calls whose signature is preserved)."""
    from ember.utils._pytree import tree_structure
    signature = ModuleCallSignature([], [], tree_structure((tuple(args), dict(kwargs))), tree_structure(out),
                                    list(forward_arg_names))
    signatures = signatures or {}
    entries = [ModuleCallEntry('', signature)]
    for fqn, _ in root.named_modules(remove_duplicate=False):
        if fqn:
            entries.append(ModuleCallEntry(fqn, signatures.get(fqn)))
            entries += [ModuleCallEntry(k, sig) for k, sig in signatures.items() if k.split('@')[0] == fqn and '@' in k]
    return entries
