"""No parameter is accepted and silently ignored: every parameter of every registered op is used by
its function, or listed here with the reason its value cannot change the result.

The check reads each op's source: a parameter that its body never names is ignored. Honour it, or
refuse unsupported values with a clear error (which names it), or add it below with the reason.
"""
import ast
import inspect
import textwrap

from ember.ops._registry import REGISTRY

# (op, parameter): why every accepted value gives the same, correct result
HARMLESS = {
    ('copy_', 'non_blocking'): "ember's copies have completed when copy_ returns, which both values allow",
    ('sort', 'stable'): 'ember always sorts stably, which satisfies stable=False too',
    ('argsort', 'stable'): 'ember always sorts stably, which satisfies stable=False too',
    ('topk', 'sorted'): 'results always come sorted, which sorted=False allows',
    ('unique', 'sorted'): "results always come sorted, as PyTorch's CPU kernel returns them for both values",
}
# PyTorch's *_with_indices functions take return_indices for the signature and always return indices
for _name in ('max_pool1d_with_indices', 'max_pool2d_with_indices', 'max_pool3d_with_indices', 'adaptive_max_pool1d_with_indices',
              'adaptive_max_pool2d_with_indices', 'adaptive_max_pool3d_with_indices',
              'fractional_max_pool2d_with_indices', 'fractional_max_pool3d_with_indices'):
    HARMLESS[(_name, 'return_indices')] = 'the *_with_indices form always returns indices, as in PyTorch'


def _ignored():
    found, seen = [], set()
    for entry in REGISTRY:
        fn = inspect.unwrap(entry.fn)
        if fn in seen:
            continue
        seen.add(fn)
        try:
            node = ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0]
        except (OSError, TypeError, IndexError):
            continue
        if not isinstance(node, ast.FunctionDef):
            continue
        names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        params = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
        for i, p in enumerate(params):
            if p.arg.startswith('_') or p.arg in names:
                continue
            if i == 0 and entry.name in ('is_pinned', 'pin_memory'):
                continue  # the tensor itself: these answer for every tensor alike
            found.append((entry.name, p.arg))
    return found


def test_no_parameter_is_silently_ignored():
    ignored = sorted(set(_ignored()) - set(HARMLESS))
    assert not ignored, f"parameters accepted but never used (honour, refuse, or list with a reason): {ignored}"


def test_harmless_list_is_current():
    stale = sorted(set(HARMLESS) - set(_ignored()))
    assert not stale, f"HARMLESS entries whose parameter is now used (remove them): {stale}"
