"""Packed sequences: batches of variable-length sequences for RNN, LSTM and GRU.

A ``PackedSequence`` stores only the real time steps: ``data`` holds, time step by time step,
the entries of the sequences still running (longest first), and ``batch_sizes[t]`` says how many
there are at step ``t``. ``pack_padded_sequence`` makes one from a padded batch and its lengths,
``pad_packed_sequence`` turns it back; the recurrent modules accept it directly.

>>> seqs = [ember.ones(3, 2), ember.ones(1, 2)]
>>> packed = pack_sequence(seqs)
>>> packed.batch_sizes
tensor([2, 1, 1])
"""
from typing import NamedTuple

import numpy as np

from ember._dtype import int64
from ember._tensor import Tensor, _scalar_type_name
from ember.autograd.function import Primitive
from ember.ops.creation import tensor

__all__ = ['PackedSequence', 'invert_permutation', 'pack_padded_sequence', 'pad_packed_sequence', 'pad_sequence',
           'unpad_sequence', 'pack_sequence', 'unpack_sequence']


class PackedSequence_(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor
    unsorted_indices: Tensor


def bind(optional, fn):
    return None if optional is None else fn(optional)


class PackedSequence(PackedSequence_):
    """The packed form of a batch of variable-length sequences (made by :func:`pack_padded_sequence`).

    ``sorted_indices`` orders the original batch by decreasing length (``None`` when it already
    was); ``unsorted_indices`` undoes that order. Conversions (``to``, ``double``, ``cuda``...) apply to
    ``data`` and keep ``batch_sizes`` on the CPU.

    Example::

        >>> packed = ember.nn.utils.rnn.pack_sequence([ember.tensor([4, 5]), ember.tensor([1, 2, 3])], enforce_sorted=False)
        >>> packed.batch_sizes, packed.sorted_indices
        (tensor([2, 2, 1]), tensor([1, 0]))
        >>> lstm = ember.nn.LSTM(input_size=1, hidden_size=2)
        >>> out, _ = lstm(ember.nn.utils.rnn.pack_sequence([ember.ones(3, 1), ember.ones(2, 1)]))
        >>> type(out).__name__, out.data.shape
        ('PackedSequence', ember.Size([5, 2]))
    """

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is not None:
            if batch_sizes.device.type != 'cpu':
                raise ValueError('batch_sizes should always be on CPU. Instances of PackedSequence should never be '
                                 'created manually. They should be instantiated by functions like pack_sequence '
                                 'and pack_padded_sequences in nn.utils.rnn. '
                                 'https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence')
            return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)
        # PackedSequence(data_and_batch_sizes): the (data, batch_sizes) pair as one argument
        data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def _with_data(self, data):
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        device = data.device
        return type(self)(data, self.batch_sizes, bind(self.sorted_indices, lambda t: t.to(device)),
                          bind(self.unsorted_indices, lambda t: t.to(device)))

    def cuda(self, *args, **kwargs):
        return self.to(*args, device='cuda', **kwargs) if not args else self.to(*args, **kwargs)

    def cpu(self, *args, **kwargs):
        return self.to(*args, device='cpu', **kwargs)

    def double(self):
        return self._with_data(self.data.double())

    def float(self):
        return self._with_data(self.data.float())

    def half(self):
        return self._with_data(self.data.half())

    def long(self):
        return self._with_data(self.data.long())

    def int(self):
        return self._with_data(self.data.int())

    def short(self):
        return self._with_data(self.data.short())

    def char(self):
        return self._with_data(self.data.char())

    def byte(self):
        return self._with_data(self.data.byte())

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return False


def invert_permutation(permutation):
    """The permutation that undoes ``permutation`` (``None`` stays ``None``).

    Example::

        >>> ember.nn.utils.rnn.invert_permutation(ember.tensor([2, 0, 1]))
        tensor([1, 2, 0])
    """
    if permutation is None:
        return None
    inverse = np.empty(len(permutation), dtype=np.int64)
    inverse[permutation.cpu().numpy()] = np.arange(len(permutation))
    return tensor(inverse, dtype=int64, device=permutation.device)


def _packed_positions(batch_sizes, batch):
    """Row indices into a (T * B) flattened padded batch, in packed order (time step by time step)."""
    bs = np.asarray(batch_sizes, dtype=np.int64)
    steps = np.repeat(np.arange(len(bs)), bs)
    within = np.arange(int(bs.sum())) - np.repeat(np.cumsum(bs) - bs, bs)
    return steps * batch + within


