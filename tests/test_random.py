"""Random sampling: result dtypes, shapes and error texts recorded from PyTorch 2.x, and the
statistical and reproducibility properties (seeds, generators, saved states).

The streams themselves are PyTorch's bit for bit; tests/random compares them with recorded
PyTorch results.
"""
import numpy as np
import pytest

import ember as torch  # the cases below ran unchanged under PyTorch to record EXPECTED


def r(f):
    try:
        v = f()
        if hasattr(v, 'dtype') and hasattr(v, 'shape'):
            return [str(v.dtype).split('.')[-1], list(v.shape), v.requires_grad]
        return repr(v)
    except Exception as e:  # noqa: BLE001  (the error type and text are what is compared)
        return f'{type(e).__name__}: {e}'


m = torch.zeros(2, 3); s = torch.ones(2, 3)
CASES = {
 'rand(2, 3)': lambda: torch.rand(2, 3),
 'rand((2,))': lambda: torch.rand((2,)),
 'rand(2, dtype=f64)': lambda: torch.rand(2, dtype=torch.float64),
 'rand int': lambda: torch.rand(2, dtype=torch.int64),
 'randn int': lambda: torch.randn(2, dtype=torch.int64),
 'rand requires_grad': lambda: torch.rand(2, requires_grad=True),
 'rand(size=)': lambda: torch.rand(size=(2, 2)),
 'randn(-1)': lambda: torch.randn(-1),
 'rand_like int': lambda: torch.rand_like(torch.tensor([1, 2])),
 'randn_like f64': lambda: torch.randn_like(torch.zeros(2, dtype=torch.float64)),
 'randint(5, (3,))': lambda: torch.randint(5, (3,)),
 'randint(2, 5, (3,))': lambda: torch.randint(2, 5, (3,)),
 'randint float dtype': lambda: torch.randint(2, 5, (3,), dtype=torch.float32),
 'randint(5, 5, (1,))': lambda: torch.randint(5, 5, (1,)),
 'randint(5, 2, (1,))': lambda: torch.randint(5, 2, (1,)),
 'randint no size': lambda: torch.randint(5),
 'randint uint8 256': lambda: torch.randint(0, 256, (2,), dtype=torch.uint8),
 'randint uint8 300': lambda: torch.randint(0, 300, (2,), dtype=torch.uint8),
 'randint_like': lambda: torch.randint_like(torch.zeros(2, 2), 10),
 'randint_like lo hi': lambda: torch.randint_like(torch.zeros(2, dtype=torch.int32), 3, 10),
 'randperm(5)': lambda: torch.randperm(5),
 'randperm(-1)': lambda: torch.randperm(-1),
 'randperm f32': lambda: torch.randperm(4, dtype=torch.float32),
 'normal(m, s)': lambda: torch.normal(m, s),
 'normal(m)': lambda: torch.normal(m),
 'normal(m, 2.0)': lambda: torch.normal(m, 2.0),
 'normal(0.0, s)': lambda: torch.normal(0.0, s),
 'normal(0, 1, (2,))': lambda: torch.normal(0.0, 1.0, (2,)),
 'normal(0, 1, size=)': lambda: torch.normal(0.0, 1.0, size=(2, 2)),
 'normal neg std': lambda: torch.normal(0.0, -1.0, (2,)),
 'normal neg std tensor': lambda: torch.normal(m, -s),
 'normal bcast': lambda: torch.normal(torch.zeros(3, 1), torch.ones(1, 4)),
 'normal f64 mean': lambda: torch.normal(m.double(), 1.0),
 'normal no size': lambda: torch.normal(0.0, 1.0),
 'normal int mean': lambda: torch.normal(torch.tensor([1, 2]), 1.0),
 'bernoulli(p)': lambda: torch.bernoulli(torch.full((3,), 0.5)),
 'bernoulli f64': lambda: torch.bernoulli(torch.full((3,), 0.5, dtype=torch.float64)),
 'bernoulli p=': lambda: torch.bernoulli(torch.zeros(3), 0.3),
 'bernoulli bad': lambda: torch.bernoulli(torch.full((3,), 1.5)),
 'bernoulli int': lambda: torch.bernoulli(torch.tensor([1, 0])),
 'multinomial(3)': lambda: torch.multinomial(torch.tensor([0.2, 0.3, 0.5]), 3),
 'multinomial too many': lambda: torch.multinomial(torch.tensor([0.2, 0.3, 0.5]), 4),
 'multinomial repl': lambda: torch.multinomial(torch.tensor([0.2, 0.3, 0.5]), 5, replacement=True),
 'multinomial 2d': lambda: torch.multinomial(torch.ones(2, 4), 2),
 'multinomial neg': lambda: torch.multinomial(torch.tensor([-0.2, 0.3]), 1),
 'multinomial zero': lambda: torch.multinomial(torch.tensor([0.0, 0.0]), 1),
 'multinomial 3d': lambda: torch.multinomial(torch.ones(2, 2, 2), 1),
 'multinomial int': lambda: torch.multinomial(torch.tensor([1, 2]), 1),
 'multinomial nonzero too few': lambda: torch.multinomial(torch.tensor([0.0, 1.0, 0.0]), 2),
 'uniform_': lambda: torch.zeros(3).uniform_(2, 3),
 'uniform_ bad': lambda: torch.zeros(3).uniform_(3, 2),
 'normal_': lambda: torch.zeros(3).normal_(1, 2),
 'normal_ bad': lambda: torch.zeros(3).normal_(1, -2),
 'uniform_ int': lambda: torch.zeros(3, dtype=torch.int64).uniform_(),
 'manual_seed ret': lambda: type(torch.manual_seed(3)).__name__,
 'Generator seed': lambda: torch.Generator().manual_seed(5).initial_seed(),
 'initial_seed': lambda: (torch.manual_seed(7), torch.initial_seed())[1],
 'manual_seed neg': lambda: torch.Generator().manual_seed(-1).initial_seed(),
 'poisson': lambda: torch.poisson(torch.ones(3)),
 'exponential_': lambda: torch.zeros(3).exponential_(),
}

