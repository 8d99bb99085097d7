"""``replace_pattern``: find every non-overlapping occurrence of a pattern graph in a ``GraphModule``
and replace it with another graph, matching by use-def structure (not node names)."""
import copy
from dataclasses import dataclass
from typing import NamedTuple

from ember.fx.graph_module import GraphModule
from ember.fx.node import Node, map_arg

__all__ = ['Match', 'ReplacedPatterns', 'replace_pattern', 'replace_pattern_with_filters']


class Match(NamedTuple):
    """One occurrence of the pattern: the node its output matched (``anchor``) and the pattern's
    nodes mapped to the graph's (``nodes_map``)."""
    anchor: Node
    nodes_map: dict


@dataclass
class ReplacedPatterns:
    """An occurrence that was replaced, with the nodes added in its place (``replacements``)."""
    anchor: Node
    nodes_map: dict
    replacements: list


def _graph_of(obj):
    if isinstance(obj, GraphModule):
        return obj.graph
    from ember.fx._symbolic_trace import symbolic_trace
    return symbolic_trace(obj).graph


class _Matcher:
    def __init__(self, pattern):
        self.pattern = pattern
        self.placeholders = [n for n in pattern.nodes if n.op == 'placeholder']
        output = next(n for n in pattern.nodes if n.op == 'output')
        returned = output.args[0]
        self.returns = list(returned) if isinstance(returned, (tuple, list)) else [returned]
        if len(self.returns) != 1:
            raise NotImplementedError('replace_pattern: ember matches patterns that return one value')
        self.inner = [n for n in pattern.nodes if n.op not in ('placeholder', 'output')]

    def match_at(self, anchor):
        self.map = {}
        if not self._node(self.returns[0], anchor):
            return None
        if len(self.map) != len(self.inner) + sum(1 for p in self.placeholders if p in self.map):
            return None
        # the matched nodes other than the anchor may only be used inside the match
        matched = {g for p, g in self.map.items() if p.op != 'placeholder'}
        for p, g in self.map.items():
            if p.op == 'placeholder' or g is anchor:
                continue
            if any(user not in matched for user in g.users):
                return None
        return dict(self.map)

    def _node(self, p, g):
        if p in self.map:
            return self.map[p] is g
        if p.op == 'placeholder':
            if g in self.map.values():
                return False
            self.map[p] = g
            return True
        if not isinstance(g, Node) or g.op != p.op or g.target != p.target:
            return False
        if g in self.map.values():
            return False
        if len(p.args) != len(g.args) or set(p.kwargs) != set(g.kwargs):
            return False
        self.map[p] = g
        return all(self._arg(pa, ga) for pa, ga in zip(p.args, g.args)) and \
            all(self._arg(p.kwargs[k], g.kwargs[k]) for k in p.kwargs)

    def _arg(self, pa, ga):
        if isinstance(pa, Node):
            return self._node(pa, ga)
        if isinstance(pa, (list, tuple)):
            return isinstance(ga, (list, tuple)) and len(pa) == len(ga) and \
                all(self._arg(x, y) for x, y in zip(pa, ga))
        if isinstance(ga, Node):
            return False
        return type(pa) is type(ga) and pa == ga


def replace_pattern(gm, pattern, replacement):
    """Replace each non-overlapping occurrence of ``pattern`` in ``gm`` by ``replacement``.

    Args:
        gm (GraphModule): the module whose graph is rewritten (in place, then recompiled).
        pattern (callable or GraphModule): the subgraph to look for; its parameters stand for any value.
        replacement (callable or GraphModule): what to put instead, taking the same parameters.

    Returns:
        list[Match]: where the pattern was found.

    Example:
        >>> from ember.fx import subgraph_rewriter
        >>> gm = ember.fx.symbolic_trace(lambda x, y: ember.cat([x, y]).relu() + 1)
        >>> matches = subgraph_rewriter.replace_pattern(gm, lambda a, b: ember.cat([a, b]),
        ...                                             lambda a, b: ember.stack([a, b]))
        >>> len(matches), gm(ember.ones(2), ember.ones(2)).shape
        (1, ember.Size([2, 2]))
    """
    return [Match(anchor=r.anchor, nodes_map=r.nodes_map) for r in _replace(gm, pattern, replacement, None)]


def replace_pattern_with_filters(gm, pattern, replacement=None, match_filters=None, ignore_literals=False,
                                 replacement_callback=None, node_name_match=''):
    """``replace_pattern``, keeping only the matches every ``match_filters`` function accepts
    (``filter(match, original_graph, pattern_graph)``); returns ``ReplacedPatterns``."""
    if ignore_literals or replacement_callback is not None or node_name_match:
        raise NotImplementedError('replace_pattern_with_filters: ignore_literals, replacement_callback and '
                                  'node_name_match are not supported by ember')
    return _replace(gm, pattern, replacement, match_filters)


def _replace(gm, pattern, replacement, match_filters):
    graph = gm.graph
    pattern_graph = _graph_of(pattern)
    replacement_graph = _graph_of(replacement)
    matcher = _Matcher(pattern_graph)
    matches, used = [], set()
    for node in graph.nodes:
        if node.op in ('placeholder', 'output'):
            continue
        found = matcher.match_at(node)
        if found is None:
            continue
        inner = {g for p, g in found.items() if p.op != 'placeholder'}
        if inner & used:
            continue
        match = Match(anchor=matcher.returns[0], nodes_map=found)
        if match_filters and not all(f(match, graph, pattern_graph) for f in match_filters):
            continue
        used |= inner
        matches.append(match)
    replaced = []
    for match in matches:
        inputs = [match.nodes_map[p] for p in matcher.placeholders]
        env, added = {}, []
        r_placeholders = [n for n in replacement_graph.nodes if n.op == 'placeholder']
        if len(r_placeholders) != len(inputs):
            raise RuntimeError('replace_pattern: the replacement must take the same parameters as the pattern')
        env.update(zip(r_placeholders, inputs))
        result, returned = None, match.nodes_map[match.anchor]
        # the replacement goes just before the first use of the value it replaces
        order = {n: i for i, n in enumerate(graph.nodes)}
        first_user = min(returned.users, key=order.__getitem__, default=None)
        if first_user is None:
            first_user = next(n for n in graph.nodes if order[n] > order[returned])
        with graph.inserting_before(first_user):
            for rn in replacement_graph.nodes:
                if rn.op == 'placeholder':
                    continue
                if rn.op == 'output':
                    result = map_arg(rn.args[0], lambda n: env[n])
                    continue
                new = graph.node_copy(rn, lambda n: env[n])
                if rn.op == 'get_attr':
                    _copy_attr(replacement, gm, rn.target)
                env[rn] = new
                added.append(new)
        if isinstance(result, (tuple, list)):
            result = result[0]
        returned.replace_all_uses_with(result)
        for p in reversed(matcher.inner):
            g = match.nodes_map[p]
            if not g.users:
                graph.erase_node(g)
        replaced.append(ReplacedPatterns(anchor=match.anchor, nodes_map=match.nodes_map, replacements=added))
    gm.recompile()
    return replaced


def _copy_attr(source, gm, target):
    obj = source
    for part in target.split('.'):
        obj = getattr(obj, part)
    if not hasattr(gm, target.split('.')[0]):
        setattr(gm, target, copy.copy(obj))
