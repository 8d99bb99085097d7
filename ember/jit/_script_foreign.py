"""Submodules that are TorchScript already (scripted, traced or loaded) inside a module being scripted.

PyTorch keeps such a submodule as it is: the parent's code calls its methods, and the parent's program
holds the submodule's classes unchanged. A ``ForeignClass`` answers what the parent's compiler asks of
one (its methods' signatures, read from its code; its parameters, submodules, attributes and constants);
``merge_archives`` puts the classes (and tensor constants, renumbered) of every such submodule into the
parent's program.
"""
import ast
import re

from ember.jit._script_types import Expr, ModuleType, annotation_type, literal, type_of_value


def _class_node(code_class):
    tree = ast.parse(code_class._archive_source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == code_class.__name__:
            return node
    raise RuntimeError(f"the TorchScript class {code_class.__name__} has no code")


class ForeignClass:
    """The compiled class of a submodule that is TorchScript already: nothing to compile, only to read."""
    builtin = None

    def __init__(self, module, unit):
        self.module, self.unit = module, unit
        self.qualified = module._qualified_name
        self.methods, self.attributes, self.ignored, self.constants = {}, {}, {}, {}
        self.param_types = {}
        self._node = _class_node(module._code_class)
        self._annotations = {}
        for item in self._node.body:
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                self._annotations[item.target.id] = ast.unparse(item.annotation)

    def compile_entry_points(self):
        """Nothing to compile: the submodule's code is kept as it is."""

    def signature(self, name, node=None, fc=None):
        from ember.jit._script_frontend import Signature
        for item in self._node.body:
            if isinstance(item, ast.FunctionDef) and item.name == name:
                args = item.args.args[1:]           # self
                defaults = [None] * (len(args) - len(item.args.defaults)) + list(item.args.defaults)
                params = [(a.arg, annotation_type(a.annotation), None if d is None else ast.unparse(d))
                          for a, d in zip(args, defaults)]
                returns = annotation_type(item.returns) if item.returns is not None else 'NoneType'
                return Signature(params, returns)
        message = f"Module '{self.module.original_name}' has no attribute '{name}' "
        if fc is None:
            raise RuntimeError(message)
        raise fc.error(node, message)

    def attribute(self, name, node, fc, base='self'):
        m = self.module
        path = f'{base}.{name}' if name.isidentifier() else f'getattr({base}, "{name}")'
        if name in m._modules:
            child = m._modules[name]
            if child is None:
                return Expr('None', 'NoneType', None)
            self.unit.module_class(child)
            return Expr(path, ModuleType(child))
        for store in (m._parameters, m._buffers):
            if name in store:
                return Expr('None', 'NoneType', None) if store[name] is None else Expr(path, 'Tensor')
        annotation = self._annotations.get(name)
        if annotation is not None and annotation.startswith('Final['):
            value = getattr(m._code_class, name)
            return Expr(literal(value), type_of_value(value), value)
        if annotation is not None:
            return Expr(path, annotation)
        raise fc.error(node, f"Module '{m.original_name}' has no attribute '{name}' ")

    def assigned_attribute(self, name, type_, node, fc):
        raise fc.error(node, f"Cannot assign to the attribute '{name}' of the TorchScript module "
                             f"{self.module.original_name}")


def merge_archives(foreign_modules, sources, constants):
    """Adds the code of each TorchScript submodule's program to ``sources`` ({qualified module: text}),
    its tensor constants to ``constants`` (a list; ``CONSTANTS.c<i>`` renumbered after those already
    there). Returns the qualified class names the programs hold (names the new classes must not take)."""
    taken, merged = set(), set()
    for m in foreign_modules:
        archive = m._script_archive
        if id(archive) in merged:
            continue
        merged.add(id(archive))
        offset = len(constants)
        constants.extend(archive.constants)
        for module_name, text in archive.sources.items():
            if offset:
                text = re.sub(r'CONSTANTS\.c(\d+)', lambda g: f'CONSTANTS.c{int(g.group(1)) + offset}', text)
            for class_name in re.findall(r'^class (\w+)\(', text, re.M):
                qualified = f'{module_name}.{class_name}'
                if qualified in taken:
                    raise RuntimeError(f"ember.jit.script cannot hold two TorchScript submodules whose programs "
                                       f"both define {qualified}")
                taken.add(qualified)
            sources[module_name] = sources.get(module_name, '') + text
    return taken
