"""Record PyTorch's public API (names, kinds, signatures) as data for ember's coverage test.

Run with real PyTorch (the version ember follows) from the repository root::

    python scripts/record_torch_api.py            # writes tests/fixtures/torch_api.json

The output is read by ``tests/test_api_coverage.py``, which needs no PyTorch.

What is recorded, per namespace (see ``NAMESPACES``):

* the namespace's public names: ``__all__`` where the module defines it, otherwise every name not
  starting with ``_`` whose object PyTorch itself defines there (imports of ``typing``, the standard
  library or other torch modules are left out), plus public submodules of the namespace;
* for ``torch``, ``torch.Tensor``, ``torch.nn.functional``, ``torch.linalg``, ``torch.fft`` and
  ``torch.special`` also every public name that ``torch.overrides.get_testing_overrides()`` lists
  (PyTorch's own list of its overridable functions), and ``Tensor``'s operator dunders from that list;
* names starting with a single underscore are PyTorch internals and are never recorded.

Each entry is ``[path, kind, signatures]``: ``kind`` is function, method, property, class, module
or attribute; ``signatures`` is a list of overloads (usually one), each a list of parameter strings
in Python syntax (``"input"``, ``"dim=None"``, ``"*size"``, ``"**kwargs"`` and the markers ``"/"``
and ``"*"``), defaults as source text / ``repr`` (``...``: a default whose value PyTorch does not
show). A Tensor method's ``self`` is dropped. Signatures come from, in this order:

1. for built-in functions and Tensor methods, the type stubs PyTorch generates from the same
   declarations as its Python argument parser (``torch/_C/_VariableFunctions.pyi``, ``_nn.pyi``,
   ``TensorBase`` in ``__init__.pyi``), every overload except the deprecated ones (whose first
   parameters include ``self`` in a function);
2. ``inspect.signature`` for Python-defined functions and classes;
3. the signature lines of a built-in's docstring (its first line and each ``.. function::`` /
   ``.. method::`` overload), for the built-ins without a stub (``torch.linalg``, ``fft``, ``special``).

An empty list means PyTorch exposes no signature.
"""
import ast
import importlib
import inspect
import json
import re
import sys
import types
from pathlib import Path

import torch

OUT = Path(__file__).resolve().parent.parent / 'tests' / 'fixtures' / 'torch_api.json'

# Namespaces whose functions PyTorch's overrides list covers (functions, methods, properties).
TENSOR_LEVEL = ['torch', 'torch.Tensor', 'torch.nn.functional', 'torch.linalg', 'torch.fft', 'torch.special']
# Library-level namespaces: their public names.
LIBRARY_LEVEL = [
    'torch.nn', 'torch.nn.init', 'torch.nn.utils', 'torch.nn.utils.rnn', 'torch.nn.utils.parametrize',
    'torch.nn.utils.parametrizations', 'torch.nn.utils.stateless', 'torch.optim', 'torch.optim.lr_scheduler',
    'torch.optim.swa_utils', 'torch.distributions', 'torch.func', 'torch.autograd', 'torch.autograd.forward_ad',
    'torch.autograd.graph', 'torch.autograd.profiler', 'torch.utils.data', 'torch.utils.checkpoint', 'torch.amp',
]
NAMESPACES = TENSOR_LEVEL + LIBRARY_LEVEL

_VALUE_TYPES = (torch.dtype, torch.layout, torch.memory_format, torch.qscheme, bool, int, float, str)


def _resolve(path):
    if path == 'torch.Tensor':
        return torch.Tensor
    return importlib.import_module(path)


def _is_public(name):
    return not name.startswith('_')


def _owned(obj, ns_path):
    """Whether ``obj`` is PyTorch's own object (not an import from typing or the standard library)."""
    if isinstance(obj, types.ModuleType):
        return obj.__name__.startswith(ns_path + '.')
    if isinstance(obj, _VALUE_TYPES):
        return True
    module = getattr(obj, '__module__', None)
    return module is None or module.startswith('torch')


def _overridden_names(ns, overrides):
    """Public names under which ``ns`` exposes a function of PyTorch's overrides list."""
    names = set()
    for name in dir(ns):
        if _is_public(name) or (ns is torch.Tensor and name.startswith('__') and name.endswith('__')):
            obj = inspect.getattr_static(ns, name, None) if ns is torch.Tensor else getattr(ns, name, None)
            candidates = (obj, getattr(ns, name, None), getattr(obj, '__get__', None))
            if any(_in(c, overrides) for c in candidates):
                names.add(name)
    return names


