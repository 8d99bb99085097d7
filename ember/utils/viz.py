"""make_dot: the autograd graph behind a tensor as a graphviz Digraph, drawn as torchviz draws it.

    dot = make_dot(loss, params=dict(model.named_parameters()))
    dot.render('graph', format='svg')     # needs the Graphviz ``dot`` program

Grey boxes are the backward operations (PyTorch's node names: ``AddmmBackward0``,
``TBackward0``, ``AccumulateGrad``...); light-blue boxes are the leaves whose ``.grad`` backward
fills (named from ``params``, with their shapes); orange boxes are tensors the operations saved
(``show_saved=True``; named as PyTorch names them: ``self``, ``other``, ``mat1``, ``result``...);
the green box is the output, and a darker green box its base when the output is a view.
``show_attrs=True`` lists each operation's saved values under its name. The real torchviz package
also runs on ember (under ``ember run`` or after ``ember.compat.install()``).
"""

_SAVED = '_saved_'


def _size(t):
    return '(' + ', '.join(str(int(s)) for s in t.shape) + ')'


def _is_tensor(value):
    from ember._tensor import Tensor
    return isinstance(value, Tensor)


def _saved_items(fn):
    """(name, value) of what ``fn`` saved, as its ``_saved_<name>`` attributes give them."""
    for attr in dir(fn):
        if attr.startswith(_SAVED):
            yield attr[len(_SAVED):], getattr(fn, attr)


def _fn_label(fn, show_attrs, max_attr_chars):
    name = type(fn).__name__
    if not show_attrs:
        return name
    attrs = {}
    for key, value in _saved_items(fn):
        if _is_tensor(value):
            attrs[key] = '[saved tensor]'
        elif isinstance(value, tuple) and any(_is_tensor(v) for v in value):
            attrs[key] = '[saved tensors]'
        else:
            attrs[key] = str(value)
    if not attrs:
        return name
    width = max(max_attr_chars, 3)
    key_width = max(len(k) for k in attrs)
    value_width = min(max(len(v) for v in attrs.values()), width)

    def cut(text):
        return text[:value_width - 3] + '...' if len(text) > value_width else text

    rows = [f'{k:<{key_width}}: {cut(v):>{value_width}}' for k, v in attrs.items()]
    rule = '-' * max(key_width + value_width + 2, len(name))
    return '\n'.join([name, rule] + rows)


def make_dot(var, params=None, show_attrs=False, show_saved=False, max_attr_chars=50):
    """A ``graphviz.Digraph`` of the graph that produced ``var`` (a tensor or a tuple of tensors),
    with torchviz's arguments: ``params`` names leaves (a dict name -> tensor, e.g.
    ``dict(model.named_parameters())``), ``show_attrs`` lists the operations' saved values,
    ``show_saved`` draws their saved tensors, ``max_attr_chars`` cuts long values."""
    try:
        from graphviz import Digraph
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise ImportError("make_dot needs the graphviz package: pip install 'ember[viz]' "
                          "(and the Graphviz 'dot' program to render)") from None
    if params is not None:
        for value in params.values():
            if not _is_tensor(value):
                raise TypeError(f"make_dot: params must map names to tensors, got {type(value).__name__}")
    names = {id(v): k for k, v in (params or {}).items()}
    dot = Digraph(node_attr=dict(style='filled', shape='box', align='left', fontsize='10', ranksep='0.1',
                                 height='0.2', fontname='monospace'),
                  graph_attr=dict(size='12,12'))
    seen = set()

    def tensor_label(t, name=None):
        return f"{name if name else names.get(id(t), '')}\n {_size(t)}"

    def add_fn(fn):
        if id(fn) in seen:
            return
        seen.add(id(fn))
        if show_saved:
            for key, value in _saved_items(fn):
                parts = [(key, value)] if not isinstance(value, tuple) else [
                    (f'{key}[{i}]', v) for i, v in enumerate(value)]
                for label, t in parts:
                    if _is_tensor(t):
                        seen.add(id(t))
                        dot.edge(str(id(fn)), str(id(t)), dir='none')
                        dot.node(str(id(t)), tensor_label(t, label), fillcolor='orange')
        variable = getattr(fn, 'variable', None)
        if variable is not None:                      # a leaf's AccumulateGrad
            seen.add(id(variable))
            dot.node(str(id(variable)), tensor_label(variable), fillcolor='lightblue')
            dot.edge(str(id(variable)), str(id(fn)))
        dot.node(str(id(fn)), _fn_label(fn, show_attrs, max_attr_chars))
        for nxt, _ in fn.next_functions:
            if nxt is not None:
                dot.edge(str(id(nxt)), str(id(fn)))
                add_fn(nxt)
        if not getattr(fn, '_guard_saved', True):     # a custom Function's ctx: its saved tensors
            for t in fn.saved_tensors:
                if _is_tensor(t):
                    seen.add(id(t))
                    dot.edge(str(id(t)), str(id(fn)), dir='none')
                    dot.node(str(id(t)), tensor_label(t), fillcolor='orange')

    def add_output(t, color='darkolivegreen1'):
        if id(t) in seen:
            return
        seen.add(id(t))
        dot.node(str(id(t)), tensor_label(t), fillcolor=color)
        if t.grad_fn is not None:
            add_fn(t.grad_fn)
            dot.edge(str(id(t.grad_fn)), str(id(t)))
        if t._is_view():
            add_output(t._base, color='darkolivegreen3')
            dot.edge(str(id(t._base)), str(id(t)), style='dotted')

    for out in (var if isinstance(var, tuple) else (var,)):
        add_output(out)
    size = max(12, len(dot.body) * 0.15)       # grow the canvas with the number of rows drawn
    dot.graph_attr.update(size=f'{size},{size}')
    return dot
