"""ember.package.PackageExporter: archives that PyTorch's torch.package loads, errors as PyTorch's.

The objects loaded from the recorded archive (tests/fixtures/package/tiny.pt) are packaged again, as
scripts/record_package_fixtures.py did with PyTorch: the files written, the external modules and the
PackagingError/EmptyMatchError texts must be PyTorch's (recorded in expected.json). Where PyTorch is
installed the archive is also loaded by it, in a separate process.
"""
import io
import json
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

import ember
from ember.package import (EmptyMatchError, GlobGroup, PackageExporter, PackageImporter, PackagingError,
                           is_from_package, sys_importer)
from ember.package.analyze import find_first_use_of_broken_modules, trace_dependencies
from ember.package.find_file_dependencies import find_files_source_depends_on

FIXTURES = pathlib.Path(__file__).resolve().parent / 'fixtures' / 'package'
EXPECTED = json.loads((FIXTURES / 'expected.json').read_text())
REPACKAGED = EXPECTED['repackaged']


@pytest.fixture(scope='module')
def loaded():
    imp = PackageImporter(str(FIXTURES / 'tiny.pt'))
    return imp, imp.load_pickle('model', 'model.pkl'), imp.load_pickle('model', 'tensors.pkl')


def _export(imp, obj, configure, debug=False, target=None):
    buf = io.BytesIO() if target is None else target
    info = {}
    with PackageExporter(buf, importer=(imp, sys_importer), debug=debug) as exp:
        configure(exp)
        exp.save_pickle('model', 'model.pkl', obj)
        info.update(interned=exp.interned_modules(), externed=exp.externed_modules(), mocked=exp.mocked_modules(),
                    graph=exp.dependency_graph_string(), rdeps=exp.get_rdeps('tiny_models.scaling'),
                    paths=exp.all_paths('<model.model.pkl>', 'tiny_models.scaling'))
    return buf, info


def _records(buf):
    reader = ember.PyTorchFileReader(io.BytesIO(buf.getvalue()))
    return reader, sorted(r for r in reader.get_all_records() if r != '.data/serialization_id')


def _full_export(imp, model, tensors, target=None):
    return _export(imp, model, lambda e: (e.intern('tiny_models.**'), e.save_pickle('model', 'tensors.pkl', tensors),
                                          e.save_text('res', 'notes.txt', 'again')), target=target)


def test_repackaged_archive_has_pytorchs_files(loaded):
    imp, model, tensors = loaded
    buf, info = _full_export(imp, model, tensors)
    reader, records = _records(buf)
    assert records == REPACKAGED['records']
    assert reader.get_record('.data/extern_modules').decode() == REPACKAGED['extern_modules']
    assert reader.get_record('.data/version') == b'6\n'
    assert info['externed'] == REPACKAGED['externed']
    assert info['graph'] == REPACKAGED['full_graph']          # the same modules, found in the same order
    assert info['rdeps'] == REPACKAGED['full_rdeps_of_scaling']
    # NOTE: PyTorch 2.13's all_paths fails on names longer than one character (it walks the name's
    # letters); ember gives the subgraph the method describes
    assert info['paths'] == ('digraph G {\nrankdir = LR;\nnode [shape=box];\n'
                             '"<model.model.pkl>" -> "tiny_models.net";\n'
                             '"tiny_models.net" -> "tiny_models.scaling";\n}\n')
    # the interned source is the packaged source, unchanged
    assert reader.get_record('tiny_models/net.py') == imp.zip_reader.get_record('tiny_models/net.py')


