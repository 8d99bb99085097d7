"""The ``*_like`` factories (``zeros_like``, ``empty_like``, ``ones_like``, ``full_like``, ``rand_like``,
``randn_like``, ``randint_like``) for a sparse input or a sparse ``layout=``, as PyTorch's CPU kernels give them.

PyTorch builds each one as "an empty tensor like the input, then fill it":

* ``zeros_like`` (and ``empty_like`` of a COO tensor) give a tensor with no element specified, in the input's
  layout or the one asked for (any sparse layout, or strided for a COO input);
* of a compressed tensor (CSR, CSC, BSR, BSC), ``empty_like``, ``ones_like``, ``full_like`` and ``randn_like`` keep
  its indices and fill its values (``randn_like`` draws them as ``randn`` would draw that many numbers); they
  refuse another layout;
* the fills PyTorch has no sparse kernel for (``fill_`` of a COO tensor, ``uniform_``, ``random_``) raise its
  errors, and so does asking a dense input for a sparse result that must be filled.
"""
import ember
from ember._formats import (channels_last, channels_last_3d, contiguous_format, preserve_format, sparse_coo,
                            strided)
from ember.sparse._compressed import (LAYOUTS, _BLOCKED, _ROW_COMPRESSED, SparseCompressedTensor, layout_name,
                                     unspecified)
from ember.sparse._compressed import _make as _make_compressed
from ember.sparse._coo import empty_coo

# the kernel PyTorch fills with after making the empty tensor, by factory
_FILL_KERNEL = {'ones_like': 'fill_.Scalar', 'full_like': 'fill_.Scalar', 'rand_like': 'uniform_',
                'randn_like': 'normal_', 'randint_like': 'random_.from'}
_FORMAT_NAMES = {preserve_format: 'Preserve', contiguous_format: 'Contiguous', channels_last: 'ChannelsLast',
                 channels_last_3d: 'ChannelsLast3d'}


def _backend(layout, device):
    kind = 'CUDA' if ember.device(device).type == 'cuda' else 'CPU'
    return ('SparseCsr' if layout in LAYOUTS else 'Sparse') + kind


def _no_kernel(kernel, layout, device):
    return NotImplementedError(
        f"Could not run 'aten::{kernel}' with arguments from the '{_backend(layout, device)}' backend. This could be "
        f"because the operator doesn't exist for this backend, or was omitted during the selective/custom build "
        f"process (if using custom build).")


def _nothing_specified(name, shape, layout, dtype, device, requires_grad, dense_dims=0):
    """A tensor of ``shape`` in a sparse ``layout`` with no element specified; its last ``dense_dims`` dims
    dense (the values keep them, as of a hybrid input)."""
    dense = tuple(shape[len(shape) - dense_dims:]) if dense_dims else ()
    if layout is sparse_coo:
        return ember.sparse_coo_tensor(ember.zeros((len(shape) - dense_dims, 0), dtype=ember.int64, device=device),
                                       ember.zeros((0,) + dense, dtype=dtype, device=device), shape,
                                       requires_grad=requires_grad, is_coalesced=True, check_invariants=False)
    if layout in _BLOCKED:
        if name == 'zeros_like':
            raise RuntimeError("sparse_compressed_tensor_with_dims: blocksize needs to be a tuple of size 2, but got 0")
        raise RuntimeError(f"empty_sparse_compressed expected sparse compressed (non-block) tensor layout but got "
                           f"{layout_name(layout)}")
    if not dense_dims:
        return unspecified(name.replace('_like', ''), shape, layout, dtype, device, requires_grad)
    sparse = tuple(shape[:len(shape) - dense_dims])
    batch, lines = sparse[:-2], sparse[-2] if layout in _ROW_COMPRESSED else sparse[-1]
    return _make_compressed(ember.zeros(batch + (lines + 1,), dtype=ember.int64, device=device),
                            ember.zeros(batch + (0,), dtype=ember.int64, device=device),
                            ember.zeros(batch + (0,) + dense, dtype=dtype, device=device, requires_grad=requires_grad),
                            tuple(shape), layout)


def dense_input(name, input, layout, dtype, device, requires_grad):
    """A dense ``input`` asked for a sparse ``layout``: only ``zeros_like`` has one to give (PyTorch makes the
    others' result with a strided allocator the sparse layouts have not)."""
    device = device if device is not None else input.device
    if name != 'zeros_like':
        raise _no_kernel('empty_strided', layout, device)
    return _nothing_specified(name, tuple(input.shape), layout, dtype if dtype is not None else input.dtype,
                              device, requires_grad)


