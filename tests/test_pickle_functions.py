"""ember's public functions pickle by reference, as PyTorch's do (a model holding an op, a DataLoader
or multiprocessing pool handed one), also after a Tensor subclass or a mode has switched dispatch on
and rebound them to their dispatching wrappers."""
import pickle
import subprocess
import sys
import types

import ember
import ember.fft
import ember.linalg
import ember.nn.functional as F
import ember.special
import ember.utils.data
import ember.utils.dlpack

SPACES = (ember, F, ember.linalg, ember.special, ember.fft, ember.Tensor)


def _unpicklable():
    bad = []
    for space in SPACES:
        for name, fn in vars(space).items():
            if isinstance(fn, types.FunctionType) and not name.startswith('_'):
                try:
                    if pickle.loads(pickle.dumps(fn)) is not fn:
                        bad.append(f'{space.__name__}.{name}')
                except (pickle.PicklingError, AttributeError, TypeError):
                    bad.append(f'{space.__name__}.{name}')
    return bad


def test_every_public_function_round_trips():
    assert _unpicklable() == []


WRITE = r'''
import pickle, sys, ember
import ember.nn.functional as F
class Logged(ember.Tensor):        # a subclass taking part in __torch_function__: dispatch switches on
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return super().__torch_function__(func, types, args, kwargs or {})
assert ember.add.__wrapped__ is not None
sys.stdout.buffer.write(pickle.dumps([ember.add, F.relu, ember.exp_, ember.Tensor.add, ember.mm, ember.Tensor.to]))
'''

READ = r'''
import pickle, sys, ember
import ember.nn.functional as F
fns = pickle.loads(sys.stdin.buffer.read())
assert fns == [ember.add, F.relu, ember.exp_, ember.Tensor.add, ember.mm, ember.Tensor.to], fns
print(fns[0](ember.tensor([1.]), ember.tensor([2.])))
'''


def test_pickled_under_dispatch_loads_where_it_is_off():
    data = subprocess.run([sys.executable, '-c', WRITE], capture_output=True, check=True, timeout=120).stdout
    out = subprocess.run([sys.executable, '-c', READ], input=data, capture_output=True, check=True, timeout=120)
    assert out.stdout.decode().strip() == 'tensor([3.])'


