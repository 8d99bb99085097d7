"""ember.export.unflatten against PyTorch 2.13's torch.export.unflatten: the module hierarchy, each
submodule's graph, where the state lands and what the result computes, for the models of
tests/fixtures/export/models.py (recorded by record_unflatten.py)."""
import json
import pathlib

import numpy as np
import pytest

import ember
import ember.nn as nn
from ember.export.unflatten import InterpreterModule
from tests.fixtures.export import models
from tests.fixtures.export.record_unflatten import describe, preserved, resnet18, unflattened, unflattened_archive

_RECORDED = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'export' /
                        'unflatten_cases.json').read_text())


@pytest.mark.parametrize('case', sorted(k for k in _RECORDED if k not in ('resnet18', 'preserved_twice')))
def test_unflattened_module_is_pytorchs(case):
    # an archive PyTorch wrote (with a size read outside any module, aten.sym_size), or a model
    if case == 'preserved':
        _, u, _, args = preserved(ember)
    elif case == 'preserved_decomposed':
        ep, _, _, args = preserved(ember)
        ep = ep.run_decompositions()
        assert repr(ep.module_call_graph[1]) == _RECORDED[case]['signature']
        u = ember.export.unflatten(ep)
    elif case.startswith('archive:'):
        u, args = unflattened_archive(ember, case.split(':', 1)[1])
    else:
        name, decompose = case.removesuffix('_decomposed'), case.endswith('_decomposed')
        u, args = unflattened(ember, name, decompose)
    got, want = describe(ember, u, args), _RECORDED[case]
    assert got['repr'] == want['repr']
    assert got['graphs'] == {fqn: g.replace('torch.', 'ember.') for fqn, g in want['graphs'].items()}
    assert got['parameters'] == want['parameters']
    assert got['buffers'] == want['buffers']
    assert got['type_name'] == want['type_name'].replace('torch.', 'ember.')
    assert len(got['outputs']) == len(want['outputs'])
    for g, w in zip(got['outputs'], want['outputs']):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    for k, w in want['state'].items():     # a training batch norm's statistics moved as in PyTorch
        np.testing.assert_allclose(got['state'][k], w, rtol=1e-5, atol=1e-6)


def test_submodules_run_alone_and_keep_their_state():
    ember.manual_seed(0)
    mod, (x,) = models.nested(ember)
    u = ember.export.unflatten(ember.export.export(mod, (x,)))
    assert isinstance(u.inner, InterpreterModule)
    assert u.inner.type_name().endswith('Inner') and getattr(u.seq, '0').type_name() == 'ember.nn.modules.linear.Linear'
    np.testing.assert_allclose(u.inner(x).detach().numpy(), mod.inner(x).detach().numpy(), rtol=1e-6)
    # the state is the unflattened module's own copy: changing it changes what it computes
    with ember.no_grad():
        u.inner.lin.bias.add_(1.0)
    np.testing.assert_allclose(u.inner(x).detach().numpy(), (mod.inner.lin(x).detach() + 1).relu().numpy()
                               + mod.inner.shift.numpy(), rtol=1e-6)
    assert mod.inner.lin.bias is not u.inner.lin.bias
    # keyword arguments reach the placeholders by name
    np.testing.assert_allclose(u.inner(x=x).detach().numpy(), u.inner(x).detach().numpy())


def test_inputs_are_checked_as_the_exported_module_checks_them():
    ember.manual_seed(0)
    mod, args = models.dynamic(ember)
    u = ember.export.unflatten(ember.export.export(mod, args, dynamic_shapes=models.dynamic_shapes(ember, 'dynamic')))
    assert u(ember.randn(7, 4)).shape == (7, 2)          # the batch is dynamic
    with pytest.raises(AssertionError, match=r'Guard failed: x.size\(\)\[1\] == 4'):
        u(ember.randn(7, 5))
    u.check_input_constraints = False
    with pytest.raises(RuntimeError):
        u(ember.randn(7, 5))


def test_print_readable_shows_the_root_forward():
    ember.manual_seed(0)
    mod, args = models.nested(ember)
    text = ember.export.unflatten(ember.export.export(mod, args)).print_readable(print_output=False)
    assert text.startswith('class UnflattenedModule(ember.nn.Module):\n    def forward(self, x: "f32[2, 4]"):')
    assert 'inner: "f32[2, 3]" = self.inner(x)' in text


