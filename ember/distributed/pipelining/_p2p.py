"""Sending a stage's tensors to a neighbouring stage: a fixed-size header (how many tensors, and each one's
dtype, shape and whether it carries a gradient) followed by each tensor's data. Sends are non-blocking
(the schedule waits for them at the end of a step), receives block, so the schedules cannot deadlock on
two neighbours sending to each other."""
import ember

__all__ = ['send_tensors', 'recv_tensors', 'FORWARD', 'BACKWARD']

FORWARD, BACKWARD = 11, 12          # message tags: activations go forward, their gradients backward
_HEADER = 64


def _dtypes():
    return [ember.float32, ember.float64, ember.float16, ember.bfloat16, ember.int64, ember.int32, ember.int16,
            ember.int8, ember.uint8, ember.bool, ember.complex64, ember.complex128]


def send_tensors(tensors, dst, group, tag):
    """Start sending ``tensors`` (None entries travel as absent) to global rank ``dst``; returns the works."""
    import ember.distributed as dist
    kinds = _dtypes()
    header = [len(tensors)]
    for t in tensors:
        if t is None:
            header += [-1]
            continue
        header += [kinds.index(t.dtype), int(t.requires_grad), t.dim(), *t.shape]
    if len(header) > _HEADER:
        raise RuntimeError(f"a pipeline stage sends at most {_HEADER} header entries; these tensors need "
                           f"{len(header)} (fewer or lower-dimensional stage outputs fit)")
    header = ember.tensor(header + [0] * (_HEADER - len(header)), dtype=ember.int64)
    works = [dist.isend(header, dst, group=group, tag=tag)]
    for t in tensors:
        if t is not None:
            works.append(dist.isend(t.detach().contiguous(), dst, group=group, tag=tag))
    return works


def recv_tensors(src, group, tag):
    """Receive the tensors ``send_tensors`` sent from global rank ``src`` (blocking)."""
    import ember.distributed as dist
    kinds = _dtypes()
    header = ember.zeros(_HEADER, dtype=ember.int64)
    dist.recv(header, src, group=group, tag=tag)
    h = header.tolist()
    count, pos, out = h[0], 1, []
    for _ in range(count):
        if h[pos] == -1:
            out.append(None)
            pos += 1
            continue
        dtype, requires_grad, ndim = kinds[h[pos]], bool(h[pos + 1]), h[pos + 2]
        shape = h[pos + 3:pos + 3 + ndim]
        pos += 3 + ndim
        t = ember.empty(shape, dtype=dtype)
        dist.recv(t, src, group=group, tag=tag)
        out.append(t.requires_grad_(requires_grad))
    return out
