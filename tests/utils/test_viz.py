"""make_dot draws seed 003's graph y = (w + x) * (w + 1) with the expected nodes and edges."""
import shutil

import pytest

import ember

graphviz = pytest.importorskip('graphviz')
from ember.utils.viz import make_dot  # noqa: E402


def _seed003_graph():
    w = ember.tensor([1.], requires_grad=True)
    x = ember.tensor([2.], requires_grad=True)
    a = ember.add(w, x)
    b = ember.add(w, 1)
    y = ember.mul(a, b)
    return y, {'w': w, 'x': x}


def _nodes_and_edges(dot):
    labels, edges = {}, []
    for line in dot.body:
        line = line.strip()
        if '->' in line:
            src, dst = line.split(' [')[0].split(' -> ')
            edges.append((src.strip(), dst.strip()))
        elif 'label=' in line:
            ident = line.split(' [')[0].strip()
            labels[ident] = line.split('label=')[1].split(' fillcolor')[0].strip('"')
    return labels, edges


def test_seed003_graph_nodes_and_edges():
    y, params = _seed003_graph()
    dot = make_dot(y, params=params)
    labels, edges = _nodes_and_edges(dot)
    named = {v: k for k, v in labels.items()}
    ops = sorted(v for v in labels.values() if 'Backward' in v)
    assert ops == ['AddBackward0', 'AddBackward0', 'MulBackward0']
    assert 'w\n(1)' in named.values() or any(v.startswith('w') for v in labels.values())
    leaf_w = next(k for k, v in labels.items() if v.startswith('w'))
    leaf_x = next(k for k, v in labels.items() if v.startswith('x'))
    mul = next(k for k, v in labels.items() if v == 'MulBackward0')
    adds = [k for k, v in labels.items() if v == 'AddBackward0']
    # w feeds both additions, x only the first; both additions feed the multiplication
    assert sum((leaf_w, a) in edges for a in adds) == 2
    assert sum((leaf_x, a) in edges for a in adds) == 1
    assert all((a, mul) in edges for a in adds)
    # MulBackward0 saved both of its inputs: two saved-tensor boxes attached to it
    saved = [k for k, v in labels.items() if v.startswith('saved')]
    assert len(saved) == 2 and all((s, mul) in edges for s in saved)
    assert (mul, str(id(y))) in edges


@pytest.mark.skipif(shutil.which('dot') is None, reason="Graphviz 'dot' program not installed")
def test_renders_svg(tmp_path):
    y, params = _seed003_graph()
    path = make_dot(y, params).render(str(tmp_path / 'graph'), format='svg')
    assert open(path).read().lstrip().startswith('<?xml')
