"""Record tests/fixtures/package/: archives written by PyTorch's torch.package, and what PyTorch reads back.

Run with real PyTorch from the repository root:  python scripts/record_package_fixtures.py

``tiny.pt`` interns the package tests/fixtures/package/src/tiny_models (a small nn.Module and a helper it
imports relatively), externs torch, and holds the pickled model, a dict of tensors (several dtypes, two
views of one storage), a text and a binary resource. ``expected.json`` holds PyTorch's results of
loading it: the model's output for a fixed input, its state, the tensors, the resources, the printed
file structure and the module names.
"""
import json
import os
import sys

import torch
from torch.package import PackageExporter, PackageImporter

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures', 'package')
sys.path.insert(0, os.path.join(HERE, 'src'))

import tiny_models  # noqa: E402


def tensors():
    base = torch.arange(12, dtype=torch.float64).reshape(3, 4)
    return {'float64': base, 'transposed_view': base.t(), 'row_view': base[1],
            'int64': torch.tensor([1, -2, 3]), 'bool': torch.tensor([True, False]),
            'float16': torch.tensor([0.5, -1.25], dtype=torch.float16),
            'uint8': torch.tensor([[0, 255]], dtype=torch.uint8)}


def as_json(t):
    return {'dtype': str(t.dtype).replace('torch.', ''), 'shape': list(t.shape), 'stride': list(t.stride()),
            'storage_offset': t.storage_offset(), 'values': t.double().flatten().tolist()}


