"""Matching a backend's patterns against graph nodes: a pattern element is a module class (matches a
``call_module`` node of that class), a function (a ``call_function`` node) or a method name (``call_method``)."""
from ember import nn
from ember._torch_function import unwrapped as bare

__all__ = ['node_matches', 'match_chain']


def node_matches(node, element, modules):
    if isinstance(element, type) and issubclass(element, nn.Module):
        return node.op == 'call_module' and type(modules.get(node.target)) is element
    if isinstance(element, str):
        return node.op == 'call_method' and node.target == element
    return node.op == 'call_function' and bare(node.target) is bare(element)


def match_chain(node, pattern, modules):
    """The nodes ``node, its user, its user's user, ...`` that match the tuple ``pattern`` in order (each but
    the last used only by the next), or None."""
    chain = [node]
    if not node_matches(node, pattern[0], modules):
        return None
    for element in pattern[1:]:
        last = chain[-1]
        users = list(last.users)
        if len(users) != 1 or not node_matches(users[0], element, modules):
            return None
        nxt = users[0]
        # the value being fused must be the next op's first argument
        if not nxt.args or nxt.args[0] is not last:
            return None
        chain.append(nxt)
    return chain


def fusion_patterns(backend_config):
    """The backend's fusion pattern configs, longest first (so conv + bn + relu wins over conv + bn)."""
    configs = [c for c in backend_config.configs if c.fuser_method is not None and isinstance(c.pattern, tuple)]
    return sorted(configs, key=lambda c: -len(c.pattern))
