"""Copying tensors between the GPUs of one process (PyTorch's ``torch.nn.parallel.comm``, also
``torch.cuda.comm``): broadcast a tensor to several devices, scatter its pieces over them, gather the
pieces back, and sum copies that live on different devices. What ``DataParallel`` is built from.

These are plain copies and sums: no autograd graph is recorded, as in PyTorch.
"""
import warnings

import ember

__all__ = ['broadcast', 'broadcast_coalesced', 'reduce_add', 'reduce_add_coalesced', 'scatter', 'gather']


def _gpu(d):
    """A device index from an int, 'cuda:N' or a device."""
    from ember.cuda import _index
    return _index(d)


def _on(tensor, index):
    """``tensor`` itself when it lives on GPU ``index``, else a copy there."""
    if tensor.device.type == 'cuda' and tensor.get_device() == index:
        return tensor
    return tensor.to(f'cuda:{index}')


def broadcast(tensor, devices=None, *, out=None):
    """Copies ``tensor`` (on the CPU or a GPU) to each of ``devices``, or into the GPU tensors ``out``.
    Exactly one of the two must be given.

    Returns:
        a tuple with a copy of ``tensor`` on each device (the tensor itself on the device it lives on),
        or the ``out`` tensors.
    """
    if (devices is None) == (out is None):
        raise RuntimeError(f"Exactly one of 'devices' and 'out' must be specified, but got devices={devices} "
                           f"and out={out}")
    with ember.no_grad():
        if devices is not None:
            return tuple(_on(tensor, _gpu(d)) for d in devices)
        for o in out:
            if o.device.type != 'cuda':
                raise RuntimeError(f"Expected all output tensors to be CUDA tensors, but output tensor at "
                                   f"index {list(out).index(o)} has device '{o.device}'")
            if o.shape != tensor.shape:
                raise RuntimeError(f"Expected all output tensors to have same shape as the source (shape "
                                   f"{list(tensor.shape)}), but output tensor at index {list(out).index(o)} has "
                                   f"shape {list(o.shape)}")
            o.copy_(tensor)
        return tuple(out)


def broadcast_coalesced(tensors, devices, buffer_size=10485760):
    """Copies each of ``tensors`` (all on one device) to every device in ``devices``. Tensors of the same
    dtype are packed into flat buffers of at most ``buffer_size`` bytes and sent together.

    Returns:
        a tuple with, for each device, a tuple of the copies on it.
    """
    devices = [_gpu(d) for d in devices]
    with ember.no_grad():
        per_device = [[None] * len(tensors) for _ in devices]
        for group in _groups(tensors, buffer_size):
            flat = ember.cat([tensors[i].reshape(-1) for i in group])
            for k, index in enumerate(devices):
                if all(tensors[i].device.type == 'cuda' and tensors[i].get_device() == index for i in group):
                    pieces = [tensors[i] for i in group]
                else:
                    pieces = _unflatten(flat.to(f'cuda:{index}'), [tensors[i] for i in group])
                for i, p in zip(group, pieces):
                    per_device[k][i] = p
    return tuple(tuple(ts) for ts in per_device)


def _groups(tensors, buffer_size):
    """Indices of ``tensors`` cut into runs of one dtype whose bytes stay within ``buffer_size`` (a tensor
    larger than the buffer travels alone), in order of first appearance of each dtype."""
    open_groups, done = {}, []
    for i, t in enumerate(tensors):
        size = t.numel() * t.element_size()
        group, used = open_groups.get(t.dtype, ([], 0))
        if group and used + size > buffer_size:
            done.append(group)
            group, used = [], 0
        group.append(i)
        open_groups[t.dtype] = (group, used + size)
    return sorted(done + [g for g, _ in open_groups.values()], key=lambda g: g[0])


def _unflatten(flat, like):
    out, start = [], 0
    for t in like:
        n = t.numel()
        out.append(flat[start:start + n].view(t.shape))
        start += n
    return out


