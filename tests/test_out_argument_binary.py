"""``out=`` on the binary and ternary arithmetic functions writes the result into the given tensor
and returns it (these once failed with a NameError for every call with ``out``)."""
import pytest

import ember

A = [[0.5, -1.5], [2.0, 3.0]]
B = [[1.5, 2.0], [-0.5, 4.0]]
CASES = {
    'float_power': lambda a, b: (a, b), 'floor_divide': lambda a, b: (a, b), 'remainder': lambda a, b: (a, b),
    'fmod': lambda a, b: (a, b), 'maximum': lambda a, b: (a, b), 'minimum': lambda a, b: (a, b),
    'fmax': lambda a, b: (a, b), 'fmin': lambda a, b: (a, b), 'atan2': lambda a, b: (a, b),
    'hypot': lambda a, b: (a, b), 'lerp': lambda a, b: (a, b, 0.25), 'addcmul': lambda a, b: (a, a, b),
    'addcdiv': lambda a, b: (a, a, b), 'square': lambda a, b: (a,), 'xlogy': lambda a, b: (b.abs(), b.abs()),
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_out_receives_the_result(name):
    fn = getattr(ember, name)
    args = CASES[name](ember.tensor(A, dtype=ember.float64), ember.tensor(B, dtype=ember.float64))
    want = fn(*args)
    out = ember.empty(2, 2, dtype=want.dtype)
    got = fn(*args, out=out)
    assert got is out
    assert ember.equal(out, want)