EXPECTED = {'rand(2, 3)': ['float32', [2, 3], False],
 'rand((2,))': ['float32', [2], False],
 'rand(2, dtype=f64)': ['float64', [2], False],
 'rand int': 'NotImplementedError: "check_uniform_bounds" not implemented for \'Long\'',
 'randn int': 'NotImplementedError: "normal_kernel_cpu" not implemented for \'Long\'',
 'rand requires_grad': ['float32', [2], True],
 'rand(size=)': ['float32', [2, 2], False],
 'randn(-1)': 'RuntimeError: Trying to create tensor with negative dimension -1: [-1]',
 'rand_like int': 'NotImplementedError: "check_uniform_bounds" not implemented for \'Long\'',
 'randn_like f64': ['float64', [2], False],
 'randint(5, (3,))': ['int64', [3], False],
 'randint(2, 5, (3,))': ['int64', [3], False],
 'randint float dtype': ['float32', [3], False],
 'randint(5, 5, (1,))': "RuntimeError: random_ expects 'from' to be less than 'to', but got from=5 >= to=5",
 'randint(5, 2, (1,))': "RuntimeError: random_ expects 'from' to be less than 'to', but got from=5 >= to=2",
 'randint no size': 'TypeError: randint() received an invalid combination of arguments - got (int), but expected one '
                    'of:\n'
                    ' * (int high, tuple of ints size, *, ember.Generator generator, Tensor out = None, ember.dtype '
                    'dtype = None, ember.layout layout = None, ember.device device = None, bool pin_memory = False, '
                    'bool requires_grad = False)\n'
                    ' * (int high, tuple of ints size, *, Tensor out = None, ember.dtype dtype = None, ember.layout '
                    'layout = None, ember.device device = None, bool pin_memory = False, bool requires_grad = False)\n'
                    ' * (int low, int high, tuple of ints size, *, ember.Generator generator, Tensor out = None, '
                    'ember.dtype dtype = None, ember.layout layout = None, ember.device device = None, bool pin_memory '
                    '= False, bool requires_grad = False)\n'
                    ' * (int low, int high, tuple of ints size, *, Tensor out = None, ember.dtype dtype = None, '
                    'ember.layout layout = None, ember.device device = None, bool pin_memory = False, bool '
                    'requires_grad = False)\n',
 'randint uint8 256': ['uint8', [2], False],
 'randint uint8 300': 'RuntimeError: to - 1 is out of bounds for unsigned char',
 'randint_like': ['float32', [2, 2], False],
 'randint_like lo hi': ['int32', [2], False],
 'randperm(5)': ['int64', [5], False],
 'randperm(-1)': 'RuntimeError: Trying to create tensor with negative dimension -1: [-1]',
 'randperm f32': ['float32', [4], False],
 'normal(m, s)': ['float32', [2, 3], False],
 'normal(m)': ['float32', [2, 3], False],
 'normal(m, 2.0)': ['float32', [2, 3], False],
 'normal(0.0, s)': ['float32', [2, 3], False],
 'normal(0, 1, (2,))': ['float32', [2], False],
 'normal(0, 1, size=)': ['float32', [2, 2], False],
 'normal neg std': 'RuntimeError: normal expects std >= 0.0, but found std -1',
 'normal neg std tensor': 'RuntimeError: normal expects all elements of std >= 0.0',
 'normal bcast': ['float32', [3, 4], False],
 'normal f64 mean': ['float64', [2, 3], False],
 'normal no size': 'TypeError: normal() received an invalid combination of arguments - got (float, float), but '
                   'expected one of:\n'
                   ' * (Tensor mean, Tensor std, *, ember.Generator generator = None, Tensor out = None)\n'
                   ' * (Tensor mean, float std = 1, *, ember.Generator generator = None, Tensor out = None)\n'
                   ' * (float mean, Tensor std, *, ember.Generator generator = None, Tensor out = None)\n'
                   ' * (float mean, float std, tuple of ints size, *, ember.Generator generator = None, Tensor out = '
                   'None, ember.dtype dtype = None, ember.layout layout = None, ember.device device = None, bool '
                   'pin_memory = False, bool requires_grad = False)\n',
 'normal int mean': 'NotImplementedError: "normal_kernel_cpu" not implemented for \'Long\'',
 'bernoulli(p)': ['float32', [3], False],
 'bernoulli f64': ['float64', [3], False],
 'bernoulli p=': ['float32', [3], False],
 'bernoulli bad': 'RuntimeError: Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message '
                  'be improved?  If so, please report an enhancement request to PyTorch.)',
 'bernoulli int': 'NotImplementedError: "bernoulli_tensor_cpu_p_" not implemented for \'Long\'',
 'multinomial(3)': ['int64', [3], False],
 'multinomial too many': 'RuntimeError: cannot sample n_sample > prob_dist.size(-1) samples without replacement',
 'multinomial repl': ['int64', [5], False],
 'multinomial 2d': ['int64', [2, 2], False],
 'multinomial neg': 'RuntimeError: probability tensor contains either `inf`, `nan` or element < 0',
 'multinomial zero': 'RuntimeError: invalid multinomial distribution (sum of probabilities <= 0)',
 'multinomial 3d': 'RuntimeError: prob_dist must be 1 or 2 dim',
 'multinomial int': 'RuntimeError: multinomial only supports floating-point dtypes for input, got: Long',
 'multinomial nonzero too few': ['int64', [2], False],
 'uniform_': ['float32', [3], False],
 'uniform_ bad': 'RuntimeError: uniform_ expects to return a [from, to) range, but found from=3 > to=2',
 'normal_': ['float32', [3], False],
 'normal_ bad': 'RuntimeError: normal expects std >= 0.0, but found std -2',
 'uniform_ int': 'NotImplementedError: "check_uniform_bounds" not implemented for \'Long\'',
 'manual_seed ret': "'Generator'",
 'Generator seed': '5',
 'initial_seed': '7',
 'manual_seed neg': '18446744073709551615',
 'poisson': ['float32', [3], False],
 'exponential_': ['float32', [3], False]}


