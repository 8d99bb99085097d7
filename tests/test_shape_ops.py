"""Shape ops: result shapes and error texts recorded from PyTorch 2.x, plus view semantics."""
import numpy as np
import pytest

import ember as torch  # the cases below ran unchanged under PyTorch to record EXPECTED


def _result(fn):
    try:
        v = fn()
        if isinstance(v, (tuple, list)):
            return [list(t.shape) for t in v]
        return list(v.shape) if hasattr(v, 'shape') else repr(v)
    except Exception as e:  # noqa: BLE001  (the error type and text are what is compared)
        return f'{type(e).__name__}: {e}'


x = torch.zeros(2, 3, 4)
m = torch.zeros(3, 4)
CASES = {
 'view(5, 5)': lambda: x.view(5, 5),
 'view(-1, -1)': lambda: x.view(-1, -1),
 'view(-1, 5)': lambda: x.view(-1, 5),
 'view(-2, 12)': lambda: x.view(-2, 12),
 'view noncontig': lambda: x.transpose(0, 1).view(-1),
 'view noncontig ok': lambda: x.transpose(1, 2).view(2, 4, 3),
 'reshape noncontig': lambda: x.transpose(0, 1).reshape(-1),
 'reshape(7)': lambda: x.reshape(7),
 'reshape(0, -1)': lambda: x.reshape(0, -1),
 'empty reshape(0,-1)': lambda: torch.zeros(0, 3).reshape(0, -1),
 'flatten(2, 1)': lambda: x.flatten(2, 1),
 'flatten(0, 5)': lambda: x.flatten(0, 5),
 'unflatten bad': lambda: x.unflatten(1, (2, 2)),
 'unflatten -1': lambda: x.unflatten(2, (-1, 2)),
 'expand(3, 4)': lambda: x.expand(3, 4),
 'expand(2, 5, 4)': lambda: x.expand(2, 5, 4),
 'expand(-1, 2, 3, 4)': lambda: x.expand(-1, 2, 3, 4),
 'expand(2,-1,-1)': lambda: x.expand(2, -1, -1),
 'squeeze(3)': lambda: x.squeeze(3),
 'unsqueeze(4)': lambda: x.unsqueeze(4),
 'unsqueeze(-5)': lambda: x.unsqueeze(-5),
 'permute(0, 1)': lambda: x.permute(0, 1),
 'permute(0, 1, 1)': lambda: x.permute(0, 1, 1),
 'transpose(0, 3)': lambda: x.transpose(0, 3),
 't 3d': lambda: x.t(),
 'movedim(0, 3)': lambda: x.movedim(0, 3),
 'movedim dup': lambda: x.movedim((0, 0), (1, 2)),
 'narrow(0, 1, 2)': lambda: x.narrow(0, 1, 2),
 'narrow(1, -1, 1)': lambda: x.narrow(1, -1, 1),
 'narrow(1, 4, 1)': lambda: x.narrow(1, 4, 1),
 'split(0)': lambda: x.split(0),
 'split([1, 1], 1)': lambda: x.split([1, 1], 1),
 'chunk(0)': lambda: x.chunk(0),
 'chunk(3, 2)': lambda: x.chunk(3, 2),
 'chunk(5, 1)': lambda: x.chunk(5, 1),
 'select(1, 3)': lambda: x.select(1, 3),
 'select(3, 0)': lambda: x.select(3, 0),
 'cat dims': lambda: torch.cat([x, m]),
 'cat sizes': lambda: torch.cat([x, torch.zeros(2, 4, 4)], 2),
 'cat empty list': lambda: torch.cat([]),
 'cat 0d': lambda: torch.cat([torch.tensor(1.), torch.tensor(2.)]),
 'cat dim 3': lambda: torch.cat([x, x], 3),
 'cat legacy empty': lambda: torch.cat([torch.zeros(0), x]),
 'cat (0,4) and (3,4)': lambda: torch.cat([torch.zeros(0, 4), m]),
 'stack mismatch': lambda: torch.stack([x, m]),
 'stack empty': lambda: torch.stack([]),
 'stack dim 4': lambda: torch.stack([m, m], 3),
 'flip dup': lambda: x.flip(0, 0),
 'roll mismatch': lambda: x.roll((1, 2), 0),
 'repeat few': lambda: x.repeat(2, 2),
 'tile': lambda: x.tile((2,)),
 'diagonal same': lambda: x.diagonal(0, 1, 1),
 'diag 3d': lambda: torch.diag(x),
 'tril 1d': lambda: torch.tril(torch.zeros(3)),
 'unfold big': lambda: torch.zeros(5).unfold(0, 6, 1),
 'unfold step0': lambda: torch.zeros(5).unfold(0, 2, 0),
 'broadcast_to bad': lambda: torch.broadcast_to(m, (3, 5)),
 'broadcast_shapes bad': lambda: torch.broadcast_shapes((2, 3), (4, 3)),
 'sum_to_size bad': lambda: m.sum_to_size(2, 4),
 'view_as': lambda: x.view_as(m),
 'repeat_interleave': lambda: torch.repeat_interleave(m, torch.tensor([1, 2]), 0),
 'repeat_interleave negative number': lambda: torch.repeat_interleave(m, -1),
 'repeat_interleave negative tensor': lambda: torch.repeat_interleave(m, torch.tensor([-1, 1, 1]), 0),
 'hstack empty': lambda: torch.hstack([]),
 'squeeze dims tuple': lambda: torch.zeros(1, 3, 1).squeeze((0, 2)),
 'transpose 0d': lambda: torch.tensor(1.).transpose(0, 0),
 'transpose 0d -1': lambda: torch.tensor(1.).transpose(-1, 0),
 'unsqueeze 0d': lambda: torch.tensor(1.).unsqueeze(0),
 'flatten 0d': lambda: torch.tensor(1.).flatten(),
 'tensor_split 0': lambda: x.tensor_split(0),
 'view dtype= bytes as float': lambda: torch.arange(8, dtype=torch.uint8).view(dtype=torch.float32),
 'view dtype float as bytes': lambda: torch.zeros(2, 3).view(torch.uint8),
 'view dtype 0d grow': lambda: torch.tensor(1, dtype=torch.uint8).view(torch.float32),
 'view dtype 0d shrink': lambda: torch.tensor(1.).view(torch.uint8),
 'view dtype size': lambda: torch.arange(6, dtype=torch.uint8).view(torch.float32),
 'view dtype stride -1': lambda: torch.arange(16, dtype=torch.uint8).view(4, 4)[:, ::2].view(torch.int16),
 'view dtype offset': lambda: torch.arange(16, dtype=torch.uint8)[1:9].view(torch.int16),
 'view dtype stride 0': lambda: torch.arange(24, dtype=torch.uint8).view(4, 6)[:, :4].view(torch.int32),
 'view dtype shrink stride': lambda: torch.arange(8, dtype=torch.int16).view(2, 4).t().view(torch.uint8),
 'view size=': lambda: x.view(size=(4, 6)),
}

