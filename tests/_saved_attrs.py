"""Reads an ember node's ``_saved_*`` attributes in the form tests/fixtures/saved_attrs/record.py writes
PyTorch's: sizes as lists, tensors as where they come from (an input, the output, or another tensor)."""
import math

import numpy as np

import ember


def flat_tensors(x, out):
    if isinstance(x, ember.Tensor):
        out.append(x)
    elif isinstance(x, (list, tuple)):
        for v in x:
            flat_tensors(v, out)
    return out


def _same(a, b):
    return (a.shape == b.shape and a.dtype == b.dtype
            and np.array_equal(a.detach().numpy(), b.detach().numpy(), equal_nan=True))


def encode(value, inputs, output):
    if isinstance(value, ember.Tensor):
        for k, t in enumerate(inputs):
            if value is t or _same(value, t):
                return {'tensor': f'input{k}'}
        if output is not None and _same(value, output):
            return {'tensor': 'output'}
        return {'tensor': 'other', 'shape': list(value.shape)}
    if isinstance(value, (list, tuple)):
        return [encode(v, inputs, output) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return {'float': repr(value)}
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, complex):
        return {'complex': [value.real, value.imag]}
    return {'repr': str(value)}


def saved_attrs(node, inputs, output):
    out = {}
    for attr in dir(node):
        if attr.startswith('_saved_'):
            try:
                out[attr] = encode(getattr(node, attr), inputs, output)
            except Exception as e:
                out[attr] = {'error': type(e).__name__}
    return out


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