def _in(obj, overrides):
    try:
        return obj in overrides
    except TypeError:  # unhashable values (dicts) are not functions
        return False


def _public_names(path, ns, overrides):
    if path == 'torch.Tensor':
        names = {n for n in dir(ns) if _is_public(n)}
    else:
        listed = getattr(ns, '__all__', None)
        # ``torch.fft.__all__`` names the imported ``Tensor`` class: not part of that namespace
        names = {n for n in listed or () if _is_public(n) and (path == 'torch' or getattr(ns, n, None) is not torch.Tensor)}
        own_scan = listed is None or path == 'torch'
        for name in dir(ns):
            if not _is_public(name):
                continue
            obj = getattr(ns, name)
            if isinstance(obj, types.ModuleType):
                if obj.__name__ == f'{path}.{name}':
                    names.add(name)
            elif own_scan and _owned(obj, path) and _defined_here(obj, path):
                names.add(name)
    if path in TENSOR_LEVEL:
        names |= _overridden_names(ns, overrides)
    return names


def _defined_here(obj, path):
    """For namespaces without ``__all__``: the classes and functions the namespace itself defines
    (built-ins count through the overrides list instead); everything in ``torch`` that is torch's."""
    if path == 'torch':
        return True
    module = getattr(obj, '__module__', None)
    if isinstance(obj, type) or inspect.isfunction(obj):
        return module is not None and module.startswith(path)
    return False


def _kind(path, ns, name):
    if path == 'torch.Tensor':
        static = inspect.getattr_static(ns, name)
        if isinstance(static, (property, types.GetSetDescriptorType, types.MemberDescriptorType)):
            return 'property'
        return 'method'
    obj = getattr(ns, name)
    if isinstance(obj, types.ModuleType):
        return 'module'
    if isinstance(obj, type):
        return 'class'
    if callable(obj):
        return 'function'
    return 'attribute'


def _param_strings(sig, drop_first):
    params = list(sig.parameters.values())
    if drop_first and params and params[0].kind in (params[0].POSITIONAL_ONLY, params[0].POSITIONAL_OR_KEYWORD):
        params = params[1:]
    out, saw_kwonly_marker = [], False
    for i, p in enumerate(params):
        if p.kind is p.KEYWORD_ONLY and not saw_kwonly_marker:
            out.append('*')
            saw_kwonly_marker = True
        if p.kind is p.VAR_POSITIONAL:
            out.append('*' + p.name)
            saw_kwonly_marker = True
        elif p.kind is p.VAR_KEYWORD:
            out.append('**' + p.name)
        elif p.default is inspect.Parameter.empty:
            out.append(p.name)
        else:
            out.append(f'{p.name}={_default_repr(p.default)}')
        if p.kind is p.POSITIONAL_ONLY and (i + 1 == len(params) or params[i + 1].kind is not p.POSITIONAL_ONLY):
            out.append('/')
    return out


def _default_repr(value):
    text = repr(value)
    # object reprs carry an address that changes per run; keep the type only
    return re.sub(r' at 0x[0-9a-f]+', '', text)


def _docstring_signatures(name, doc):
    """The overload signature lines of a built-in's docstring: its first line (which may wrap) and
    each ``.. function::``/``.. method::`` line."""
    text = doc.replace('\\*', '*').strip()
    lines = text.splitlines()
    starts = [0] * bool(lines) + [i for i, ln in enumerate(lines) if i and ('.. function::' in ln or '.. method::' in ln)]
    head = re.compile(r'^\s*(?:\.\. (?:function|method)::\s*)?(?:[\w.]+\.)?' + re.escape(name) + r'\(')
    sigs = []
    for i in starts:
        m = head.match(lines[i])
        if not m:
            continue
        inner = _balanced(' '.join(lines[i:i + 6])[m.end():])
        params = None if inner is None else _split_params(inner)
        if params is not None and params not in sigs:
            sigs.append(params)
    return sigs


def _balanced(text):
    """The text up to the parenthesis closing an already opened one (None if it never closes)."""
    depth = 1
    for i, ch in enumerate(text):
        depth += ch in '([{'
        depth -= ch in ')]}'
        if depth == 0:
            return text[:i]
    return None