EXPECTED = {'view(5, 5)': "RuntimeError: shape '[5, 5]' is invalid for input of size 24",
 'view(-1, -1)': 'RuntimeError: only one dimension can be inferred',
 'view(-1, 5)': "RuntimeError: shape '[-1, 5]' is invalid for input of size 24",
 'view(-2, 12)': 'RuntimeError: invalid shape dimension -2 at index 0 of shape [-2, 12]',
 'view noncontig': "RuntimeError: view size is not compatible with input tensor's size and stride (at least one "
                   'dimension spans across two contiguous subspaces). Use .reshape(...) instead.',
 'view noncontig ok': [2, 4, 3],
 'reshape noncontig': [24],
 'reshape(7)': "RuntimeError: shape '[7]' is invalid for input of size 24",
 'reshape(0, -1)': "RuntimeError: shape '[0, -1]' is invalid for input of size 24",
 'empty reshape(0,-1)': 'RuntimeError: cannot reshape tensor of 0 elements into shape [0, -1] because the unspecified '
                        'dimension size -1 can be any value and is ambiguous',
 'flatten(2, 1)': 'RuntimeError: flatten() has invalid args: start_dim cannot come after end_dim',
 'flatten(0, 5)': 'IndexError: Dimension out of range (expected to be in range of [-3, 2], but got 5)',
 'unflatten bad': "RuntimeError: unflatten: Provided sizes [2, 2] don't multiply up to the size of dim 1 (3) in the "
                  'input tensor',
 'unflatten -1': [2, 3, 2, 2],
 'expand(3, 4)': 'RuntimeError: expand(ember.FloatTensor{[2, 3, 4]}, size=[3, 4]): the number of sizes provided (2) '
                 'must be greater or equal to the number of dimensions in the tensor (3)',
 'expand(2, 5, 4)': 'RuntimeError: The expanded size of the tensor (5) must match the existing size (3) at '
                    'non-singleton dimension 1.  Target sizes: [2, 5, 4].  Tensor sizes: [2, 3, 4]',
 'expand(-1, 2, 3, 4)': "RuntimeError: The expanded size of the tensor (-1) isn't allowed in a leading, non-existing "
                        'dimension 0',
 'expand(2,-1,-1)': [2, 3, 4],
 'squeeze(3)': 'IndexError: Dimension out of range (expected to be in range of [-3, 2], but got 3)',
 'unsqueeze(4)': 'IndexError: Dimension out of range (expected to be in range of [-4, 3], but got 4)',
 'unsqueeze(-5)': 'IndexError: Dimension out of range (expected to be in range of [-4, 3], but got -5)',
 'permute(0, 1)': 'RuntimeError: permute(sparse_coo): number of dimensions in the tensor input does not match the '
                  'length of the desired ordering of dimensions i.e. input.dim() = 3 is not equal to len(dims) = 2',
 'permute(0, 1, 1)': 'RuntimeError: permute(): duplicate dims are not allowed.',
 'transpose(0, 3)': 'IndexError: Dimension out of range (expected to be in range of [-3, 2], but got 3)',
 't 3d': 'RuntimeError: t() expects a tensor with <= 2 dimensions, but self is 3D',
 'movedim(0, 3)': 'IndexError: Dimension out of range (expected to be in range of [-3, 2], but got 3)',
 'movedim dup': 'RuntimeError: movedim: repeated dim in `source` ([0, 0])',
 'narrow(0, 1, 2)': 'RuntimeError: start (1) + length (2) exceeds dimension size (2).',
 'narrow(1, -1, 1)': [2, 1, 4],
 'narrow(1, 4, 1)': 'IndexError: start out of range (expected to be in range of [-3, 3], but got 4)',
 'split(0)': 'RuntimeError: split_size can only be 0 if dimension size is 0, but got dimension size of 2',
 'split([1, 1], 1)': "RuntimeError: split_with_sizes expects split_sizes to sum exactly to 3 (input tensor's size at "
                     'dimension 1), but got split_sizes=[1, 1]',
 'chunk(0)': 'RuntimeError: chunk expects `chunks` to be greater than 0, got: 0',
 'chunk(3, 2)': [[2, 3, 2], [2, 3, 2]],
 'chunk(5, 1)': [[2, 1, 4], [2, 1, 4], [2, 1, 4]],
 'select(1, 3)': 'IndexError: select(): index 3 out of range for tensor of size [2, 3, 4] at dimension 1',
 'select(3, 0)': 'IndexError: Dimension out of range (expected to be in range of [-3, 2], but got 3)',
 'cat dims': 'RuntimeError: Tensors must have same number of dimensions: got 3 and 2',
 'cat sizes': 'RuntimeError: Sizes of tensors must match except in dimension 2. Expected size 3 but got size 4 for '
              'tensor number 1 in the list.',
 'cat empty list': 'ValueError: ember.cat(): expected a non-empty list of Tensors',
 'cat 0d': 'RuntimeError: zero-dimensional tensor (at position 0) cannot be concatenated',
 'cat dim 3': 'IndexError: Dimension out of range (expected to be in range of [-3, 2], but got 3)',
 'cat legacy empty': [2, 3, 4],
 'cat (0,4) and (3,4)': [3, 4],
 'stack mismatch': 'RuntimeError: stack expects each tensor to be equal size, but got [2, 3, 4] at entry 0 and [3, 4] '
                   'at entry 1',
 'stack empty': 'RuntimeError: stack expects a non-empty TensorList',
 'stack dim 4': 'IndexError: Dimension out of range (expected to be in range of [-3, 2], but got 3)',
 'flip dup': 'RuntimeError: dim 0 appears multiple times in the list of dims',
 'roll mismatch': 'RuntimeError: shifts and dimensions must align. shifts: 2, dims:1',
 'repeat few': 'RuntimeError: Number of dimensions of repeat dims can not be smaller than number of dimensions of '
               'tensor',
 'tile': [2, 3, 8],
 'diagonal same': 'RuntimeError: diagonal dimensions cannot be identical 1, 1',
 'diag 3d': 'RuntimeError: diag(): Supports 1D or 2D tensors. Got 3D',
 'tril 1d': 'RuntimeError: tril: input tensor must have at least 2 dimensions',
 'unfold big': 'RuntimeError: maximum size for tensor at dimension 0 is 5 but size is 6',
 'unfold step0': 'RuntimeError: step is 0 but must be > 0',
 'broadcast_to bad': 'RuntimeError: The expanded size of the tensor (5) must match the existing size (4) at '
                     'non-singleton dimension 1.  Target sizes: [3, 5].  Tensor sizes: [3, 4]',
 'broadcast_shapes bad': 'RuntimeError: Attempting to broadcast a dimension of length 4 at -2! Mismatching argument at '
                         'index 1 had (4, 3); but expected shape should be broadcastable to [2, 3]',
 'sum_to_size bad': 'RuntimeError: size {[2, 4]} is not expandable to size {[3, 4]}.',
 'view_as': "RuntimeError: shape '[3, 4]' is invalid for input of size 24",
 'repeat_interleave': 'RuntimeError: repeats must have the same size as input along dim, but got repeats.size(0) = 2 '
                      'and input.size(0) = 3',
 'repeat_interleave negative number': 'RuntimeError: Repeats must be non-negative',
 'repeat_interleave negative tensor': 'RuntimeError: repeats can not be negative',
 'hstack empty': 'RuntimeError: hstack expects a non-empty TensorList',
 'squeeze dims tuple': [3],
 'transpose 0d': [],
 'transpose 0d -1': [],
 'unsqueeze 0d': [1],
 'flatten 0d': [1],
 'tensor_split 0': 'RuntimeError: number of sections must be larger than 0, got 0',
 'view dtype= bytes as float': [2],
 'view dtype float as bytes': [2, 12],
 'view dtype 0d grow': 'RuntimeError: self.dim() cannot be 0 to view Byte as Float (different element sizes)',
 'view dtype 0d shrink': 'RuntimeError: self.dim() cannot be 0 to view Float as Byte (different element sizes)',
 'view dtype size': 'RuntimeError: self.size(-1) must be divisible by 4 to view Byte as Float (different element '
                    'sizes), but got 6',
 'view dtype stride -1': 'RuntimeError: self.stride(-1) must be 1 to view Byte as Short (different element sizes), '
                         'but got 2',
 'view dtype offset': 'RuntimeError: self.storage_offset() must be divisible by 2 to view Byte as Short (different '
                      'element sizes), but got 1',
 'view dtype stride 0': 'RuntimeError: self.stride(0) must be divisible by 4 to view Byte as Int (different element '
                        'sizes), but got 6',
 'view dtype shrink stride': 'RuntimeError: self.stride(-1) must be 1 to view Short as Byte (different element '
                             'sizes), but got 4',
 'view size=': [4, 6]}