def _like(name, input, fill, dtype, layout, device, requires_grad, memory_format):
    dtype = dtype if dtype is not None else input.dtype
    device = device if device is not None else input.device
    target = layout if layout is not None else input.layout
    if isinstance(input, SparseCompressedTensor):
        return _compressed_like(name, input, fill, target, dtype, device, requires_grad, memory_format)
    if memory_format is not None:
        raise RuntimeError("memory format option is only supported by strided tensors")
    if target is strided:
        return fill(None, dtype)
    if name in ('zeros_like', 'empty_like') or target in LAYOUTS:
        if target in LAYOUTS and target not in _BLOCKED and name in ('rand_like', 'randint_like'):
            raise _no_kernel(_FILL_KERNEL[name], target, device)
        # (PyTorch leaves the indices of a compressed result of the other fills unset, whatever memory held:
        # nothing specified is the sound reading)
        return _nothing_specified(name, tuple(input.shape), target, dtype, device, requires_grad, input.dense_dim())
    raise _no_kernel(_FILL_KERNEL[name], target, device)


def _no_elements_like(input, target, dtype, device, requires_grad):
    """A compressed tensor of ``target`` layout with no element, keeping ``input``'s batch, block and dense dims."""
    batch = input._batch_dim()
    size = tuple(input.shape)
    bh, bw = input._blocksize()
    lines = size[batch] // bh if target in _ROW_COMPRESSED else size[batch + 1] // bw
    values_shape = tuple(input._sp_values.shape)
    values = ember.zeros(values_shape[:batch] + (0,) + values_shape[batch + 1:], dtype=dtype, device=device,
                         requires_grad=requires_grad)
    compressed = ember.zeros(size[:batch] + (lines + 1,), dtype=input._sp_compressed.dtype, device=device)
    plain = ember.zeros(size[:batch] + (0,), dtype=input._sp_plain.dtype, device=device)
    return _make_compressed(compressed, plain, values, size, target)


def _handler(name):
    def handler(input, *args, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
                pin_memory=False, **kwargs):
        dense = getattr(ember, name)

        def fill(values, dt):
            if values is not None:       # a compressed result's values
                return dense(values, *args, dtype=dt, **kwargs)
            base = ember.empty(tuple(input.shape), dtype=input.dtype, device=input.device)
            return dense(base, *args, dtype=dt, device=device, requires_grad=requires_grad, pin_memory=pin_memory,
                         **kwargs)
        if pin_memory and layout is not strided:
            raise RuntimeError(f"{name}(): ember pins strided tensors only; pin_memory=True asks a sparse result")
        return _like(name, input, fill, dtype, layout, device, requires_grad, memory_format)
    handler.__name__ = name
    return handler


HANDLERS = {name: _handler(name) for name in ('zeros_like', 'empty_like', 'ones_like', 'full_like', 'rand_like',
                                              'randn_like', 'randint_like')}


def _compressed_like(name, input, fill, target, dtype, device, requires_grad, memory_format):
    if name == 'zeros_like' and target is not strided:
        if target in LAYOUTS and (input.layout in _BLOCKED) == (target in _BLOCKED):
            return _no_elements_like(input, target, dtype, device, requires_grad)
        if input.layout in _BLOCKED and target in LAYOUTS:
            raise RuntimeError(f"sparse_compressed_tensor_with_dims: blocksize cannot be specified for non-block "
                               f"layout {layout_name(target)}")
        return _nothing_specified(name, tuple(input.shape), target, dtype, device, requires_grad,
                                  input.dense_dim())
    if memory_format is preserve_format or memory_format not in (None, contiguous_format):
        rank = {channels_last: 4, channels_last_3d: 5}.get(memory_format)
        if rank is not None and input.dim() != rank:
            fmt = 'channels_last' if rank == 4 else 'channels_last_3d'
            raise RuntimeError(f"required rank {rank} tensor to use {fmt} format")
        raise RuntimeError(f"unsupported memory format {_FORMAT_NAMES.get(memory_format, memory_format)}")
    if target is not input.layout:
        raise RuntimeError(f"empty_like with different sparse layout is not supported (self is "
                           f"{layout_name(input.layout)} but you requested {layout_name(target)})")
    if name in ('rand_like', 'randint_like'):
        raise _no_kernel(_FILL_KERNEL[name], target, device)
    values = fill(input._sp_values.detach(), dtype).to(device)
    if requires_grad:
        values.requires_grad_(True)
    return _make_compressed(input._sp_compressed.clone().to(device), input._sp_plain.clone().to(device), values,
                            tuple(input.shape), target)
