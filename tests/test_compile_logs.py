"""set_logs / TORCH_LOGS: the compiler's graph_code, graph_breaks and recompiles artifacts, in PyTorch's format
(checked against PyTorch 2.13's output for the same program), and set_logs' argument checks."""
import os
import re
import subprocess
import sys

import pytest

import ember
import ember._dynamo as dynamo
from ember._logging import set_logs

PREFIX = re.compile(r'^V\d{4} \d\d:\d\d:\d\d\.\d{6} \d+ \S+:\d+\] \[(\d+)/(\d+)\] \[__(\w+)\] (.*)$')


def f(x, y):
    return ember.sin(x) + y * 2


def branchy(x):
    if x.sum() > 0:
        return x + 1
    return x - 1


def logged(capsys):
    lines = capsys.readouterr().err.splitlines()
    parsed = [PREFIX.match(line) for line in lines]
    assert all(parsed), lines
    return [m.groups() for m in parsed]


@pytest.fixture
def logs():
    dynamo.reset()
    set_logs(graph_code=True, graph_breaks=True, recompiles=True)
    yield
    set_logs()


def test_graph_code_and_recompiles(logs, capsys):
    g = ember.compile(f, backend='eager')
    g(ember.ones(2), ember.ones(2))
    g(ember.ones(2), ember.ones(2))
    g(ember.ones(3), ember.ones(3))
    out = logged(capsys)
    artifacts = [a for _, _, a, _ in out]
    text = [t for _, _, a, t in out if a == 'graph_code']
    assert artifacts.count('recompiles') == 3 and text.count('TRACED GRAPH') == 2     # the repeated call logs nothing
    # PyTorch 2.13 logs these lines for the same program (with torch. for ember. and device "cpu" after shapes)
    assert text[0] == 'TRACED GRAPH' and text[1].startswith(' ===== __compiled_fn_')
    assert '    def forward(self, L_x_: "f32[2][1]", L_y_: "f32[2][1]"):' in text
    assert any(t.startswith('        # File: ') and t.endswith(' in f, code: return ember.sin(x) + y * 2') for t in text)
    assert '        sin: "f32[2][1]" = ember.sin(l_x_);  l_x_ = None' in text
    assert '        return (add,)' in text
    frames = {(fr, rc) for fr, rc, a, _ in out}
    assert len({fr for fr, _ in frames}) == 1 and {rc for _, rc in frames} == {'0', '1'}
    frame = out[0][0]       # frames are numbered through the process, as PyTorch numbers them
    recompile = [t for _, _, a, t in out if a == 'recompiles']
    assert recompile[0].startswith('Recompiling function f in ') and recompile[1:] == [
        '    triggered by the following guard failure(s):',
        f"    - {frame}/0: tensor 'x' size mismatch at index 0. expected 2, actual 3"]


def test_graph_breaks(logs, capsys):
    ember.compile(branchy, backend='eager')(ember.ones(2))
    out = [line for line in logged(capsys) if line[2] == 'graph_breaks']     # the graphs' code is logged too
    assert len(out) == 2
    assert out[0][3].startswith('Graph break in user code at ') and out[1][3] == 'Graph Break Reason: Data-dependent branching'


def test_nothing_logged_unless_asked(capsys):
    set_logs()
    ember.compile(f, backend='eager')(ember.ones(2), ember.ones(2))
    assert capsys.readouterr().err == ''


def test_set_logs_checks_its_arguments():
    with pytest.raises(ValueError, match='Unrecognized log level for log dynamo: x, valid level values are: '
                                         '50,40,30,20,10,0'):
        set_logs(dynamo='x')
    with pytest.raises(ValueError, match='Expected bool to enable artifact graph_code, received 1'):
        set_logs(graph_code=1)
    with pytest.raises(TypeError, match="set_logs\\(\\) got an unexpected keyword argument 'bogus'"):
        set_logs(bogus=True)
    set_logs(dynamo=10, output_code=True)
    import logging
    assert logging.getLogger('ember._dynamo').level == 10
    set_logs()
    assert logging.getLogger('ember._dynamo').level == logging.WARNING


def test_torch_logs_environment_variable():
    env = dict(os.environ, TORCH_LOGS='graph_breaks', PYTHONPATH=os.path.dirname(os.path.dirname(__file__)))
    code = ('import ember\n'
            'def h(x):\n    if x.sum() > 0:\n        return x\n    return -x\n'
            'ember.compile(h)(ember.ones(1))\n')
    done = subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert '[__graph_breaks] Graph Break Reason: Data-dependent branching' in done.stderr


def test_a_recompile_after_graph_breaks_names_the_frames_compile(logs, capsys):
    """The graphs of a call split by breaks are one compile of the function: a guard failure after them
    names compile 0, as PyTorch's (whose graphs after a break belong to other frames) does."""
    g = ember.compile(branchy, backend='eager')
    g(ember.ones(2))
    g(-ember.ones(2))
    g(ember.ones(2, dtype=ember.float64))
    out = logged(capsys)
    recompile = [t for _, _, a, t in out if a == 'recompiles']
    assert recompile[2].startswith(f"    - {out[0][0]}/0: tensor 'x' dtype mismatch.")