@pytest.mark.parametrize('name', list(CASES))
def test_shape_or_error_matches_pytorch(name):
    assert _result(CASES[name]) == EXPECTED[name]


def test_views_share_storage_and_version_counter():
    base = torch.arange(12.0)
    for view in (base.view(3, 4), base.reshape(2, 6), base[2:8], base.unsqueeze(0), base.view(3, 4).t(),
                 base.view(3, 4).permute(1, 0), base.view(3, 4).transpose(0, 1), base.narrow(0, 1, 3),
                 base.view(3, 4).select(1, 2), base.view(3, 4).diagonal(), base.expand(2, 12), base.unfold(0, 3, 2),
                 base.view(2, 6).split(3, 1)[1], base.view(3, 4).unbind(1)[2], base.view(1, 12).squeeze(0)):
        assert view._version_counter is base._version_counter
        assert np.shares_memory(view.numpy(), base.numpy())
    for copy in (base.flip(0), base.roll(1), base.repeat(2), base.view(3, 4).t().reshape(-1), base.clone(),
                 base.view(3, 4).tril(), torch.cat([base, base])):
        assert not np.shares_memory(copy.numpy(), base.numpy())


def test_view_as_a_dtype_of_another_element_size_shares_the_bytes():
    # safetensors reads a checkpoint as bytes and reinterprets them: x.view(dtype=...)
    raw = torch.zeros(2, 8, dtype=torch.uint8)
    words = raw.view(dtype=torch.int32)
    assert words.shape == (2, 2) and words.stride() == (2, 1)
    words[0, 0] = 0x01020304
    assert raw[0].tolist() == [4, 3, 2, 1, 0, 0, 0, 0]
    assert words._version_counter is raw._version_counter
    row = torch.arange(8, dtype=torch.uint8).view(2, 4)[1].view(torch.int16)
    assert row.storage_offset() == 2 and row.tolist() == [1284, 1798]
    assert torch.tensor([1., 2.]).view(torch.uint8).tolist() == [0, 0, 128, 63, 0, 0, 0, 64]


