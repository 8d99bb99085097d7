"""Programs with dynamic dimensions in PyTorch's .pt2 archives, both ways: archives PyTorch saved
(tests/fixtures/export/pt2) load into ember and run on other sizes as PyTorch runs them; archives
ember saves (pt2_ember) are the ones PyTorch loaded and ran (record_dynamic_pt2.py), with the same
symbolic sizes, strides and ranges PyTorch itself writes for the program."""
import json
import pathlib

import numpy as np
import pytest

import ember
from tests.export.test_export import _normal
from tests.fixtures.export import models
from tests.fixtures.export.record_dynamic_pt2 import EMBER_CASES, TORCH_CASES, program

_FIXTURES = pathlib.Path(__file__).parents[1] / 'fixtures' / 'export'
_TORCH_WROTE = json.loads((_FIXTURES / 'pt2' / 'dynamic_outputs.json').read_text())
_TORCH_LOADED = json.loads((_FIXTURES / 'pt2_ember' / 'torch_loaded_dynamic.json').read_text())


def _flat(out):
    return out if isinstance(out, tuple) else (out,)


def _model_json(path):
    import zipfile
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read(next(n for n in z.namelist() if n.endswith('models/model.json'))))


@pytest.mark.parametrize('case', TORCH_CASES)
def test_loads_dynamic_programs_pytorch_saved(case, tmp_path):
    recorded = _TORCH_WROTE[case]
    ep = ember.export.load(_FIXTURES / 'pt2' / f'{case}.pt2')
    assert _normal(str(ep)) == _normal(recorded['printed'])
    good, bad = models.other_sizes(ember, case)
    for got, want in zip(_flat(ep.module()(*good)), recorded['outputs']):
        np.testing.assert_allclose(got.detach().numpy(), want, rtol=1e-5, atol=1e-6)
    with pytest.raises(AssertionError, match='Guard failed'):
        ep.module()(*bad)
    assert recorded['out_of_range'] == 'AssertionError'
    # and written back, it is PyTorch's archive again (same graph, sizes, strides and ranges)
    ember.export.save(ep, tmp_path / 'again.pt2')
    theirs, ours = _model_json(_FIXTURES / 'pt2' / f'{case}.pt2'), _model_json(tmp_path / 'again.pt2')
    assert ours['range_constraints'] == theirs['range_constraints']
    for key in ('tensor_values', 'sym_int_values', 'inputs', 'outputs'):
        assert ours['graph_module']['graph'][key] == theirs['graph_module']['graph'][key]
    strip = [{k: v for k, v in n.items() if k != 'metadata'} for n in theirs['graph_module']['graph']['nodes']]
    assert [{k: v for k, v in n.items() if k != 'metadata'} for n in ours['graph_module']['graph']['nodes']] == strip


@pytest.mark.parametrize('case', EMBER_CASES)
def test_saves_dynamic_programs_pytorch_loads(case, tmp_path):
    ep = program(ember, case)
    path = tmp_path / f'{case}.pt2'
    ember.export.save(ep, path)
    ours, recorded = _model_json(path), _model_json(_FIXTURES / 'pt2_ember' / f'{case}.pt2')
    ours['graph_module']['graph']['nodes'] = [{k: v for k, v in n.items() if k != 'metadata'}
                                              for n in ours['graph_module']['graph']['nodes']]
    recorded['graph_module']['graph']['nodes'] = [{k: v for k, v in n.items() if k != 'metadata'}
                                                  for n in recorded['graph_module']['graph']['nodes']]
    assert ours == recorded          # the archive PyTorch loaded (torch_loaded_dynamic.json)
    # symbolic sizes and strides as PyTorch writes them for the same program
    theirs = _model_json(_FIXTURES / 'pt2' / f'{case}.pt2')
    assert ours['range_constraints'] == theirs['range_constraints']
    assert ours['graph_module']['graph']['tensor_values'] == theirs['graph_module']['graph']['tensor_values']
    loaded = _TORCH_LOADED[case]
    assert _normal(str(ep)) == _normal(loaded['printed'])     # PyTorch printed ember's archive as ember prints it
    good, bad = models.other_sizes(ember, case)
    back = ember.export.load(path)
    assert str(back) == str(ep)
    for got, want in zip(_flat(back.module()(*good)), loaded['outputs']):
        np.testing.assert_allclose(got.detach().numpy(), want, rtol=1e-5, atol=1e-6)
    with pytest.raises(AssertionError, match='Guard failed'):
        back.module()(*bad)
    try:
        import torch
    except ImportError:
        return
    tp = torch.export.load(path)
    tgood, _ = models.other_sizes(torch, case)
    for got, want in zip(_flat(tp.module()(*tgood)), loaded['outputs']):
        np.testing.assert_allclose(got.detach().numpy(), want, rtol=1e-5, atol=1e-6)


def test_a_hint_keeps_pytorchs_lower_bound_and_a_named_dim_its_own():
    ep = program(ember, 'dynamic_hints')
    assert {k: (v.lower, v.upper) for k, v in ep.range_constraints.items()} == \
        {'s27': (0, 10), 's17': (2, None), 's48': (2, None)}


def test_symbolic_int_nodes_run_and_print_as_pytorch():
    ep = ember.export.load(_FIXTURES / 'pt2' / 'dynamic_view.pt2')
    node = next(n for n in ep.graph.nodes if n.name.startswith('sym_size'))
    assert str(node.target) == 'aten.sym_size.int'
    assert 'Sym(s77)' in str(ep)
    assert ep.module()(ember.randn(11, 3, 2), ember.randn(3, 4, 2))[0].shape == (11, 2)
