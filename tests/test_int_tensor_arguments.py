"""Int arguments given as integer tensors, as PyTorch's argument parser reads them: a count a library worked out
with tensor ops (vector-quantize-pytorch's ``linspace(-0.5, 0.5, levels[i])`` over a tensor of levels) works
where PyTorch's does, and what PyTorch refuses is refused."""
import pytest

import ember


@pytest.mark.parametrize('steps', [ember.tensor(5), ember.tensor(5, dtype=ember.int32),
                                   ember.tensor(5, dtype=ember.uint8)])
def test_linspace_and_logspace_take_a_0d_integer_tensor_for_steps(steps):
    assert ember.equal(ember.linspace(-0.5, 0.5, steps), ember.tensor([-0.5, -0.25, 0.0, 0.25, 0.5]))
    assert ember.equal(ember.logspace(0, 4, steps, base=2), ember.tensor([1., 2., 4., 8., 16.]))


@pytest.mark.parametrize('steps', [ember.tensor([5]), ember.tensor(5.), ember.tensor(True),
                                   ember.tensor(5, dtype=ember.float32).requires_grad_()])
def test_linspace_refuses_other_tensors_for_steps(steps):
    # (an int parameter of PyTorch's takes a 0-d integer tensor that needs no gradient, and nothing else)
    with pytest.raises(TypeError, match=r"linspace\(\) received an invalid combination of arguments - got "
                                        r"\(float, float, Tensor\)"):
        ember.linspace(-0.5, 0.5, steps)


def test_logspace_refuses_a_1d_tensor_for_steps():
    with pytest.raises(TypeError, match='invalid combination'):
        ember.logspace(0, 1, ember.tensor([3]))


@pytest.mark.parametrize('n', [ember.tensor(3, dtype=ember.int32), ember.tensor([3])])
def test_eye_takes_a_one_element_integer_tensor_for_its_sizes(n):
    # (eye's sizes are size arguments, which take any one-element integer tensor)
    assert ember.equal(ember.eye(n), ember.eye(3))
    assert ember.eye(n, ember.tensor(2)).shape == (3, 2)


@pytest.mark.parametrize('size', [ember.tensor(2), ember.tensor([2], dtype=ember.int32), ember.tensor(2.7)])
def test_split_reads_a_one_element_tensor_as_int_of_it(size):
    # (PyTorch's Tensor.split calls int() on a tensor split size: any one-element tensor, a float one truncated)
    pieces = ember.arange(5).split(size)
    assert [p.tolist() for p in pieces] == [[0, 1], [2, 3], [4]]
    assert [p.tolist() for p in ember.split(ember.arange(5), size)] == [[0, 1], [2, 3], [4]]


def test_split_by_a_tensor_of_several_sizes_is_split_with_sizes_error():
    with pytest.raises(TypeError, match=r"split_with_sizes\(\)"):
        ember.arange(5).split(ember.tensor([2, 3]))


def test_chunk_takes_a_0d_integer_tensor_and_refuses_a_1d_one():
    assert [p.tolist() for p in ember.arange(5).chunk(ember.tensor(3))] == [[0, 1], [2, 3], [4]]
    with pytest.raises(TypeError, match=r"chunk\(\): argument 'chunks' \(position 1\) must be int, not Tensor"):
        ember.arange(5).chunk(ember.tensor([3]))


@pytest.mark.parametrize('length', [ember.tensor(2), ember.tensor([2])])
def test_narrow_takes_a_one_element_integer_tensor_for_its_length(length):
    assert ember.arange(5).narrow(0, 1, length).tolist() == [1, 2]


@pytest.mark.parametrize('dim', [ember.tensor(1), ember.tensor([1]), ember.tensor([[1]], dtype=ember.int32)])
def test_a_reduction_takes_a_one_element_integer_tensor_for_its_dims(dim):
    # (a list-of-dims parameter reads a one-element integer tensor of any shape as a list of one dim)
    x = ember.ones(2, 3, 4)
    assert x.sum(dim).shape == (2, 4) and x.amax(dim).shape == (2, 4) and x.std(dim).shape == (2, 4)
    assert x.mean(dim=dim, keepdim=True).shape == (2, 1, 4)
    assert ember.arange(6).view(2, 3).roll(1, dim).tolist() == [[2, 0, 1], [5, 3, 4]]


@pytest.mark.parametrize('dim', [ember.tensor([1, 2]), ember.tensor([1.]), ember.tensor(1.)])
def test_a_reduction_refuses_other_tensors_for_its_dims(dim):
    with pytest.raises(TypeError):
        ember.ones(2, 3, 4).sum(dim)


@pytest.mark.parametrize('call, text', [
    (lambda x, d: x.transpose(0, d), "transpose(): argument 'dim1' (position 2) must be int, not Tensor"),
    (lambda x, d: x.flatten(d), "flatten(): argument 'start_dim' (position 1) must be int, not Tensor"),
    (lambda x, d: x.unsqueeze(d), "unsqueeze(): argument 'dim' (position 1) must be int, not Tensor"),
    (lambda x, d: x.softmax(d), "softmax(): argument 'dim' (position 1) must be int, not Tensor"),
    (lambda x, d: x.cumsum(d), "cumsum(): argument 'dim' (position 1) must be int, not Tensor"),
    (lambda x, d: ember.cat([x], d), "cat(): argument 'dim' (position 2) must be int, not Tensor"),
    (lambda x, d: ember.stack([x], d), "stack(): argument 'dim' (position 2) must be int, not Tensor"),
])
def test_a_single_dim_refuses_a_1d_tensor_and_takes_a_0d_one(call, text):
    # (a 1-d one-element tensor has an __index__, but PyTorch's parser takes only a 0-d tensor for an int dim)
    x = ember.ones(3, 4)
    with pytest.raises(TypeError, match=text.replace('(', r'\(').replace(')', r'\)')):
        call(x, ember.tensor([0]))
    assert call(x, ember.tensor(0)).shape == call(x, 0).shape


def test_arange_takes_0d_tensors_for_its_numbers_and_refuses_1d_ones():
    assert ember.arange(ember.tensor(1), ember.tensor(4), ember.tensor(2)).tolist() == [1, 3]
    with pytest.raises(TypeError, match=r"arange\(\): argument 'end' \(position 1\) must be Number, not Tensor"):
        ember.arange(ember.tensor([3]))
    # (a tensor step of 1 is checked too: it is not the default step)
    with pytest.raises(TypeError, match=r"arange\(\) received an invalid combination of arguments - got "
                                        r"\(int, int, Tensor\)"):
        ember.arange(0, 3, ember.tensor([1]))


def test_tril_and_triu_indices_take_0d_integer_tensors_and_refuse_1d_ones():
    assert ember.equal(ember.triu_indices(ember.tensor(3), ember.tensor(3, dtype=ember.int32), ember.tensor(1)),
                       ember.triu_indices(3, 3, 1))
    with pytest.raises(TypeError, match=r"tril_indices\(\): argument 'row' \(position 1\) must be int, not Tensor"):
        ember.tril_indices(ember.tensor([2]), 2)
    with pytest.raises(TypeError, match=r"triu_indices\(\): argument 'offset' \(position 3\) must be int, not Tensor"):
        ember.triu_indices(2, 2, ember.tensor([0]))
