"""XPU generator states (PyTorch's ``torch.xpu.random``): there are no XPU generators, so reading a state
raises, and seeding or restoring states does nothing, as in PyTorch before XPU starts.

>>> ember.xpu.get_rng_state_all()
[]
"""
__all__ = ['get_rng_state', 'get_rng_state_all', 'initial_seed', 'manual_seed', 'manual_seed_all', 'seed',
           'seed_all', 'set_rng_state', 'set_rng_state_all']


def _no_xpu():
    return AssertionError("Torch not compiled with XPU enabled")


def get_rng_state(device='xpu'):
    """Raises: there is no XPU generator."""
    raise _no_xpu()


def get_rng_state_all():
    """Returns ``[]``: one state per XPU device, and there are none."""
    return []


def set_rng_state(new_state, device='xpu'):
    """Does nothing, as in PyTorch without XPU (the state is copied first: it must be a tensor)."""
    new_state.clone()


def set_rng_state_all(new_states):
    """Restore each device's state: nothing to do without XPU devices."""
    for i, state in enumerate(new_states):
        set_rng_state(state, i)


def manual_seed(seed):
    """Accepted and ignored as in PyTorch without XPU: there is no XPU generator to seed (the CPU
    generator is seeded with :func:`ember.manual_seed`)."""
    int(seed)   # PyTorch still checks that the seed is a number


def manual_seed_all(seed):
    """As :func:`manual_seed`: there are no XPU generators."""
    int(seed)


def seed():
    """Does nothing: there is no XPU generator."""


def seed_all():
    """Does nothing: there are no XPU generators."""


def initial_seed():
    """Raises: there is no XPU generator."""
    raise _no_xpu()