def _split_params(inner):
    """Parameter strings of a documented signature. Docstrings are not always Python (``arange(start=0,
    end, step=1)``, ``from=0``, C-style ``bool pivot=True``), so this splits on top-level commas."""
    pieces, depth, current = [], 0, ''
    for ch in inner:
        depth += ch in '([{'
        depth -= ch in ')]}'
        if ch == ',' and depth == 0:
            pieces.append(current)
            current = ''
        else:
            current += ch
    pieces.append(current)
    out = []
    for piece in (' '.join(p.split()) for p in pieces):
        if not piece:
            continue
        head, eq, default = piece.partition('=')
        head, _, annotation = head.partition(':')
        name = head.strip().split(' ')[-1]  # drop a C-style type: 'bool pivot'
        annotation = annotation.strip()
        if not eq and (annotation.startswith('Optional[') or annotation.endswith('None]')):
            # annotated docstrings leave out the default of optional parameters ('out: Optional[Tensor]')
            eq, default = '=', 'None'
        if not re.fullmatch(r'\*{0,2}\w*|/', name):
            return None
        if name == '*' and out and out[-1].startswith('*'):
            continue  # 'zeros(*size, *, out=None)': the bare '*' after '*size' is redundant
        out.append(f'{name}={default.strip()}' if eq else name)
    return out


_C_DIR = Path(torch.__file__).parent / '_C'


def _stub_overloads(tree_body, drop_self):
    found = {}
    for node in tree_body:
        if isinstance(node, ast.FunctionDef):
            params = _stub_params(node.args, drop_self)
            if params is not None and params not in found.setdefault(node.name, []):
                found[node.name].append(params)
    return found


def _stub_params(args, drop_self):
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    if drop_self:
        positional, defaults = positional[1:], defaults[1:]
    elif any(a.arg == 'self' for a in positional):
        # a deprecated overload (``add(self, alpha, other)``, ``addmm(beta, self, alpha, mat1, mat2)``)
        return None
    out = []
    for i, (arg, default) in enumerate(zip(positional, defaults)):
        out.append(arg.arg if default is None else f'{arg.arg}={ast.unparse(default)}')
        if args.posonlyargs and i + 1 == len(args.posonlyargs) - drop_self:
            out.append('/')
    if args.vararg:
        out.append('*' + args.vararg.arg)
    elif args.kwonlyargs:
        out.append('*')
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        out.append(arg.arg if default is None else f'{arg.arg}={ast.unparse(default)}')
    if args.kwarg:
        out.append('**' + args.kwarg.arg)
    return out


def _load_stubs():
    functions = {}
    for stub in ('_VariableFunctions.pyi', '_nn.pyi'):
        for name, overloads in _stub_overloads(ast.parse((_C_DIR / stub).read_text()).body, False).items():
            functions.setdefault(stub, {})[name] = overloads
    tree = ast.parse((_C_DIR / '__init__.pyi').read_text())
    tensor_base = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == 'TensorBase')
    return functions['_VariableFunctions.pyi'], functions['_nn.pyi'], _stub_overloads(tensor_base.body, True)


_VF_STUBS, _NN_STUBS, _TENSOR_STUBS = _load_stubs()


def _stub_signatures(path, obj):
    if path == 'torch.Tensor':
        overloads = _TENSOR_STUBS.get(getattr(obj, '__name__', ''), [])
        # the stubs give methods the functions' ``out=``, which methods reject
        overloads = [[p for p in o if not p.startswith('out=')] for o in overloads]
        overloads = [o[:-1] if o and o[-1] == '*' else o for o in overloads]
    else:
        module = getattr(obj, '__module__', None)
        table = {'torch': _VF_STUBS, 'torch._C._nn': _NN_STUBS}.get(module, {})
        overloads = table.get(obj.__name__, [])
    overloads = [o for o in overloads if _keywords_accepted(path, obj, o)]
    most = _positional_limit(path, obj)
    return overloads if most is None else [_keyword_only_after(o, most) for o in overloads]


def _documented_extras(path, obj, name, stubbed):
    """Docstring overloads naming parameters the stubs leave out but the parser takes, for the
    built-ins whose stub has no parameters at all (``Tensor.bool(memory_format=...)``). Only there
    does probing one keyword tell whether the parser knows it: elsewhere a missing required
    argument is reported first."""
    if any(stubbed):
        return []
    known = set()
    doc = getattr(obj, '__doc__', None) or ''
    return [o for o in _docstring_signatures(name, doc)
            if {p.split('=')[0] for p in o} - known - {'*', '/'} and _keywords_accepted(path, obj, o)]


