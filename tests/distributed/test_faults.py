"""A rank that raises, dies or never arrives ends the job with an error on the others, not a hang."""
import os

import pytest

from tests.distributed._launch import WORKERS, launch

WORKER = os.path.join(WORKERS, 'faults.py')


@pytest.mark.parametrize('mode', ['raise', 'kill'])
def test_failed_rank_ends_the_job(mode):
    rc, out, seconds = launch([WORKER, mode], timeout=60)
    assert rc != 0, out
    assert 'should not have' not in out
    assert seconds < 30, out     # the survivor waits up to 120 s in its collective without the abort
    if mode == 'raise':
        assert 'ValueError: rank 1 failed on purpose' in out


def test_timeout_raises_on_the_waiting_rank():
    rc, out, seconds = launch([WORKER, 'timeout'], timeout=60)
    assert rc != 0, out
    assert 'DistBackendError: all_reduce timed out after 2 s on rank 0 of 2' in out, out
    assert seconds < 30, out     # rank 1 sleeps 60 s: the timeout's error aborted the job


def test_failed_rank_under_ember_run():
    rc, out, seconds = launch(['-m', 'ember', 'run', WORKER, 'raise'], timeout=60)
    assert rc != 0 and seconds < 30, out
    assert 'ValueError: rank 1 failed on purpose' in out
