"""``ember.save(..., pickle_module=...)`` with a pickler built on the C pickler (cloudpickle's: fastai's
``Learner.export`` passes it): its own reductions run inside ember's, and what it writes names PyTorch's
modules, classes and functions, so that ``torch.load`` reads the file (and ember.load reads it back)."""
import io
import pickle
import pickletools
import types
import zipfile

import pytest

import ember
import ember.vision.models as models


class _ByValuePickler(pickle.Pickler):
    """A stand-in for cloudpickle: a C-pickler subclass whose Python-level reducer_override, with a helper
    method and an attribute set in __init__, pickles a test's functions its own way, with the module they
    use (as cloudpickle pickles a function's globals)."""

    def __init__(self, file, protocol=None):
        super().__init__(file, protocol)
        self.seen = []

    def _by_value(self, fn):
        self.seen.append(fn.__name__)
        return _rebuild_user_function, (fn.__name__, ember)

    def reducer_override(self, obj):
        if isinstance(obj, types.FunctionType) and obj.__module__ == __name__ and obj.__name__.startswith('user_'):
            return self._by_value(obj)
        return NotImplemented


def _rebuild_user_function(name, module):
    assert module is ember               # the module came back as ember's
    return globals()[name]


_by_value_module = types.SimpleNamespace(Pickler=_ByValuePickler, Unpickler=pickle.Unpickler)


def user_scale(x):
    return ember.mul(x, 2)


def _globals_written(data):
    z = zipfile.ZipFile(io.BytesIO(data))
    pkl = z.read(next(n for n in z.namelist() if n.endswith('data.pkl')))
    out = io.StringIO()
    pickletools.dis(pkl, out=out)
    return out.getvalue()


def test_a_c_based_pickler_runs_inside_embers_and_writes_pytorchs_names():
    buf = io.BytesIO()
    ember.save({'f': user_scale, 'w': ember.ones(2), 'arch': models.resnet18, 'T': ember.Tensor},
               buf, pickle_module=_by_value_module)
    text = _globals_written(buf.getvalue())
    assert "'torch._utils _rebuild_tensor_v2'" in text
    assert "'torchvision.models.resnet resnet18'" in text
    assert "'torch Tensor'" in text
    assert "'importlib import_module'" in text and "'torch'" in text     # the by-value function's module
    assert 'ember' not in text.replace("'user_scale'", '')
    back = ember.load(io.BytesIO(buf.getvalue()), weights_only=False)
    assert back['f'] is user_scale
    assert back['arch'] is models.resnet18 and back['T'] is ember.Tensor
    assert back['w'].tolist() == [1.0, 1.0]


def test_cloudpickle_as_pickle_module():
    cloudpickle = pytest.importorskip('cloudpickle')
    buf = io.BytesIO()
    ember.save({'f': lambda x: ember.add(x, 1), 'm': ember.nn.Linear(1, 1)}, buf, pickle_module=cloudpickle)
    globals_named = [line for line in _globals_written(buf.getvalue()).splitlines() if 'GLOBAL' in line]
    assert globals_named and not any('ember' in line for line in globals_named)
    back = ember.load(io.BytesIO(buf.getvalue()), weights_only=False)
    assert back['f'](ember.zeros(1)).tolist() == [1.0]
    assert isinstance(back['m'], ember.nn.Linear)


def test_a_pickle_module_without_a_pickler_class_is_refused():
    with pytest.raises(TypeError, match="pickle_module must provide a Pickler class derived from pickle's"):
        ember.save({'w': ember.ones(1)}, io.BytesIO(), pickle_module=types.SimpleNamespace(Pickler=object))


def test_pytorch_reads_what_ember_wrote_with_a_c_based_pickler(tmp_path):
    torch = pytest.importorskip('torch')
    path = tmp_path / 'x.pt'
    ember.save({'w': ember.arange(3.), 'T': ember.Tensor, 'S': ember.Size}, path, pickle_module=_by_value_module)
    back = torch.load(path, weights_only=False)
    assert back['w'].tolist() == [0.0, 1.0, 2.0] and back['T'] is torch.Tensor and back['S'] is torch.Size
