"""ember.onnx.export over the op table: each row's samples are wrapped in a tiny module (the
sample's tensors become graph inputs), exported, run with onnxruntime and compared with ember's
own result. :func:`check` gives 'ok', or the first failure's kind and message: 'refused' (the
exporter's error), 'wrong' (what differs), 'trace' (another error while exporting), 'ort'
(onnxruntime failed) or 'skip' (nothing to export)."""
import io
import json
import sys
import warnings

import numpy as np

import ember
import ember.nn as nn
from tests._op_harness import to_ember
from tests.op_db import OPS


class _Wrap(nn.Module):
    def __init__(self, fn, template, kwargs):
        super().__init__()
        self.fn, self.template, self.kw = fn, template, kwargs

    def forward(self, *tensors):
        it = iter(tensors)
        args = [next(it) if isinstance(a, ember.Tensor) else a for a in self.template]
        return self.fn(*args, **self.kw)


def _unwrapped(fn):
    while hasattr(fn, '__wrapped__'):
        fn = fn.__wrapped__
    return fn


def _through_name(fn):
    """A call of ``fn`` through the public name that holds it (found now, with any
    ``__torch_function__`` wrapper around it), read again at call time: the table holds the
    functions themselves, but a capture rebinds some public names (ops recorded whole)."""
    import ember.nn.functional as F
    name = getattr(fn, '__name__', None)
    if name is None:    # (a functools.partial row: called as it is)
        return fn
    for space in (ember.Tensor, ember, F, ember.special, ember.linalg, ember.fft):
        current = vars(space).get(name) if isinstance(space, type) else getattr(space, name, None)
        if current is not None and _unwrapped(current) is _unwrapped(fn):
            if isinstance(space, type):
                return lambda *a, **k: vars(space)[name](*a, **k)
            return lambda *a, **k: getattr(space, name)(*a, **k)
    return fn


def _flat(out):
    if isinstance(out, ember.Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        return [a for o in out for a in _flat(o)]
    return []


def rows():
    """``{key: row}`` over the op table; a name shared by several rows gets ``#2``, ``#3``, ..."""
    keyed, seen = {}, {}
    for info in OPS:
        seen[info.name] = seen.get(info.name, 0) + 1
        keyed[info.name if seen[info.name] == 1 else f"{info.name}#{seen[info.name]}"] = info
    return keyed


def check(info, opset, samples=None):
    """``(status, message)`` for the first sample that fails, else ``('ok', '')``."""
    rng = np.random.default_rng(0)
    import onnxruntime as ort
    for sample in info.samples(rng)[:samples]:
        args, kwargs = to_ember(sample, 'float32', requires_grad=False)
        tensors = [a for a in args if isinstance(a, ember.Tensor)]
        if not tensors:
            return ('skip', 'no tensor argument')
        fn = _through_name(info.op)  # every output is compared, not only the row's output_index
        model = _Wrap(fn, args, kwargs)
        with ember.no_grad():
            try:
                expected = _flat(model(*tensors))
            except Exception as e:
                return ('skip', f'eager failed: {type(e).__name__}: {e}')
        if not expected:
            return ('skip', 'no tensor result')
        buf = io.BytesIO()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                ember.onnx.export(model, tuple(tensors), buf, opset_version=opset, dynamo=False)
        except (NotImplementedError, ember.onnx.OnnxExporterError) as e:
            return ('refused', str(e).splitlines()[0][:200])
        except Exception as e:
            return ('trace', f'{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ""}')
        try:
            sess = ort.InferenceSession(buf.getvalue(), providers=['CPUExecutionProvider'])
            feeds = {i.name: t.numpy() for i, t in zip(sess.get_inputs(), tensors)}
            got = sess.run(None, feeds)
        except Exception as e:
            return ('ort', f'{type(e).__name__}: {str(e).splitlines()[0][:200]}')
        if len(got) != len(expected):
            return ('wrong', f'{len(got)} outputs for {len(expected)}')
        for g, e in zip(got, expected):
            e = e.numpy()
            if g.shape != e.shape or g.dtype != e.dtype:
                return ('wrong', f'shape/dtype {g.shape} {g.dtype} for {e.shape} {e.dtype}')
            if e.dtype.kind in 'fc':
                if not np.allclose(g, e, rtol=1e-4, atol=1e-4, equal_nan=True):
                    return ('wrong', f'values differ by {np.nanmax(np.abs(g - e))}')
            elif not np.array_equal(g, e):
                return ('wrong', 'values differ')
    return ('ok', '')