def test_writes_through_a_view_reach_the_base():
    base = torch.zeros(3, 4)
    base.t()[1].fill_(2.0)
    base.diagonal().add_(1.0)
    assert base.tolist() == [[1.0, 2.0, 0.0, 0.0], [0.0, 3.0, 0.0, 0.0], [0.0, 2.0, 1.0, 0.0]]


def test_view_of_non_contiguous_tensor_fails_and_reshape_copies():
    x = torch.arange(6.0).view(2, 3).t()
    assert not x.is_contiguous()
    with pytest.raises(RuntimeError, match="view size is not compatible with input tensor's size and stride"):
        x.view(6)
    assert x.reshape(6).tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    assert x.contiguous().view(6).tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    assert x.contiguous().is_contiguous() and x.is_contiguous() is False


def test_expand_has_zero_strides_and_its_gradient_sums():
    x = torch.tensor([[1.0], [2.0]], requires_grad=True)
    e = x.expand(2, 3)
    assert e.stride() == (1, 0)
    (e * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [[6.0], [6.0]]


def test_cat_skips_legacy_empty_tensors_and_promotes():
    a = torch.tensor([[1, 2]])
    out = torch.cat([torch.tensor([]), a.float(), torch.zeros(0, 2)])
    assert out.tolist() == [[1.0, 2.0]] and out.dtype is torch.float32
    assert torch.cat([a, a.double()]).dtype is torch.float64
    x = torch.ones(2, requires_grad=True)
    y = torch.cat([torch.tensor([]), x, x * 2])
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_split_chunk_unbind_gradients():
    x = torch.arange(6.0, requires_grad=True)
    a, b = x.split([2, 4])
    (a.sum() * 2 + b.sum() * 3).backward()
    assert x.grad.tolist() == [2.0, 2.0, 3.0, 3.0, 3.0, 3.0]
    assert [c.shape[0] for c in torch.arange(5).chunk(3)] == [2, 2, 1]
    assert [c.shape[0] for c in torch.arange(6).chunk(4)] == [2, 2, 2]


def test_t_and_T_on_small_ranks():
    v = torch.arange(3.0)
    assert v.t().shape == (3,) and torch.tensor(2.0).t().shape == ()
    assert v.T.shape == (3,)


def test_broadcast_shapes_returns_size():
    assert torch.broadcast_shapes((2, 1), (3,), 1) == torch.Size([2, 3])
    assert isinstance(torch.broadcast_shapes((2, 1)), torch.Size)


def test_adjoint_and_mH_conjugate_complex_tensors():
    x = torch.tensor([[1 + 1j, 2 - 1j], [3j, 4]])
    want = [[1 - 1j, -3j], [2 + 1j, 4]]
    assert x.adjoint().tolist() == want
    assert x.mH.tolist() == want
    r = torch.tensor([[1., 2.], [3., 4.]])
    assert r.mH.tolist() == [[1., 3.], [2., 4.]]


def test_atleast_nd_take_several_tensors_or_a_sequence():
    a, b = torch.tensor(1.), torch.tensor([2., 3.])
    one, two = torch.atleast_1d(a, b)
    assert one.shape == (1,) and two.shape == (2,)
    assert [t.shape for t in torch.atleast_2d([a, b])] == [(1, 1), (1, 2)]
    assert [t.shape for t in torch.atleast_3d((a,))] == [(1, 1, 1)]
    assert torch.atleast_1d() == ()
    with pytest.raises(TypeError, match=r"atleast_1d\(\) received an invalid combination of arguments - got \(float\)"):
        torch.atleast_1d(1.0)


def test_split_chunk_and_unbind_pieces_are_outputs_of_one_node_as_in_pytorch():
    x = torch.randn(4, 6, requires_grad=True)
    for pieces, name in ((x.split(2, 1), 'SplitBackward0'), (x.split([1, 5], 1), 'SplitWithSizesBackward0'),
                         (x.chunk(3, 1), 'SplitBackward0'), (x.unbind(0), 'UnbindBackward0')):
        nodes = {id(p.grad_fn) for p in pieces}
        assert len(nodes) == 1 and pieces[0].grad_fn.name() == name
        assert [p.output_nr for p in pieces] == list(range(len(pieces)))
        assert all(p._base is x for p in pieces)
    q, k, v = x.split(2, 1)
    (q * 2 + v).sum().backward()
    assert x.grad.tolist() == [[2., 2., 0., 0., 1., 1.]] * 4


def test_pieces_of_a_multi_view_op_refuse_in_place_changes_while_recording():
    y = torch.randn(4, 6, requires_grad=True).clone()
    for pieces, op in ((y.split([2, 4], 1), 'SplitWithSizes'), (y.chunk(2, 1), 'Split'), (y.unbind(1), 'Unbind')):
        with pytest.raises(RuntimeError, match=rf"^Output 1 of {op} is a view and is being modified inplace\. This "
                                               "view is the output of a function that returns multiple views"):
            pieces[1].mul_(2)
    with torch.no_grad():
        a = y.split(3, 1)[0]
        a.mul_(2)
    z = torch.zeros(2, 4)
    left, right = z.split(2, 1)
    left.add_(1)                  # nothing records: allowed, and written through to z
    assert z.tolist() == [[1., 1., 0., 0.]] * 2


def test_tile_method_takes_separate_ints_as_pytorch():
    x = torch.arange(6).view(2, 3)
    assert x.tile(2, 1).shape == (4, 3) and x.tile(2).shape == (2, 6) and x.tile((2, 1)).shape == (4, 3)
    with pytest.raises(TypeError, match=r"tile\(\): argument 'dims' \(position 2\) must be tuple of ints, not int"):
        torch.tile(x, 2)


def test_roll_by_one_shift_along_listed_dims():
    """``roll(1, dims=(0,))``: one int shift with its dims given as a sequence (PyTorch's own)."""
    x = torch.arange(6).reshape(2, 3)
    assert x.roll(1, dims=(0,)).tolist() == [[3, 4, 5], [0, 1, 2]]
    assert torch.roll(x, 1, dims=[1]).tolist() == [[2, 0, 1], [5, 3, 4]]
    assert x.roll([1], dims=[1]).tolist() == [[2, 0, 1], [5, 3, 4]]
