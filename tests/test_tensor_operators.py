"""Python's operators and conversions on Tensor, against what PyTorch 2.13 gives (recorded inline;
the texts are PyTorch's with "torch" read as "ember")."""
import copy

import numpy as np
import pytest

import ember


@pytest.mark.parametrize('expr, message', [
    ("'a' + x", 'can only concatenate str (not "Tensor") to str'),
    ('[1, 2] + x', 'can only concatenate list (not "Tensor") to list'),
    ('[1, 2] - x', "unsupported operand type(s) for -: 'list' and 'Tensor'"),
    ('None * x', "unsupported operand type(s) for *: 'NoneType' and 'Tensor'"),
    ('(1, 2) ** x', "unsupported operand type(s) for ** or pow(): 'tuple' and 'Tensor'"),
    ('[3, 4] & x', "unsupported operand type(s) for &: 'list' and 'Tensor'"),
    ('{} // x', "unsupported operand type(s) for //: 'dict' and 'Tensor'"),
    ('2.5 @ x', "unsupported operand type(s) for @: 'float' and 'Tensor'"),
    ('[1.0] @ x.float()', "unsupported operand type(s) for @: 'list' and 'Tensor'"),
])
def test_reflected_operators_refuse_what_pytorch_refuses(expr, message):
    x = ember.tensor([1, 2])
    with pytest.raises(TypeError) as e:
        eval(expr)
    assert str(e.value) == message