class _PackPadded(Primitive):
    """Gathers the real time steps of a (T, B, *) padded batch; the gradient scatters them back."""
    node_name = 'PackPaddedSequenceBackward0'

    @staticmethod
    def forward(ctx, x, rows):
        ctx.shape = x.shape
        ctx.rows = rows
        return x.reshape((x.shape[0] * x.shape[1],) + x.shape[2:])[ctx.xp.asarray(rows)]

    @staticmethod
    def backward(ctx, g):
        rows = tensor(ctx.rows, dtype=int64, device=g.device)
        t, b = ctx.shape[:2]
        full = g.new_zeros((t * b,) + tuple(ctx.shape[2:]))
        return full.index_add(0, rows, g).reshape(ctx.shape), None


class _PackedSteps(_PackPadded):
    # a recurrent layer's packed output: PyTorch concatenates its steps' outputs (CatBackward0)
    node_name = 'CatBackward0'


def _lengths_list(lengths):
    if isinstance(lengths, Tensor):
        if lengths.dim() != 1:
            raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {lengths.dim()}D "
                               f"{lengths.device.type} {_scalar_type_name(lengths.dtype)} tensor")
        return [int(v) for v in lengths.tolist()]
    return [int(v) for v in lengths]


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch ``(T, B, *)`` (``(B, T, *)`` when ``batch_first``) of sequences of ``lengths``.

    With ``enforce_sorted=True`` the lengths must be in decreasing order; otherwise the batch is
    sorted here and the order recorded in the result.

    Example::

        >>> padded = ember.tensor([[1, 2, 3], [4, 5, 0]])
        >>> packed = ember.nn.utils.rnn.pack_padded_sequence(padded, [3, 2], batch_first=True)
        >>> packed.data, packed.batch_sizes
        (tensor([1, 4, 2, 5, 3]), tensor([2, 2, 1]))
    """
    if not isinstance(lengths, Tensor) and hasattr(lengths, '__array__'):
        lengths = list(np.asarray(lengths))
    lens = _lengths_list(lengths)
    batch = input.shape[0 if batch_first else 1]
    if len(lens) != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {len(lens)} "
                           f"(batch_size={batch})")
    if enforce_sorted:
        if any(a < b for a, b in zip(lens, lens[1:])):
            raise RuntimeError('`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You '
                               'can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to '
                               'sidestep this requirement if you do not need ONNX exportability.')
        sorted_indices = None
    else:
        order = sorted(range(len(lens)), key=lambda i: -lens[i])     # stable, as PyTorch's sort
        sorted_indices = tensor(order, dtype=int64, device=input.device)
        lens = [lens[i] for i in order]
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    if batch_first:
        input = input.transpose(0, 1)
    if any(n <= 0 for n in lens):
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that "
                           "is <= 0")
    if lens and lens[0] > input.shape[0]:
        raise RuntimeError(f'Expected sequence length to be at most {input.shape[0]} (the padded length), but got '
                           f'{lens[0]}')
    steps = lens[0] if lens else 0
    batch_sizes = np.array([sum(1 for n in lens if n > t) for t in range(steps)], dtype=np.int64)
    data = _PackPadded.apply(input[:steps] if steps < input.shape[0] else input,
                             _packed_positions(batch_sizes, input.shape[1]))
    return PackedSequence(data, tensor(batch_sizes, dtype=int64, device='cpu'), sorted_indices, None)


def _padded_from_packed(data, batch_sizes, padding_value, total_steps):
    """The (T, B, *) padded batch (in packed/sorted order) holding ``data``; differentiable."""
    bs = batch_sizes.tolist()
    batch = bs[0] if bs else 0
    rows = tensor(_packed_positions(bs, batch), dtype=int64, device=data.device)
    flat = data.new_full((total_steps * batch,) + tuple(data.shape[1:]), padding_value)
    flat = flat.index_put((rows,), data)
    return flat.reshape((total_steps, batch) + tuple(data.shape[1:]))


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Unpack a :class:`PackedSequence` into ``(padded, lengths)`` in the batch's original order.

    ``total_length`` pads the time dimension to that length (at least the longest sequence).

    Example::

        >>> packed = ember.nn.utils.rnn.pack_sequence([ember.tensor([1, 2, 3]), ember.tensor([4, 5])])
        >>> ember.nn.utils.rnn.pad_packed_sequence(packed, batch_first=True)
        (tensor([[1, 2, 3],
                [4, 5, 0]]), tensor([3, 2]))
    """
    max_len = sequence.batch_sizes.size(0)
    if total_length is not None:
        if total_length < max_len:
            raise ValueError(f'Expected total_length to be at least the length of the longest sequence in input, but '
                             f'got total_length={total_length} and max sequence length being {max_len}')
        max_len = total_length
    padded = _padded_from_packed(sequence.data, sequence.batch_sizes, padding_value, max_len)
    bs = np.asarray(sequence.batch_sizes.tolist(), dtype=np.int64)
    batch = int(bs[0]) if len(bs) else 0
    lengths = np.array([(bs > b).sum() for b in range(batch)], dtype=np.int64)
    lengths = tensor(lengths, dtype=int64, device='cpu')      # on the CPU, as PyTorch's
    if batch_first:
        padded = padded.transpose(0, 1)
    unsorted = sequence.unsorted_indices
    if unsorted is not None:
        padded = padded.index_select(0 if batch_first else 1, unsorted)
        lengths = lengths[unsorted.cpu()]
    return padded, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side='right'):
    """Stack variable-length tensors ``(L_i, *)`` into one padded ``(max L, B, *)`` (``(B, max L, *)``).

    Example::

        >>> a, b = ember.tensor([1, 2, 3]), ember.tensor([4, 5])
        >>> ember.nn.utils.rnn.pad_sequence([a, b], batch_first=True)
        tensor([[1, 2, 3],
                [4, 5, 0]])
        >>> ember.nn.utils.rnn.pad_sequence([a, b], padding_value=-1, padding_side='left')
        tensor([[ 1, -1],
                [ 2,  4],
                [ 3,  5]])
    """
    if padding_side not in ('left', 'right'):
        raise ValueError(f'Expected padding_side to be one of left or right, but got {padding_side}.')
    if isinstance(sequences, Tensor):
        sequences = sequences.unbind(0)
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError('received an empty list of sequences')
    max_len = max(s.size(0) for s in sequences)
    trailing = tuple(sequences[0].shape[1:])
    out = sequences[0].new_full((len(sequences), max_len) + trailing, padding_value)
    for i, s in enumerate(sequences):
        n = s.size(0)
        if s.shape[1:] != trailing:
            _trailing_mismatch(trailing, s.shape[1:])
        if n == 0:
            continue
        if padding_side == 'right':
            out[i, :n] = s
        else:
            out[i, max_len - n:] = s
    return out if batch_first else out.transpose(0, 1)


