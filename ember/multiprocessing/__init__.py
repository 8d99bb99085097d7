"""``ember.multiprocessing``: Python's :mod:`multiprocessing`, with tensors that share memory.

Everything of :mod:`multiprocessing` is here under the same names (``Process``, ``Queue``,
``get_context`` ...). ember registers pickling rules with multiprocessing (as soon as both are
imported, in either order), so a tensor
sent to another process (through a queue or pipe, or as an argument of a spawned process) moves
into shared memory and the receiver gets a tensor over the same memory: in-place changes on one side
are seen by the other, as with PyTorch. ``spawn``/``start_processes`` run a function in several
processes and re-raise a failure in the parent.

Example::

    >>> import ember.multiprocessing as mp
    >>> mp.get_sharing_strategy() in mp.get_all_sharing_strategies()
    True
"""
import multiprocessing
import sys
from multiprocessing import *  # noqa: F401,F403

__all__ = ['set_sharing_strategy', 'get_sharing_strategy', 'get_all_sharing_strategies']
__all__ += multiprocessing.__all__

if sys.platform in ('darwin', 'win32'):
    _sharing_strategy = 'file_system'
    _all_sharing_strategies = {'file_system'}
else:
    _sharing_strategy = 'file_descriptor'
    _all_sharing_strategies = {'file_descriptor', 'file_system'}


def set_sharing_strategy(new_strategy):
    """Choose how CPU tensors are handed to other processes.

    Args:
        new_strategy (str): one of :func:`get_all_sharing_strategies`: ``'file_descriptor'`` (an open
            descriptor of the memory is passed) or ``'file_system'`` (the path of a file in shared
            memory is passed).

    Example::

        >>> import ember.multiprocessing as mp
        >>> mp.set_sharing_strategy('file_system')
        >>> mp.get_sharing_strategy()
        'file_system'
        >>> mp.set_sharing_strategy('file_descriptor')
    """
    global _sharing_strategy
    if new_strategy not in _all_sharing_strategies:
        raise AssertionError(f"invalid sharing strategy {new_strategy!r}, expected one of {_all_sharing_strategies}")
    _sharing_strategy = new_strategy


def get_sharing_strategy():
    """The current strategy for handing CPU tensors to other processes.

    Example::

        >>> import ember.multiprocessing as mp
        >>> mp.get_sharing_strategy()
        'file_descriptor'
    """
    return _sharing_strategy


def get_all_sharing_strategies():
    """The sharing strategies this system supports.

    Example::

        >>> import ember.multiprocessing as mp
        >>> sorted(mp.get_all_sharing_strategies())
        ['file_descriptor', 'file_system']
    """
    return _all_sharing_strategies


from ember.multiprocessing.spawn import (  # noqa: E402
    ENV_VAR_PARALLEL_START, ProcessContext, ProcessExitedException, ProcessRaisedException, SpawnContext, spawn,
    start_processes)
from ember.multiprocessing import reductions  # noqa: E402
from ember.multiprocessing.reductions import init_reductions  # noqa: E402

init_reductions()
