"""``CapabilityBasedPartitioner``: group the nodes a backend supports (an ``OperatorSupport`` rule)
into as few partitions as possible without creating cycles between them, and fuse each partition
into a submodule (``partition_and_fuse``).

Nodes are visited from the graph's end; each supported node starts a partition, and partitions are
merged pairwise (earliest first) wherever no path leaves one and re-enters the other. A partition
that would compute a single op is dropped unless ``allows_single_node_partition``.
"""
import collections
import itertools
import operator

from ember.fx.node import _qualified_name
from ember.fx.passes.utils.fuser_utils import fuse_by_partitions

__all__ = ['Partition', 'CapabilityBasedPartitioner']


class Partition:
    """A group of nodes (``nodes``: node -> its visiting order) with an ``id``."""

    def __init__(self, id=None, nodes=None, node_orders=None):
        self.id = id
        self.nodes = {}
        if nodes is not None:
            nodes = list(nodes)
            orders = [None] * len(nodes) if node_orders is None else list(node_orders)
            if len(nodes) != len(orders):
                raise AssertionError('nodes and node_orders must have the same length')
            self.nodes = dict(zip(nodes, orders))

    def __repr__(self):
        return str(self.nodes)

    def add_node(self, node, node_order=None):
        self.nodes[node] = node_order

    def remove_node(self, node):
        del self.nodes[node]

    def size(self):
        return len(self.nodes)


def _all_downstream(graph):
    """``{node: every node that depends on it}``."""
    below = collections.defaultdict(set)
    for node in reversed(list(graph.nodes)):
        for user in node.users:
            below[node].add(user)
            below[node] |= below[user]
    return below


class _Grouping:
    """The partitions being formed, and which partitions lie downstream of which."""

    def __init__(self, below):
        self.below = below
        self.owner = {}                                   # node -> partition id
        self.parts = {}                                   # id -> Partition
        self.after = collections.defaultdict(set)         # id -> ids of partitions downstream of it
        self.users = {}                                   # id -> nodes outside it that use it
        self.first = {}                                   # id -> its earliest visiting order

    def downstream_of(self, nodes, exclude):
        found = set()
        for node in nodes:
            for path_node in itertools.chain((node,), self.below[node]):
                pid = self.owner.get(path_node)
                if pid is not None:
                    found.add(pid)
                    found |= self.after[pid]
        return found - set(exclude)

    def start(self, node, order, pid):
        self.owner[node] = pid
        self.parts[pid] = Partition(id=pid, nodes=[node], node_orders=[order])
        self.users[pid] = set(node.users)
        self.first[pid] = pid
        self.after[pid] |= self.downstream_of(node.users, (pid,))

    def move(self, node, pid):
        """Put an already visited node into partition ``pid`` (None: into none)."""
        if node in self.owner:
            self.parts[self.owner[node]].remove_node(node)
        if pid is None:
            self.owner.pop(node)
        else:
            self.owner[node] = pid
            self.parts[pid].add_node(node, None)

    def _would_cycle(self, a, b, outside_users):
        mine, theirs = self.parts[a].nodes, self.parts[b].nodes
        for user in outside_users:
            visited = set()
            for path_node in itertools.chain((user,), self.below[user]):
                if path_node in mine or path_node in theirs:
                    return True
                pid = self.owner.get(path_node)
                if pid is not None and pid not in visited:
                    if a in self.after[pid] or b in self.after[pid]:
                        return True
                    visited.add(pid)
        return False

    def merge(self, a, b):
        """Merge partitions ``a`` and ``b`` unless a cycle would form; the id that remains."""
        outside = (self.users[a] | self.users[b]) - set(self.parts[a].nodes) - set(self.parts[b].nodes)
        if self._would_cycle(a, b, outside):
            return a
        keep, gone = (b, a) if len(self.parts[a].nodes) < len(self.parts[b].nodes) else (a, b)
        self.parts[keep].nodes.update(self.parts[gone].nodes)
        for node in self.parts[gone].nodes:
            self.owner[node] = keep
        del self.parts[gone]
        self.first[keep] = min(self.first[keep], self.first.pop(gone))
        self.after[keep] = self.after[keep] | self.after.pop(gone)
        self.users[keep] = outside
        del self.users[gone]
        self.after[keep] |= self.downstream_of(outside, (keep, gone))
        self.after[keep] -= {keep, gone}
        return keep


