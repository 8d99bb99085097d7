"""ember.fx tracing: node names, ops and generated code match what PyTorch records for the same
models (tests/fixtures/fx/fx_graphs.json, recorded by record_fx.py under PyTorch)."""
import json
import operator
import os
import pathlib
import subprocess
import sys

import pytest

import ember
import ember.fx
import ember.nn as nn
import ember.nn.functional as F

_FIXTURE = pathlib.Path(__file__).parents[1] / 'fixtures' / 'fx'
RECORDED = json.loads((_FIXTURE / 'fx_graphs.json').read_text())


def _recorder_namespace():
    # the recording script's models, built from ember instead of torch
    src = (_FIXTURE / 'record_fx.py').read_text()
    src = (src.replace('import torch.fx\n', '').replace('import torch.nn as nn', 'import ember.nn as nn')
              .replace('import torch.nn.functional as F', 'import ember.nn.functional as F')
              .replace('import torch\n', 'import ember as torch\n'))
    ns = {'__name__': 'recorded_models'}
    exec(compile(src, str(_FIXTURE / 'record_fx.py'), 'exec'), ns)
    return ns


MODELS = _recorder_namespace()
CASES = {'mlp': lambda: MODELS['MLP'](), 'basic_block': lambda: MODELS['BasicBlock'](),
         'methods': lambda: MODELS['Methods'](), 'functions': lambda: MODELS['functions'],
         'functionals': lambda: MODELS['functionals'],
         'functional_call_forms': lambda: MODELS['functional_call_forms']}


def _as_ember(text):
    return text.replace('torch.', 'ember.')


@pytest.mark.parametrize('case', sorted(CASES))
def test_graph_and_code_match_pytorch(case):
    gm = ember.fx.symbolic_trace(CASES[case]())
    assert str(gm.graph) == _as_ember(RECORDED[case]['graph'])
    assert gm.code == _as_ember(RECORDED[case]['code'])
    names = [(n.name, n.op, [u.name for u in n.users]) for n in gm.graph.nodes]
    assert names == [(n['name'], n['op'], n['users']) for n in RECORDED[case]['nodes']]


def test_traced_modules_compute_what_the_original_does():
    ember.manual_seed(0)
    x, y = ember.randn(3, 3), ember.randn(3, 3)
    for case, args in (('mlp', (ember.randn(5, 4),)), ('methods', (x, y))):
        model = CASES[case]()
        gm = ember.fx.symbolic_trace(model)
        for got, want in zip(gm(*args), model(*args)):
            assert ember.equal(ember.as_tensor(got), ember.as_tensor(want))
    block = CASES['basic_block']().eval()
    img = ember.randn(1, 3, 4, 4)
    assert ember.allclose(ember.fx.symbolic_trace(block)(img), block(img))
    out = ember.fx.symbolic_trace(MODELS['functions'])(x, y.t())
    ref = MODELS['functions'](x, y.t())
    assert ember.equal(out['z'], ref['z']) and ember.equal(out['w'], ref['w'])


def test_targets_are_the_functions_the_user_called():
    def f(x):
        return ember.add(F.relu(x), operator.mul(x, 2)).sigmoid()
    gm = ember.fx.symbolic_trace(f)
    targets = [n.target for n in gm.graph.nodes if n.op == 'call_function']
    assert targets == [F.relu, operator.mul, ember.add]
    assert [n.target for n in gm.graph.nodes if n.op == 'call_method'] == ['sigmoid']


