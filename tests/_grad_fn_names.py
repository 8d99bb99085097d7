"""What the grad_fn-name test and its recorder share: how a table row's sample is named and how the
node name of an op's output is read."""
import numpy as np

from tests._op_harness import pick, to_ember
from tests.opinfo import Const, Raw


def _arg_key(a):
    if isinstance(a, Const):
        return f'const{tuple(a.array.shape)}'
    if isinstance(a, Raw):
        return 'raw:' + _arg_key(a.value)
    if isinstance(a, np.ndarray):
        return f'{a.dtype.kind}{tuple(a.shape)}'
    if isinstance(a, (list, tuple)):
        return '[' + ','.join(_arg_key(x) for x in a) + ']'
    if isinstance(a, (bool, int, float, complex, str, slice, type(None), type(Ellipsis))):
        return repr(a)
    return type(a).__name__


def sample_key(sample):
    """A name for a sample that survives re-drawing its values (shapes, scalars, keyword names)."""
    parts = [_arg_key(a) for a in sample.args]
    parts += [f'{k}={_arg_key(v)}' for k, v in sorted(sample.kwargs.items())]
    return '(' + ', '.join(parts) + ')'


def row_keys(ops):
    """Each row's key: its name, with ``#n`` appended for the n-th repeat of a name."""
    seen = {}
    keys = []
    for info in ops:
        n = seen.get(info.name, 0)
        seen[info.name] = n + 1
        keys.append(info.name if n == 0 else f'{info.name}#{n}')
    return keys


def recorded_call(info):
    """What the recorders' PyTorch call stands for on ember's side: the public function a row's op wraps
    (a complex result taken apart for gradcheck), else the op itself."""
    return info.called or info.op


def node_name(out, index):
    out = pick(out, index)
    fn = getattr(out, 'grad_fn', None)
    return None if fn is None else fn.name()


def ember_inputs(sample):
    return to_ember(sample, 'float64', requires_grad=True, noncontig=False)
