"""make_dot draws what torchviz draws: the same boxes, labels, colours and edges for the same graph
(recorded from the real torchviz under PyTorch in tests/fixtures/viz/torchviz.json), and the real
torchviz runs on ember."""
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

import ember

graphviz = pytest.importorskip('graphviz')
from ember.utils.viz import make_dot  # noqa: E402
from tests.fixtures.viz.graphs import GRAPHS, canonical  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
with open(os.path.join(ROOT, 'tests', 'fixtures', 'viz', 'torchviz.json')) as f:
    RECORDED = json.load(f)['graphs']


@pytest.mark.parametrize('name', sorted(GRAPHS))
def test_make_dot_draws_what_torchviz_draws(name):
    assert canonical(GRAPHS[name](ember, make_dot)) == RECORDED[name]


def test_the_drawing_names_leaves_saved_tensors_and_operations():
    lines = RECORDED['mlp']
    text = '\n'.join(lines)
    for label in ('AddmmBackward0', 'TBackward0', 'TanhBackward0', 'AccumulateGrad', 'SumBackward0',
                  '0.weight\n (4, 3)', 'mat1\n (2, 4)', 'result\n (2, 4)'):
        assert label in text
    ours = '\n'.join(canonical(GRAPHS['mlp'](ember, make_dot)))
    assert 'fillcolor=orange' in ours and 'fillcolor=lightblue' in ours and 'fillcolor=darkolivegreen1' in ours


def test_show_attrs_lists_saved_values_under_the_operation():
    a = ember.ones(2, requires_grad=True)
    y = (a * a.exp()).sum()
    label = next(line for line in make_dot(y, show_attrs=True).body if 'MulBackward0' in line)
    assert 'other: [saved tensor]' in label and 'self : [saved tensor]' in label


def test_builtin_nodes_expose_saved_tensors_by_pytorchs_names_only():
    x = ember.ones(2, 3, requires_grad=True)
    w = ember.ones(4, 3, requires_grad=True)
    y = ember.nn.functional.linear(x, w).tanh()
    assert sorted(n for n in dir(y.grad_fn) if n.startswith('_saved_')) == ['_saved_result']
    assert ember.equal(y.grad_fn._saved_result, y)
    mm = y.grad_fn.next_functions[0][0]
    assert type(mm).__name__ == 'MmBackward0' and ember.equal(mm._saved_self, x)
    assert not hasattr(y.grad_fn, 'saved_tensors')     # as PyTorch's built-in nodes
    y.sum().backward()                                  # backward itself still reads them
    with pytest.raises(AttributeError):
        y.grad_fn._saved_other


@pytest.mark.skipif(shutil.which('dot') is None, reason="Graphviz 'dot' program not installed")
def test_renders_svg(tmp_path):
    w = ember.ones(2, requires_grad=True)
    path = make_dot((w * 2).sum(), {'w': w}).render(str(tmp_path / 'graph'), format='svg')
    assert open(path).read().lstrip().startswith('<?xml')


def test_the_real_torchviz_runs_under_ember_run(tmp_path):
    # (found, not imported: torchviz imports torch, which an ember user need not have; ember run supplies it)
    if importlib.util.find_spec('torchviz') is None:
        pytest.skip('torchviz is not installed')
    script = tmp_path / 'draw.py'
    script.write_text(textwrap.dedent('''
        import json, sys
        import torch
        from torchviz import make_dot
        from tests.fixtures.viz.graphs import GRAPHS, canonical
        assert torch.Tensor.__module__.startswith('ember')   # (the module itself answers to 'torch')
        print(json.dumps({name: canonical(build(torch, make_dot)) for name, build in GRAPHS.items()}))
    '''))
    proc = subprocess.run([sys.executable, '-m', 'ember', 'run', str(script)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120, env={**os.environ, 'PYTHONPATH': ROOT})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == RECORDED
