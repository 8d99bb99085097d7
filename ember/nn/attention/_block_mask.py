"""``BlockMask``: flex attention's block-sparse description of which query/key tiles take part.

The layout is PyTorch's: for each (batch, head) and each row of query blocks, ``kv_num_blocks`` counts
the key blocks that are partly masked and ``kv_indices`` lists them first (then the rest, in order);
``full_kv_*`` does the same for blocks that are not masked at all, and the ``q_*`` tensors are the
transposed lists (by key-block column). Blocks are ``BLOCK_SIZE = (Q_BLOCK_SIZE, KV_BLOCK_SIZE)``.
"""
import functools
import itertools
import operator

import ember

_DEFAULT_SPARSE_BLOCK_SIZE = 128
_LARGE_SPARSE_BLOCK_SIZE = 1 << 30


def noop_mask(batch, head, token_q, token_kv):
    """A ``mask_mod`` that keeps every position.

    Example::

        >>> from ember.nn.attention.flex_attention import noop_mask
        >>> noop_mask(ember.tensor(0), ember.tensor(0), ember.tensor(3), ember.tensor(5))
        tensor(True)
    """
    return batch.new_ones(size=(), dtype=ember.bool, device=batch.device)


def _sliced_mask_mod_error(batch, head, token_q, token_kv):
    """The ``mask_mod`` of a sliced BlockMask: the original's must be given back explicitly."""
    raise RuntimeError(
        "Cannot use mask_mod from a sliced BlockMask. When you slice a BlockMask using [], the mask_mod attribute is "
        "reset. You must set it from the original BlockMask's mask_mod.\n\nIncorrect usage:\n  base_mask = "
        "create_block_mask(my_mask_fn, ...)\n  sliced_mask = base_mask[:, :, block_idx]\n  sliced_mask.mask_mod = "
        "apply_offset(sliced_mask.mask_mod, offset)  # WRONG!\n\nCorrect usage:\n  base_mask = "
        "create_block_mask(my_mask_fn, ...)\n  sliced_mask = base_mask[:, :, block_idx]\n  sliced_mask.mask_mod = "
        "apply_offset(base_mask.mask_mod, offset)  # Use base_mask!")


def _ordered_to_dense(num_blocks_in_row, col_indices, num_cols):
    """The 0/1 int32 matrix of blocks listed by (``num_blocks_in_row``, ``col_indices``)."""
    max_entries = col_indices.shape[-1]
    listed = ember.arange(max_entries, device=col_indices.device) < num_blocks_in_row.unsqueeze(-1)
    # unlisted entries write into one extra column, cut off afterwards
    where = ember.where(listed, col_indices.long(), num_cols)
    dense = ember.zeros(tuple(col_indices.shape[:-1]) + (num_cols + 1,), dtype=ember.int32,
                        device=col_indices.device)
    dense.scatter_(-1, where, 1)
    return dense[..., :num_cols].contiguous()


def _dense_to_ordered(dense_mask):
    dense_mask = dense_mask.to(dtype=ember.int32)
    num_blocks_in_row = dense_mask.sum(dim=-1)
    col_indices = ember.argsort(dense_mask, dim=-1, descending=True, stable=True)
    return num_blocks_in_row.to(ember.int32).contiguous(), col_indices.to(ember.int32).contiguous()


def _transpose_ordered(num_blocks_in_row, col_indices):
    dense = _ordered_to_dense(num_blocks_in_row, col_indices, col_indices.shape[-1])
    return _dense_to_ordered(dense.transpose(-2, -1))


def _adjust_num_blocks_and_indices(num_blocks, indices, new_num_rows, new_num_cols):
    indices = indices[:, :, :new_num_rows, :new_num_cols]
    num_blocks = num_blocks[:, :, :new_num_rows]
    num_blocks = ember.where(num_blocks < new_num_cols, num_blocks, new_num_cols)
    num_blocks = ember.sum(indices < num_blocks[:, :, :, None], dim=-1).to(ember.int32)
    return num_blocks, indices


