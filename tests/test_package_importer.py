"""ember.package.PackageImporter reading an archive written by PyTorch's torch.package.PackageExporter.

The archive and PyTorch's results of loading it are recorded in tests/fixtures/package/ by
scripts/record_package_fixtures.py (run with real PyTorch); no PyTorch is needed here.
"""
import io
import json
import pathlib
import shutil
import zipfile

import numpy as np
import pytest

import ember
from ember.package import Directory, PackageImporter
from ember.package._mangling import demangle, is_mangled

FIXTURES = pathlib.Path(__file__).resolve().parent / 'fixtures' / 'package'
ARCHIVE = FIXTURES / 'tiny.pt'
EXPECTED = json.loads((FIXTURES / 'expected.json').read_text())


@pytest.fixture
def importer():
    return PackageImporter(str(ARCHIVE))


def test_model_with_interned_class_gives_pytorchs_output(importer):
    model = importer.load_pickle('model', 'model.pkl')
    assert type(model).__name__ == EXPECTED['class_name']
    assert type(model).__module__ == EXPECTED['class_module'].replace('<id>', importer.id())
    assert isinstance(model, ember.nn.Module)        # the externed torch.nn is ember's
    out = model(ember.tensor(EXPECTED['input']))
    np.testing.assert_allclose(out.detach().numpy(), EXPECTED['output'], rtol=1e-6, atol=1e-7)
    assert model.describe() == EXPECTED['describe']
    state = model.state_dict()
    assert list(state) == EXPECTED['state_dict_keys']
    for name, values in EXPECTED['state_dict'].items():
        np.testing.assert_array_equal(state[name].numpy(), np.array(values, np.float32))
    assert isinstance(model.fc1.weight, ember.nn.Parameter) and model.fc1.weight.requires_grad


def test_tensors_keep_dtype_layout_and_shared_storage(importer):
    tensors = importer.load_pickle('model', 'tensors.pkl')
    for name, exp in EXPECTED['tensors'].items():
        t = tensors[name]
        assert str(t.dtype) == 'ember.' + exp['dtype'], name
        assert list(t.shape) == exp['shape'] and list(t.stride()) == exp['stride'], name
        assert t.storage_offset() == exp['storage_offset'], name
        np.testing.assert_array_equal(t.double().flatten().numpy(), exp['values'])
    shared = tensors['transposed_view'].untyped_storage().data_ptr() == tensors['float64'].untyped_storage().data_ptr()
    assert shared == EXPECTED['views_share_storage']
    tensors['float64'][0, 1] = 100.0          # one storage: the views see the write
    assert tensors['transposed_view'][1, 0].item() == 100.0


def test_map_location_sees_each_storage(importer):
    seen = []

    def where(storage, location):
        seen.append(location)
        return storage

    importer.load_pickle('model', 'tensors.pkl', map_location=where)
    assert seen and set(seen) == {'cpu'}
    t = importer.load_pickle('model', 'tensors.pkl', map_location='cpu')['int64']
    assert t.device == ember.device('cpu')


def test_resources_text_and_binary(importer):
    assert importer.load_text('res', 'notes.txt') == EXPECTED['notes']
    assert importer.load_binary('res', 'blob.bin') == bytes(EXPECTED['blob'])
    assert importer.load_text('res', 'blob.bin', encoding='latin-1')[-1] == '\xff'
    with pytest.raises(UnicodeDecodeError):
        importer.load_text('res', 'blob.bin')
    with pytest.raises(ValueError, match=r"'sub/notes.txt' must be only a file name"):
        importer.load_text('res', 'sub/notes.txt')


def test_file_structure_prints_as_pytorch(importer):
    tree = importer.file_structure()
    assert isinstance(tree, Directory)
    assert str(tree).replace(str(ARCHIVE), '<path>') == EXPECTED['file_structure']
    assert str(importer.file_structure(include='**/*.py')).replace(str(ARCHIVE), '<path>') == \
        EXPECTED['file_structure_py_only']
    assert str(importer.file_structure(exclude='.data/**')).replace(str(ARCHIVE), '<path>') == \
        EXPECTED['file_structure_no_data']
    for path, present in EXPECTED['has_file'].items():
        assert tree.has_file(path) is present, path


def test_id_python_version_and_modules(importer):
    assert is_mangled(importer.id()) and importer.id().startswith('<torch_package_')
    assert PackageImporter(str(ARCHIVE)).id() != importer.id()
    assert importer.python_version() == EXPECTED['python_version']
    assert importer.extern_modules == EXPECTED['extern_modules']
    scaling = importer.import_module('tiny_models.scaling')
    assert scaling.SCALE == EXPECTED['scale']
    assert scaling.__name__ == importer.id() + '.tiny_models.scaling'
    assert demangle(scaling.__name__) == 'tiny_models.scaling'
    assert importer.import_module(scaling.__name__) is scaling      # a mangled name is accepted
    assert importer.import_module('tiny_models').__file__ == EXPECTED['package_file']
    assert importer.import_module('torch') is ember
    assert importer.import_module('torch.nn.functional') is ember.nn.functional
    assert 'tiny_models.net' not in __import__('sys').modules


