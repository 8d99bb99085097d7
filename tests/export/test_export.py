"""ember.export against PyTorch 2.13's torch.export: the printed programs of the models in
tests/fixtures/export/models.py, recorded by record_export.py, and the programs' behaviour."""
import json
import pathlib
import re

import pytest

import ember
import ember.nn as nn
from tests.fixtures.export import models

_RECORDED = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'export' / 'export_cases.json').read_text())
_FILE = re.compile(r'# File: (\S+):(\d+) in (\S+), code: (.*)$')
STATIC = ['mlp', 'cnn', 'cnn_train', 'buffer', 'methods', 'attention', 'dynamic', 'head']


def _normal(text):
    """The printed text with ``torch.`` for ``ember.``, and each stack-trace comment reduced to the
    user's line (library frames differ between the two libraries' sources)."""
    out = []
    for line in text.replace('ember.', 'torch.').splitlines():
        m = _FILE.search(line)
        if m:
            where = f'models.py:{m.group(2)} in {m.group(3)}, code: {m.group(4)}' \
                if m.group(1).endswith('fixtures/export/models.py') else '<library>'
            line = line[:m.start()] + '# File: ' + where
        out.append(line)
    return out


def _export(case):
    ember.manual_seed(0)
    mod, args = models.CASES[case](ember)
    return mod, args, ember.export.export(mod, args, dynamic_shapes=models.dynamic_shapes(ember, case))


@pytest.mark.parametrize('case', STATIC)
def test_printed_program_is_pytorchs(case):
    _, _, ep = _export(case)
    assert _normal(str(ep)) == _normal(_RECORDED[case]['printed'])


@pytest.mark.parametrize('case', ['mlp', 'cnn', 'cnn_train', 'buffer', 'dynamic', 'head'])
def test_decomposed_program_is_pytorchs(case):
    _, _, ep = _export(case)
    assert _normal(str(ep.run_decompositions())) == _normal(_RECORDED[case]['decomposed'])


@pytest.mark.parametrize('case', list(models.CASES))
def test_signature_and_state(case):
    _, _, ep = _export(case)
    rec, sig = _RECORDED[case], ep.graph_signature
    assert list(sig.parameters) == rec['parameters']
    assert list(sig.buffers) == rec['buffers']
    assert list(sig.user_inputs) == rec['user_inputs']
    assert list(sig.user_outputs) == rec['user_outputs']
    assert list(sig.lifted_tensor_constants) == rec['lifted_tensor_constants']
    assert sorted(ep.state_dict) == rec['state_dict']
    assert sorted(ep.constants) == rec['constants']
    assert [n for n, _ in ep.module().named_parameters()] == rec['module_parameters']


@pytest.mark.parametrize('case', list(models.CASES))
def test_module_and_decomposed_module_compute_as_the_original(case):
    mod, args, ep = _export(case)
    expected = mod(*args)
    for program in (ep, ep.run_decompositions()) if case not in ('methods', 'attention') else (ep,):
        got = program.module()(*args)
        flat_e = expected if isinstance(expected, tuple) else (expected,)
        flat_g = got if isinstance(got, tuple) else (got,)
        assert len(flat_e) == len(flat_g)
        for e, g in zip(flat_e, flat_g):
            assert ember.allclose(g, e, atol=1e-6)


def test_decomposed_training_program_updates_the_buffers_as_the_module_does():
    import copy
    mod, args, _ = _export('cnn_train')
    program = ember.export.export(copy.deepcopy(mod), args).run_decompositions().module()
    reference = {k: v.clone() for k, v in mod.state_dict().items()}
    expected = mod(*args)
    got = program(*args)
    assert ember.allclose(got, expected, atol=1e-5)
    for name, value in program.state_dict().items():
        assert value is not mod.state_dict()[name]
        assert ember.allclose(value, mod.state_dict()[name], atol=1e-6), name
        if 'running' in name or 'num_batches' in name:
            assert not ember.equal(value, reference[name]), name


def test_module_checks_the_exported_shapes():
    _, args, ep = _export('mlp')
    with pytest.raises(AssertionError, match=re.escape('Guard failed: x.size()[0] == 2')):
        ep.module()(ember.randn(3, 4))


