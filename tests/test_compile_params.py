"""Every setting of ember.compile does what PyTorch's does, or is refused (tests/fixtures/compile/compile_params.json,
recorded with PyTorch by scripts/record_compile_params_oracle.py)."""
import json
import logging
import os
import sys

import pytest

import ember
import ember._dynamo as dynamo
from ember._dynamo.exc import FailOnRecompileLimitHit, Unsupported
from tests.fixtures.compile.sharing_steps import sharing_steps

with open(os.path.join(os.path.dirname(__file__), 'fixtures', 'compile', 'compile_params.json')) as fh:
    ORACLE = json.load(fh)


@pytest.fixture(autouse=True)
def fresh_caches():
    dynamo.reset()
    yield
    dynamo.reset()


def f(x):
    return x.sin() + 1


def test_compiles_of_one_function_share_graphs_unless_isolated():
    steps, calls = sharing_steps(ember)
    assert steps == ORACLE['sharing']
    assert calls == ['be', 'be2', 'be', 'be']


def test_shared_graphs_share_the_recompile_limit_and_isolation_does_not():
    calls = []

    def be(gm, example_inputs):
        calls.append(len(example_inputs))
        return gm.forward
    ember.compile(f, backend=be, dynamic=False, recompile_limit=2)(ember.ones(2))
    shared = ember.compile(f, backend=be, dynamic=False, recompile_limit=2)
    shared(ember.ones(3))
    shared(ember.ones(4))                        # a third graph for the function: past the limit, eager
    assert len(calls) == 2
    isolated = ember.compile(f, backend=be, dynamic=False, recompile_limit=2, isolate_recompiles=True)
    assert ember.allclose(isolated(ember.ones(4)), f(ember.ones(4)))
    assert len(calls) == 3


def test_closures_of_one_code_do_not_reuse_each_others_constants():
    def make(k):
        def g(x):
            return x * k
        return g
    assert [ember.compile(make(k))(ember.ones(1)).item() for k in (2, 3, 4)] == [2.0, 3.0, 4.0]


@pytest.mark.parametrize('label', ['mode=max-autotune', 'mode=default', 'mode=bogus', 'options'])
def test_a_custom_backend_receives_mode_and_options(label):
    got = []

    def be(gm, example_inputs, **kwargs):
        got.append(kwargs)
        return gm.forward
    setting = {'options': {'a': 1}} if label == 'options' else {'mode': label.split('=')[1]}
    assert ember.compile(f, backend=be, **setting)(ember.zeros(2)).tolist() == [1.0, 1.0]
    assert got == ORACLE['backend_kwargs'][label]


@pytest.mark.parametrize('backend', ['eager', 'aot_eager'])
def test_built_in_backends_log_that_they_ignore_mode(backend, caplog):
    with caplog.at_level(logging.WARNING, logger='ember._dynamo'):
        ember.compile(f, backend=backend, mode='max-autotune')(ember.ones(2))
    assert [r.getMessage() for r in caplog.records if 'ignoring extra kwargs' in r.getMessage()] == \
        ORACLE['built_in_warnings'][backend]


def test_fullgraph_past_the_recompile_limit_raises():
    h = ember.compile(f, backend='eager', fullgraph=True, recompile_limit=1)
    h(ember.ones(2))
    with pytest.raises(FailOnRecompileLimitHit) as info:
        h(ember.ones(2, dtype=ember.float64))
    assert [type(info.value).__name__, str(info.value)] == ORACLE['fullgraph_past_limit']
    assert not isinstance(info.value, RuntimeError)


def test_shapes_spec_is_refused():
    kind, text = ORACLE['shapes_spec_with_dynamic']
    with pytest.raises(ValueError) as info:
        ember.compile(f, dynamic=True, shapes_spec={})
    assert [type(info.value).__name__, str(info.value)] == [kind, text]
    with pytest.raises(NotImplementedError, match='shapes_spec'):
        ember.compile(f, shapes_spec={})
    assert ember.compile(f, shapes_spec={}, disable=True) is f


def test_name_reaches_no_backend_and_is_refused_where_inductor_would_use_it():
    got = []

    def be(gm, example_inputs, **kwargs):
        got.append(kwargs)
        return gm.forward
    ember.compile(f, backend=be, name='region')(ember.ones(2))
    assert got == [{}]                     # PyTorch hands a custom backend no name either
    assert ember.compile(f, name='region')(ember.zeros(1)).item() == 1.0
    with pytest.raises(NotImplementedError, match="name='region'"):
        ember.compile(f, name='region', options={'wrap_inductor_compiled_regions': True})


