"""The graphs ember.compile hands a backend print as PyTorch's do: submodules traced through, parameters
and buffers as inputs named after where they live, nodes named after the variables that hold them
(tests/fixtures/compile/graphs.json, recorded with PyTorch by tests/fixtures/compile/record_graphs.py)."""
import json
import os
import sys

import pytest

import ember
import ember._dynamo as dynamo

_HERE = os.path.join(os.path.dirname(__file__), 'fixtures', 'compile')
sys.path.insert(0, _HERE)
from graph_models import define  # noqa: E402

with open(os.path.join(_HERE, 'graphs.json')) as fh:
    ORACLE = json.load(fh)
MODELS = define(ember)


def capture(name):
    dynamo.reset()
    build, shapes = MODELS[name]
    seen = []

    def backend(gm, example_inputs):
        seen.append((gm, example_inputs))
        return gm.forward
    model = build()
    inputs = [ember.randn(*s) for s in shapes]
    compiled = ember.compile(model, backend=backend)
    return model, compiled, inputs, seen


def test_closure_and_global_state_is_read_at_each_call():
    model, compiled, inputs, seen = capture('global')
    compiled(*inputs)
    import graph_models
    with ember.no_grad():
        graph_models.SHARED.model.weight.add_(1.0)
    graph_models.SHARED_SCALE = ember.tensor([5.0, 7.0])        # rebinding the global: read anew
    assert ember.allclose(compiled(*inputs), model(*inputs)) and len(seen) == 1


@pytest.mark.parametrize('name', sorted(ORACLE))
def test_graph_code_and_inputs_are_pytorchs(name):
    model, compiled, inputs, seen = capture(name)
    compiled(*inputs)
    assert [{'code': gm.code.replace('ember.', 'torch.'), 'shapes': [list(t.shape) for t in ex]}
            for gm, ex in seen] == ORACLE[name]


@pytest.mark.parametrize('name', ['mlp', 'cnn', 'custom', 'nested', 'closure', 'global', 'allow_in_graph'])
def test_compiled_module_computes_what_the_module_computes(name):
    model, compiled, inputs, seen = capture(name)
    for _ in range(2):
        for got, want in zip(ember.utils._pytree.tree_leaves(compiled(*inputs)),
                             ember.utils._pytree.tree_leaves(model(*inputs))):
            assert ember.allclose(got, want, atol=1e-6)
    assert len(seen) == 1


def test_state_is_read_at_each_call_and_gradients_reach_the_parameters():
    model, compiled, inputs, seen = capture('custom')
    compiled(*inputs)
    with ember.no_grad():
        model.w.mul_(3.0)
        model.b.fill_(0.5)
    out, _ = compiled(*inputs)
    want, _ = model(*inputs)
    assert ember.allclose(out, want)
    out.sum().backward()
    assert model.w.grad is not None and model.lin.weight.grad is not None


def test_training_batch_norm_updates_its_statistics_once_per_call():
    eager, _, inputs, _ = capture('cnn_training')
    model, compiled, _, seen = capture('cnn_training')
    model.load_state_dict(eager.state_dict())
    for _ in range(3):
        compiled(*inputs)
        eager(*inputs)
    assert len(seen) == 1 and model.bn.num_batches_tracked.item() == 3
    assert ember.allclose(model.bn.running_mean, eager.bn.running_mean, atol=1e-6)
    assert ember.allclose(model.bn.running_var, eager.bn.running_var, atol=1e-6)


def test_allow_in_graph_takes_lists_and_refuses_non_callables():
    assert ember.compiler.allow_in_graph([abs]) == [abs]
    with pytest.raises(AssertionError, match='^allow_in_graph expects a callable$'):
        ember.compiler.allow_in_graph(3)