def test_a_loaded_pytorch_archive_unflattens():
    # the module hierarchy travels in the archive (each node's nn_module_stack, the module call graph)
    folder = pathlib.Path(__file__).parents[1] / 'fixtures' / 'export' / 'pt2'
    u = ember.export.unflatten(ember.export.load(folder / 'mlp.pt2'))
    assert [n for n, _ in u.named_children()] == ['fc1', 'fc2']
    assert str(u.graph).count('call_module') == 2
    ember.manual_seed(0)
    mod, args = models.mlp(ember)
    outputs = json.loads((folder / 'outputs.json').read_text())
    np.testing.assert_allclose(u(*args).detach().numpy(), outputs['mlp']['outputs'][0], rtol=1e-5)


def test_needs_a_module_call_graph():
    ep = ember.export.export(nn.Linear(2, 2), (ember.ones(1, 2),))
    ep._module_call_graph = []
    with pytest.raises(ValueError, match='module call graph'):
        ember.export.unflatten(ep)


@pytest.mark.parametrize('case, decompose', [('mlp', False), ('cnn', True), ('cnn_train', False), ('head', False)])
def test_pytorch_unflattens_archives_ember_wrote(case, decompose):
    # PyTorch rebuilt the same hierarchy from ember's archive (recorded by record_ember_pt2.py) as
    # ember does from the program, and both compute the same
    from tests.fixtures.export.record_ember_pt2 import archive_name, ember_program
    recorded = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'export' / 'pt2_ember' /
                           'torch_loaded.json').read_text())[archive_name(case, decompose)]
    ep = ember_program(case, decompose)
    u = ember.export.unflatten(ep)
    assert repr(u) == recorded['unflattened']
    args, kwargs = ep.example_inputs
    out = u(*args, **kwargs)
    for got, theirs in zip(out if isinstance(out, tuple) else (out,), recorded['unflattened_outputs']):
        np.testing.assert_allclose(got.detach().numpy(), theirs, rtol=1e-5, atol=1e-6)


def test_a_preserved_call_signature_keeps_the_submodule_swappable(tmp_path):
    recorded = _RECORDED['preserved']
    ep, u, mod, args = preserved(ember)
    assert repr(ep.module_call_graph[1]) == recorded['signature']
    u.sub = mod.sub
    np.testing.assert_allclose(u(*args).detach().numpy(), recorded['swapped'], rtol=1e-5, atol=1e-6)
    # PyTorch's archive of the same program keeps the signature, and so does ember's
    theirs = ember.export.load(pathlib.Path(__file__).parents[1] / 'fixtures' / 'export' / 'pt2' / 'preserved.pt2')
    assert repr(theirs.module_call_graph[1]) == recorded['signature']
    ember.export.save(ep, tmp_path / 'ours.pt2')
    again = ember.export.unflatten(ember.export.load(tmp_path / 'ours.pt2'))
    assert str(again.sub.graph) == recorded['graphs']['sub'].replace('torch.', 'ember.')
    try:
        import torch
    except ImportError:
        return
    loaded = torch.export.unflatten(torch.export.load(tmp_path / 'ours.pt2'))
    np.testing.assert_allclose(loaded(torch.tensor(args[0].tolist())).detach().numpy(), recorded['outputs'][0],
                               rtol=1e-5, atol=1e-6)


def test_resnet18_unflattens_into_its_hierarchy():
    model, x, ep = resnet18(ember)
    u = ember.export.unflatten(ep)
    assert repr(u) == _RECORDED['resnet18']['repr']
    assert sorted(dict(u.named_parameters())) == sorted(dict(model.named_parameters()))
    np.testing.assert_allclose(u(x).detach().numpy(), model(x).detach().numpy(), rtol=1e-4, atol=1e-5)
    # a block runs alone, as the original block does
    block = getattr(u.layer2, '0')
    inner = model.maxpool(model.relu(model.bn1(model.conv1(x))))
    inner = model.layer1(inner)
    np.testing.assert_allclose(block(inner).detach().numpy(), model.layer2[0](inner).detach().numpy(),
                               rtol=1e-4, atol=1e-5)


def test_a_preserved_module_called_twice_dispatches_its_calls():
    recorded = _RECORDED['preserved_twice']
    ep, u, mod, args = preserved(ember, 'preserved_twice', ('lin',))
    got = describe(ember, u, args)
    assert got['repr'] == recorded['repr'] and got['parameters'] == recorded['parameters']
    assert got['graphs'] == {k: g.replace('torch.', 'ember.') for k, g in recorded['graphs'].items()}
    np.testing.assert_allclose(got['outputs'][0], recorded['outputs'][0], rtol=1e-5, atol=1e-6)
    assert [type(m).__name__ for m in u.lin.call_modules()] == recorded['dispatcher']
    u.lin = mod.lin
    np.testing.assert_allclose(u(*args).detach().numpy(), recorded['swapped'], rtol=1e-5, atol=1e-6)