@pytest.mark.parametrize('name', list(CASES))
def test_sampler_signature_matches_pytorch(name):
    assert r(CASES[name]) == EXPECTED[name]


def test_manual_seed_reproduces_every_sampler():
    def draw():
        return [torch.rand(3), torch.randn(2, 2), torch.randint(0, 10, (4,)), torch.randperm(5),
                torch.normal(torch.zeros(3), 1.0), torch.bernoulli(torch.full((4,), 0.5)),
                torch.multinomial(torch.ones(5), 3), torch.zeros(3).uniform_(), torch.zeros(2).normal_()]
    torch.manual_seed(123)
    first = draw()
    torch.manual_seed(123)
    second = draw()
    for a, b in zip(first, second):
        assert a.tolist() == b.tolist()
    torch.manual_seed(124)
    assert torch.rand(3).tolist() != first[0].tolist()


def test_generator_objects_are_independent_streams():
    g1 = torch.Generator().manual_seed(7)
    g2 = torch.Generator().manual_seed(7)
    torch.manual_seed(0)
    a = torch.rand(4, generator=g1)
    torch.rand(10)  # the default stream does not disturb g2
    b = torch.rand(4, generator=g2)
    assert a.tolist() == b.tolist()
    assert g1.initial_seed() == 7
    assert torch.randint(0, 100, (3,), generator=g1).tolist() == torch.randint(0, 100, (3,), generator=g2).tolist()


def test_rng_state_save_and_restore():
    torch.manual_seed(5)
    torch.rand(2)
    state = torch.get_rng_state()
    assert state.dtype is torch.uint8
    after = torch.rand(6).tolist()
    torch.rand(3)
    torch.set_rng_state(state)
    assert torch.rand(6).tolist() == after
    g = torch.Generator().manual_seed(1)
    s = g.get_state()
    x = torch.randn(3, generator=g).tolist()
    g.set_state(s)
    assert torch.randn(3, generator=g).tolist() == x
    with pytest.raises(TypeError):
        torch.set_rng_state([1, 2, 3])


