"""``local_map``: call a function written for plain tensors with DTensors' local pieces, and make its
results DTensors of given layouts."""
import functools

from ember.utils import _pytree as pytree

__all__ = ['local_map']


def local_map(func=None, out_placements=None, in_placements=None, in_grad_placements=None, device_mesh=None, *,
              redistribute_inputs=False):
    """Wrap ``func`` (written for plain tensors) to take DTensors.

    Each DTensor argument (flattened over lists, tuples and dicts) is checked against ``in_placements``
    (one entry per flattened argument; None for non-tensors) and redistributed when
    ``redistribute_inputs=True`` (a mismatch raises otherwise); ``func`` receives its local piece
    (``to_local(grad_placements=...)`` with ``in_grad_placements``). When any argument was a DTensor, each
    tensor result becomes a DTensor with the matching entry of ``out_placements`` on ``device_mesh`` (the
    mesh of the DTensor arguments when not given). Usable as a decorator: ``@local_map(out_placements=...)``.

    Example::

        >>> from ember.distributed.tensor.experimental import local_map
        >>> from ember.distributed.tensor import Shard
        >>> double = local_map(lambda t: t * 2, out_placements=[Shard(0)], in_placements=([Shard(0)],))
        >>> y = double(x)          # x: a DTensor split on dim 0                     # doctest: +SKIP
    """
    if func is None:
        return lambda f: local_map(f, out_placements, in_placements, in_grad_placements, device_mesh,
                                   redistribute_inputs=redistribute_inputs)
    return functools.partial(_call, func, out_placements, in_placements, in_grad_placements, device_mesh,
                             redistribute_inputs)


def _call(func, out_placements, in_placements, in_grad_placements, device_mesh, redistribute_inputs, *args,
          **kwargs):
    from ember._tensor import Tensor
    from ember.distributed.tensor._api import DTensor
    flat, spec = pytree.tree_flatten(args)
    if in_placements is not None and len(in_placements) != len(flat):
        raise AssertionError(f"in_placements length {len(in_placements)} does not match the number of input args "
                             f"{len(flat)}!")
    local, seen = [], False
    for i, arg in enumerate(flat):
        if not isinstance(arg, DTensor):
            if in_placements is not None and not isinstance(arg, Tensor) and in_placements[i] is not None:
                raise AssertionError(f"Non-Tensor input {arg} expects None placements but received "
                                     f"{in_placements[i]}!")
            local.append(arg)
            continue
        seen = True
        if device_mesh is None:
            device_mesh = arg.device_mesh
        if in_placements is not None:
            want = in_placements[i]
            if want is None:
                raise AssertionError(f"DTensor input {arg} expects placements but received {want}!")
            want = tuple(want)
            if arg.placements != want:
                if not redistribute_inputs:
                    raise ValueError(f"arg {arg} in local_map has a mismatched placements: arg placements is "
                                     f"{arg.placements} but the input placements is {want}! If redistribute_inputs "
                                     "is wanted, set redistribute_inputs=True to local_map.")
                arg = arg.redistribute(placements=want)
        if in_grad_placements is not None:
            grad = in_grad_placements[i]
            if grad is None:
                raise AssertionError(f"DTensor input {arg} expects in grad placements but received {grad}!")
            local.append(arg.to_local(grad_placements=tuple(grad)))
        else:
            local.append(arg.to_local())
    out = func(*pytree.tree_unflatten(local, spec), **kwargs)
    if not seen:
        return out
    flat_out, out_spec = pytree.tree_flatten(out)
    layouts = out_placements if isinstance(out_placements, tuple) else (out_placements,)
    if len(flat_out) != len(layouts):
        raise AssertionError(f"local_map requires one PlacementType be provided for each output value, received "
                             f"{len(layouts)} out_placements but {len(flat_out)} is expected!")
    done = []
    for value, layout in zip(flat_out, layouts):
        if isinstance(value, Tensor):
            if isinstance(value, DTensor):
                raise AssertionError(f"ember.Tensor output expected but received {type(value)}: {value}")
            done.append(DTensor.from_local(value, device_mesh, layout, run_check=False))
        else:
            if layout is not None:
                raise AssertionError(f"Non-tensor output {value} expects None placements but received {layout}!")
            done.append(value)
    return pytree.tree_unflatten(done, out_spec)