def test_packaged_source_is_inspectable(importer):
    import inspect
    model = importer.load_pickle('model', 'model.pkl')
    source = inspect.getsource(type(model))
    assert source.startswith('class TinyNet(nn.Module):')


def test_module_outside_the_package_is_refused(importer):
    with pytest.raises(ModuleNotFoundError) as info:
        importer.import_module('json')
    assert str(info.value) == (f'No module named "json" in self-contained archive "{ARCHIVE}" and the module is '
                               f"also not in the list of allowed external modules: {EXPECTED['extern_modules']}")
    assert importer.import_module('numpy') is np      # implicitly allowed, as in PyTorch


def test_module_allowed_refuses_extern():
    with pytest.raises(ImportError) as info:
        PackageImporter(str(ARCHIVE), module_allowed=lambda name: not name.startswith('torch.nn'))
    assert str(info.value) == (f"package '{ARCHIVE}' needs the external module 'torch.nn.functional' but that "
                               "module has been disallowed")


def test_buffer_reader_and_folder_sources(tmp_path):
    data = ARCHIVE.read_bytes()
    from_buffer = PackageImporter(io.BytesIO(data))
    assert from_buffer.filename == '<binary>'
    assert str(from_buffer.file_structure()).startswith('─── <binary>\n')
    from_reader = PackageImporter(ember.PyTorchFileReader(io.BytesIO(data)))
    assert from_reader.filename == '<pytorch_file_reader>'
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        zf.extractall(tmp_path)
    folder = tmp_path / 'tiny'
    from_folder = PackageImporter(str(folder))
    for imp in (from_buffer, from_reader, from_folder):
        model = imp.load_pickle('model', 'model.pkl')
        np.testing.assert_allclose(model(ember.tensor(EXPECTED['input'])).detach().numpy(), EXPECTED['output'],
                                   rtol=1e-6, atol=1e-7)
        assert imp.load_text('res', 'notes.txt') == EXPECTED['notes']
    shutil.rmtree(folder)


def test_damaged_storage_record_is_reported(tmp_path):
    # a storage record shorter than its tensor says: PyTorch's size error
    src = zipfile.ZipFile(ARCHIVE)
    bad = tmp_path / 'bad.pt'
    with zipfile.ZipFile(bad, 'w') as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == 'tiny/.data/1.storage':
                data = data[:8]
            out.writestr(info.filename, data)
    imp = PackageImporter(str(bad))
    with pytest.raises(RuntimeError, match=r"record size \(8 bytes\) does not match expected size \(48 bytes = "
                                           r"12 elements \* 4 bytes/element\) for dtype Float"):
        imp.load_pickle('model', 'model.pkl')


def test_reached_as_torch_package_attribute():
    # as `import torch; torch.package.PackageImporter(...)`
    assert ember.package.PackageImporter is PackageImporter


@pytest.mark.parametrize('case', sorted(EXPECTED['importer_errors']))
def test_import_and_resource_errors_as_pytorch(importer, case):
    calls = {
        'resource_of_a_module': lambda: importer.load_pickle('tiny_models.net', 'x.pkl'),
        'module_not_in_archive': lambda: importer.import_module('tiny_models.nothing'),
        'extern_module_missing': lambda: importer.import_module('torch.nonexistent_mod'),
        'package_not_in_archive': lambda: importer.load_binary('nopkg', 'a'),
        'submodule_of_a_module': lambda: importer.import_module('tiny_models.net.sub'),
    }
    expected = EXPECTED['importer_errors'][case]
    with pytest.raises(Exception) as info:
        calls[case]()
    assert type(info.value).__name__ == expected['type']
    assert str(info.value).replace(str(ARCHIVE), '<path>') == expected['message']


def test_packaged_code_reaches_its_importer(tmp_path):
    from ember.package import PackageExporter
    path = tmp_path / 'self.pt'
    with PackageExporter(str(path)) as exp:
        exp.intern('me')
        exp.save_source_string('me', 'import torch_package_importer as imp\n'
                                     'def own_text():\n    return imp.load_text("me", "t.txt")\n', is_package=True)
        exp.save_text('me', 't.txt', 'mine')
    imp = PackageImporter(str(path))
    assert imp.import_module('me').own_text() == 'mine'


def test_torchvision_layers_come_from_ember_vision():
    # vision.pt holds only a pickled torchvision.ops.MLP (torchvision externed): ember.vision's class loads it
    expected = EXPECTED['vision']
    imp = PackageImporter(str(FIXTURES / 'vision.pt'))
    assert imp.extern_modules == expected['extern_modules']
    mlp = imp.load_pickle('m', 'mlp.pkl')
    assert type(mlp) is ember.vision.ops.MLP and not mlp.training
    out = mlp(ember.tensor(expected['input']))
    np.testing.assert_allclose(out.detach().numpy(), expected['output'], rtol=1e-6, atol=1e-7)
