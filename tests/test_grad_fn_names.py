"""Each op's output names its backward node as PyTorch's does (``grad_fn=<...>`` in printed tensors,
``grad_fn.name()``), checked against names recorded from PyTorch for every op-table row and sample
(tests/fixtures/grad_fn_names/record.py)."""
import json
import math
import pathlib
import warnings

import numpy as np
import pytest

import ember

from tests._grad_fn_names import ember_inputs, node_name, recorded_call, row_keys, sample_key
from tests.op_db import OPS

RECORDED = json.loads((pathlib.Path(__file__).parent / 'fixtures' / 'grad_fn_names' / 'names.json').read_text())

# Rows whose recorded name ember does not reproduce, each with why (strict xfails: a row that comes to match
# must leave this list).
SKIP = {key: why for why, keys in [
] for key in keys.split()}


def _cases():
    for key, info in zip(row_keys(OPS), OPS):
        if key in RECORDED and info.grad:
            yield pytest.param(key, info, id=key,
                               marks=[pytest.mark.xfail(strict=True, reason=SKIP[key])] if key in SKIP else [])


@pytest.mark.parametrize('key,info', list(_cases()))
def test_grad_fn_name_matches_pytorch(key, info):
    recorded = RECORDED[key]
    wrong = []
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for sample in info.samples(np.random.default_rng(2)):
            expected = recorded.get(sample_key(sample))
            if expected is None:
                continue  # a sample added after recording
            expected = expected.replace('torch::', 'ember::')     # (PyTorch's namespaced nodes: CopySlices)
            args, kwargs = ember_inputs(sample)
            got = node_name(recorded_call(info)(*args, **kwargs), info.output_index)
            if got != expected:
                wrong.append(f'{sample_key(sample)}: {got} (PyTorch: {expected})')
    assert not wrong, '\n'.join(wrong)


def test_skip_list_names_recorded_rows():
    assert not set(SKIP) - set(RECORDED)


def test_xlogy_of_a_number_by_a_tensor():
    # PyTorch: XlogyBackward1, values 2 * log(x), gradient 2 / x
    x = ember.tensor([0.0, 1.5, 3.0], requires_grad=True)
    y = ember.xlogy(2.0, x)
    assert y.grad_fn.name() == 'XlogyBackward1'
    y.sum().backward()
    assert y.tolist()[1:] == pytest.approx([2 * math.log(1.5), 2 * math.log(3.0)])
    assert x.grad.tolist()[1:] == pytest.approx([2 / 1.5, 2 / 3.0])


def test_one_node_names_the_sorted_values():
    x = ember.tensor([[3.0, 1.0, 2.0], [0.5, 4.0, -1.0]], requires_grad=True)
    values = x.sort(1).values
    assert values.grad_fn.name() == 'SortBackward0'
    assert values.grad_fn.next_functions[0][0].name() == 'ember::autograd::AccumulateGrad'
    assert str(x.median()).endswith('grad_fn=<MedianBackward0>)')


def test_in_place_views_record_pytorch_in_place_node_names():
    # PyTorch numbers in-place view nodes apart from the out-of-place ones (recorded from PyTorch 2.13)
    a = ember.ones(1, 3, 1, requires_grad=True) * 2
    cases = {'squeeze_': (lambda t: t.squeeze_(), 'SqueezeBackward3'),
             'squeeze_(0)': (lambda t: t.squeeze_(0), 'SqueezeBackward4'),
             'squeeze_(dim=0)': (lambda t: t.squeeze_(dim=0), 'SqueezeBackward4'),
             'squeeze_((0, 2))': (lambda t: t.squeeze_((0, 2)), 'SqueezeBackward5'),
             'unsqueeze_(0)': (lambda t: t.unsqueeze_(0), 'UnsqueezeBackward1'),
             'transpose_(0, 1)': (lambda t: t.transpose_(0, 1), 'TransposeBackward1'),
             'swapdims_(0, 1)': (lambda t: t.swapdims_(0, 1), 'TransposeBackward1'),
             'as_strided_': (lambda t: t.as_strided_((3,), (1,)), 'AsStridedBackward1')}
    for what, (fn, name) in cases.items():
        assert fn(a.clone()).grad_fn.name() == name, what
    assert a.clone().squeeze(0).grad_fn.name() == 'SqueezeBackward1'     # the out-of-place one keeps its own
    b = ember.ones(1, 3, requires_grad=True) * 2
    assert b.clone().t_().grad_fn.name() == 'TBackward1'
    with pytest.raises(RuntimeError, match=r"^t_\(\) expects a tensor with <= 2 dimensions, but self is 3D$"):
        a.clone().t_()
    # in-place or not, the gradient is the view's
    x = ember.arange(3., requires_grad=True)
    y = (x * 1).unsqueeze_(0).t_()
    y.backward(ember.tensor([[1.], [2.], [3.]]))
    assert x.grad.tolist() == [1., 2., 3.]