def test_repackaged_archive_loads_in_ember(loaded):
    imp, model, tensors = loaded
    buf, _ = _full_export(imp, model, tensors)
    again = PackageImporter(io.BytesIO(buf.getvalue()))
    model2 = again.load_pickle('model', 'model.pkl')
    assert is_from_package(model2) and type(model2) is not type(model)
    x = ember.tensor(EXPECTED['input'])
    np.testing.assert_allclose(model2(x).detach().numpy(), EXPECTED['output'], rtol=1e-6, atol=1e-7)
    t2 = again.load_pickle('model', 'tensors.pkl')
    for name, exp in EXPECTED['tensors'].items():
        assert list(t2[name].stride()) == exp['stride'] and t2[name].storage_offset() == exp['storage_offset']
        np.testing.assert_array_equal(t2[name].double().flatten().numpy(), exp['values'])
    assert again.load_text('res', 'notes.txt') == 'again'


@pytest.mark.parametrize('case', ['no_action', 'no_action_debug', 'denied', 'empty_match', 'mocked_but_used'])
def test_packaging_errors_as_pytorch(loaded, case):
    imp, model, _ = loaded
    configure = {
        'no_action': lambda e: None,
        'no_action_debug': lambda e: None,
        'denied': lambda e: (e.intern('tiny_models.net'), e.deny('tiny_models.scaling')),
        'empty_match': lambda e: (e.intern('tiny_models.**'), e.extern('nothing.**', allow_empty=False)),
        'mocked_but_used': lambda e: e.mock('tiny_models.**'),
    }[case]
    expected = REPACKAGED['errors'][case]
    error = {'PackagingError': PackagingError, 'EmptyMatchError': EmptyMatchError}[expected['type']]
    with pytest.raises(error) as info:
        _export(imp, model, configure, debug=case.endswith('debug'))
    assert type(info.value) is error
    assert str(info.value) == expected['message']


def test_first_use_of_broken_modules(loaded):
    imp, model, _ = loaded
    with pytest.raises(PackagingError) as info:
        _export(imp, model, lambda e: None)
    assert find_first_use_of_broken_modules(info.value) == {'tiny_models.net': ['<model.model.pkl>', 'tiny_models.net']}
    with pytest.raises(AssertionError, match='exception must be a PackagingError, got ValueError'):
        find_first_use_of_broken_modules(ValueError())


def test_mocked_module_is_written_as_a_stand_in(loaded):
    imp, model, _ = loaded
    buf, info = _export(imp, model, lambda e: (e.intern('tiny_models.net'), e.mock('tiny_models.scaling')))
    _, records = _records(buf)
    assert records == REPACKAGED['mocked_records']
    assert info['mocked'] == REPACKAGED['mocked_modules']
    assert info['graph'] == REPACKAGED['graph'] and info['rdeps'] == REPACKAGED['rdeps_of_scaling']
    again = PackageImporter(io.BytesIO(buf.getvalue()))
    scaling = again.import_module('tiny_models.scaling')
    name = f'{again.id()}.tiny_models.scaling.scaled'     # the module's own (mangled) name
    assert repr(scaling.scaled) == f'MockedObject({name})'
    with pytest.raises(NotImplementedError, match=re.escape(f"Object '{name}' was mocked out during packaging but it "
                                                            "is being used in __call__")):
        scaling.scaled(1.0)
    model2 = again.load_pickle('model', 'model.pkl')
    with pytest.raises(NotImplementedError):
        model2(ember.ones(1, 4))


def test_source_strings_hooks_and_resources(tmp_path):
    path = tmp_path / 'src.pt'
    seen = []
    with PackageExporter(str(path)) as exp:
        handle = exp.register_intern_hook(lambda e, name: seen.append(('intern', name)))
        exp.register_extern_hook(lambda e, name: seen.append(('extern', name)))
        exp.intern('my_pkg.**')
        exp.save_source_string('my_pkg', 'from .util import double\nimport math\n', is_package=True)
        exp.save_source_string('my_pkg.util', 'def double(x):\n    return 2 * x\n')
        exp.save_binary('my_pkg', 'raw.bin', b'\x01\x02')
        assert exp.get_unique_id() == '0' and exp.get_unique_id() == '1'
    assert seen == [('intern', 'my_pkg'), ('extern', 'math'), ('intern', 'my_pkg.util')]
    handle.remove()
    imp = PackageImporter(str(path))
    assert imp.import_module('my_pkg').double(21) == 42
    assert imp.load_binary('my_pkg', 'raw.bin') == b'\x01\x02'
    assert imp.extern_modules == ['math']
    with pytest.raises(TypeError, match=r"save_module\(\) expects a string input, did you perhaps mean to pass "
                                        r"`__name__`\?"):
        PackageExporter(io.BytesIO()).save_module(sys)