def test_options_that_pytorch_reads_itself_are_refused_and_left_in_place():
    options = {'guard_filter_fn': lambda entries: [True] * len(entries)}
    with pytest.raises(NotImplementedError, match='guard_filter_fn'):
        ember.compile(f, options=options)
    assert list(options) == ['guard_filter_fn']
    with pytest.raises(NotImplementedError, match='use_aoti'):
        ember.compile(f, options={'use_aoti': True})


@pytest.mark.parametrize('label', ['backend', 'mode', 'mode_and_options'])
def test_the_decorator_form_checks_when_it_gets_the_model(label):
    setting = {'backend': {'backend': 'nope'}, 'mode': {'mode': 'bogus'},
               'mode_and_options': {'mode': 'default', 'options': {}}}[label]
    deco = ember.compile(**setting)
    with pytest.raises(RuntimeError) as info:
        deco(f)
    kind, text = ORACLE['decorator_defers'][label]
    assert [type(info.value).__name__, str(info.value)] == [kind, text.replace('torch.', 'ember.')]


def test_torchdynamo_disable_environment_variable(monkeypatch):
    monkeypatch.setenv('TORCHDYNAMO_DISABLE', '1')
    assert ember.compile(f) is f


def test_optimize_honours_its_settings_or_refuses_them():
    calls = []

    def be(gm, example_inputs):
        calls.append(gm)
        return gm.forward

    def branchy(x):
        if x.sum() > 0:
            return x + 1
        return x - 1
    with pytest.raises(Unsupported):
        dynamo.optimize(be, error_on_graph_break=True)(branchy)(ember.ones(2))
    assert dynamo.optimize(be, error_on_graph_break=False)(branchy)(ember.ones(2)).tolist() == [2.0, 2.0]
    g = dynamo.optimize(be, dynamic=False, recompile_limit=1)(f)
    g(ember.ones(2))
    g(ember.ones(3))
    assert len(calls) == 1
    for hook in ('guard_export_fn', 'guard_fail_fn', 'guard_filter_fn', 'package'):
        with pytest.raises(NotImplementedError, match=hook):
            dynamo.optimize(be, **{hook: lambda *a: None})
    with pytest.raises(NotImplementedError, match='shapes_spec'):
        dynamo.optimize(be, shapes_spec={})(f)


def test_set_stance_as_pytorch():
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), 'fixtures', 'compile'))
    from stance_program import run
    with open(os.path.join(os.path.dirname(__file__), 'fixtures', 'compile', 'stance.json')) as fh:
        assert run(ember) == json.load(fh)
    assert ember.compiler._STANCE['stance'] == 'default'


def test_is_compiling_while_captured_and_eager_on_recompile_keeps_the_cache():
    # PyTorch's outputs in the set_stance recipe: the captured code sees is_compiling() True, eager runs
    # False; under eager_on_recompile a new size runs eagerly and the size compiled before still uses its graph
    ember.compiler.reset()

    @ember.compile
    def model(x):
        return x + 1 if ember.compiler.is_compiling() else x - 1

    assert not ember.compiler.is_compiling()
    assert model(ember.zeros(3)).tolist() == [1.] * 3
    with ember.compiler.set_stance('force_eager'):
        assert model(ember.zeros(3)).tolist() == [-1.] * 3
    with ember.compiler.set_stance('eager_on_recompile'):
        assert model(ember.zeros(3)).tolist() == [1.] * 3
        assert model(ember.zeros(4)).tolist() == [-1.] * 4
        assert model(ember.zeros(3)).tolist() == [1.] * 3


@ember.library.custom_op("tut4_compile::numpy_sin_out", mutates_args={"out"}, device_types="cpu")
def numpy_sin_out(x: ember.Tensor, out: ember.Tensor) -> None:
    import numpy as np
    np.sin(x.detach().numpy(), out=out.numpy())


def _sin_through_the_operator(x):
    out = ember.empty_like(x)
    numpy_sin_out(x, out)     # (a global, as a user's module-level operator is)
    return out


def test_a_custom_operator_is_one_node_of_the_captured_graph():
    # as PyTorch's compiler: the operator's body (NumPy writing into the buffer) is not traced; the graph
    # calls the operator, and its generated code names it although it is no attribute of ember.library
    graphs = []

    def backend(gm, inputs):
        graphs.append(gm)
        return gm.forward
    compiled = ember.compile(_sin_through_the_operator, backend=backend, fullgraph=True)
    x = ember.randn(5)
    ember.testing.assert_close(compiled(x), x.sin())
    ember.testing.assert_close(compiled(x + 1), (x + 1).sin())
    assert len(graphs) == 1
    assert [n.target for n in graphs[0].graph.nodes if n.op == 'call_function'][-1] is numpy_sin_out
