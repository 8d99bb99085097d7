"""ember.sym_* and SymInt/SymFloat/SymBool: PyTorch's eager behaviour on plain numbers (values printed by
PyTorch 2.13 for the same calls)."""
import pytest

import ember


def test_eager_values_as_pytorchs():
    assert [ember.sym_int(3.7), ember.sym_int(-3.7), ember.sym_float(3), ember.sym_max(2, 3.5),
            ember.sym_min(2, 3), ember.sym_not(True), ember.sym_ite(True, 1, 2), ember.sym_sqrt(4),
            ember.sym_sum([1, 2, 3]), ember.sym_sum(1, 2), ember.sym_fresh_size(5)] == \
        [3, -3, 3.0, 3.5, 2, False, 1, 2.0, 6, 3, 5]
    # a float on either side makes the result a float
    assert repr(ember.sym_max(2.0, 3)) == '3.0' and repr(ember.sym_min(1, 1.0)) == '1.0'
    assert type(ember.sym_sqrt(4)) is float and type(ember.sym_max(2, 3)) is int


@pytest.mark.parametrize('fn, kwargs, bounds', [
    (ember.sym_constrain_range, dict(min=6), '[6, 9223372036854775807]'),
    (ember.sym_constrain_range, dict(max=4), '[-9223372036854775808, 4]'),
    (ember.sym_constrain_range_for_size, dict(min=6), '[6, 9223372036854775807]'),
    (ember.sym_constrain_range_for_size, dict(max=4), '[0, 4]'),
    (ember.sym_constrain_range_for_size, dict(min=1, max=3), '[1, 3]'),
])
def test_range_checks_raise_pytorchs_error(fn, kwargs, bounds):
    with pytest.raises(RuntimeError, match=f'^Invalid value range for 5 between {bounds.replace("[", "[[]")}\\.$'):
        fn(5, **kwargs)


def test_in_range_sizes_pass_and_plain_numbers_are_not_symbolic():
    assert ember.sym_constrain_range(5) is None and ember.sym_constrain_range_for_size(5, max=10) is None
    assert not isinstance(3, ember.SymInt) and not isinstance(3.0, ember.SymFloat)
    assert not isinstance(True, ember.SymBool)