def test_bad_arguments():
    with pytest.raises(TypeError, match="importer arg should be an Importer or a sequence of Importers, got "
                                        "<class 'int'> instead."):
        PackageExporter(io.BytesIO(), importer=3)
    exp = PackageExporter(io.BytesIO())
    with pytest.raises(AssertionError, match='torch.package only supports pickle protocols 3 and 4, got 2'):
        exp.save_pickle('a', 'b.pkl', 1, pickle_protocol=2)
    exp.save_text('a', 'b.txt', 'x')
    with pytest.raises(AssertionError, match="Tried to write file 'a/b.txt', but it already exists"):
        exp.save_text('a', 'b.txt', 'y')
    with pytest.raises(ValueError, match="'x/y.txt' must be only a file name"):
        exp.save_text('a', 'x/y.txt', 'y')
    exp.close()


def test_protocol_4_pickles_find_their_modules(loaded):
    imp, model, _ = loaded
    buf = io.BytesIO()
    with PackageExporter(buf, importer=(imp, sys_importer)) as exp:
        exp.intern('tiny_models.**')
        exp.save_pickle('model', 'model.pkl', model, pickle_protocol=4)
        assert exp.interned_modules() == ['tiny_models.net', 'tiny_models.scaling']
    model2 = PackageImporter(io.BytesIO(buf.getvalue())).load_pickle('model', 'model.pkl')
    np.testing.assert_allclose(model2(ember.tensor(EXPECTED['input'])).detach().numpy(), EXPECTED['output'],
                               rtol=1e-6, atol=1e-7)


def test_glob_group_and_source_dependencies():
    g = GlobGroup(['torch.**', 'foo*.bar'], exclude='torch.nn.*')
    assert [g.matches(n) for n in ('torch', 'torch.fx.graph', 'torch.nn.functional', 'food.bar', 'foo.baz')] == \
        [True, True, False, True, False]
    assert str(g) == "GlobGroup(include=['torch.**', 'foo*.bar'], exclude=torch.nn.*)"
    with pytest.raises(ValueError, match=r'\*\* can only appear as an entire path segment'):
        GlobGroup('torch.a**')
    src = "import os, json\nfrom . import sib\nfrom ..up import thing\nx = __import__('a.b', fromlist=['c'])\n"
    assert find_files_source_depends_on(src, 'pkg.sub') == [
        ('os', None), ('json', None), ('pkg.sub', 'sib'), ('pkg.up', 'thing'), ('a.b', 'c')]


def test_trace_dependencies(loaded):
    _, model, _ = loaded
    used = trace_dependencies(model, [(ember.ones(1, 4),)])
    assert any(name.endswith('tiny_models.net') for name in used)