def _positional_limit(path, obj):
    """How many arguments PyTorch's parser takes by position, where it says so: a single-signature
    built-in answers too many positional arguments with 'takes N positional arguments'. The
    hand-written stubs of a few (``torch.tensor(data, dtype=None, ...)``) show keyword-only
    parameters as positional."""
    target = getattr(torch.zeros(2), obj.__name__) if path == 'torch.Tensor' else obj
    try:
        target(*[_Probe()] * 40)
    except Exception as error:
        m = re.search(r'takes (\d+) positional arguments? but \d+ were given', str(error))
        return int(m.group(1)) if m else None
    return None


def _keyword_only_after(overload, most):
    out, positional = [], 0
    for i, param in enumerate(overload):
        if param in ('*', '/') or param.startswith('*'):
            return out + overload[i:]
        if positional == most:
            return out + ['*'] + overload[i:]
        out.append(param)
        positional += 1
    return out


class _Probe:
    """A value no parameter accepts, so a probed call fails in the argument parser and runs nothing."""


def _keywords_accepted(path, obj, overload):
    """Whether PyTorch's argument parser knows every keyword of a stub overload. The stubs of a few
    hand-written methods name parameters the parser does not (``requires_grad_(mode=True)`` where
    the parser takes ``requires_grad``), and a few declare keywords no call gets through
    (``torch.range(pin_memory=)``, ``Tensor.new_tensor(pin_memory=)``); such overloads are dropped,
    and the docstring decides. A parser that reports missing positional arguments before unknown
    keywords is asked again with placeholder positionals."""
    required = [p for p in overload if p not in ('/', '*') and '=' not in p and not p.startswith('*')]
    keyword_only = overload.index('*') if '*' in overload else len(overload)
    required = [p for p in required if overload.index(p) < keyword_only]
    fillers = ([], [1] * len(required), [(1,)] + [1] * (len(required) - 1))
    for param in overload:
        name = param.split('=')[0]
        if name in ('/', '*') or name.startswith('*'):
            continue
        name = {'from_': 'from'}.get(name, name)    # the stubs rename Python's keyword
        target = getattr(torch.zeros(2), obj.__name__) if path == 'torch.Tensor' else obj
        for positional in fillers:
            if name in required[:len(positional)]:
                continue
            try:
                target(*positional, **{name: _Probe()})
            except Exception as error:    # the parser's refusal (a TypeError) is what is expected
                text = str(error)
                if (f"unexpected keyword argument '{name}'" in text
                        or f'unrecognized keyword arguments: {name}' in text or 'takes no keyword arguments' in text):
                    return False
    return True


def _signatures(path, ns, name, kind):
    if kind in ('module', 'attribute', 'property'):
        return []
    obj = getattr(ns, name)
    is_method = path == 'torch.Tensor'
    if is_method and isinstance(inspect.getattr_static(ns, name), (staticmethod, classmethod)):
        is_method = False
    builtin = isinstance(obj, (types.BuiltinFunctionType, types.MethodDescriptorType,
                               types.WrapperDescriptorType, types.MethodWrapperType))
    if not builtin:
        try:
            return [_param_strings(inspect.signature(obj), drop_first=is_method)]
        except (TypeError, ValueError):
            pass
    else:
        stubbed = _stub_signatures(path, obj)
        if stubbed:
            return stubbed + _documented_extras(path, obj, name, stubbed)
    doc = getattr(obj, '__doc__', None)
    if kind != 'class' and isinstance(doc, str):
        return _docstring_signatures(name, doc)
    return []


def record():
    overrides = torch.overrides.get_testing_overrides()
    entries = []
    for path in NAMESPACES:
        ns = _resolve(path)
        for name in sorted(_public_names(path, ns, overrides)):
            if not hasattr(ns, name):
                continue
            kind = _kind(path, ns, name)
            entries.append([f'{path}.{name}', kind, _signatures(path, ns, name, kind)])
    return entries


def main():
    entries = record()
    lines = ',\n'.join(json.dumps(e) for e in entries)
    text = (f'{{"torch_version": {json.dumps(torch.__version__)},\n'
            f'"namespaces": {json.dumps(NAMESPACES)},\n'
            f'"entries": [\n{lines}\n]}}\n')
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(f'{len(entries)} entries written to {OUT}', file=sys.stderr)


if __name__ == '__main__':
    main()