def test_reflected_operators_with_numbers():
    x = ember.tensor([1, 2, 4])
    assert (10 - x).tolist() == [9, 8, 6] and (9 // x).tolist() == [9, 4, 2] and (2 ** x).tolist() == [2, 4, 16]
    assert (64 >> x).tolist() == [32, 16, 4] and (np.int64(6) & x).tolist() == [0, 2, 4]


def test_number_divided_by_tensor_is_reciprocal_times_number_as_in_pytorch():
    x = ember.tensor([3.0, 7.0, 0.1, -0.0, 0.0, 1e-30], requires_grad=True)
    y = 1 / x
    assert y.grad_fn.name() == 'MulBackward0'
    assert y.detach().numpy().tobytes().hex() == 'abaaaa3e2549123e00002041000080ff0000807fcaf24971'
    assert (2.5 / ember.tensor([3., 7.])).numpy().tobytes().hex() == '5655553f6edbb63e'
    assert (1 / ember.tensor([2, 4])).tolist() == [0.5, 0.25]


def test_unary_plus_refuses_bool():
    x = ember.tensor([1.5])
    assert (+x) is x
    with pytest.raises(RuntimeError, match=r'^The `\+` operator, on a bool tensor is not supported\.$'):
        +ember.tensor([True])


def test_conversions_to_python_numbers():
    x = ember.tensor([1.5, 2.0])
    for convert in (float, int, complex):
        with pytest.raises(ValueError, match='^only one element tensors can be converted to Python scalars$'):
            convert(x)
    with pytest.raises(RuntimeError, match='^Boolean value of Tensor with no values is ambiguous$'):
        bool(ember.tensor([]))
    with pytest.raises(RuntimeError, match='^Boolean value of Tensor with more than one value is ambiguous$'):
        bool(x)
    assert int(ember.tensor(-2.7)) == -2 and complex(ember.tensor(1 + 2j)) == 1 + 2j
    assert f'{ember.tensor(3.14159):.2f}' == '3.14'


def test_contains():
    x = ember.tensor([1.5, 2.0])
    assert 2.0 in x and ember.tensor(1.5) in x and 3 not in x
    for element, name in (('a', 'str'), ([1.5], 'list')):
        with pytest.raises(RuntimeError) as e:
            element in x
        assert str(e.value) == (f"Tensor.__contains__ only supports Tensor or scalar, but you passed in a "
                                f"<class '{name}'>.")


def test_numpy_conversion_protocol():
    x = ember.tensor([1.5, 2.0])
    shared = np.asarray(x)
    assert shared.dtype == np.float32 and np.shares_memory(shared, x.numpy())
    assert not np.shares_memory(np.array(x, copy=True), x.numpy())
    assert np.asarray(x, dtype=np.float64).dtype == np.float64
    with pytest.raises(ValueError, match=r'^Unable to avoid copy while creating an array as requested\.'):
        np.array(x, dtype=np.float64, copy=False)
    with pytest.raises(RuntimeError, match=r"^Can't call numpy\(\) on Tensor that requires grad"):
        np.asarray(ember.ones(2, requires_grad=True))


def test_reversed_len_and_deepcopy():
    assert [t.tolist() for t in reversed(ember.tensor([[1, 2], [3, 4]]))] == [[3, 4], [1, 2]]
    assert len(ember.zeros(3, 2)) == 3
    w = ember.ones(2, requires_grad=True)
    c = copy.deepcopy(w)
    assert c is not w and c.requires_grad and c.tolist() == [1.0, 1.0]


@pytest.mark.parametrize('expr, message', [
    ('ember.ones(3).H', 'tensor.H is only supported on matrices (2-D tensors). Got 1-D tensor.'),
    ('ember.ones(2, 2, 2).H', 'tensor.H is only supported on matrices (2-D tensors). Got 3-D tensor. For batches of '
                              'matrices, consider using tensor.mH'),
    ('ember.ones(3).mT', 'tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.'),
    ('ember.ones(3).mH', 'tensor.mH is only supported on matrices or batches of matrices. Got 1-D tensor.'),
    ('ember.ones(3).adjoint()', 'tensor.adjoint() is only supported on matrices or batches of matrices. Got 1-D '
                                'tensor.'),
])
def test_matrix_transposes_refuse_vectors(expr, message):
    with pytest.raises(RuntimeError) as e:
        eval(expr)
    assert str(e.value) == message


def test_deprecation_hints_warn_once_as_in_pytorch():
    from ember import _warn_once
    _warn_once._WARNED.clear()
    hint = 'The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated'
    with pytest.warns(UserWarning, match=hint):
        assert ember.ones(3).T.shape == (3,)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert ember.ones(2, 3, 4).T.shape == (4, 3, 2)      # the same hint again: silent
        assert ember.ones(2, 3).T.shape == (3, 2)
    with pytest.warns(UserWarning, match=r'^Tensor.H is deprecated on 0-D tensors. Consider using x.conj\(\).$'):
        assert ember.tensor(1. + 1j).H.item() == 1 - 1j
    assert ember.ones(2, 2, 3).mH.shape == (2, 3, 2)


@pytest.mark.parametrize('expr, message', [
    ('ember.ones(2, dtype=ember.int64).add(ember.ones(2, dtype=ember.int64), alpha=0.5)',
     'For integral input tensors, argument alpha must not be a floating point number.'),
    ('ember.ones(2, dtype=ember.int64).sub(1, alpha=1.0)',
     'For integral input tensors, argument alpha must not be a floating point number.'),
    ('ember.ones(2, dtype=ember.int64).add_(ember.ones(2, dtype=ember.int64), alpha=0.5)',
     'For integral input tensors, argument alpha must not be a floating point number.'),
    ('ember.ones(2).add(ember.ones(2), alpha=True)', 'Boolean alpha only supported for Boolean results.'),
    ('ember.ones(2).add(ember.ones(2), alpha=1j)',
     'For non-complex input tensors, argument alpha must not be a complex number.'),
    ('ember.ones(2).mean(dtype=ember.int64)', 'mean(): could not infer output dtype. Optional dtype must be either a '
                                              'floating point or complex dtype. Got: Long'),
])
def test_alpha_and_dtype_refusals(expr, message):
    with pytest.raises(RuntimeError) as e:
        eval(expr)
    assert str(e.value) == message


def test_alpha_that_the_result_holds():
    assert ember.ones(2, dtype=ember.int64).add(ember.ones(2), alpha=0.5).tolist() == [1.5, 1.5]
    assert ember.ones(2, dtype=ember.int64).add(1.5, alpha=2).tolist() == [4.0, 4.0]
    assert ember.ones(2).sub_(ember.ones(2), alpha=0.5).tolist() == [0.5, 0.5]


_TWO_BOOLS = ('Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` '
              'operator instead.')
_ONE_BOOL = ('Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, '
             'use the `~` or `logical_not()` operator instead.')


@pytest.mark.parametrize('expr, message', [
    ('ember.tensor([True]) - True', _TWO_BOOLS), ('True - ember.tensor([True])', _TWO_BOOLS),
    ('ember.tensor([True]) - ember.tensor(True)', _TWO_BOOLS), ('ember.tensor([1.5]).sub(True)', _ONE_BOOL),
    ('ember.tensor([True]).sub_(1)', _ONE_BOOL), ('ember.tensor([1]).sub_(ember.tensor([True]))', _ONE_BOOL),
    ('ember.tensor([True]) - 1', _ONE_BOOL), ('1 - ember.tensor([True])', _ONE_BOOL),
    ('ember.tensor([2]) - ember.tensor([True])', _ONE_BOOL), ('ember.sub(True, ember.tensor([2]))', _ONE_BOOL),
])
def test_subtraction_with_bools_is_refused(expr, message):
    with pytest.raises(RuntimeError) as e:
        eval(expr)
    assert str(e.value) == message


def test_operators_with_other_operands_follow_python_as_in_pytorch():
    x = ember.tensor([1, 2])
    assert (x == None) is False and (x != 'a') is True and (x == [1, 2]) is False   # noqa: E711
    for expr, message in (("x + 'a'", "unsupported operand type(s) for +: 'Tensor' and 'str'"),
                          ('x * None', "unsupported operand type(s) for *: 'Tensor' and 'NoneType'"),
                          ('x ** [1, 2]', "unsupported operand type(s) for ** or pow(): 'Tensor' and 'list'"),
                          ('x @ [1, 2]', "unsupported operand type(s) for @: 'Tensor' and 'list'"),
                          ('x < [1, 2]', "'<' not supported between instances of 'Tensor' and 'list'"),
                          ('x.add_([1, 2])', "add_(): argument 'other' (position 1) must be Tensor, not list"),
                          ('x.mul_(None)', "mul_(): argument 'other' (position 1) must be Tensor, not NoneType")):
        with pytest.raises(TypeError) as e:
            eval(expr)
        assert str(e.value) == message, expr
    # (PyTorch's text says '+=': ember's + raises its own TypeError where PyTorch's returns NotImplemented)
    with pytest.raises(TypeError, match=r"^unsupported operand type\(s\) for \+: 'Tensor' and 'list'$"):
        x += [1, 2]
    assert x.tolist() == [1, 2]                              # nothing was changed
    assert (x + np.array([1, 2])).tolist() == [2, 4]         # NumPy arrays and scalars are operands
    x += np.int64(1)
    assert x.tolist() == [2, 3]