class CapabilityBasedPartitioner:
    """Partitions ``graph_module`` by what ``operator_support`` supports.

    Args:
        graph_module (GraphModule): the module to partition.
        operator_support (OperatorSupportBase): which nodes can go into a partition.
        allows_single_node_partition (bool): keep partitions of one compute op.
        non_compute_ops (list of str, optional): qualified names of ops not counted as compute
            (besides ``operator.getitem`` and ``aten.view``), and dropped from a partition's ends by
            :meth:`remove_bookend_non_compute_ops`.
        allowed_single_node_partition_ops (list of str, optional): ops that count double, so that a
            partition of one of them is kept.
        skip_horizontal_fusion (bool): merge a new partition only with its users' partitions, not with
            every earlier one.
    """

    def __init__(self, graph_module, operator_support, allows_single_node_partition=False, non_compute_ops=None,
                 allowed_single_node_partition_ops=None, skip_horizontal_fusion=False):
        self.graph_module = graph_module
        self.operator_support = operator_support
        self.allows_single_node_partition = allows_single_node_partition
        self.non_compute_ops = non_compute_ops if non_compute_ops is not None else []
        self.allowed_single_node_partition_ops = allowed_single_node_partition_ops or []
        self.skip_horizontal_fusion = skip_horizontal_fusion
        self.dependency_viewer = _all_downstream(graph_module.graph)

    def _is_node_supported(self, node):
        return self.operator_support.is_node_supported(dict(self.graph_module.named_modules()), node)

    def propose_partitions(self):
        """The partitions (a list of :class:`Partition`, nodes in graph order)."""
        grouping, ids = _Grouping(self.dependency_viewer), itertools.count()
        for order, node in enumerate(reversed(list(self.graph_module.graph.nodes))):
            candidates, created = {}, False
            if self._is_node_supported(node) and node not in grouping.owner:
                pid = next(ids)
                grouping.start(node, order, pid)
                candidates[pid], created = None, True
            if self.skip_horizontal_fusion:
                if created:
                    for user in node.users:
                        if user in grouping.owner:
                            candidates[grouping.owner[user]] = None
            else:
                for pid, _ in sorted(grouping.first.items(), key=operator.itemgetter(1)):
                    candidates[pid] = None
            merged_into, *others = list(candidates) or [None]
            for other in others:
                merged_into = grouping.merge(merged_into, other)
        for part in grouping.parts.values():       # back to graph order
            part.nodes = dict(sorted(part.nodes.items(), key=operator.itemgetter(1), reverse=True))
        self._keep_getitems_with_their_tuple(grouping)
        if not self.allows_single_node_partition:
            self._drop_single_op_partitions(grouping)
        return [part for part in grouping.parts.values() if part.size() > 0]

    def _keep_getitems_with_their_tuple(self, grouping):
        # an op returning a tuple read only through getitem: the getitems go where the op is
        while True:
            moves = {}
            for node in self.graph_module.graph.nodes:
                if all(u.op == 'call_function' and _qualified_name(u.target) == '_operator.getitem'
                       for u in node.users):
                    pid = grouping.owner.get(node)
                    for user in node.users:
                        if grouping.owner.get(user) != pid:
                            moves[user] = pid
            if not moves:
                return
            for node, pid in moves.items():
                grouping.move(node, pid)

    def _drop_single_op_partitions(self, grouping):
        non_compute = {'ember.ops.aten.view', '_operator.getitem'} | set(self.non_compute_ops)
        for pid in list(grouping.parts):
            count = 0
            for node in grouping.parts[pid].nodes:
                if node.op == 'call_function':
                    if not callable(node.target):
                        raise AssertionError(f'Expected callable target, got {type(node.target)}')
                    name = _qualified_name(node.target)
                    count += (name not in non_compute) + (name in self.allowed_single_node_partition_ops)
            if count <= 1:
                del grouping.parts[pid]

    def fuse_partitions(self, partitions, prefix='fused_'):
        """Fuse each partition into a submodule ``<prefix><i>`` (see ``fuse_by_partitions``)."""
        return fuse_by_partitions(self.graph_module, [p.nodes for p in partitions], prefix=prefix)

    def remove_bookend_non_compute_ops(self, partitions):
        """Drop from each partition the non-compute ops at its ends (those whose inputs, or whose
        users, all lie outside the partition through other such ops)."""
        non_compute = set(self.non_compute_ops)

        def is_non_compute(node):
            return node.op == 'call_function' and _qualified_name(node.target) in non_compute

        def transparent(node, members, removed, memo, neighbours):
            if node.op == 'placeholder' or node not in members or node in removed:
                return True
            if node not in memo:
                memo[node] = is_non_compute(node) and all(
                    transparent(n, members, removed, memo, neighbours) for n in neighbours(node))
            return memo[node]
        into, out_of = {}, {}
        for part in partitions:
            members, removed = set(part.nodes), set()
            for node in part.nodes:
                if is_non_compute(node) and (
                        transparent(node, members, removed, into, lambda n: n.all_input_nodes)
                        or transparent(node, members, removed, out_of, lambda n: n.users)):
                    removed.add(node)
            for node in removed:
                part.nodes.pop(node, None)

    def partition_and_fuse(self, prefix='fused_'):
        """Propose partitions and fuse each into a submodule; returns the graph module."""
        return self.fuse_partitions(self.propose_partitions(), prefix=prefix)
