"""``SubgraphMatcher``: every place a pattern graph occurs in a larger graph, matched by structure
(ops, targets and how values flow), not by names; the pattern's placeholders stand for any value
unless ``match_placeholder``."""
import copy
from dataclasses import dataclass, field

from ember.fx.node import Node

__all__ = ['SubgraphMatcher', 'InternalMatch']


@dataclass
class InternalMatch:
    """One occurrence: the pattern nodes it was found from (``anchors``), the pattern's nodes mapped
    to the graph's (``nodes_map``), and the graph nodes standing for the pattern's inputs
    (``placeholder_nodes``) and outputs (``returning_nodes``)."""
    anchors: list
    nodes_map: dict = field(default_factory=dict)
    placeholder_nodes: list = field(default_factory=list)
    returning_nodes: list = field(default_factory=list)
    name_node_map: dict = field(default_factory=dict)

    def __copy__(self):
        return InternalMatch(anchors=self.anchors, nodes_map=self.nodes_map.copy(),
                             placeholder_nodes=self.placeholder_nodes.copy(),
                             returning_nodes=self.returning_nodes.copy())


class SubgraphMatcher:
    """Finds ``pattern`` in graphs.

    Args:
        pattern (Graph): the subgraph to look for.
        match_output (bool): the pattern's output node must match the graph's (the pattern ends where
            the graph does).
        match_placeholder (bool): the pattern's placeholders must match the graph's placeholders
            (else they stand for any node).
        remove_overlapping_matches (bool): keep only the first of matches sharing a node.
        ignore_literals (bool): constants in arguments need not be equal.

    Example::

        >>> from ember.fx.passes.utils.matcher_utils import SubgraphMatcher
        >>> pattern = ember.fx.symbolic_trace(lambda a: ember.relu(a) * 2).graph
        >>> graph = ember.fx.symbolic_trace(lambda x: ember.relu(x + 1) * 2 - ember.relu(x) * 2).graph
        >>> [[n.name for n in m.returning_nodes] for m in SubgraphMatcher(pattern).match(graph)]
        [['mul'], ['mul_1']]
    """

    def __init__(self, pattern, match_output=False, match_placeholder=False, remove_overlapping_matches=True,
                 ignore_literals=False):
        self.pattern = pattern
        self.match_output, self.match_placeholder = match_output, match_placeholder
        self.remove_overlapping_matches, self.ignore_literals = remove_overlapping_matches, ignore_literals
        if len(pattern.nodes) == 0:
            raise ValueError('SubgraphMatcher cannot be initialized with an empty pattern')
        for node in pattern.nodes:
            if node.op != 'output' and not node.users:
                raise AssertionError('SubgraphMatcher cannot be initialized with an pattern with dead code')
        self.pattern_placeholder_nodes = [n for n in pattern.nodes if n.op == 'placeholder']
        output = next(n for n in reversed(list(pattern.nodes)) if n.op == 'output')
        self.pattern_returning_nodes = list(output.all_input_nodes)
        if match_output:
            self.pattern_anchors = [output]
        else:
            # the returned values used by nothing but the output (the others are reached from these)
            self.pattern_anchors = [n for n in output.all_input_nodes if len(n.users) == 1]

    def _match_attributes(self, pn, gn):
        import ember
        p_value = _attribute(pn.graph.owning_module, pn.target)
        g_value = _attribute(gn.graph.owning_module, gn.target)
        if type(p_value) is not type(g_value):
            return False
        if isinstance(p_value, ember.Tensor):
            return isinstance(g_value, ember.Tensor)
        raise RuntimeError(f'Unsupported type {p_value} when matching attributes')

    def _nodes_are_equal(self, pn, gn):
        if not self.match_placeholder and pn.op == 'placeholder':
            return True       # a wildcard
        if pn.op != gn.op:
            return False
        if pn.op in ('placeholder', 'output'):
            return True
        if pn.op == 'get_attr':
            return self._match_attributes(pn, gn)
        return pn.target == gn.target

    def _is_contained(self, nodes_map):
        """Whether no node inside the match (other than what the pattern returns) is used outside it."""
        inside = {gn: pn for pn, gn in nodes_map.items() if pn.op != 'placeholder'}
        for gn, pn in inside.items():
            if pn in self.pattern_returning_nodes:
                continue
            if any(user not in inside for user in gn.users):
                return False
        return True

    def _remove_overlapping(self, matches):
        kept, taken = [], set()
        for match in matches:
            compute = {gn for pn, gn in match.nodes_map.items() if pn.op not in ('placeholder', 'output')}
            if compute & taken:
                continue
            kept.append(match)
            taken |= compute
        return kept

    def _match_literals(self, pn, gn, match):
        if isinstance(pn, Node) and isinstance(gn, Node):
            raise AssertionError('pn and gn cannot both be Node')
        if isinstance(pn, Node) and not isinstance(gn, Node):
            if pn.op == 'placeholder' and not self.match_placeholder:
                # a wildcard input stands for a constant too (``x + 2`` matches ``a + b``)
                if pn in match.nodes_map:
                    return match.nodes_map[pn] == gn
                match.nodes_map[pn] = gn
                return True
            return False
        if isinstance(gn, Node):
            return False
        return type(gn) is type(pn) and gn == pn

    def _match_args(self, pargs, gargs, match):
        if len(pargs) != len(gargs):
            return False
        for pa, ga in zip(pargs, gargs):
            if isinstance(pa, Node) and isinstance(ga, Node):
                found = self._match_nodes(pa, ga, match)
            elif isinstance(pa, (list, tuple)) and isinstance(ga, (list, tuple)):
                found = self._match_args(pa, ga, match)
            else:
                found = self._match_literals(pa, ga, match) or self.ignore_literals
            if not found:
                return False
        return True

    def _match_nodes(self, pn, gn, match):
        if pn in match.nodes_map:
            return match.nodes_map[pn] is gn
        if gn in match.nodes_map.values():       # one graph node stands for one pattern node
            return False
        if not self._nodes_are_equal(pn, gn):
            return False
        saved = copy.copy(match)
        match.nodes_map[pn] = gn
        if pn.op == 'placeholder' and not self.match_placeholder:
            return True
        found = True
        if pn.op != 'output' and pn.kwargs.keys() != gn.kwargs.keys():
            found = False
        else:
            pargs = list(pn.args) + [pn.kwargs[k] for k in pn.kwargs]
            gargs = list(gn.args) + [gn.kwargs[k] for k in pn.kwargs]
            found = self._match_args(pargs, gargs, match)
        if not found:
            match.nodes_map = saved.nodes_map
        return found

    def match(self, graph):
        """The occurrences of the pattern in ``graph``, as a list of :class:`InternalMatch`."""
        candidates = [(anchor, [n for n in graph.nodes if self._nodes_are_equal(anchor, n)])
                      for anchor in self.pattern_anchors]
        candidates = [(a, c) for a, c in candidates if c]
        matches = []

        def search(i, match):
            if i == len(candidates):
                match.placeholder_nodes = [match.nodes_map[p] for p in self.pattern_placeholder_nodes
                                           if p in match.nodes_map]
                match.returning_nodes = [match.nodes_map[p] for p in self.pattern_returning_nodes]
                matches.append(match)
                return
            anchor, nodes = candidates[i]
            for node in nodes:
                attempt = copy.copy(match)
                if self._match_nodes(anchor, node, attempt):
                    search(i + 1, attempt)

        if candidates and len(candidates) == len(self.pattern_anchors):
            search(0, InternalMatch(anchors=self.pattern_anchors))
        matches = [m for m in matches if self._is_contained(m.nodes_map)]
        if self.remove_overlapping_matches:
            matches = self._remove_overlapping(matches)
        return matches


def _attribute(module, target):
    for name in target.split('.'):
        module = getattr(module, name)
    return module
