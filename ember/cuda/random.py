"""Seeds and generator states of CUDA random numbers (PyTorch's ``torch.cuda.random``).

ember draws the random numbers of CUDA tensors from its default generator (PyTorch's CPU stream)
and copies them to the device, so the same seed gives the same numbers on every device. The CUDA
seeds and states are therefore those of that generator: saving ``get_rng_state()`` and restoring
it later repeats the same draws, as in PyTorch. Without CUDA, states are only read and written
where PyTorch does so too: ``get_rng_state_all()`` is empty and setting a state does nothing.
"""
from ember import backend

__all__ = ['get_rng_state', 'get_rng_state_all', 'initial_seed', 'manual_seed', 'manual_seed_all', 'seed',
           'seed_all', 'set_rng_state', 'set_rng_state_all']


def _generator():
    from ember._random.generator import default_generator
    return default_generator


def _check_device(device):
    from ember.cuda import _index
    return _index(device)


def get_rng_state(device='cuda'):
    """The state of the generator behind ``device``'s random numbers, as a ``uint8`` tensor.

    Args:
        device (ember.device, str or int): the CUDA device. Default: ``'cuda'`` (the current one).
    """
    backend._require_cuda()
    _check_device(device)
    return _generator().get_state()


def get_rng_state_all():
    """One state per CUDA device (an empty list without CUDA)."""
    from ember.cuda import device_count, is_available
    return [get_rng_state(i) for i in range(device_count())] if is_available() else []


def set_rng_state(new_state, device='cuda'):
    """Restore the generator behind ``device``'s random numbers to ``new_state`` (from :func:`get_rng_state`).

    Without CUDA this does nothing, as in PyTorch (which would apply it when CUDA starts).
    """
    if not backend.cuda_available():
        return
    _check_device(device)
    _generator().set_state(new_state)


def set_rng_state_all(new_states):
    """Restore every device's state from the list :func:`get_rng_state_all` returned."""
    for i, state in enumerate(new_states):
        set_rng_state(state, i)


def manual_seed(seed):
    """Seed CUDA random numbers. ember draws them from the default generator and copies them to
    the device, so this seeds that generator (as ``ember.manual_seed`` does)."""
    _generator().manual_seed(int(seed))


def manual_seed_all(seed):
    """Seed the random numbers of every CUDA device (they share one generator in ember)."""
    manual_seed(seed)


def seed():
    """Seed CUDA random numbers from a non-deterministic source."""
    from ember.ops.random import seed as _seed
    _seed()


seed_all = seed


def initial_seed():
    """The seed CUDA random numbers started from (raises without CUDA, as PyTorch's).

    Example::

        >>> _ = ember.manual_seed(7)
        >>> ember.cuda.initial_seed() if ember.cuda.is_available() else 7
        7
    """
    backend._require_cuda()
    from ember.ops.random import initial_seed as _initial
    return _initial()


from ember.cuda import current_device, device_count, is_initialized  # noqa: E402,F401 - as torch.cuda.random has them