def test_round_trip_after_dispatch_is_on():
    class Marked(ember.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return super().__torch_function__(func, types, args, kwargs or {})
    assert _unpicklable() == []


FIXTURE = __import__('pathlib').Path(__file__).parent / 'fixtures' / 'pickled_functions' / 'torch_functions.pt'
def expected():          # looked up when a test runs: dispatch may have rebound them since import
    return {'add': ember.add, 'exp_': ember.exp_, 'tanh': ember.tanh, 'conv2d': ember.conv2d,
            'Tensor.add': ember.Tensor.add, 'Tensor.size': ember.Tensor.size, 'Tensor.softmax': ember.Tensor.softmax,
            'F.gelu': F.gelu, 'F.linear': F.linear, 'F.avg_pool2d': F.avg_pool2d, 'F.relu': F.relu,
            'special.erf': ember.special.erf, 'special.expit': ember.special.expit,
            'linalg.norm': ember.linalg.norm, 'linalg.det': ember.linalg.det, 'fft.rfft': ember.fft.rfft,
            'sym_sqrt': ember.sym_sqrt, 'spmm': ember.spmm, 'dlpack.to_dlpack': ember.utils.dlpack.to_dlpack,
            'nn.Linear': ember.nn.Linear, 'optim.SGD': ember.optim.SGD, 'StepLR': ember.optim.lr_scheduler.StepLR,
            'Normal': ember.distributions.Normal, 'default_collate': ember.utils.data.default_collate,
            'TensorDataset': ember.utils.data.TensorDataset, 'xavier_uniform_': ember.nn.init.xavier_uniform_,
            'clip_grad_norm_': ember.nn.utils.clip_grad_norm_}


def test_functions_saved_by_pytorch_load_as_embers():
    # torch.save names functions as getattr(torch._C._VariableFunctionsClass, 'add'), torch._C._nn.gelu,
    # torch._C._special.special_erf, ... (tests/fixtures/pickled_functions/record.py wrote this file)
    saved = ember.load(FIXTURE, weights_only=False)
    assert saved['functions'] == expected()
    model = saved['model']
    assert model.activation is ember.tanh
    x = ember.tensor([[0.5, -1.0]])
    assert ember.equal(model.activation(model(x)), ember.tanh(model[0](x)))


def _globals_named(path):
    import pickletools
    import zipfile
    with zipfile.ZipFile(path) as z:
        data = z.read(next(n for n in z.namelist() if n.endswith('data.pkl')))
    names, strings = [], []
    for op, arg, _ in pickletools.genops(data):
        if op.name == 'GLOBAL':
            names.append(arg.replace(' ', '.'))
        elif op.name in ('SHORT_BINUNICODE', 'BINUNICODE'):
            strings.append(arg)
    return names, strings


def test_ember_save_names_functions_as_pytorch_does(tmp_path):
    # so that torch.load finds them: torch.add, torch.linalg.det, torch.nn.functional.gelu, and a
    # Tensor method as getattr(torch.Tensor, 'size')
    path = tmp_path / 'f.pt'
    fns = {'add': ember.add, 'det': ember.linalg.det, 'rfft': ember.fft.rfft, 'gelu': F.gelu,
           'size': ember.Tensor.size, 'view': ember.Tensor.view}
    ember.save(fns, path)
    names, strings = _globals_named(path)
    # (ember.linalg.det may be ember.det, then saved as torch.det; protocol 2 spells builtins __builtin__)
    assert {'torch.det', 'torch.linalg.det'} & set(names)
    assert {'torch.add', 'torch.fft.rfft', 'torch.nn.functional.gelu', '__builtin__.getattr',
            'torch.Tensor'} <= set(names)
    assert not [n for n in names if n.startswith('ember')]
    assert {'size', 'view'} <= set(strings)
    assert ember.load(path, weights_only=False) == fns


def test_pytorch_loads_what_ember_saved(tmp_path):
    torch = __import__('pytest').importorskip('torch')
    path = tmp_path / 'f.pt'
    ember.save({'add': ember.add, 'det': ember.linalg.det, 'size': ember.Tensor.size, 'gelu': F.gelu}, path)
    got = torch.load(path, weights_only=False)
    assert got.pop('det') in (torch.det, torch.linalg.det)
    assert got == {'add': torch.add, 'size': torch.Tensor.size,
                   'gelu': torch.nn.functional.gelu}


# what torch.save writes for these (PyTorch 2.13; checked against the oracle below): ember.save writes names
# PyTorch finds, its own where ember's layout mirrors PyTorch's
PYTORCH_PATHS = {'optim.SGD': 'torch.optim.sgd.SGD', 'StepLR': 'torch.optim.lr_scheduler.StepLR',
                 'Normal': 'torch.distributions.normal.Normal', 'TensorDataset': 'torch.utils.data.dataset.TensorDataset',
                 'xavier_uniform_': 'torch.nn.init.xavier_uniform_',
                 'clip_grad_norm_': 'torch.nn.utils.clip_grad.clip_grad_norm_', 'nn.Linear': 'torch.nn.modules.linear.Linear',
                 'sym_sqrt': 'torch._sym_sqrt'}
# a public name where PyTorch writes its private module's (torch.utils.data._utils.collate.default_collate,
# torch._C._to_dlpack), or torch.spmm where it writes getattr(torch._C._VariableFunctionsClass, 'spmm')
PUBLIC_PATHS = {'default_collate': 'torch.utils.data.default_collate', 'dlpack.to_dlpack': 'torch.to_dlpack',
                'spmm': 'torch.spmm'}


def _saved_names(tmp_path, objects):
    paths = {}
    for key, obj in objects.items():
        path = tmp_path / f'{key}.pt'
        ember.save(obj, path)
        names, _ = _globals_named(path)
        paths[key] = names[-1]
        assert ember.load(path, weights_only=False) is obj
    return paths


def test_ember_save_names_classes_and_functions_by_pytorchs_paths(tmp_path):
    import ember.utils.dlpack
    ember.to_dlpack     # (bound lazily: then found there too)
    every = expected()
    got = _saved_names(tmp_path, {k: every[k] for k in {**PYTORCH_PATHS, **PUBLIC_PATHS}})
    assert got == {**PYTORCH_PATHS, **PUBLIC_PATHS}


def test_a_function_taken_before_dispatch_was_switched_on_saves_by_its_name(tmp_path):
    script = r'''
import io, sys, ember
import ember.nn.functional as F
held = {'act': F.relu, 'f': ember.add, 'init': ember.nn.init.xavier_uniform_}
class Logged(ember.Tensor):        # switches dispatch on: the namespaces now hold wrappers
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return super().__torch_function__(func, types, args, kwargs or {})
assert F.relu is not held['act']
buffer = io.BytesIO()
ember.save(held, buffer)
buffer.seek(0)
back = ember.load(buffer, weights_only=False)
assert back == {'act': F.relu, 'f': ember.add, 'init': ember.nn.init.xavier_uniform_}, back
print(sorted(n for n in buffer.getvalue().split(b'\n') if b'torch' in n))
'''
    out = subprocess.run([sys.executable, '-c', script], capture_output=True, timeout=120, text=True)
    assert out.returncode == 0, out.stderr[-2000:]


def test_pytorch_loads_embers_classes_and_functions_and_writes_these_paths(tmp_path):
    torch = __import__('pytest').importorskip('torch')
    import torch.utils.data
    import torch.utils.dlpack
    from tests.fixtures.pickled_functions.record import functions
    theirs = functions()
    for key in {**PYTORCH_PATHS, **PUBLIC_PATHS}:
        path = tmp_path / f'{key}.pt'
        ember.save(expected()[key], path)
        assert torch.load(path, weights_only=False) is theirs[key], key
    for key, name in PYTORCH_PATHS.items():
        torch.save(theirs[key], tmp_path / 'theirs.pt')
        assert _globals_named(tmp_path / 'theirs.pt')[0][-1] == name
