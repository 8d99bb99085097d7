"""Bad arguments to the random fills raise PyTorch 2.13's errors (texts recorded from it) and
leave the tensor and the stream untouched."""
import pytest

import ember

CASES = [
    (lambda: ember.zeros(3).exponential_(0), RuntimeError, "exponential_ expects lambda > 0.0, but found lambda=0"),
    (lambda: ember.zeros(3).exponential_(-1), RuntimeError, "exponential_ expects lambda > 0.0, but found lambda=-1"),
    (lambda: ember.zeros(3).geometric_(0), RuntimeError, "geometric_ expects p to be in (0, 1), but got p=0"),
    (lambda: ember.zeros(3).geometric_(1.5), RuntimeError, "geometric_ expects p to be in (0, 1), but got p=1.5"),
    (lambda: ember.zeros(3).log_normal_(1, 0), RuntimeError, "log_normal_ expects std > 0.0, but found std=0"),
    (lambda: ember.zeros(3).cauchy_(0, -1), RuntimeError, "cauchy_ expects sigma > 0.0, but found sigma=-1"),
    (lambda: ember.zeros(3).bernoulli_(1.5), RuntimeError, "bernoulli_ expects p to be in [0, 1], but got p=1.5"),
    (lambda: ember.zeros(3, dtype=ember.int64).exponential_(), RuntimeError,
     "Exponential distribution is a continuous probability distribution. dtype must be a floating point but you "
     "specified Long"),
    (lambda: ember.zeros(3, dtype=ember.int64).log_normal_(), NotImplementedError,
     "\"log_normal_cpu\" not implemented for 'Long'"),
    (lambda: ember.zeros(3, dtype=ember.int64).cauchy_(), RuntimeError,
     "Cauchy distribution is a continuous probability distribution. dtype must be a floating point but you "
     "specified long int"),
    (lambda: ember.zeros(3, dtype=ember.uint8).random_(0, 300), RuntimeError,
     "to - 1 is out of bounds for unsigned char"),
    (lambda: ember.zeros(3, dtype=ember.uint8).random_(-1, 3), RuntimeError,
     "from is out of bounds for unsigned char"),
    (lambda: ember.zeros(3, dtype=ember.int16).random_(0, 2 ** 40), RuntimeError,
     "to - 1 is out of bounds for short int"),
    (lambda: ember.zeros(3).random_(5, 2), RuntimeError,
     "random_ expects 'from' to be less than 'to', but got from=5 >= to=2"),
    (lambda: ember.zeros(3, dtype=ember.int32).random_(-2 ** 63, None), RuntimeError,
     "random_full_64_bits_range_kernel_cpu handles only int64, double, float and bfloat16"),
    (lambda: ember.zeros(3, dtype=ember.float16).random_(-2 ** 63, None), NotImplementedError,
     "\"random_full_64_bits_range_kernel_cpu\" not implemented for 'Half'"),
    (lambda: ember.zeros(3, dtype=ember.bool).geometric_(0.5), NotImplementedError,
     "\"geometric_cpu\" not implemented for 'Bool'"),
    (lambda: ember.zeros(3, dtype=ember.complex64).geometric_(0.5), NotImplementedError,
     "\"geometric_cpu\" not implemented for 'ComplexFloat'"),
    (lambda: ember._standard_gamma(ember.tensor([1, 2])), NotImplementedError,
     "\"gamma_cpu\" not implemented for 'Long'"),
    (lambda: ember._sample_dirichlet(ember.tensor([[1, 2]])), NotImplementedError,
     "\"dirichlet\" not implemented for 'Long'"),
    (lambda: ember.randperm(2 ** 25, dtype=ember.float16), RuntimeError,
     "n cannot be greater than 2049 for Half type."),
    (lambda: ember.randperm(3, dtype=ember.bool), NotImplementedError, "\"randperm\" not implemented for 'Bool'"),
    (lambda: ember.randperm(129, dtype=ember.int8), RuntimeError,
     "value cannot be converted to type int8_t without overflow"),
    (lambda: ember.randperm(70000, dtype=ember.uint16), RuntimeError,
     "value cannot be converted to type uint16_t without overflow"),
    (lambda: ember.randperm(129, out=ember.empty(0, dtype=ember.int8)), RuntimeError,
     "value cannot be converted to type int8_t without overflow"),
    (lambda: ember.randperm(2 ** 24 + 2, dtype=ember.float32), RuntimeError,
     "n cannot be greater than 2^24+1 for Float type."),
    (lambda: ember.randperm(3, dtype=ember.uint16), NotImplementedError, "\"randperm\" not implemented for 'UInt16'"),
    (lambda: ember.randperm(3, dtype=ember.complex64), NotImplementedError,
     "\"randperm\" not implemented for 'ComplexFloat'"),
]


@pytest.mark.parametrize('make,kind,text', CASES, ids=[c[2][:40] for c in CASES])
def test_pytorchs_error_and_nothing_drawn(make, kind, text):
    ember.manual_seed(0)
    before = ember.get_rng_state()
    with pytest.raises(kind) as info:
        make()
    assert str(info.value) == text
    assert (ember.get_rng_state().numpy() == before.numpy()).all()


def test_geometric_on_integers_is_allowed_as_in_pytorch():
    ember.manual_seed(0)
    t = ember.zeros(5, dtype=ember.int64).geometric_(0.5)
    assert t.dtype is ember.int64 and int(t.min()) >= 1


def test_randperm_at_its_dtypes_limits_and_on_meta_checks_nothing():
    # the largest n each result holds (PyTorch 2.13 returns these), and its meta kernel checks nothing
    assert sorted(ember.randperm(128, dtype=ember.int8).tolist()) == list(range(128))
    assert sorted(ember.randperm(256, dtype=ember.uint8).tolist()) == list(range(256))
    assert ember.randperm(2049, dtype=ember.float16).dtype == ember.float16
    assert ember.randperm(3, dtype=ember.bool, device='meta').shape == (3,)