def test_leaf_modules_and_traced_through_submodules():
    class Inner(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(2, 2)

        def forward(self, x):
            return self.lin(x).relu()

    class Outer(nn.Module):
        def __init__(self):
            super().__init__()
            self.seq = nn.Sequential(Inner(), nn.ReLU())

        def forward(self, x):
            return self.seq(x)

    gm = ember.fx.symbolic_trace(Outer())
    assert [(n.op, n.target) for n in gm.graph.nodes] == [
        ('placeholder', 'x'), ('call_module', 'seq.0.lin'), ('call_method', 'relu'), ('call_module', 'seq.1'),
        ('output', 'output')]
    assert [n.name for n in gm.graph.nodes] == ['x', 'seq_0_lin', 'relu', 'seq_1', 'output']
    assert 'getattr(self.seq, "0").lin(x)' in gm.code

    class AllLeaves(ember.fx.Tracer):
        def is_leaf_module(self, m, qualname):
            return qualname != ''
    graph = AllLeaves().trace(Outer())
    assert [n.target for n in graph.nodes if n.op == 'call_module'] == ['seq']


def test_control_flow_iteration_and_len_are_refused_with_pytorch_text():
    def branch(x):
        if x.sum() > 0:
            return x
        return -x

    with pytest.raises(ember.fx.proxy.TraceError, match='symbolically traced variables cannot be used as inputs '
                                                        'to control flow'):
        ember.fx.symbolic_trace(branch)

    def loop(x):
        return [v for v in x]
    with pytest.raises(ember.fx.proxy.TraceError, match='^Proxy object cannot be iterated. This can be attempted'):
        ember.fx.symbolic_trace(loop)

    with pytest.raises(RuntimeError, match="'len' is not supported in symbolic tracing by default"):
        ember.fx.symbolic_trace(lambda x: len(x))


def test_unpacking_a_proxy_indexes_it():
    def f(x):
        a, b = x.chunk(2)
        return a - b
    gm = ember.fx.symbolic_trace(f)
    assert [n.name for n in gm.graph.nodes] == ['x', 'chunk', 'getitem', 'getitem_1', 'sub', 'output']
    x = ember.arange(4.)
    assert ember.equal(gm(x), f(x))


def test_tensor_constants_and_buffers_become_get_attr():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer('scale', ember.tensor([2.0]))
            self.offset = ember.tensor([1.0])

        def forward(self, x):
            return x * self.scale + self.offset

    m = M()
    gm = ember.fx.symbolic_trace(m)
    assert [(n.op, n.target) for n in gm.graph.nodes if n.op == 'get_attr'] == [
        ('get_attr', 'scale'), ('get_attr', '_tensor_constant0')]
    assert ember.equal(gm(ember.ones(2)), m(ember.ones(2)))
    assert 'scale' in gm.state_dict()


def test_concrete_args_fix_values_and_keep_placeholders():
    def f(x, flag):
        return x + 1 if flag else x - 1
    gm = ember.fx.symbolic_trace(f, concrete_args={'flag': True})
    assert [n.name for n in gm.graph.nodes] == ['x', 'flag_1', 'add', 'output']
    assert ember.equal(gm(ember.zeros(1), True), ember.ones(1))


def test_wrap_records_a_function_as_one_node():
    gm = ember.fx.symbolic_trace(_uses_wrapped)
    assert [(n.op, n.target) for n in gm.graph.nodes][1] == ('call_function', _wrapped_helper)
    assert ember.equal(gm(ember.ones(2)), ember.full((2,), 3.0))
    assert _wrapped_helper(2, 1) == 4      # unpatched once the trace is over


def test_generated_code_wraps_the_wrapped_functions_again():
    # PyTorch's code: the wrap() calls first, so tracing the GraphModule again keeps them as leaves
    gm = ember.fx.symbolic_trace(_uses_wrapped)
    assert gm.code.startswith('\nember.fx._symbolic_trace.wrap("tests_fx_test_symbolic_trace__wrapped_helper")'
                              '\n\ndef forward(self, x):')
    assert [n.meta.get('is_wrapped') for n in gm.graph.nodes] == [None, True, None]
    again = ember.fx.symbolic_trace(gm)
    assert [n.op for n in again.graph.nodes] == ['placeholder', 'call_function', 'output']
    assert ember.equal(again(ember.ones(2)), ember.full((2,), 3.0))
    plain = ember.fx.symbolic_trace(lambda x: x + 1)
    assert plain.code.startswith('\n\n\ndef forward(self, x):')


def _wrapped_helper(x, k):
    if isinstance(x, ember.Tensor) or isinstance(x, int):
        return x + k + 1
    raise AssertionError('traced into')


ember.fx.wrap('_wrapped_helper')


def _uses_wrapped(x):
    return _wrapped_helper(x, 1)


def halve_it(x):
    return x / 2


def test_autowrap_functions_are_recorded_as_calls():
    def f(x):
        return halve_it(x) + 1

    class Halving(ember.fx.Tracer):
        pass
    graph = Halving(autowrap_functions=(halve_it,)).trace(f)
    assert [n.target for n in graph.nodes if n.op == 'call_function'] == [halve_it, operator.add]
    assert halve_it(4) == 2
    default = ember.fx.symbolic_trace(f)
    assert [n.target for n in default.graph.nodes if n.op == 'call_function'] == [operator.truediv, operator.add]


def test_autowrap_math_functions_and_argument_checks():
    import math

    def f(x):
        return x * math.sqrt(x.size(0))
    gm = ember.fx.symbolic_trace(f)
    assert math.sqrt in [n.target for n in gm.graph.nodes]
    assert ember.equal(gm(ember.ones(4)), ember.full((4,), 2.0))
    with pytest.raises(TypeError, match='autowrap_modules must hold modules'):
        ember.fx.Tracer(autowrap_modules=(math.sqrt,))
    with pytest.raises(NotImplementedError, match='param_shapes_constant'):
        ember.fx.Tracer(param_shapes_constant=True)


def test_ops_are_bound_plain_again_after_a_trace():
    # in a fresh process: another test may have switched dispatch on for good
    code = (
        'import operator, ember, ember.fx, ember.nn.functional as F\n'
        'from ember import _torch_function\n'
        'relu, add = F.relu, ember.Tensor.__add__\n'
        'gm = ember.fx.symbolic_trace(lambda x: F.relu(x) + ember.ones(1))\n'
        'assert F.relu is relu and ember.Tensor.__add__ is add and not _torch_function._active\n'
        'assert [n.target for n in gm.graph.nodes if n.op == "call_function"] == [F.relu, operator.add]\n'
        'print("ok")\n')
    env = {**os.environ, 'PYTHONPATH': str(pathlib.Path(__file__).parents[2])}
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=env, timeout=60)
    assert out.stdout.strip() == 'ok', out.stderr


def test_aliases_keep_their_own_names_in_generated_code():
    # PyTorch's aliases are functions of their own: fx names the node and the call after the alias used
    def f(x):
        return ember.arctan(x) + ember.clip(x, 0, 1) + ember.subtract(x, 1).absolute()
    gm = ember.fx.symbolic_trace(f)
    code = gm.code
    assert 'arctan = ember.arctan(x)' in code and 'clip = ember.clip(x, 0, 1)' in code
    assert 'subtract = ember.subtract(x, 1)' in code and 'absolute = subtract.absolute()' in code
    assert ember.arctan is not ember.atan and ember.arctan.__name__ == 'arctan'
    assert ember.Tensor.arctan.__name__ == 'arctan' and ember.Tensor.arctan_.__name__ == 'arctan_'
    x = ember.tensor([0.5, 2.0])
    assert ember.equal(gm(x), ember.atan(x) + ember.clamp(x, 0, 1) + (x - 1).abs())