def test_dynamic_dimension_records_its_range_and_accepts_other_sizes():
    mod, _, ep = _export('dynamic')
    assert [str(v) for v in ep.range_constraints.values()] == ['VR[2, 64]']
    assert _normal(str(ep))[-1] == _normal(_RECORDED['dynamic']['printed'])[-1]
    x = ember.randn(7, 4)
    assert ember.allclose(ep.module()(x), mod(x))
    with pytest.raises(AssertionError, match=re.escape('Guard failed: x.size()[0] <= 64')):
        ep.module()(ember.randn(65, 4))


def test_calling_the_program_directly_is_refused():
    _, args, ep = _export('mlp')
    with pytest.raises(RuntimeError, match='Unable to call ExportedProgram directly'):
        ep(*args)


def test_bad_arguments_get_pytorchs_errors():
    with pytest.raises(ValueError, match=re.escape("Expected `mod` to be an instance of `ember.nn.Module`, got "
                                                   "<class 'function'>.")):
        ember.export.export(lambda x: x, (ember.ones(1),))
    with pytest.raises(ember.export._errors.UserError, match='Expecting `args` to be a tuple of example positional'):
        ember.export.export(nn.ReLU(), ember.ones(1))


def test_branching_on_tensor_data_is_refused_and_leaves_dispatch_off():
    class Branchy(nn.Module):
        def forward(self, x):
            if x.sum() > 0:
                return x
            return -x
    from ember.export._errors import GuardOnDataDependentSymNode
    dispatching = ember._torch_function._active      # on for good once a test defined a dispatching subclass
    with pytest.raises(GuardOnDataDependentSymNode, match=re.escape('Could not guard on data-dependent '
                                                                    'expression Eq(u0, 1)')):
        ember.export.export(Branchy(), (ember.ones(2),))
    assert ember._torch_function._active == dispatching


def test_python_control_flow_on_sizes_is_specialised():
    class Sized(nn.Module):
        def forward(self, x):
            if x.shape[0] > 2:
                return x * 2
            return x + 1
    ep = ember.export.export(Sized(), (ember.ones(3, 2),))
    assert [str(n.target) for n in ep.graph.nodes if n.op == 'call_function'] == ['aten.mul.Tensor']


def test_export_leaves_the_module_untouched():
    mod, args, ep = _export('cnn')
    before = {k: v.clone() for k, v in mod.state_dict().items()}
    ember.export.export(mod.train(), args)
    assert all(ember.equal(before[k], v) for k, v in mod.state_dict().items())
    assert all(type(p) is nn.Parameter for p in mod.parameters())


@pytest.mark.parametrize('case', ['cnn', 'buffer', 'dynamic'])
def test_save_and_load_round_trip(case, tmp_path):
    mod, args, ep = _export(case)
    path = tmp_path / 'program.pt2'
    ember.export.save(ep, path, extra_files={'note': 'hello'})
    extra = {'note': ''}
    back = ember.export.load(path, extra_files=extra)
    assert extra == {'note': 'hello'}
    assert str(back) == str(ep)
    assert dict(back.range_constraints) == dict(ep.range_constraints)
    got, expected = back.module()(*args), mod(*args)
    for g, e in zip(got if isinstance(got, tuple) else (got,), expected if isinstance(expected, tuple) else (expected,)):
        assert ember.allclose(g, e, atol=1e-6)


def test_load_refuses_other_files(tmp_path):
    ember.save({'a': 1}, tmp_path / 'x.pt')
    with pytest.raises(RuntimeError, match='is not a program saved by'):
        ember.export.load(tmp_path / 'x.pt')


_PT2 = pathlib.Path(__file__).parents[1] / 'fixtures' / 'export' / 'pt2'


@pytest.mark.parametrize('case', ['mlp', 'cnn', 'buffer'])
def test_loads_programs_pytorch_saved(case):
    recorded = json.loads((_PT2 / 'outputs.json').read_text())[case]
    ep = ember.export.load(_PT2 / f'{case}.pt2')
    assert _normal(str(ep)) == _normal(recorded['printed'])
    args, kwargs = ep.example_inputs
    out = ep.module()(*args, **kwargs)
    for got, expected in zip(out if isinstance(out, tuple) else (out,), recorded['outputs']):
        assert ember.allclose(got, ember.tensor(expected), atol=1e-5)


