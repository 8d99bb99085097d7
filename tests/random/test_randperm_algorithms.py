"""ember's vectorised randperm against PyTorch's two shuffles written as plain loops on the same
words: the swap loop (n below 2**32 / 20, also pinned by recorded PyTorch data) and the 64-bit
inside-out shuffle used from n = 2**32 / 20 on, whose sizes are too large to record, so its
vectorisation is checked here on small n."""
import numpy as np
import pytest

import ember
from ember._random import draw


def _words(seed, n, wide):
    g = ember.Generator().manual_seed(seed)
    return (g._engine.random64(n) if wide else g._engine.words32(n)).tolist()


def _swap_loop(words, n):
    r = list(range(n))
    for i in range(n - 1):
        z = words[i] % (n - i)
        r[i], r[i + z] = r[i + z], r[i]
    return r


def _inside_out(words, n):
    r = [0] * n
    for i in range(n):
        z = words[i] % (i + 1)
        r[i] = r[z]
        r[z] = i
    return r


@pytest.mark.parametrize('n', [0, 1, 2, 3, 5, 16, 17, 100, 399, 400, 1000, 4099])
@pytest.mark.parametrize('seed', [0, 7, 2 ** 40 + 3])
def test_randperm_is_the_swap_loop(n, seed):
    got = draw.randperm(ember.Generator().manual_seed(seed), n)
    assert got.dtype == np.int64
    assert got.tolist() == _swap_loop(_words(seed, max(n - 1, 0), False), n)


@pytest.mark.parametrize('scale,smallest,tail', [(0.5, 16, 64), (1, 64, 16), (4, 256, 1024)])
@pytest.mark.parametrize('n', [2, 3, 100, 4099, 30011])
def test_randperm_blocks_redo_the_steps_that_interact(monkeypatch, scale, smallest, tail, n):
    # small blocks and tails make every case common: several steps of a block on one target,
    # targets inside the block (chains of them), steps swapping with themselves, a tail of one step
    from ember._random import swap_shuffle
    monkeypatch.setattr(swap_shuffle, '_BLOCK_SCALE', scale)
    monkeypatch.setattr(swap_shuffle, '_MIN_BLOCK', smallest)
    monkeypatch.setattr(swap_shuffle, '_TAIL', tail)
    monkeypatch.setattr(swap_shuffle, '_IN_PYTHON_BELOW', 0)
    got = draw.randperm(ember.Generator().manual_seed(n), n)
    assert got.tolist() == _swap_loop(_words(n, n - 1, False), n)


@pytest.mark.parametrize('n', [2, 3, 100, 4099, 30011])
def test_randperm_without_last_write_wins_runs_every_step_in_order(monkeypatch, n):
    # the blocks' scatters need repeated indices to keep the last value; where NumPy did not,
    # every step would be done by the order-free in-order solver
    from ember._random import swap_shuffle
    monkeypatch.setattr(swap_shuffle, '_WRITE_ORDER', [False])
    monkeypatch.setattr(swap_shuffle, '_IN_PYTHON_BELOW', 0)
    got = draw.randperm(ember.Generator().manual_seed(n), n)
    assert got.tolist() == _swap_loop(_words(n, n - 1, False), n)


def test_numpy_scatter_keeps_the_last_of_repeated_indices(monkeypatch):
    # what the fast path stands on, checked afresh (NumPy does not promise it)
    from ember._random import swap_shuffle
    monkeypatch.setattr(swap_shuffle, '_WRITE_ORDER', [])
    assert swap_shuffle._last_write_wins()


@pytest.mark.parametrize('n', [1, 2, 3, 5, 16, 17, 100, 1000, 4099])
@pytest.mark.parametrize('seed', [0, 7, 2 ** 40 + 3])
def test_randperm_large_is_the_inside_out_shuffle(n, seed):
    got = draw.randperm_large(ember.Generator().manual_seed(seed), n)
    assert got.tolist() == _inside_out(_words(seed, n, True), n)


def test_randperm_switches_algorithm_where_pytorch_does():
    from ember.ops import random as ops_random
    assert ops_random._RANDPERM_SMALL == (2 ** 32 - 1) // 20
