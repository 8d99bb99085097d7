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
            'linalg.norm': ember.linalg.norm, 'linalg.det': ember.linalg.det, 'fft.rfft': ember.fft.rfft}


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