def test_a_call_without_an_aten_equivalent_is_refused_with_its_name():
    class Odd(nn.Module):
        def forward(self, x):
            return 2 / x
    with pytest.raises(RuntimeError, match="cannot record the call of '__rtruediv__'"):
        ember.export.export(Odd(), (ember.ones(2),))


def test_dim_checks_its_bounds_and_the_example():
    from ember.export import Dim
    with pytest.raises(ValueError, match='Upper bound of Dim b must be greater than 1, got 1'):
        Dim('b', max=1)
    with pytest.raises(ValueError, match='must be greater than or equal to lower bound'):
        Dim('b', min=8, max=4)
    assert repr(Dim('b', max=8)) == "Dim('b', max=8)"
    mod, args = models.dynamic(ember)
    with pytest.raises(ember.export._errors.UserError, match=re.escape('Expected input x.shape[0] = 5 to be of the '
                                                                       'form dim, where 6 <= dim <= 9')):
        ember.export.export(mod, args, dynamic_shapes={'x': {0: Dim('b', min=6, max=9)}})


def test_aten_overloads_carry_their_schemas():
    op = ember.ops.aten.add.Tensor
    assert str(op) == 'aten.add.Tensor' and op.name() == 'aten::add.Tensor'
    assert str(op._schema) == 'aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor'
    assert ember.ops.aten.sum.overloads()[:2] == ['dim_IntList', 'default']
    assert op(ember.ones(2), 2, alpha=3).tolist() == [7., 7.]
    with pytest.raises(AttributeError, match="has no overload name 'nope'"):
        ember.ops.aten.add.nope


_SWEEP = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'export' / 'sweep_cases.json').read_text())


@pytest.mark.parametrize('case', sorted(_SWEEP))
def test_sweep_records_what_pytorch_records(case):
    from tests.fixtures.export.record_export import sweep_inputs, sweep_module
    from tests.fixtures.export.sweep_cases import CASES
    mod = sweep_module(ember, CASES[case])
    args = sweep_inputs(ember)
    ep = ember.export.export(mod, args)
    assert ep.graph_module.code.replace('ember.', 'torch.') == _SWEEP[case]
    expected, got = mod(*args), ep.module()(*args)
    for e, g in zip(expected if isinstance(expected, tuple) else (expected,), got if isinstance(got, tuple) else (got,)):
        assert ember.equal(e, g) or ember.allclose(e, g, equal_nan=True)


def test_tensor_methods_outside_the_dispatching_ops_are_recorded_not_frozen():
    class Casts(nn.Module):
        def forward(self, x):
            return x.long() + x.new_ones(3, dtype=ember.int64)
    mod = Casts()
    ep = ember.export.export(mod, (ember.tensor([1.5, 2.5, 3.5]),))
    assert ep.graph_signature.lifted_tensor_constants == ()
    x = ember.tensor([7.2, 8.9, 9.1])
    assert ember.equal(ep.module()(x), mod(x))


def test_a_graph_that_computes_with_a_dynamic_size_is_refused():
    class Flat(nn.Module):
        def forward(self, x):
            return x.view(x.size(0) * 4)
    with pytest.raises(ember.export._errors.UserError, match="the arguments of 'view' hold a size that follows a "
                                                             "dynamic dimension"):
        ember.export.export(Flat(), (ember.ones(5, 4),), dynamic_shapes={'x': {0: ember.export.Dim('b')}})


_STRICT = json.loads((pathlib.Path(__file__).parents[1] / 'fixtures' / 'export' / 'strict_cases.json').read_text())


