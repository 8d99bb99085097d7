"""No parameter is accepted and silently ignored: every parameter of every registered op, and of every
public function, class constructor and ``forward`` of PyTorch's API that ember provides, is used by its
function, or listed here with the reason its value cannot change the result.

The check reads each function's source: a parameter that its body never names is ignored. Honour it, or
refuse unsupported values with a clear error (which names it), or add it below with the reason.
"""
import ast
import functools
import inspect
import json
import textwrap
import warnings

import pytest

import ember
from ember.backend import _denormals
from ember.ops._registry import REGISTRY
from tests.test_docstring_coverage import API, _resolve

# (op, parameter): why every accepted value gives the same, correct result
HARMLESS = {
    ('sort', 'stable'): 'ember always sorts stably, which satisfies stable=False too',
    ('argsort', 'stable'): 'ember always sorts stably, which satisfies stable=False too',
    ('unique', 'sorted'): "results always come sorted, as PyTorch's CPU kernel returns them for both values",
}
# PyTorch's *_with_indices functions take return_indices for the signature and always return indices
for _name in ('max_pool1d_with_indices', 'max_pool2d_with_indices', 'max_pool3d_with_indices', 'adaptive_max_pool1d_with_indices',
              'adaptive_max_pool2d_with_indices', 'adaptive_max_pool3d_with_indices',
              'fractional_max_pool2d_with_indices', 'fractional_max_pool3d_with_indices'):
    HARMLESS[(_name, 'return_indices')] = 'the *_with_indices form always returns indices, as in PyTorch'


