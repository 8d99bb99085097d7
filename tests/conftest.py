"""Test-wide isolation: every test starts with the thread count the session started with.

Several of ember's kernels follow PyTorch's per-thread order of additions (sums, batch and layer norm), so a
test that set the thread count and failed to restore it would change the bits a later test compares. (The count
is read from ember's own record of it, which ``set_num_threads`` keeps current: no thread-pool query per test.)"""
import pytest

from ember import _threads


@pytest.fixture(autouse=True)
def _thread_count_restored():
    before = _threads.intra_op_threads()
    yield
    if _threads.intra_op_threads() != before:
        _threads.set_num_threads(before)


@pytest.fixture
def threads():
    """``ember.set_num_threads``, for tests that compare results across thread counts (the count is put
    back after the test by the fixture above)."""
    import ember
    return ember.set_num_threads
