from ..package_exporter import PackagingError

__all__ = ["find_first_use_of_broken_modules"]


def find_first_use_of_broken_modules(exc):
    """For each broken module of a ``PackagingError``, the dependency path by which it was first reached:
    ``{'m.n.o': ['a.b.c', 'm.n.o']}`` when ``a.b.c`` brought in the broken ``m.n.o``."""
    if not isinstance(exc, PackagingError):
        raise AssertionError(f"exception must be a PackagingError, got {type(exc).__name__}")
    graph = exc.dependency_graph
    return {name: graph.first_path(name) for name, attrs in graph.nodes.items() if attrs.get("error", False)}
