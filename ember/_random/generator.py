"""``ember.Generator``: PyTorch's CPU generator (mt19937, its seed and its cached normal)."""
import numpy as np

from ember._device import as_device
from ember._random.engine import Engine, STATE_SIZE, pack_state, unpack_state

DEFAULT_SEED = 67280421310721


def _seed_value(seed):
    seed = int(seed)
    if seed < -(1 << 63) or seed >= (1 << 64):
        raise ValueError("Overflow when unpacking long long")
    return seed & ((1 << 64) - 1)


class Generator:
    """A random-number generator with PyTorch's CPU streams.

    The same seed gives PyTorch's numbers bit for bit on the CPU.  A generator for a CUDA device
    draws the same way on the host and its results move to the GPU, so its streams are
    reproducible for a seed too.

    >>> g = ember.Generator().manual_seed(0)
    >>> g.initial_seed()
    0
    """

    def __init__(self, device='cpu'):
        self.device = as_device(device)
        self._seed = DEFAULT_SEED
        self._engine = Engine(DEFAULT_SEED)
        self._normal_double = None     # the second value of the last serial Box-Muller pair
        self._normal_float = None      # kept only so saved states round-trip

    def manual_seed(self, seed):
        self._seed = _seed_value(seed)
        self._engine.reseed(self._seed)
        self._normal_double = self._normal_float = None
        return self

    def seed(self):
        """Seed from the operating system's entropy and return that seed."""
        s = int(np.random.SeedSequence().entropy) % (1 << 63)
        self.manual_seed(s)
        return s

    def initial_seed(self):
        return self._seed

    def get_state(self):
        from ember._tensor import Tensor
        return Tensor._make(pack_state(self._seed, self._engine, self._normal_double, self._normal_float))

    def set_state(self, new_state):
        from ember._tensor import Tensor
        if not isinstance(new_state, Tensor):
            raise TypeError("expected a ember.ByteTensor, but got " + type(new_state).__name__)
        if new_state.dtype.name != 'uint8':
            raise TypeError("RNG state must be a ember.ByteTensor")
        if new_state.numel() != STATE_SIZE:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {STATE_SIZE} but found the input RNG "
                               f"state size to be {new_state.numel()}")
        from ember import backend
        buf = backend.to_numpy(new_state._data).reshape(-1)
        self._seed, self._normal_double, self._normal_float = unpack_state(buf, self._engine)
        return self

    def __getstate__(self):
        return {'device': str(self.device), 'state': pack_state(self._seed, self._engine, self._normal_double,
                                                                self._normal_float)}

    def __setstate__(self, d):
        self.__init__(d['device'])
        self._seed, self._normal_double, self._normal_float = unpack_state(d['state'], self._engine)

    def __repr__(self):
        return f"<ember.Generator object at {hex(id(self))}>"


default_generator = Generator()