class BlockMask:
    """Which (query block, key block) tiles of the attention matrix flex attention computes, and the
    ``mask_mod`` that masks positions inside them. Made by :func:`create_block_mask` (or
    :meth:`from_kv_blocks`); pass it as ``block_mask`` of :func:`flex_attention`.

    Attributes:
        seq_lengths (tuple): ``(Q_LEN, KV_LEN)``.
        kv_num_blocks, kv_indices: partly masked key blocks per query-block row.
        full_kv_num_blocks, full_kv_indices: unmasked key blocks per row (or None).
        q_num_blocks, q_indices, full_q_num_blocks, full_q_indices: the same by key-block column.
        BLOCK_SIZE (tuple): ``(Q_BLOCK_SIZE, KV_BLOCK_SIZE)``.
        mask_mod (Callable): ``mask_mod(b, h, q_idx, kv_idx) -> bool`` tensor.

    Example::

        >>> from ember.nn.attention.flex_attention import create_block_mask
        >>> bm = create_block_mask(lambda b, h, q, kv: q >= kv, None, None, 4, 4, BLOCK_SIZE=2)
        >>> bm.shape
        (1, 1, 4, 4)
        >>> bm.to_dense()
        tensor([[[[1, 0],
                  [1, 1]]]], dtype=ember.int32)
    """

    def __init__(self, seq_lengths, kv_num_blocks, kv_indices, full_kv_num_blocks, full_kv_indices, q_num_blocks,
                 q_indices, full_q_num_blocks, full_q_indices,
                 BLOCK_SIZE=(_DEFAULT_SPARSE_BLOCK_SIZE, _DEFAULT_SPARSE_BLOCK_SIZE), mask_mod=noop_mask, *,
                 dq_write_order=None, dq_write_order_full=None, dq_kv_order=None, dq_kv_order_spt=None):
        if kv_indices.dim() < 2:
            raise RuntimeError("BlockMask must have at least 2 dimensions")
        if (full_kv_num_blocks is None) != (full_kv_indices is None):
            raise AssertionError("full_kv_num_blocks and full_kv_indices must be both provided or omitted")
        if (full_q_num_blocks is None) != (full_q_indices is None):
            raise AssertionError("full_q_num_blocks and full_q_indices must be both provided or omitted")
        if dq_write_order_full is not None and dq_write_order is None:
            raise ValueError("dq_write_order_full requires dq_write_order")
        self.seq_lengths = seq_lengths
        self.kv_num_blocks, self.kv_indices = kv_num_blocks, kv_indices
        self.full_kv_num_blocks, self.full_kv_indices = full_kv_num_blocks, full_kv_indices
        self.q_num_blocks, self.q_indices = q_num_blocks, q_indices
        self.full_q_num_blocks, self.full_q_indices = full_q_num_blocks, full_q_indices
        # the deterministic-backward write orders of PyTorch's GPU kernels: kept as given, unused here
        self.dq_write_order, self.dq_write_order_full = dq_write_order, dq_write_order_full
        self.dq_kv_order, self.dq_kv_order_spt = dq_kv_order, dq_kv_order_spt
        self.BLOCK_SIZE = BLOCK_SIZE
        self.mask_mod = mask_mod

    @classmethod
    def from_kv_blocks(cls, kv_num_blocks, kv_indices, full_kv_num_blocks=None, full_kv_indices=None,
                       BLOCK_SIZE=_DEFAULT_SPARSE_BLOCK_SIZE, mask_mod=None, seq_lengths=None, compute_q_blocks=True,
                       *, dq_write_order=None, dq_write_order_full=None, dq_kv_order=None):
        """A BlockMask from its key-block lists (the query-block lists are derived from them).

        Args:
            kv_num_blocks (Tensor): partly masked key blocks per query-block row, ``(B, H, ROWS)``.
            kv_indices (Tensor): their column indices, ``(B, H, ROWS, COLS)``.
            full_kv_num_blocks (Tensor, optional): unmasked key blocks per row.
            full_kv_indices (Tensor, optional): their column indices.
            BLOCK_SIZE (int or tuple): ``(Q_BLOCK_SIZE, KV_BLOCK_SIZE)``, or one size for both.
            mask_mod (Callable, optional): the mask inside blocks (default: keep everything).
            seq_lengths (tuple, optional): ``(Q_LEN, KV_LEN)`` (default: the blocks' extent).
            compute_q_blocks (bool): derive the ``q_*`` lists (default True).

        Returns:
            BlockMask.

        Example::

            >>> from ember.nn.attention.flex_attention import BlockMask
            >>> bm = BlockMask.from_kv_blocks(ember.tensor([[[1, 2]]]), ember.tensor([[[[0, 1], [0, 1]]]]),
            ...                               BLOCK_SIZE=4)
            >>> bm.shape, bm.sparsity()
            ((1, 1, 8, 8), 25.0)
        """
        if kv_indices.dim() < 2:
            raise RuntimeError("BlockMask must have at least 2 dimensions")
        if (full_kv_num_blocks is None) != (full_kv_indices is None):
            raise AssertionError("full_kv_num_blocks and full_kv_indices must be both provided or omitted")
        q_num_blocks = q_indices = full_q_num_blocks = full_q_indices = None
        if compute_q_blocks:
            q_num_blocks, q_indices = _transpose_ordered(kv_num_blocks, kv_indices)
            if full_kv_num_blocks is not None:
                full_q_num_blocks, full_q_indices = _transpose_ordered(full_kv_num_blocks, full_kv_indices)
        if isinstance(BLOCK_SIZE, int):
            BLOCK_SIZE = (BLOCK_SIZE, BLOCK_SIZE)
        if seq_lengths is None:
            seq_lengths = (kv_indices.shape[-2] * BLOCK_SIZE[0], kv_indices.shape[-1] * BLOCK_SIZE[1])
        if dq_kv_order is not None and not isinstance(dq_kv_order, (bool, ember.Tensor)):
            raise ValueError("dq_kv_order must be a bool, Tensor, or None")
        return cls(seq_lengths, kv_num_blocks, kv_indices, full_kv_num_blocks, full_kv_indices, q_num_blocks,
                   q_indices, full_q_num_blocks, full_q_indices, BLOCK_SIZE,
                   mask_mod if mask_mod is not None else noop_mask, dq_write_order=dq_write_order,
                   dq_write_order_full=dq_write_order_full,
                   dq_kv_order=dq_kv_order if isinstance(dq_kv_order, ember.Tensor) else None,
                   dq_kv_order_spt=dq_kv_order if isinstance(dq_kv_order, bool) else None)

    def as_tuple(self, flatten=True):
        """The attributes as one tuple (sequence lengths and block sizes unpacked when ``flatten``)."""
        block_size = tuple(self.BLOCK_SIZE) if flatten else (self.BLOCK_SIZE,)
        seq_lengths = tuple(self.seq_lengths) if flatten else (self.seq_lengths,)
        return (*seq_lengths, self.kv_num_blocks, self.kv_indices, self.full_kv_num_blocks, self.full_kv_indices,
                self.q_num_blocks, self.q_indices, self.full_q_num_blocks, self.full_q_indices, self.dq_write_order,
                self.dq_write_order_full, self.dq_kv_order, self.dq_kv_order_spt, *block_size, self.mask_mod)

    @property
    def shape(self):
        """``(*batch_dims, Q_LEN, KV_LEN)``."""
        return tuple(self.kv_indices.shape[:-2]) + tuple(self.seq_lengths)

    def numel(self):
        """The number of positions the mask covers (not counting sparsity)."""
        return functools.reduce(operator.mul, self.shape, 1)

    def sparsity(self):
        """The percentage of blocks that are not computed (partial blocks count whole)."""
        computed = self.kv_num_blocks.sum()
        if self.full_kv_num_blocks is not None:
            computed = computed + self.full_kv_num_blocks.sum()
        computed_size = computed.item() * self.BLOCK_SIZE[0] * self.BLOCK_SIZE[1]
        return 100 * (1 - computed_size / self.numel())

    def to_dense(self):
        """The 0/1 int32 block matrix ``(*batch_dims, ROWS, COLS)`` of the blocks computed."""
        partial = _ordered_to_dense(self.kv_num_blocks, self.kv_indices, self.kv_indices.shape[-1])
        if self.full_kv_num_blocks is not None:
            return partial | _ordered_to_dense(self.full_kv_num_blocks, self.full_kv_indices,
                                               self.full_kv_indices.shape[-1])
        return partial

    def to_string(self, grid_size=(20, 20), limit=4):
        """A drawing of the block matrix per (batch, head): ``█`` computed, ``░`` partly, blank skipped;
        at most ``grid_size`` cells (``-1``: one per block) and ``limit`` drawings."""
        dense = self.to_dense()
        *batch_dims, num_rows, num_cols = dense.shape
        if isinstance(grid_size, int) and grid_size != -1:
            max_rows = max_cols = grid_size
        elif grid_size == -1:
            max_rows, max_cols = num_rows, num_cols
        else:
            max_rows, max_cols = grid_size
        row_step = max(1, -(-num_rows // max_rows))
        col_step = max(1, -(-num_cols // max_cols))

        def cell(section):
            share = section.float().mean().item()
            return '█' if share == 1 else ' ' if share == 0 else '░'

        drawings = []
        for count, index in enumerate(itertools.product(*[range(n) for n in batch_dims])):
            if count == limit:
                drawings += ["...", "To print out more, set BlockMask.to_string(limit=N)",
                             "You can also index (BlockMask[batch, head]) to choose a specific batch or head"]
                break
            mask = dense[index] if index else dense
            lines = [f"{index}"]
            for r in range(0, num_rows, row_step):
                lines.append(''.join(cell(mask[r:r + row_step, c:c + col_step]) * 2
                                     for c in range(0, num_cols, col_step)))
            drawings.append('\n'.join(lines) + '\n')
        return '\n'.join(drawings)

    def __str__(self):
        return f"BlockMask(shape={self.shape}, sparsity={self.sparsity():.2f}%, \n{self.to_string().strip()}\n)"

    def __repr__(self):
        def shape_or_none(x):
            return x.shape if x is not None else None
        name = self.mask_mod.__name__ if hasattr(self.mask_mod, '__name__') else self.mask_mod
        return (f"BlockMask(\n    kv_num_blocks={self.kv_num_blocks.shape},\n    kv_indices={self.kv_indices.shape},\n"
                f"    full_kv_num_blocks={shape_or_none(self.full_kv_num_blocks)},\n"
                f"    full_kv_indices={shape_or_none(self.full_kv_indices)},\n"
                f"    q_num_blocks={shape_or_none(self.q_num_blocks)},\n"
                f"    q_indices={shape_or_none(self.q_indices)},\n"
                f"    full_q_num_blocks={shape_or_none(self.full_q_num_blocks)},\n"
                f"    full_q_indices={shape_or_none(self.full_q_indices)},\n    BLOCK_SIZE={self.BLOCK_SIZE},\n"
                f"    shape={self.shape},\n    sparsity={self.sparsity():.2f}%,\n    mask_mod={name}\n)")

    def __getitem__(self, index):
        """The BlockMask of some batches, heads and query-block rows (``bm[0]``, ``bm[:, 1]``, ``bm[0:2, 1:2,
        rows]``); an int keeps its dim (as a length-1 slice). The result's ``mask_mod`` refuses to run:
        give it the original mask's ``mask_mod`` (adjusted to the slice) before using it."""
        index = index if isinstance(index, tuple) else (index,)
        padded = (*index, slice(None), slice(None), slice(None))[:3]
        sizes = self.kv_num_blocks.shape[:3]
        index = tuple((slice(i + n, i + n + 1) if -n <= i < 0 else slice(i, i + 1)) if isinstance(i, int) else i
                      for i, n in zip(padded, sizes))

        def pick(t):
            return None if t is None else t[index]
        return BlockMask.from_kv_blocks(pick(self.kv_num_blocks), pick(self.kv_indices), pick(self.full_kv_num_blocks),
                                        pick(self.full_kv_indices), BLOCK_SIZE=self.BLOCK_SIZE,
                                        mask_mod=_sliced_mask_mod_error, seq_lengths=self.seq_lengths,
                                        compute_q_blocks=self.q_indices is not None)

    def _adjust(self, new_q_len, new_kv_len):
        """The mask cropped to its upper-left ``new_q_len`` x ``new_kv_len`` corner."""
        rows = -(-new_q_len // self.BLOCK_SIZE[0])
        cols = -(-new_kv_len // self.BLOCK_SIZE[1])
        kv = _adjust_num_blocks_and_indices(self.kv_num_blocks, self.kv_indices, rows, cols)
        full = (None, None) if self.full_kv_num_blocks is None else _adjust_num_blocks_and_indices(
            self.full_kv_num_blocks, self.full_kv_indices, rows, cols)
        return self.from_kv_blocks(*kv, *full, BLOCK_SIZE=self.BLOCK_SIZE, mask_mod=self.mask_mod,
                                   seq_lengths=(new_q_len, new_kv_len), compute_q_blocks=self.q_indices is not None)

    def to(self, device):
        """The BlockMask with its tensors on ``device``."""
        moved = BlockMask.__new__(BlockMask)
        for name, value in vars(self).items():
            setattr(moved, name, value.to(device) if isinstance(value, ember.Tensor) else value)
        return moved
