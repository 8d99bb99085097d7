"""Nested state dicts as flat ``{'a.b.0': value}`` dicts (PyTorch's keys: path parts joined by dots;
lists are entered only when they hold tensors or mappings), and the chunks each tensor is saved in."""
from collections.abc import Mapping

import ember
from ember._tensor import Tensor


def _terminal(value):
    if isinstance(value, Mapping):
        return False
    if not isinstance(value, list):
        return True
    for entry in value:
        if isinstance(entry, (Mapping, list)) and not _terminal(entry):
            return False
        if isinstance(entry, Tensor):
            return False
    return True


def flatten(state_dict):
    """(flat dict, {flat key: path tuple})."""
    flat, paths = {}, {}

    def visit(path, value):
        if isinstance(value, Mapping):
            for k, v in value.items():
                visit(path + (str(k),), v)
        elif _terminal(value):
            key = '.'.join(map(str, path))
            if key in flat:
                raise ValueError(f"duplicated flatten key {key}")
            flat[key], paths[key] = value, path
        else:
            for i, v in enumerate(value):
                visit(path + (i,), v)

    for k, v in state_dict.items():
        visit((str(k),), v)
    return flat, paths


def set_path(root, path, value):
    """Put ``value`` at ``path`` inside the nested ``root`` (keys are matched as strings, as flattened)."""
    node = root
    for part in path[:-1]:
        node = node[_match(node, part)]
    node[_match(node, path[-1])] = value


def _match(node, part):
    if isinstance(node, list):
        return int(part)
    if part in node:
        return part
    for k in node:
        if str(k) == part:
            return k
    return part


def chunks(tensor):
    """(global size, [(offsets, local tensor)], replicated): a plain tensor is one whole chunk that every
    rank holds; a distributed tensor names its own local pieces."""
    own = getattr(type(tensor), '_checkpoint_chunks', None)
    if own is not None:
        size, pieces = own(tensor)
        return ember.Size(size), pieces, False
    t = tensor.detach()
    return ember.Size(t.shape), [((0,) * t.dim(), t)], True


def overlap(a_off, a_size, b_off, b_size):
    """Per-dimension slices (into a, into b) of where boxes a and b meet, or None."""
    into_a, into_b = [], []
    for ao, asz, bo, bsz in zip(a_off, a_size, b_off, b_size):
        lo, hi = max(ao, bo), min(ao + asz, bo + bsz)
        if lo >= hi:
            return None
        into_a.append(slice(lo - ao, hi - ao))
        into_b.append(slice(lo - bo, hi - bo))
    return tuple(into_a), tuple(into_b)