def test_einsum_node_is_pytorchs_last_step_with_its_saved_values():
    # recorded from PyTorch 2.13 (opt_einsum's contraction order where it is installed, else left to right)
    x = ember.arange(120.).reshape(2, 3, 4, 5).requires_grad_()
    node = ember.einsum('...ij->j', x).grad_fn        # summed dims: the ellipsis's first, then i
    assert (node.name(), node._saved_dim, node._saved_keepdim, node._saved_self_sym_sizes) == \
        ('SumBackward1', (1, 2, 3), False, (5, 2, 3, 4))
    node = ember.einsum('zAa->z', ember.ones(2, 3, 4, requires_grad=True)).grad_fn   # upper case first
    assert (node._saved_dim, node._saved_self_sym_sizes) == ((1, 2), (2, 3, 4))
    assert ember.einsum('iji->ji', ember.ones(2, 3, 2, requires_grad=True)).grad_fn._saved_dims == (1, 0)
    # the last product's factors, each kept where the other factor's gradient is wanted
    u, v = ember.ones(1, 3, requires_grad=True), ember.tensor([[2.], [3.]], requires_grad=True)
    node = ember.einsum('ij,ij->ij', u, v).grad_fn
    assert node.name() == 'MulBackward0'
    assert node._saved_self.tolist() == [[1., 1., 1.]] and node._saved_other.tolist() == [[2.], [3.]]
    a, b, c = ember.tensor([1., 2.], requires_grad=True), ember.tensor([3., 4., 5.]), \
        ember.tensor([[2.], [3.]], requires_grad=True)
    y = ember.einsum('i,j,ik->ijk', a, b, c)
    if ember.backends.opt_einsum.is_available():        # (a and c multiplied first, then b by their product)
        assert y.grad_fn._saved_self.tolist() == [[[3.], [4.], [5.]]] and y.grad_fn._saved_other is None
    y.sum().backward()
    assert a.grad.tolist() == [24., 36.] and c.grad.tolist() == [[12.], [24.]]
    # a view's sizes stay readable once backward freed the operands
    p = ember.ones(2, 3, requires_grad=True)
    y = ember.einsum('ij,jk->ik', p, ember.ones(3, 4))
    y.sum().backward()
    assert (y.grad_fn.name(), y.grad_fn._saved_self_sym_sizes) == ('ViewBackward0', (2, 4, 1))
    assert p.grad.tolist() == [[4.] * 3] * 2


def test_numbers_in_user_code_and_in_pytorchs_composites():
    # (recorded from PyTorch 2.13) a number in user code is wrapped into a tensor: MulBackward0, with a (None, 0)
    # edge for it; PyTorch's C++ composites multiply, add and divide by a double through the Scalar overloads:
    # one edge, the number kept as a number
    x = ember.tensor([-1.0, 0.5, 2.0], dtype=ember.float64, requires_grad=True)
    y = x * 2
    assert y.grad_fn.name() == 'MulBackward0' and y.grad_fn.next_functions[1] == (None, 0)
    top = ember.special.ndtr(x).grad_fn                      # (1 + erf(x * sqrt(1/2))) * 0.5
    assert (top.name(), len(top.next_functions), top._saved_other) == ('MulBackward1', 1, 0.5)
    add = top.next_functions[0][0]
    assert (add.name(), len(add.next_functions)) == ('AddBackward1', 1)
    assert not [a for a in dir(add) if a.startswith('_saved_')]
    erf = add.next_functions[0][0]
    inner = erf.next_functions[0][0]
    assert (erf.name(), inner.name(), inner._saved_other) == ('ErfBackward0', 'MulBackward1', math.sqrt(0.5))
    assert inner.next_functions[0][0].name() == 'ember::autograd::AccumulateGrad'
    div = ember.trapezoid(x, ember.tensor([0.0, 1.0, 3.0], dtype=ember.float64)).grad_fn
    assert (div.name(), len(div.next_functions), div._saved_other) == ('DivBackward1', 1, 2.0)
    norm = ember.nn.functional.pairwise_distance(x, x.detach() + 1).grad_fn
    assert (norm.name(), norm.next_functions[0][0].name()) == ('NormBackward1', 'AddBackward1')
    # the gradient: ndtr's is the normal density
    ember.special.ndtr(x).sum().backward()
    assert x.grad.tolist() == pytest.approx([math.exp(-v * v / 2) / math.sqrt(2 * math.pi) for v in (-1.0, 0.5, 2.0)])
