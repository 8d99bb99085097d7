"""make_dot: the autograd graph behind a tensor as a graphviz Digraph (what torchviz draws).

    dot = make_dot(loss, params=dict(model.named_parameters()))
    dot.render('graph', format='svg')     # needs the Graphviz ``dot`` program

Blue boxes are leaves (named from ``params`` when given, with their shapes), grey boxes are
the backward operations (PyTorch's node names), orange boxes are tensors an operation saved for
backward (their shapes), and the green box is the output.
"""


def _shape(t):
    return '(' + ', '.join(str(s) for s in t.shape) + ')'


def make_dot(var, params=None, show_attrs=False, show_saved=True, max_attr_chars=50):
    """A ``graphviz.Digraph`` of the graph that produced ``var`` (a tensor or a tuple of tensors)."""
    try:
        from graphviz import Digraph
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise ImportError("make_dot needs the graphviz package: pip install 'ember[viz]' "
                          "(and the Graphviz 'dot' program to render)") from None
    from ember._tensor import Tensor
    from ember.autograd.function import AccumulateGrad

    names = {id(v): k for k, v in (params or {}).items()}
    dot = Digraph(node_attr=dict(style='filled', shape='box', align='left', fontsize='10', ranksep='0.1',
                                 height='0.2', fontname='monospace'),
                  graph_attr=dict(size='12,12'))
    seen = set()

    def leaf_label(t):
        name = names.get(id(t), '')
        return f'{name}\n{_shape(t)}' if name else _shape(t)

    def add_node(fn):
        if fn is None or id(fn) in seen:
            return
        seen.add(id(fn))
        if isinstance(fn, AccumulateGrad):
            dot.node(str(id(fn)), leaf_label(fn.variable), fillcolor='lightblue')
        else:
            dot.node(str(id(fn)), fn.name(), fillcolor='lightgrey')
            if show_saved and fn.ctx is not None and fn.ctx._saved:
                for k, s in enumerate(fn.ctx._saved):
                    if s is None or not isinstance(s.tensor, Tensor):
                        continue
                    sid = f'{id(fn)}_saved{k}'
                    dot.node(sid, f'saved\n{_shape(s.tensor)}', fillcolor='orange')
                    dot.edge(sid, str(id(fn)), dir='none')
        for nxt, _ in fn.next_functions:
            if nxt is not None:
                dot.edge(str(id(nxt)), str(id(fn)))
                add_node(nxt)

    outputs = var if isinstance(var, (tuple, list)) else (var,)
    for out in outputs:
        dot.node(str(id(out)), _shape(out), fillcolor='darkolivegreen1')
        fn = out.grad_fn if out.grad_fn is not None else (out._grad_accumulator() if out.requires_grad else None)
        if fn is not None:
            add_node(fn)
            dot.edge(str(id(fn)), str(id(out)))
    return dot
