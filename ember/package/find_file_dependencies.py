"""Which modules a piece of Python source imports: ``import``, ``from ... import`` and ``__import__`` calls."""
import ast

from ._importlib import _resolve_name

__all__ = ["find_files_source_depends_on"]


class _ExtractModuleReferences(ast.NodeVisitor):
    """Collects ``(module, name or None)`` pairs: ``name`` is an imported name that may be a submodule."""

    @classmethod
    def run(cls, src, package):
        visitor = cls(package)
        visitor.visit(ast.parse(src))
        return list(visitor.references)

    def __init__(self, package):
        super().__init__()
        self.package = package
        self.references = {}     # a dict keeps the order of first appearance

    def _absmodule(self, module_name, level):
        return _resolve_name(module_name, self.package, level) if level > 0 else module_name

    def visit_Import(self, node):
        for alias in node.names:
            self.references[(alias.name, None)] = True

    def visit_ImportFrom(self, node):
        name = self._absmodule(node.module, node.level or 0)
        for alias in node.names:
            # `from pkg import x`: x may be a submodule; a name that is not one is dropped later
            self.references[(name, None if alias.name == "*" else alias.name)] = True

    def visit_Call(self, node):
        if getattr(node.func, "id", None) == "__import__":
            try:
                self._record_dunder_import(node)
            except Exception:  # noqa: BLE001 - a call whose arguments are not literals names no module
                return
        self.generic_visit(node)

    def _record_dunder_import(self, node):
        keywords = {k.arg: k.value for k in node.keywords}
        name = node.args[0].value
        fromlist_node = node.args[3] if len(node.args) > 3 else keywords.get("fromlist")
        fromlist = [v.value for v in fromlist_node.elts] if fromlist_node is not None else []
        level_node = node.args[4] if len(node.args) > 4 else keywords.get("level")
        level = level_node.value if level_node is not None else 0
        if not fromlist:
            # without a from-list __import__ returns the top package, and the named module is imported too
            self.references[(name, None)] = True
            top_name = name.rsplit(".", maxsplit=1)[0]
            if top_name != name:
                self.references[(self._absmodule(top_name, level), None)] = True
            return
        name = self._absmodule(name, level)
        for alias in fromlist:
            self.references[(name, None if alias == "*" else alias)] = True


find_files_source_depends_on = _ExtractModuleReferences.run
