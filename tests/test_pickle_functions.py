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
