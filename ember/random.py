"""``ember.random``: the default generator's seed and state, and ``fork_rng`` (PyTorch's
``torch.random``)."""
import contextlib

from ember.ops.random import (default_generator, get_rng_state, initial_seed, manual_seed, seed,  # noqa: F401
                              set_rng_state)

__all__ = ['default_generator', 'fork_rng', 'get_rng_state', 'initial_seed', 'manual_seed', 'seed',
           'set_rng_state', 'thread_safe_generator']


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type="cuda"):
    """Run a block with the global random state forked: whatever it draws, the state afterwards
    is the one before it.

    CUDA tensors draw from the default (host) generator in ember, so restoring it also restores
    every device's stream; ``devices`` only has to name valid devices.

    >>> import ember
    >>> before = ember.get_rng_state()
    >>> with fork_rng():
    ...     _ = ember.rand(3)
    >>> bool((ember.get_rng_state() == before).all())
    True
    """
    from ember import _device
    if _device.as_device(device_type).type not in ('cpu', 'cuda', 'meta'):
        raise RuntimeError(f"{_caller} expected a valid device_type, got {device_type}")
    if not enabled or device_type == 'meta':
        yield
        return
    if devices is not None:
        for d in devices:
            _device.as_device(d if not isinstance(d, int) else f"{device_type}:{d}")
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


def thread_safe_generator():
    """The generator a DataLoader thread worker should draw from, or ``None`` (meaning: use the
    default generator) in the main process and in process workers.

    Random transforms can pass it as ``generator=`` so that thread workers do not share one stream.
    ember's DataLoader workers are processes, so it returns ``None`` there as well.

    Returns:
        Generator or None

    Example::

        >>> g = ember.random.thread_safe_generator()
        >>> print(g)
        None
        >>> ember.randint(0, 10, (3,), generator=g).shape
        ember.Size([3])
    """
    from ember.utils.data import get_worker_info
    info = get_worker_info()
    if info is not None and info.worker_method == 'thread' and info.rng is not None:
        return info.rng.torch_generator
    return None