def _params_never_named(fn, method=False):
    """The parameters of ``fn`` that its body never names (None when its source is not Python); a ``method``'s
    ``self`` or ``cls`` does not count."""
    try:
        node = ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0]
    except (OSError, TypeError, IndexError, SyntaxError):
        return None
    if not isinstance(node, ast.FunctionDef):
        return None
    calls = {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    if calls & {'locals', 'vars'}:
        return []  # reads all its parameters at once
    body = [b for b in node.body if not (isinstance(b, ast.Expr) and isinstance(b.value, ast.Constant))]
    if len(body) == 1 and isinstance(body[0], ast.Raise):
        return []  # refuses every call
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    params = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
    own = ('self', 'cls') if method else ()
    return [p.arg for p in params if p.arg not in own and not p.arg.startswith('_') and p.arg not in names]


def _ignored():
    found, seen = [], set()
    for entry in REGISTRY:
        fn = inspect.unwrap(entry.fn)
        if fn in seen:
            continue
        seen.add(fn)
        for name in _params_never_named(fn) or ():
            if entry.name in ('is_pinned', 'pin_memory') and name == _first_param(fn):
                continue  # the tensor itself: these answer for every tensor alike
            found.append((entry.name, name))
    return found


def _first_param(fn):
    return next(iter(inspect.signature(fn).parameters), None)


def test_no_parameter_is_silently_ignored():
    ignored = sorted(set(_ignored()) - set(HARMLESS))
    assert not ignored, f"parameters accepted but never used (honour, refuse, or list with a reason): {ignored}"


def test_harmless_list_is_current():
    stale = sorted(set(HARMLESS) - set(_ignored()))
    assert not stale, f"HARMLESS entries whose parameter is now used (remove them): {stale}"


# ---------------------------------------------------------------- the whole public API


# (PyTorch's name, parameter): why every accepted value gives the same, correct result
HARMLESS_API = {
    ('torch.is_distributed', 'input'): 'an ember tensor lives whole in one process: the answer is False for every '
                                       'input, as PyTorch gives for its dense tensors',
    ('torch.Tensor.__array_wrap__', 'context'): "NumPy's ufunc details; PyTorch's __array_wrap__ takes none and "
                                                "wraps every result as a tensor, as ember does",
    ('torch.Tensor.__array_wrap__', 'return_scalar'): "PyTorch wraps 0-d ufunc results as tensors too",
    ('torch.Tensor.to_dense', 'masked_grad'): "only a sparse input's gradient depends on it; a dense tensor is "
                                              "returned as it is, as in PyTorch",
    ('torch.Tensor.__reduce_ex__', 'proto'): 'a tensor pickles to the same reduction for every pickle protocol',
    ('torch.func.debug_unwrap', 'recurse'): "ember's transforms hand functions plain tensors: there is no wrapper "
                                            "to unwrap at any depth",
}


@functools.lru_cache(maxsize=None)
def _api_ignored():
    registered = {inspect.unwrap(entry.fn) for entry in REGISTRY}  # checked above, with their own reasons
    found, seen = [], set()

    def check(name, fn, method):
        fn = inspect.unwrap(fn)
        if fn in seen or fn in registered:
            return
        seen.add(fn)
        found.extend((name, p) for p in _params_never_named(fn, method) or ())
    with open(API) as f:
        entries = json.load(f)['entries']
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # deprecated names warn when looked up
        for name, _kind, _ in entries:
            obj = _resolve(name)
            if obj is None:
                continue
            if inspect.isclass(obj):
                for method in ('__new__', '__init__', 'forward'):
                    fn = obj.__dict__.get(method)
                    if isinstance(fn, staticmethod):
                        fn = fn.__func__
                    if inspect.isfunction(fn):
                        check(f'{name}.{method}', fn, True)
            elif inspect.isfunction(obj) or inspect.ismethod(obj):
                check(name, obj, '.Tensor.' in name)
    return tuple(found)


def test_no_public_parameter_is_silently_ignored():
    ignored = sorted(set(_api_ignored()) - set(HARMLESS_API))
    assert not ignored, f"parameters accepted but never used (honour, refuse, or list with a reason): {ignored}"


def test_public_harmless_list_is_current():
    stale = sorted(set(HARMLESS_API) - set(_api_ignored()))
    assert not stale, f"HARMLESS_API entries whose parameter is now used (remove them): {stale}"


# ---------------------------------------------------------------- parameters this check found ignored, now honoured

def test_set_flush_denormal_checks_mode():
    # the mode decides: True flushes, False keeps denormals (tests/test_global_flags.py checks the values)
    try:
        ember.set_flush_denormal(True)
        flushed = (ember.tensor([1e-38]) / 100).item()
    finally:
        ember.set_flush_denormal(False)
    assert (ember.tensor([1e-38]) / 100).item() > 0
    assert flushed == 0 or not _denormals.supported()
    for bad, kind in (('x', 'str'), (1, 'int'), (None, 'NoneType')):
        with pytest.raises(RuntimeError, match=f'^flush_denormal expects a bool, but got {kind}$'):
            ember.set_flush_denormal(bad)


def test_save_on_cpu_pins_only_for_an_available_device_type(monkeypatch):
    pinned = []
    monkeypatch.setattr(ember.Tensor, 'pin_memory', lambda self, *a: pinned.append(1) or self)
    x = ember.ones(3, requires_grad=True)
    for device_type, available in (('cuda', ember.cuda.is_available()), ('cpu', True)):
        pinned.clear()
        with ember.autograd.graph.save_on_cpu(pin_memory=True, device_type=device_type):
            y = (x * x).sum()
        y.backward()
        assert bool(pinned) == available, device_type
    assert x.grad.tolist() == [4., 4., 4.]


def test_profile_use_kineto_and_timeout_are_checked():
    with pytest.raises(AssertionError, match=r'^Device-only events supported only with Kineto \(use_kineto=True\)$'):
        ember.autograd.profiler.profile(use_cpu=False)
    with pytest.raises(ValueError, match='^post_processing_timeout_s must be non-negative$'):
        ember.autograd.profiler.profile(post_processing_timeout_s=-1)
    with ember.autograd.profiler.profile(use_kineto=True, post_processing_timeout_s=5.0) as prof:
        ember.ones(2) + 1
    assert any(e.name == 'aten::add' for e in prof.function_events)


def test_parameter_constructors_use_their_arguments():
    p = ember.nn.Parameter(ember.zeros(2), requires_grad=False)
    assert type(p) is ember.nn.Parameter and not p.requires_grad
    u = ember.nn.UninitializedParameter(False, dtype=ember.float64)
    assert not u.requires_grad and u.dtype == ember.float64
    b = ember.nn.UninitializedBuffer(True, dtype=ember.float64, persistent=False)
    assert b.requires_grad and b.dtype == ember.float64 and b.persistent is False
    assert str(inspect.signature(ember.nn.Parameter)) == '(data=None, requires_grad=True)'


def test_div_in_place_honours_its_rounding_mode():
    # PyTorch 2.13: tensor([ 3., -4.,  1.]) and tensor([ 3., -3.,  1.])
    import ember
    x = ember.tensor([7., -7., 3.])
    assert x.div_(2, rounding_mode='floor').tolist() == [3.0, -4.0, 1.0] and x.tolist() == [3.0, -4.0, 1.0]
    y = ember.tensor([7., -7., 3.])
    assert y.divide_(ember.tensor(2.), rounding_mode='trunc').tolist() == [3.0, -3.0, 1.0]
    z = ember.tensor([7., -7.])
    z /= 2
    assert z.tolist() == [3.5, -3.5]
