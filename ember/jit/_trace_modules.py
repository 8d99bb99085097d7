"""A traced program printed as PyTorch prints it: each submodule's class with its own ``forward`` (the part
of the program its call ran), called from its parent as ``(self.conv).forward(x)``. The program is cut
per module call by ``ember.export.unflatten``; where that takes more than one method per module (a module
called twice with different programs) or passes values other than tensors, the caller prints the whole
program in the top module's ``forward`` instead."""
import ember
from ember.jit import _trace_code


class Flat(Exception):
    """The program cannot be cut per module as TorchScript writes it: print it whole."""


QUALIFIED = '\x00qualified\x00'     # stands for a class's own name until classes are named


def _is_tensor_value(node):
    val = node.meta.get('val')
    return val is None or isinstance(val, ember.Tensor)


def _owner_path(module, path):
    """Whether ``path`` names a parameter or buffer of ``module`` (the original, whose state the traced
    module shares)."""
    *parents, name = path.split('.')
    owner = module
    for p in parents:
        owner = owner._modules.get(p)
        if owner is None:
            return False
    return owner._parameters.get(name) is not None or owner._buffers.get(name) is not None


def module_forwards(ep, mod, inputs, constants):
    """{id(module): (forward text naming its class ``QUALIFIED``, version)} for ``mod`` and every submodule
    whose forward ran."""
    from ember.export.unflatten import InterpreterModule, unflatten
    flat_module = unflatten(ep)
    out = {}

    def visit(cut, original, top, given=()):
        names = _trace_code._Names()
        body, params = [], []
        placeholders = [n for n in cut.graph.nodes if n.op == 'placeholder']
        if not all(_is_tensor_value(n) for n in placeholders):
            raise Flat()
        if top:
            params = _trace_code._user_inputs(inputs, placeholders, names, body)
        else:
            # a submodule's input is named as its caller's parameter it is, else by position, as PyTorch's
            # tracer names them (self is argument_0)
            params = [f'{names.named(n, given[i] if i < len(given) and given[i] else f"argument_{i + 1}")}: Tensor'
                      for i, n in enumerate(placeholders)]

        def get_attr(node):
            if _owner_path(original, node.target):
                return _trace_code._attribute_path(node.target)
            value = cut
            for part in node.target.split('.'):
                value = getattr(value, part)
            if not isinstance(value, ember.Tensor):
                raise Flat()
            constants.append(value)
            return f'CONSTANTS.c{len(constants) - 1}'

        def returned(outputs, arg):
            if top:
                return _trace_code._structure(ep._out_spec, iter(outputs), arg)
            values = outputs if isinstance(outputs, (tuple, list)) else (outputs,)
            if not all(isinstance(v, ember.fx.Node) and _is_tensor_value(v) for v in values):
                raise Flat()
            if isinstance(outputs, (tuple, list)):
                return '(' + ', '.join(arg(v) for v in values) + (',)' if len(values) == 1 else ')'), \
                    'Tuple[' + ', '.join('Tensor' for _ in values) + ']'
            return arg(outputs), 'Tensor'

        for node in cut.graph.nodes:
            if node.op == 'call_module':
                if '@' in node.target:
                    raise Flat()
                child_cut = cut.get_submodule(node.target)
                if type(child_cut) is not InterpreterModule:
                    raise Flat()
                child = original.get_submodule(node.target)
                if id(child) in out:         # a second call (the cut shares one program per module)
                    continue
                out[id(child)] = None
                inputs_named = {n: names.of.get(n) for n in placeholders}
                visit(child_cut, child, False, [inputs_named.get(a) for a in node.args])
            elif node.op == 'call_function' and not hasattr(node.target, '_packet') and \
                    node.target.__name__ != 'getitem':
                raise Flat()
        out[id(original)] = _trace_code.print_forward(cut.graph, QUALIFIED, names, params, body,
                                                      lambda node: None, get_attr, returned)
    visit(flat_module, mod, True)
    return out
