"""Reads a node's ``_saved_*`` / ``_raw_saved_*`` attributes as JSON, the same way for PyTorch's nodes (which
tests/fixtures/saved_attrs/record.py records) and ember's (which tests/test_saved_attrs.py compares): sizes as
lists, tensors as where they come from (an input, an output: which, and whether the very object) or their
values."""
import math

import numpy as np


def flat_tensors(x, out):
    """The tensors among an op's arguments (lists and tuples looked into), in order: how a saved tensor names the
    input it is (``input<k>``)."""
    if hasattr(x, 'grad_fn') and hasattr(x, 'shape'):
        out.append(x)
    elif isinstance(x, (list, tuple)):
        for v in x:
            flat_tensors(v, out)
    return out


# an 'other' tensor (no input, no output) is recorded by its values when it has at most this many elements
_MAX_VALUES = 1024


def _host(t):
    """``t``'s values as a NumPy array (torch's bfloat16/half and conjugate views made plain first)."""
    t = t.detach()
    for plain in ('resolve_conj', 'resolve_neg'):
        if hasattr(t, plain):
            t = getattr(t, plain)()
    try:
        return np.asarray(t.numpy())
    except (TypeError, RuntimeError):
        return np.asarray(t.double().numpy())


def _same(a, b):
    return a.shape == b.shape and str(a.dtype).split('.')[-1] == str(b.dtype).split('.')[-1] \
        and np.array_equal(_host(a), _host(b), equal_nan=True)


def _values(t):
    v = _host(t).ravel()
    if v.size > _MAX_VALUES:
        v = np.array([v.sum()])
    if v.dtype.kind == 'c':
        return [[float(z.real), float(z.imag)] for z in v]
    return [x if isinstance(x, (bool, int)) else float(x) for x in v.tolist()]


def encode(value, inputs, outputs):
    """A saved attribute's value as JSON. A tensor that is an input or an output says which (``input<k>``,
    ``output`` or ``output<k>`` among several) and, under ``same``, whether it is that very tensor object; any
    other tensor gives its shape, dtype and values (their sum where it has more than ``_MAX_VALUES``)."""
    if hasattr(value, 'grad_fn') and hasattr(value, 'shape'):
        named = [(f'input{k}', t) for k, t in enumerate(inputs)]
        named += [('output' if len(outputs) == 1 else f'output{k}', t) for k, t in enumerate(outputs)]
        for where, t in named:
            if value is t:
                return {'tensor': where, 'same': True}
        for where, t in named:
            if _same(value, t):
                return {'tensor': where}
        return {'tensor': 'other', 'shape': list(value.shape), 'dtype': str(value.dtype).split('.')[-1],
                'values': _values(value)}
    if isinstance(value, (list, tuple)):
        return [encode(v, inputs, outputs) for v in value]
    if type(value).__name__ in ('SymInt', 'SymFloat', 'SymBool'):
        value = {'SymInt': int, 'SymFloat': float, 'SymBool': bool}[type(value).__name__](value)
    if isinstance(value, float) and not math.isfinite(value):
        return {'float': repr(value)}
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, complex):
        return {'complex': [value.real, value.imag]}
    return {'repr': str(value)}


# tensors PyTorch's kernels leave partly unwritten (whatever the memory held): recorded by shape and dtype only
UNWRITTEN = {
    ('CtcLossBackward0', '_saved_result1'): 'log_alpha past each sequence\'s frames and extended target',
    ('RreluWithNoiseBackward0', '_saved_noise'): 'the noise outside training (F.rrelu\'s default)',
    ('RreluWithNoiseBackward1', '_saved_noise'): 'the noise outside training (F.rrelu_\'s default)',
}


def saved_attrs(node, inputs, outputs):
    """Every ``_saved_*`` attribute ``dir(node)`` lists, encoded (an attribute that raises: its error's type)."""
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    name = node.name().split('::')[-1]
    out = {}
    for attr in dir(node):
        if attr.startswith('_saved_'):
            try:
                out[attr] = encode(getattr(node, attr), inputs, outputs)
            except Exception as e:
                out[attr] = {'error': type(e).__name__}
            if (name, attr) in UNWRITTEN and isinstance(out[attr], dict):
                out[attr].pop('values', None)
    return out


def raw_saved(node, saved_tensor_type):
    """The ``_raw_saved_*`` attributes that hold SavedTensor objects (or a list of them), by name."""
    raw = []
    for attr in dir(node):
        if attr.startswith('_raw_saved_'):
            v = getattr(node, attr)
            if isinstance(v, saved_tensor_type) or (
                    isinstance(v, (list, tuple)) and v and all(isinstance(e, saved_tensor_type) for e in v)):
                raw.append(attr)
    return sorted(raw)


def describe(out, inputs, saved_tensor_type):
    """What the recorder writes for a call's result: ``{node, saved, raw}`` of its grad_fn (None without one);
    for several results, the list of each one's (saved tensors that are results named ``output<k>``)."""
    outputs = list(out) if isinstance(out, (list, tuple)) else [out]

    def one(o):
        node = getattr(o, 'grad_fn', None)
        if node is None:
            return None
        return {'node': node.name().split('::')[-1], 'saved': saved_attrs(node, inputs, outputs),
                'raw': raw_saved(node, saved_tensor_type)}
    if isinstance(out, (list, tuple)):
        return [one(o) for o in out]
    return one(out)


def matches(got, want):
    """Recorded attributes equal, tensors' values to within float64 rounding of a different summation order."""
    if isinstance(want, dict) and 'values' in want and isinstance(got, dict) and 'values' in got:
        if {k: v for k, v in got.items() if k != 'values'} != {k: v for k, v in want.items() if k != 'values'}:
            return False
        a, b = np.asarray(got['values'], dtype=object), np.asarray(want['values'], dtype=object)
        if a.shape != b.shape:
            return False
        a, b = np.asarray(got['values']), np.asarray(want['values'])
        if a.dtype.kind in 'biu' or b.dtype.kind in 'biu':
            return np.array_equal(a, b)
        return np.allclose(a.astype(float), b.astype(float), rtol=1e-6, atol=1e-9, equal_nan=True)
    if isinstance(want, dict) and isinstance(got, dict):
        return got.keys() == want.keys() and all(matches(got[k], want[k]) for k in want)
    if isinstance(want, list) and isinstance(got, list):
        return len(got) == len(want) and all(matches(g, w) for g, w in zip(got, want))
    return got == want


def model_graph(lib, which):
    """A small model's summed output: each node of its backward graph (depth first, as torchviz walks it) with
    its ``_saved_*`` attributes; ``lib`` is ember or torch, so the recorder and the test build the same.
    ``which``: 'mlp' (Linear-Tanh-Linear) or 'cnn' (Conv2d-ReLU-MaxPool2d-Flatten-Linear)."""
    lib.manual_seed(0)
    nn = lib.nn
    if which == 'mlp':
        model = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 2))
        x = lib.ones(3, 4)
    else:
        model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8, 3))
        x = lib.ones(2, 1, 6, 6)
    y = model(x).sum()
    out, seen = [], set()

    def walk(fn):
        if fn is None or id(fn) in seen:
            return
        seen.add(id(fn))
        attrs = {}
        for a in dir(fn):
            if a.startswith('_saved_'):
                v = getattr(fn, a)
                attrs[a] = ['tensor', list(v.shape)] if hasattr(v, 'shape') else list(v) if isinstance(v, tuple) else v
        out.append([fn.name().split('::')[-1], attrs])
        for f, _ in fn.next_functions:
            walk(f)
    walk(y.grad_fn)
    return out
