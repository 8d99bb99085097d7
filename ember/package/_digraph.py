"""A small directed graph with attributes on its nodes: the exporter's module dependencies."""
class DiGraph:
    """Nodes keep their insertion order; ``add_node`` on a present node merges its attributes."""

    def __init__(self):
        self._node = {}
        self._succ = {}
        self._pred = {}
        self._node_order = {}
        self._insertion_idx = 0

    def add_node(self, n, **kwargs):
        if n not in self._node:
            self._node[n] = kwargs
            self._succ[n] = {}
            self._pred[n] = {}
            self._node_order[n] = self._insertion_idx
            self._insertion_idx += 1
        else:
            self._node[n].update(kwargs)

    def add_edge(self, u, v):
        self.add_node(u)
        self.add_node(v)
        self._succ[u][v] = True
        self._pred[v][u] = True

    def successors(self, n):
        return iter(self._links(self._succ, n))

    def predecessors(self, n):
        return iter(self._links(self._pred, n))

    @staticmethod
    def _links(links, n):
        try:
            return links[n]
        except KeyError:
            raise ValueError(f"The node {n} is not in the digraph.") from None

    @property
    def edges(self):
        return [(n, succ) for n, succs in self._succ.items() for succ in succs]

    @property
    def nodes(self):
        return self._node

    def __iter__(self):
        return iter(self._node)

    def __contains__(self, n):
        try:
            return n in self._node
        except TypeError:
            return False

    def forward_transitive_closure(self, src):
        """Every node reachable from ``src`` (itself included)."""
        return self._closure(src, self._succ)

    def backward_transitive_closure(self, src):
        """Every node that reaches ``src`` (itself included)."""
        return self._closure(src, self._pred)

    @staticmethod
    def _closure(src, links):
        seen, todo = {src}, [src]
        while todo:
            for n in DiGraph._links(links, todo.pop()):
                if n not in seen:
                    seen.add(n)
                    todo.append(n)
        return seen

    def all_paths(self, src, dst):
        """The edges on some path from ``src`` to ``dst``, as a DOT graph."""
        reachable = self.forward_transitive_closure(src)
        if dst not in reachable:
            return DiGraph().to_dot()
        reaching = self.backward_transitive_closure(dst)
        keep = reachable & reaching
        result = DiGraph()
        for n in self._node:          # in the graph's order, so the text is the same every time
            if n not in keep:
                continue
            for succ in self._succ[n]:
                if succ in keep:
                    result.add_edge(n, succ)
        return result.to_dot()

    def first_path(self, dst):
        """The path by which ``dst`` first entered the graph: back through the earliest-added predecessor
        at each step, to a node nothing points to."""
        path = []
        while dst:
            path.append(dst)
            preds = self._pred[dst]
            dst = min(preds, key=self._node_order.__getitem__) if preds else ""
        return path[::-1]

    def to_dot(self):
        """The graph in Graphviz's DOT language."""
        edges = "\n".join(f'"{f}" -> "{t}";' for f, t in self.edges)
        return f"digraph G {{\nrankdir = LR;\nnode [shape=box];\n{edges}\n}}\n"