def reduce_add(inputs, destination=None):
    """Sums ``inputs``, tensors of one shape on different GPUs, on the device ``destination`` (the current
    one by default), which must hold one of them.

    Returns:
        the element-wise sum, on ``destination`` (the one input when there is only one).
    """
    destination = _gpu(destination)
    shape = inputs[0].shape
    root = None
    for i, t in enumerate(inputs):
        if t.device.type == 'cpu':
            raise AssertionError(f"reduce_add expects all inputs to be on GPUs, but input {i} is on CPU")
        if t.get_device() == destination:
            root = i
        if t.shape != shape:
            raise ValueError(f"input {i} has invalid size: got {'x'.join(map(str, t.shape))}, but expected "
                             f"{'x'.join(map(str, shape))}")
    if root is None:
        raise RuntimeError("reduce_add expects destination to be on the same GPU with one of the tensors")
    if len(inputs) == 1:
        return inputs[0]
    with ember.no_grad():
        others = [t for i, t in enumerate(inputs) if i != root]
        result = inputs[root] + others[0].to(inputs[root].device)
        for t in others[1:]:
            result.add_(t.to(inputs[root].device))
    return result


def reduce_add_coalesced(inputs, destination=None, buffer_size=10485760):
    """Sums, tensor by tensor, the lists in ``inputs`` (one list per GPU, the same shapes in each), packing
    tensors of one dtype into flat buffers of at most ``buffer_size`` bytes.

    Returns:
        a tuple of the sums, on ``destination`` (the current device by default).
    """
    lists = [list(ts) for ts in inputs]
    out = [None] * len(lists[0])
    with ember.no_grad():
        for group in _groups(lists[0], buffer_size):
            flats = [ember.cat([ts[i].reshape(-1) for i in group]) for ts in lists]
            summed = reduce_add(flats, destination)
            for i, piece in zip(group, _unflatten(summed, [lists[0][i] for i in group])):
                out[i] = piece
    return tuple(out)


def scatter(tensor, devices=None, chunk_sizes=None, dim=0, streams=None, *, out=None):
    """Cuts ``tensor`` along ``dim`` and copies one piece to each of ``devices`` (equal pieces, or
    ``chunk_sizes``), or into the GPU tensors ``out`` (pieces as large as they are). ``streams`` (one per
    piece) queue each copy on its stream.

    Returns:
        a tuple of the pieces on their devices (or the ``out`` tensors).
    """
    with ember.no_grad():
        if out is None:
            devices = [_gpu(d) for d in devices]
            if chunk_sizes is None:
                pieces = tensor.chunk(len(devices), dim)
            else:
                chunk_sizes = list(chunk_sizes)
                if len(chunk_sizes) != len(devices):
                    raise RuntimeError(f"Expected devices and chunk_sizes to be of same length, but got "
                                       f"len(chunk_sizes) == {len(chunk_sizes)} and len(devices) == {len(devices)}")
                pieces = tensor.split(chunk_sizes, dim)
            return tuple(_copy_on(streams, k, lambda p=p, d=d: p.to(f'cuda:{d}'))
                         for k, (p, d) in enumerate(zip(pieces, devices)))
        if devices is not None:
            raise RuntimeError(f"'devices' must not be specified when 'out' is specified, but got devices={devices}")
        if chunk_sizes is not None:
            raise RuntimeError(f"'chunk_sizes' must not be specified when 'out' is specified, but got "
                               f"chunk_sizes={chunk_sizes}")
        pieces = tensor.split([o.shape[dim] for o in out], dim)
        for k, (p, o) in enumerate(zip(pieces, out)):
            _copy_on(streams, k, lambda p=p, o=o: o.copy_(p))
        return tuple(out)


def _copy_on(streams, k, copy):
    if streams is None or streams[k] is None:
        return copy()
    from ember.cuda import stream
    with stream(streams[k]):
        return copy()


def gather(tensors, dim=0, destination=None, *, out=None):
    """Concatenates ``tensors`` (from several GPUs) along ``dim`` on ``destination`` (a GPU, ``'cpu'``, or
    the current GPU by default), or into ``out``.

    Returns:
        the concatenation.
    """
    with ember.no_grad():
        if out is None:
            if destination == -1:
                warnings.warn('Using -1 to represent CPU tensor is deprecated. Please use a device object or '
                              'string instead, e.g., "cpu".', FutureWarning, stacklevel=2)
                target = ember.device('cpu')
            elif destination is None:
                target = ember.device('cuda', _gpu(None))
            else:
                d = ember.device(destination) if not isinstance(destination, int) else ember.device('cuda', destination)
                target = d if d.type == 'cpu' else ember.device('cuda', _gpu(d))
            return ember.cat([t.to(target) for t in tensors], dim)
        if destination is not None:
            raise RuntimeError(f"'destination' must not be specified when 'out' is specified, but got "
                               f"destination={destination}")
        return ember.cat([t.to(out.device) for t in tensors], dim, out=out)
