"""Cutting a batch into microbatches and joining the microbatch outputs back into a batch."""
import ember
from ember.utils import _pytree as pytree

__all__ = ['TensorChunkSpec', 'split_args_kwargs_into_chunks', 'merge_chunks']


class TensorChunkSpec:
    """The dimension a tensor argument is cut into microbatches along."""

    def __init__(self, split_dim):
        self.split_dim = split_dim

    def __repr__(self):
        return f"{type(self).__module__}.{type(self).__name__}({self.split_dim})"

    def __str__(self):
        return f"TensorChunkSpec({self.split_dim})"

    @staticmethod
    def from_tuple(chunk_dims):
        """One spec per positional argument, from their split dimensions."""
        return tuple(TensorChunkSpec(d) for d in chunk_dims)

    @staticmethod
    def from_dict(chunk_dims):
        """One spec per keyword argument, from their split dimensions."""
        return {k: TensorChunkSpec(d) for k, d in chunk_dims.items()}


_BATCH = TensorChunkSpec(0)


def _split_value(value, spec, chunks):
    """``chunks`` pieces of ``value``: tensors cut along the spec's dimension (``tensor_split``: the first
    pieces one longer when it does not divide), anything else repeated."""
    leaves, tree = pytree.tree_flatten(value)
    pieces = [[] for _ in range(chunks)]
    for leaf in leaves:
        if isinstance(leaf, ember.Tensor) and spec is not None:
            if leaf.size(spec.split_dim) < chunks:
                raise AssertionError(f"Tensor size {leaf.size(spec.split_dim)} is smaller than num_chunks")
            cut = ember.tensor_split(leaf, chunks, spec.split_dim)
            if leaf.requires_grad and leaf.is_leaf:
                for c in cut:
                    c.retain_grad()
        else:
            cut = [leaf] * chunks
        for i, c in enumerate(cut):
            pieces[i].append(c)
    return [pytree.tree_unflatten(p, tree) for p in pieces]


def split_args_kwargs_into_chunks(args, kwargs, chunks, args_chunk_spec=None, kwargs_chunk_spec=None):
    """Cut positional and keyword arguments into ``chunks`` microbatches (fewer when a tensor's cut dimension
    is shorter): a list of argument tuples and a list of keyword dicts. Tensors are cut along their spec's
    dimension (dimension 0 by default); other values go to every microbatch."""
    kwargs = kwargs or {}
    if args_chunk_spec is None:
        args_chunk_spec = (_BATCH,) * len(args)
    if kwargs_chunk_spec is None:
        kwargs_chunk_spec = dict.fromkeys(kwargs, _BATCH)
    if len(args_chunk_spec) != len(args):
        raise AssertionError(f"args_chunk_spec length {len(args_chunk_spec)} does not match the number of args "
                             f"{len(args)}")
    # as many microbatches as asked, or as the shortest cut dimension allows
    for value, spec in [*zip(args, args_chunk_spec), *((v, kwargs_chunk_spec.get(k, _BATCH)) for k, v in kwargs.items())]:
        for leaf in pytree.tree_flatten(value)[0]:
            if isinstance(leaf, ember.Tensor) and spec is not None:
                chunks = min(chunks, leaf.size(spec.split_dim))
    split_args = [_split_value(a, s, chunks) for a, s in zip(args, args_chunk_spec)]
    split_kwargs = {k: _split_value(v, kwargs_chunk_spec.get(k, _BATCH), chunks) for k, v in kwargs.items()}
    return ([tuple(a[i] for a in split_args) for i in range(chunks)],
            [{k: v[i] for k, v in split_kwargs.items()} for i in range(chunks)])


def merge_chunks(chunks, chunk_spec):
    """Join microbatch outputs into the batch's: tensors concatenated along their spec's dimension
    (dimension 0 when ``chunk_spec`` is None), other values taken from the first microbatch."""
    if not chunks:
        return chunks
    flat = [pytree.tree_flatten(c) for c in chunks]
    tree = flat[0][1]
    specs = pytree.tree_flatten(chunk_spec)[0] if chunk_spec is not None else [_BATCH] * len(flat[0][0])
    merged = []
    for i, first in enumerate(flat[0][0]):
        spec = specs[i] if i < len(specs) else _BATCH
        if isinstance(first, ember.Tensor) and isinstance(spec, TensorChunkSpec):
            merged.append(ember.cat([f[0][i] for f in flat], spec.split_dim))
        else:
            merged.append(first)
    return pytree.tree_unflatten(merged, tree)
