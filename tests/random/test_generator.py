"""Generator objects, saved states, fork_rng and lazy sampling: behaviour with PyTorch's rules."""
import pickle

import numpy as np
import pytest

import ember
from tests.random.test_recorded import RECORDED


def test_saved_state_restores_position_and_cached_normal():
    # a state PyTorch saved (with a cached second Box-Muller value) restores in ember
    state = ember.from_numpy(RECORDED['states/cached normal'].copy())
    g = ember.Generator().set_state(state)
    assert g.initial_seed() == 3
    assert (g.get_state().numpy() == state.numpy()).all()
    reference = ember.Generator().manual_seed(3)
    ember.randn(1, dtype=ember.float64, generator=reference)    # how that state was reached
    assert ember.randn(2, dtype=ember.float64, generator=g).tolist() == \
        ember.randn(2, dtype=ember.float64, generator=reference).tolist()


def test_set_state_rejects_bad_states_and_keeps_the_old_one():
    g = ember.Generator().manual_seed(1)
    before = g.get_state()
    with pytest.raises(RuntimeError, match="Expected a CPUGeneratorImplState of size 5056 but found the input RNG "
                                           "state size to be 10"):
        g.set_state(ember.zeros(10, dtype=ember.uint8))
    with pytest.raises(TypeError, match="RNG state must be a ember.ByteTensor"):
        g.set_state(ember.zeros(5056))
    with pytest.raises(TypeError, match="expected a ember.ByteTensor, but got list"):
        g.set_state([1, 2])
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        g.set_state(ember.zeros(5056, dtype=ember.uint8))
    assert (g.get_state().numpy() == before.numpy()).all()


def test_seeds_wrap_and_overflow_like_pytorch():
    assert ember.Generator().manual_seed(-1).initial_seed() == 2 ** 64 - 1
    assert ember.Generator().manual_seed(2 ** 64 - 1).initial_seed() == 2 ** 64 - 1
    for bad in (2 ** 64, -2 ** 63 - 1):
        with pytest.raises(ValueError, match="Overflow when unpacking long long"):
            ember.Generator().manual_seed(bad)
    assert ember.Generator().initial_seed() == 67280421310721


def test_generator_pickles_with_its_position():
    g = ember.Generator().manual_seed(9)
    ember.randn(3, dtype=ember.float64, generator=g)
    h = pickle.loads(pickle.dumps(g))
    assert ember.randn(5, generator=h).tolist() == ember.randn(5, generator=g).tolist()


def test_fork_rng_restores_the_global_state():
    ember.manual_seed(4)
    before = ember.get_rng_state()
    with ember.random.fork_rng():
        ember.randn(100)
    assert (ember.get_rng_state().numpy() == before.numpy()).all()
    with ember.random.fork_rng(enabled=False):
        ember.rand(1)
    assert not (ember.get_rng_state().numpy() == before.numpy()).all()


def test_random_sampler_with_replacement_is_lazy_and_chunked():
    g = ember.Generator().manual_seed(2)
    huge = ember.utils.data.RandomSampler(range(10), replacement=True, num_samples=10 ** 10, generator=g)
    it = iter(huge)
    head = [next(it) for _ in range(70)]
    assert len(huge) == 10 ** 10
    small = list(ember.utils.data.RandomSampler(range(10), replacement=True, num_samples=70,
                                                generator=ember.Generator().manual_seed(2)))
    assert head == small
    assert all(0 <= i < 10 for i in head)


@pytest.mark.skipif(not ember.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_tensors_draw_the_default_generators_numbers():
    # CUDA results come from the host generator and are moved, so a seed fixes them
    ember.manual_seed(5)
    on_gpu = [ember.randn(40, device='cuda'), ember.rand(3, device='cuda'),
              ember.nn.functional.dropout(ember.ones(50, device='cuda'), 0.4),
              ember.zeros(20, device='cuda').normal_(1.0, 2.0)]
    ember.manual_seed(5)
    on_cpu = [ember.randn(40), ember.rand(3), ember.nn.functional.dropout(ember.ones(50), 0.4),
              ember.zeros(20).normal_(1.0, 2.0)]
    for g, c in zip(on_gpu, on_cpu):
        assert g.device.type == 'cuda' and g.cpu().tolist() == c.tolist()


def test_largest_keys_first_lowest_index_among_ties():
    from ember._random.draw import largest_first
    rng = np.random.default_rng(0)
    for trial in range(200):
        rows, n = int(rng.integers(1, 5)), int(rng.integers(1, 90))
        keys = rng.integers(0, 6, (rows, n)).astype(np.float32) if trial % 2 else rng.random((rows, n))
        k = int(rng.integers(1, n + 1))
        assert (largest_first(keys, k) == np.argsort(-keys, axis=1, kind='stable')[:, :k]).all()


@pytest.mark.parametrize('n', [2, 3, 17, 16383, 16385, 40000])
def test_randperm_is_the_sequential_swaps(n):
    """PyTorch's randperm swaps r[i] with r[i + w_i % (n - i)] for i = 0..n-2; the vectorised
    resolution (blocks of positions, chains of writers across them) gives the same order."""
    g = ember.Generator().manual_seed(n)
    state = g.get_state()
    got = ember.randperm(n, generator=g).tolist()
    g.set_state(state)
    w = g._engine.words32(n - 1).astype(np.int64)
    r = list(range(n))
    for i in range(n - 1):
        z = int(w[i] % (n - i))
        r[i], r[i + z] = r[i + z], r[i]
    assert got == r


def test_long_runs_of_words_drawn_in_pairs_keep_the_stream_order():
    # from a few thousand words on, the engine draws two at a time and swaps the halves back
    from ember._random.engine import Engine, _PAIRED_WORDS
    paired, single = Engine(12345), Engine(12345)
    for n in (_PAIRED_WORDS, _PAIRED_WORDS + 2, _PAIRED_WORDS + 1, 10, 3 * _PAIRED_WORDS):
        got = paired.words32(n)
        assert got.dtype == np.uint32 and got.shape == (n,)
        assert np.array_equal(got, single._draw.integers(0, 1 << 32, n, dtype=np.uint32))
    a, b = paired._bits.state['state'], single._bits.state['state']
    assert a['pos'] == b['pos'] and np.array_equal(a['key'], b['key'])