@pytest.mark.parametrize('case', sorted(_STRICT))
def test_strict_program_is_pytorchs(case):
    # strict mode lifts only the state the forward reads, in the order it reads it; the printed
    # programs compared without their blank lines (PyTorch's strict mode leaves out the empty
    # comment lines of some library calls)
    ember.manual_seed(0)
    mod, args = models.STRICT_CASES[case](ember)
    ep = ember.export.export(mod, args, dynamic_shapes=models.dynamic_shapes(ember, case), strict=True)

    def lines(text):
        return [line for line in _normal(text) if line.strip()]
    assert lines(str(ep)) == lines(_STRICT[case]['printed'])
    assert list(ep.state_dict) == _STRICT[case]['state_dict']
    assert sorted(ep.constants) == sorted(_STRICT[case]['constants'])
    out = ep.module()(*args)
    expected = mod(*args)
    for o, e in zip(out if isinstance(out, tuple) else (out,), expected if isinstance(expected, tuple) else (expected,)):
        assert ember.allclose(o, e)


_EMBER_PT2 = pathlib.Path(__file__).parents[1] / 'fixtures' / 'export' / 'pt2_ember'


def _archive(path):
    """An archive's contents by path below its root, with the graph's JSON parsed and its
    per-node metadata dropped (stack traces hold the writer's file paths)."""
    import zipfile
    with zipfile.ZipFile(path) as z:
        files = {name.split('/', 1)[1]: z.read(name) for name in z.namelist()}
    model = json.loads(files.pop('models/model.json'))
    for node in model['graph_module']['graph']['nodes']:
        node.pop('metadata')
    files.pop('.data/serialization_id')
    files.pop('data/sample_inputs/model.pt')   # a checkpoint: compared through the loaded inputs
    return model, files


def _outputs(out):
    return out if isinstance(out, tuple) else (out,)


@pytest.mark.parametrize('case,decompose', [c for c in __import__('tests.fixtures.export.record_ember_pt2',
                                                                     fromlist=['CASES']).CASES])
def test_saves_archives_pytorch_loads(case, decompose, tmp_path):
    from tests.fixtures.export.record_ember_pt2 import archive_name, ember_program
    name = archive_name(case, decompose)
    ep = ember_program(case, decompose)
    path = tmp_path / name
    ember.export.save(ep, path)
    # the archive recorded as loaded by PyTorch (torch_loaded.json) is the one ember writes now
    assert _archive(path) == _archive(_EMBER_PT2 / name)
    recorded = json.loads((_EMBER_PT2 / 'torch_loaded.json').read_text())[name]
    args, kwargs = ep.example_inputs
    expected = _outputs(ep.module()(*args, **kwargs))
    for got, theirs in zip(expected, recorded['outputs']):
        assert ember.allclose(got, ember.tensor(theirs), atol=1e-6)
    back = ember.export.load(path)
    for got, e in zip(_outputs(back.module()(*args, **kwargs)), expected):
        assert ember.allclose(got, e, atol=1e-6)
    try:
        import torch
    except ImportError:
        return
    loaded = torch.export.load(path)
    targs, tkwargs = loaded.example_inputs
    for got, e in zip(_outputs(loaded.module()(*targs, **tkwargs)), expected):
        assert torch.allclose(got, torch.tensor(e.tolist()), atol=1e-6)


def test_interpolate_and_einsum_record_as_pytorch_records_them():
    import ember.nn.functional as F

    class Resize(ember.nn.Module):
        def forward(self, x, y):
            return (F.interpolate(x, scale_factor=2), F.interpolate(x, size=(5, 7), mode='bilinear'),
                    ember.einsum('bij,bkj->bik', y, y))
    x, y = ember.randn(1, 2, 3, 4), ember.randn(2, 3, 4)
    ep = ember.export.export(Resize(), (x, y))
    calls = [n for n in ep.graph.nodes if n.op == 'call_function']
    # as torch.export records them
    assert [str(n.target) for n in calls] == ['aten.upsample_nearest2d.vec', 'aten.upsample_bilinear2d.vec',
                                              'aten.einsum.default']
    assert calls[0].args[1:] == (None, [2.0, 2.0]) and calls[1].args[1:] == ([5, 7], False, None)
    assert calls[2].args[0] == 'bij,bkj->bik' and [a.name for a in calls[2].args[1]] == ['y', 'y']
    for got, want in zip(ep.module()(x, y), Resize()(x, y)):
        assert (got - want).abs().max().item() == 0