def test_pytorch_loads_embers_archive(loaded, tmp_path):
    pytest.importorskip('torch')
    imp, model, tensors = loaded
    path = tmp_path / 'ember_written.pt'
    with open(path, 'wb') as f:
        _full_export(imp, model, tensors, target=f)
    script = (
        "import json, sys, torch\n"
        "from torch.package import PackageImporter\n"
        "imp = PackageImporter(sys.argv[1])\n"
        "m = imp.load_pickle('model', 'model.pkl')\n"
        "t = imp.load_pickle('model', 'tensors.pkl')\n"
        "x = torch.tensor(json.loads(sys.argv[2]))\n"
        "print(json.dumps({'out': m(x).tolist(), 'strides': {k: list(v.stride()) for k, v in t.items()},\n"
        "                  'text': imp.load_text('res', 'notes.txt')}))\n")
    run = subprocess.run([sys.executable, '-c', script, str(path), json.dumps(EXPECTED['input'])],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    np.testing.assert_allclose(result['out'], EXPECTED['output'], rtol=1e-6, atol=1e-7)
    assert result['strides'] == {k: v['stride'] for k, v in EXPECTED['tensors'].items()}
    assert result['text'] == 'again'


def test_unchanged_pytorch_model_code_packaged_under_ember(tmp_path):
    # a script that imports torch, run on ember (ember.compat, as `ember run` does), packages its model:
    # the archive lists PyTorch's modules as external, as PyTorch's exporter does, and loads back
    root = pathlib.Path(__file__).resolve().parent.parent
    path = tmp_path / 'user.pt'
    script = (
        "import json, sys\n"
        "import ember.compat; ember.compat.install()\n"
        f"sys.path.insert(0, {str(FIXTURES / 'src')!r})\n"
        "import torch\n"
        "from torch.package import PackageExporter\n"
        "import user_model\n"
        "torch.manual_seed(0)\n"
        "m = user_model.Small().eval()\n"
        "with PackageExporter(sys.argv[1]) as e:\n"
        "    e.intern('user_model')\n"
        "    e.save_pickle('m', 'm.pkl', m)\n"
        "    externed = e.externed_modules()\n"
        "x = torch.arange(32.).reshape(2, 1, 4, 4) / 10\n"
        "print(json.dumps({'externed': externed, 'out': m(x).tolist()}))\n")
    env = dict(__import__('os').environ, PYTHONPATH=str(root))
    run = subprocess.run([sys.executable, '-c', script, str(path)], capture_output=True, text=True, timeout=300,
                         env=env)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result['externed'] == EXPECTED['user_model']['externed']
    reader = ember.PyTorchFileReader(str(path))
    assert sorted(r for r in reader.get_all_records() if r != '.data/serialization_id') == \
        EXPECTED['user_model']['records']
    model = PackageImporter(str(path)).load_pickle('m', 'm.pkl')
    out = model(ember.arange(32.).reshape(2, 1, 4, 4) / 10)
    np.testing.assert_allclose(out.detach().numpy(), result['out'], rtol=1e-6)
    assert not model.training


class _Shared:
    """An object that packages itself as a resource (``__reduce_package__``)."""

    def __init__(self, value):
        self.value = value

    def __reduce_package__(self, exporter):
        name = f'shared_{exporter.get_unique_id()}.txt'
        exporter.save_text('shared', name, str(self.value))
        return _load_shared, (name,)


def _load_shared(importer, name):
    return _Shared(int(importer.load_text('shared', name)))


def test_reduce_package_objects_are_saved_once_and_shared():
    buf = io.BytesIO()
    obj = _Shared(7)
    with PackageExporter(buf) as exp:
        exp.extern(_Shared.__module__)
        exp.save_pickle('data', 'objs.pkl', [obj, obj, _Shared(8)])
    imp = PackageImporter(io.BytesIO(buf.getvalue()))
    first, second, third = imp.load_pickle('data', 'objs.pkl')
    assert first is second and first.value == 7 and third.value == 8
    assert imp.load_text('shared', 'shared_0.txt') == '7'


def test_object_names_across_importers(loaded):
    from ember.package import ObjMismatchError, ObjNotFoundError, OrderedImporter
    import pickle
    imp, model, _ = loaded
    other = PackageImporter(str(FIXTURES / 'tiny.pt'))     # the same archive, a second namespace

    def norm(text):
        return text.replace(imp.id(), '<A>').replace(other.id(), '<B>')

    expected = EXPECTED['object_names']
    with pytest.raises(ObjMismatchError) as info:
        other.get_name(type(model))
    assert norm(str(info.value)) == expected['other_importer']['message']
    with pytest.raises(pickle.PicklingError) as info:
        with PackageExporter(io.BytesIO(), importer=other) as exp:
            exp.intern('tiny_models.**')
            exp.save_pickle('m', 'm.pkl', model)
    assert norm(str(info.value)) == expected['exporter']['message']
    with pytest.raises(TypeError) as info:
        OrderedImporter(other, 3).import_module('zzz')
    assert str(info.value) == expected['not_an_importer']['message']
    # the importer that made the class names it; the others are tried in order
    assert OrderedImporter(imp, other).get_name(type(model)) == ('tiny_models.net', 'TinyNet')
    assert OrderedImporter(other, imp).get_name(type(model)) == ('tiny_models.net', 'TinyNet')
    with pytest.raises(ObjNotFoundError, match=r"was not found as tiny_models.net.TinyNet"):
        sys_importer.get_name(type(model))
    net = other.import_module('tiny_models.net')
    assert OrderedImporter(other, sys_importer).import_module('tiny_models.net') is net


def test_ember_functions_are_packaged_under_pytorchs_names(tmp_path):
    funcs = [ember.relu, ember.sigmoid, ember.nn.functional.gelu, ember.nn.init.zeros_, ember.linalg.norm]
    path = tmp_path / 'funcs.pt'
    with PackageExporter(str(path)) as exp:
        exp.save_pickle('f', 'f.pkl', funcs)
        assert exp.externed_modules() == ['torch', 'torch.linalg', 'torch.nn.functional', 'torch.nn.init']
    data = PackageImporter(str(path)).zip_reader.get_record('f/f.pkl')
    import pickletools
    names = [arg for op, arg, _ in pickletools.genops(data) if op.name == 'GLOBAL']
    assert names == ['torch relu', 'torch sigmoid', 'torch.nn.functional gelu', 'torch.nn.init zeros_',
                     'torch.linalg norm']
    assert PackageImporter(str(path)).load_pickle('f', 'f.pkl') == funcs
    pytest.importorskip('torch')
    script = ("import sys, torch\nfrom torch.package import PackageImporter\n"
              "fs = PackageImporter(sys.argv[1]).load_pickle('f', 'f.pkl')\n"
              "print(fs == [torch.relu, torch.sigmoid, torch.nn.functional.gelu, torch.nn.init.zeros_, "
              "torch.linalg.norm])\n")
    run = subprocess.run([sys.executable, '-c', script, str(path)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == 'True'


def test_classes_and_functions_of_packages_laid_out_as_pytorchs_are_packaged_under_its_paths(tmp_path):
    import ember.utils.data
    objs = [ember.optim.SGD, ember.optim.lr_scheduler.StepLR, ember.utils.data.default_collate,
            ember.nn.utils.clip_grad_norm_]
    path = tmp_path / 'objs.pt'
    with PackageExporter(str(path)) as exp:
        exp.save_pickle('o', 'o.pkl', objs)
    data = PackageImporter(str(path)).zip_reader.get_record('o/o.pkl')
    import pickletools
    names = [arg for op, arg, _ in pickletools.genops(data) if op.name == 'GLOBAL']
    assert names == ['torch.optim.sgd SGD', 'torch.optim.lr_scheduler StepLR', 'torch.utils.data default_collate',
                     'torch.nn.utils.clip_grad clip_grad_norm_']
    assert PackageImporter(str(path)).load_pickle('o', 'o.pkl') == objs
    pytest.importorskip('torch')
    script = ("import sys, torch, torch.utils.data\nfrom torch.package import PackageImporter\n"
              "os = PackageImporter(sys.argv[1]).load_pickle('o', 'o.pkl')\n"
              "print(os == [torch.optim.SGD, torch.optim.lr_scheduler.StepLR, torch.utils.data.default_collate, "
              "torch.nn.utils.clip_grad_norm_])\n")
    run = subprocess.run([sys.executable, '-c', script, str(path)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == 'True'