def _trailing_mismatch(first, other):
    # PyTorch's text for copying a sequence into the first one's shape (counted from the right)
    for d in range(1, min(len(first), len(other)) + 1):
        if first[-d] != other[-d] and other[-d] != 1:
            raise RuntimeError(f"The size of tensor a ({first[-d]}) must match the size of tensor b ({other[-d]}) at "
                               f"non-singleton dimension {len(first) + 1 - d}")


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences a padded batch holds: ``padded[:lengths[i], i]`` for each ``i``.

    Example::

        >>> padded = ember.tensor([[1, 2, 3], [4, 5, 0]])
        >>> ember.nn.utils.rnn.unpad_sequence(padded, ember.tensor([3, 2]), batch_first=True)
        [tensor([1, 2, 3]), tensor([4, 5])]
    """
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [padded_sequences[i, :int(n)] for i, n in enumerate(_lengths_list(lengths))]


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of variable-length tensors ``(L_i, *)`` (see :func:`pack_padded_sequence`).

    Example::

        >>> packed = ember.nn.utils.rnn.pack_sequence([ember.tensor([1, 2, 3]), ember.tensor([4, 5])])
        >>> packed.data
        tensor([1, 4, 2, 5, 3])
        >>> packed.batch_sizes
        tensor([2, 2, 1])
    """
    lengths = tensor([v.size(0) for v in sequences], dtype=int64, device='cpu')
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences a :class:`PackedSequence` holds, in their original order.

    Example::

        >>> packed = ember.nn.utils.rnn.pack_sequence([ember.tensor([1, 2, 3]), ember.tensor([4, 5])])
        >>> ember.nn.utils.rnn.unpack_sequence(packed)
        [tensor([1, 2, 3]), tensor([4, 5])]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)