def main():
    torch.manual_seed(0)
    model = tiny_models.TinyNet()
    path = os.path.join(HERE, 'tiny.pt')
    with PackageExporter(path) as exp:
        exp.intern('tiny_models.**')
        exp.extern('torch.**')
        exp.save_pickle('model', 'model.pkl', model)
        exp.save_pickle('model', 'tensors.pkl', tensors())
        exp.save_text('res', 'notes.txt', 'weights of a tiny net\nsecond line\n')
        exp.save_binary('res', 'blob.bin', bytes(range(7)) + b'\xff')

    imp = PackageImporter(path)
    loaded = imp.load_pickle('model', 'model.pkl')
    x = torch.linspace(-1, 1, 8).reshape(2, 4)
    loaded_tensors = imp.load_pickle('model', 'tensors.pkl')
    files = str(imp.file_structure()).replace(path, '<path>')
    expected = {
        'input': x.tolist(),
        'output': loaded(x).tolist(),
        'describe': loaded.describe(),
        'class_module': type(loaded).__module__.replace(imp.id(), '<id>'),
        'class_name': type(loaded).__name__,
        'state_dict': {k: v.tolist() for k, v in loaded.state_dict().items()},
        'state_dict_keys': list(loaded.state_dict()),
        'tensors': {k: as_json(v) for k, v in loaded_tensors.items()},
        'views_share_storage': loaded_tensors['transposed_view'].untyped_storage().data_ptr()
        == loaded_tensors['float64'].untyped_storage().data_ptr(),
        'notes': imp.load_text('res', 'notes.txt'),
        'blob': list(imp.load_binary('res', 'blob.bin')),
        'file_structure': files,
        'file_structure_py_only': str(imp.file_structure(include='**/*.py')).replace(path, '<path>'),
        'file_structure_no_data': str(imp.file_structure(exclude='.data/**')).replace(path, '<path>'),
        'has_file': {p: imp.file_structure().has_file(p) for p in
                     ['tiny_models/net.py', 'tiny_models', 'res/notes.txt', 'res/nothing.txt', '.data/0.storage']},
        'python_version': imp.python_version(),
        'extern_modules': imp.extern_modules,
        'package_file': imp.import_module('tiny_models').__file__,
        'scale': imp.import_module('tiny_models.scaling').SCALE,
    }
    expected['importer_errors'] = importer_errors(imp)
    expected['object_names'] = object_names(path, loaded)
    expected['repackaged'] = repackaged(imp, loaded, loaded_tensors)
    expected['user_model'] = user_model()
    expected['vision'] = vision_model()
    with open(os.path.join(HERE, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write('\n')


IMPORTER_ERROR_CASES = {
    'resource_of_a_module': lambda imp: imp.load_pickle('tiny_models.net', 'x.pkl'),
    'module_not_in_archive': lambda imp: imp.import_module('tiny_models.nothing'),
    'extern_module_missing': lambda imp: imp.import_module('torch.nonexistent_mod'),
    'package_not_in_archive': lambda imp: imp.load_binary('nopkg', 'a'),
    'submodule_of_a_module': lambda imp: imp.import_module('tiny_models.net.sub'),
}


def importer_errors(imp):
    """The exception type and text PyTorch's importer gives for each case (the archive path as <path>)."""
    result = {}
    for case, call in IMPORTER_ERROR_CASES.items():
        try:
            call(imp)
        except Exception as e:  # noqa: BLE001 - recording whatever PyTorch raises
            result[case] = {'type': type(e).__name__, 'message': str(e).replace(imp.filename, '<path>')}
    return result


def object_names(path, model):
    """How importers name the model's class: found, not found, found as another object (two importers
    of one archive), and the pickling error an exporter gives for the mismatch (ids as <A>, <B>)."""
    import io
    import pickle
    from torch.package import OrderedImporter
    a = model.__class__.__module__.partition('.')[0]
    b_imp = PackageImporter(path)

    def norm(text):
        return text.replace(a, '<A>').replace(b_imp.id(), '<B>')

    result = {}
    for case, importer in [('other_importer', b_imp)]:
        try:
            importer.get_name(type(model))
        except Exception as e:  # noqa: BLE001 - recording whatever PyTorch raises
            result[case] = {'type': type(e).__name__, 'message': norm(str(e))}
    try:
        with PackageExporter(io.BytesIO(), importer=b_imp) as exp:
            exp.intern('tiny_models.**')
            exp.save_pickle('m', 'm.pkl', model)
    except pickle.PicklingError as e:
        result['exporter'] = {'type': type(e).__name__, 'message': norm(str(e))}
    try:
        OrderedImporter(b_imp, 3).import_module('zzz')
    except TypeError as e:
        result['not_an_importer'] = {'type': type(e).__name__, 'message': str(e)}
    return result


def vision_model():
    """``vision.pt``: a torchvision layer (externed torchvision) with no interned code at all."""
    import torchvision
    torch.manual_seed(0)
    mlp = torchvision.ops.MLP(4, [6, 3], norm_layer=torch.nn.LayerNorm, dropout=0.1).eval()
    path = os.path.join(HERE, 'vision.pt')
    with PackageExporter(path) as exp:
        exp.extern('torchvision.**')
        exp.save_pickle('m', 'mlp.pkl', mlp)
    x = torch.linspace(-2, 2, 8).reshape(2, 4)
    imp = PackageImporter(path)
    return {'input': x.tolist(), 'output': imp.load_pickle('m', 'mlp.pkl')(x).tolist(),
            'extern_modules': imp.extern_modules}


def user_model():
    """What PyTorch writes for a model whose code imports torch, interned from the file system."""
    import io
    import user_model as um
    buf = io.BytesIO()
    with PackageExporter(buf) as exp:
        exp.intern('user_model')
        exp.save_pickle('m', 'm.pkl', um.Small().eval())
        externed = exp.externed_modules()
    reader = torch._C.PyTorchFileReader(io.BytesIO(buf.getvalue()))
    return {'externed': externed,
            'records': sorted(r for r in reader.get_all_records() if r != '.data/serialization_id')}


def repackaged(imp, model, tensors_obj):
    """What PyTorch writes when the loaded objects are packaged again (their classes found through the
    importer that loaded them), and the errors its exporter raises for badly configured packages."""
    import io
    from torch.package import EmptyMatchError, PackagingError, sys_importer

    def export(configure, debug=False, obj=model):
        buf = io.BytesIO()
        try:
            with PackageExporter(buf, importer=(imp, sys_importer), debug=debug) as exp:
                configure(exp)
                exp.save_pickle('model', 'model.pkl', obj)
                result['interned'], result['externed'] = exp.interned_modules(), exp.externed_modules()
                result['mocked'], result['denied'] = exp.mocked_modules(), exp.denied_modules()
                result['graph'] = exp.dependency_graph_string()
                result['rdeps_of_scaling'] = exp.get_rdeps('tiny_models.scaling')
        except (PackagingError, EmptyMatchError) as e:
            return {'type': type(e).__name__, 'message': str(e)}
        return buf

    result = {}
    buf = export(lambda e: (e.intern('tiny_models.**'), e.save_pickle('model', 'tensors.pkl', tensors_obj),
                            e.save_text('res', 'notes.txt', 'again')))
    reader = torch._C.PyTorchFileReader(io.BytesIO(buf.getvalue()))
    result['full_graph'] = result.pop('graph')
    result['full_rdeps_of_scaling'] = result.pop('rdeps_of_scaling')
    result['records'] = sorted(r for r in reader.get_all_records() if r != '.data/serialization_id')
    result['extern_modules'] = reader.get_record('.data/extern_modules').decode()
    result['errors'] = {
        'no_action': export(lambda e: None),
        'no_action_debug': export(lambda e: None, debug=True),
        'denied': export(lambda e: (e.intern('tiny_models.net'), e.deny('tiny_models.scaling'))),
        'empty_match': export(lambda e: (e.intern('tiny_models.**'), e.extern('nothing.**', allow_empty=False))),
        'mocked_but_used': export(lambda e: e.mock('tiny_models.**')),
    }
    mocked = export(lambda e: (e.intern('tiny_models.net'), e.mock('tiny_models.scaling')))
    reader = torch._C.PyTorchFileReader(io.BytesIO(mocked.getvalue()))
    result['mocked_records'] = sorted(r for r in reader.get_all_records() if r != '.data/serialization_id')
    result['mocked_modules'] = result.pop('mocked')
    return result


if __name__ == '__main__':
    main()