def test_moments_and_bounds():
    torch.manual_seed(0)
    u = torch.rand(20000)
    assert 0.0 <= u.min().item() and u.max().item() < 1.0
    assert abs(u.mean().item() - 0.5) < 0.01 and abs(u.var().item() - 1 / 12) < 0.005
    z = torch.randn(20000, dtype=torch.float64)
    assert abs(z.mean().item()) < 0.03 and abs(z.std().item() - 1) < 0.03
    n = torch.normal(3.0, 2.0, (20000,))
    assert abs(n.mean().item() - 3) < 0.06 and abs(n.std().item() - 2) < 0.06
    i = torch.randint(3, 7, (5000,))
    assert i.min().item() == 3 and i.max().item() == 6 and i.dtype is torch.int64
    t = torch.zeros(20000).uniform_(-2, 4)
    assert -2 <= t.min().item() and t.max().item() < 4 and abs(t.mean().item() - 1) < 0.05
    m = torch.zeros(20000).normal_(-1, 0.5)
    assert abs(m.mean().item() + 1) < 0.02 and abs(m.std().item() - 0.5) < 0.02


def test_normal_tensor_overloads_use_each_element():
    torch.manual_seed(0)
    mean = torch.tensor([0.0, 100.0, -100.0])
    draws = torch.stack([torch.normal(mean, torch.tensor([0.1, 0.1, 0.1])) for _ in range(200)])
    assert np.allclose(draws.mean(0).numpy(), [0.0, 100.0, -100.0], atol=0.05)
    wide = torch.stack([torch.normal(0.0, torch.tensor([0.01, 10.0])) for _ in range(400)])
    sd = wide.std(0).tolist()
    assert sd[0] < 0.02 and 8 < sd[1] < 12


def test_randperm_is_a_permutation():
    torch.manual_seed(3)
    for n in (0, 1, 7, 100):
        assert sorted(torch.randperm(n).tolist()) == list(range(n))


def test_bernoulli_values_and_rate():
    torch.manual_seed(0)
    p = torch.tensor([0.0, 0.25, 1.0]).expand(4000, 3)
    b = torch.bernoulli(p)
    assert set(b.unique().tolist()) <= {0.0, 1.0} and b.dtype is torch.float32
    rate = b.mean(0).tolist()
    assert rate[0] == 0.0 and rate[2] == 1.0 and abs(rate[1] - 0.25) < 0.03
    x = torch.zeros(1000).bernoulli_(0.7)
    assert abs(x.mean().item() - 0.7) < 0.05


def test_multinomial_with_and_without_replacement():
    torch.manual_seed(0)
    probs = torch.tensor([[0.0, 1.0, 3.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
    s = torch.multinomial(probs, 2)
    assert s.shape == (2, 2) and s.dtype is torch.int64
    assert sorted(s[0].tolist()) == [1, 2]  # zero-probability categories are never drawn
    assert len(set(s[1].tolist())) == 2  # no repeats without replacement
    many = torch.multinomial(torch.tensor([1.0, 3.0]), 8000, replacement=True)
    assert abs(many.float().mean().item() - 0.75) < 0.02
    rows = torch.multinomial(torch.tensor([[1.0, 0.0], [0.0, 1.0]]), 5, replacement=True)
    assert rows.tolist() == [[0] * 5, [1] * 5]


def test_in_place_fills_bump_the_version_and_keep_dtype():
    t = torch.zeros(5, dtype=torch.float64)
    v = t._version_counter.value
    t.uniform_()
    t.normal_()
    assert t._version_counter.value == v + 2 and t.dtype is torch.float64
    leaf = torch.zeros(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        leaf.uniform_()
    with torch.no_grad():
        leaf.normal_()


def test_randint_keyword_form():
    torch.manual_seed(0)
    t = torch.randint(high=5, size=(20,))
    assert t.shape == (20,) and t.dtype == torch.int64 and 0 <= int(t.min()) and int(t.max()) < 5
    t = torch.randint(low=3, high=5, size=(20,))
    assert 3 <= int(t.min()) and int(t.max()) < 5


def test_randint_positional_high_with_keyword_size():
    # randint(high, size=...) as torchvision's CutMix calls it: the lone positional is the upper bound
    torch.manual_seed(0)
    t = torch.randint(5, size=(3,))
    assert t.tolist() == [4, 4, 3]  # PyTorch's values for this seed
