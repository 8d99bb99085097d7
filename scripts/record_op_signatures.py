"""Writes ``ember/ops/_signatures.json``: the argument signatures PyTorch's argument parser checks
calls against, for every function of ``torch``, ``Tensor``, ``torch.nn.functional``'s native ops,
``linalg``, ``fft`` and ``special`` (their overloads, in the parser's order).

ember reads them only when a call fails, to give PyTorch's argument-type error. Run under real
PyTorch (with PyYAML, which torchgen needs) from the repository root::

    python scripts/record_op_signatures.py
"""
import json
import os
from pathlib import Path

import torchgen
from torchgen.gen import parse_native_yaml
from torchgen.packaged.autograd import gen_python_functions as gen

NAMESPACES = {
    'torch': gen.is_py_torch_function,
    'Tensor': gen.is_py_variable_method,
    'nn': gen.is_py_nn_function,
    'linalg': gen.is_py_linalg_function,
    'fft': gen.is_py_fft_function,
    'special': gen.is_py_special_function,
}
OUT = Path(__file__).resolve().parent.parent / 'ember' / 'ops' / '_signatures.json'


def signatures():
    packaged = os.path.join(os.path.dirname(torchgen.__file__), 'packaged')
    native = parse_native_yaml(os.path.join(packaged, 'ATen/native/native_functions.yaml'),
                               os.path.join(packaged, 'ATen/native/tags.yaml')).native_functions
    native = [f for f in native if gen.should_generate_py_binding(f)]
    deprecated = os.path.join(packaged, 'autograd/deprecated.yaml')
    table = {}
    for namespace, belongs in NAMESPACES.items():
        pairs = gen.load_signatures(native, deprecated, method=namespace == 'Tensor')
        grouped = gen.group_filter_overloads(pairs, belongs)
        table[namespace] = {
            str(name): [str(o.signature.signature_str(symint=True)) for o in gen.group_overloads(group, symint=True)]
            for name, group in sorted(grouped.items(), key=lambda kv: str(kv[0]))}
    return table


def _public(namespace, name):
    """Whether users reach ``name`` as PyTorch's C function (a Python wrapper, like ``torch.norm``
    or ``Tensor.split``, checks its arguments its own way)."""
    import types
    import torch
    owner = {'torch': torch, 'Tensor': torch.Tensor, 'nn': torch._C._nn, 'linalg': torch._C._linalg,
             'fft': torch._C._fft, 'special': torch._C._special}[namespace]
    fn = getattr(owner, name, None)
    return isinstance(fn, (types.BuiltinFunctionType, types.MethodDescriptorType))


def _functional_builtins(table):
    """``torch.nn.functional`` names that are PyTorch's C functions themselves (``F.conv2d`` is
    ``torch.conv2d``): name -> [namespace, native name]. The others are Python functions."""
    import types
    import torch.nn.functional as F
    found = {}
    for name in dir(F):
        fn = getattr(F, name)
        if isinstance(fn, types.BuiltinFunctionType) and not name.startswith('_'):
            for namespace in ('torch', 'nn'):
                if fn.__name__ in table[namespace]:
                    found[name] = [namespace, fn.__name__]
                    break
    return found


# functions PyTorch binds by hand (not from its native function list): their overloads are read
# back from the parser's own "invalid combination" listing
MANUAL = {'Tensor': ('to',)}
_KINDS = {'Tensor': 'Tensor', 'torch.device': 'Device', 'torch.dtype': 'ScalarType', 'bool': 'bool',
          'torch.memory_format': 'MemoryFormat', 'int': 'int64_t', 'float': 'double', 'Number': 'Scalar',
          'tuple of ints': 'IntArrayRef', 'str': 'c10::string_view', 'torch.layout': 'Layout',
          'torch.Generator': 'Generator', 'tuple of Tensors': 'TensorList'}


def _manual(namespace, name):
    import torch
    owner = torch.ones(1) if namespace == 'Tensor' else torch
    try:
        getattr(owner, name)(object())
    except TypeError as e:
        listing = [line[4:-1] for line in str(e).splitlines() if line.startswith(' * (')]
    found = []
    for line in listing:
        params = []
        for part in line.split(', '):
            if part == '*':
                params.append(part)
                continue
            decl, eq, default = part.partition(' = ')
            kind, _, pname = decl.rpartition(' ')
            params.append(f"{_KINDS[kind]} {pname}" + (f"={default}" if eq else ''))
        found.append(f"{name}({', '.join(params)})")
    return found


# functions PyTorch binds by hand with one parser signature each, or with overloads that never show
# in a listing: their parser strings as PyTorch's bindings declare them (python_torch_functions_manual.cpp,
# python_variable_methods.cpp), checked against PyTorch's own errors by _check_hand_written
HAND_WRITTEN = {
    'torch': {'nonzero': ['nonzero(Tensor input, *, bool as_tuple=False, Tensor out=None)'],
              'numel': ['numel(Tensor input)']},
    'Tensor': {'nonzero': ['nonzero()', 'nonzero(*, bool as_tuple)'],
               'size': ['size(int64_t? dim=None)'], 'stride': ['stride(int64_t? dim=None)'],
               'copy_': ['copy_(Tensor other, bool non_blocking=False)',
                         'copy_(Tensor other, bool async=False)|deprecated'],
               'new_tensor': ['new_tensor(PyObject* data, *, ScalarType dtype=None, Device? device=None, '
                              'bool requires_grad=False)']},
}
# calls whose refusal pins the hand-written signatures: (namespace, name, args, kwargs)
_PROBES = [('torch', 'nonzero', ('list',), {}), ('torch', 'nonzero', ('x', 'x'), {}),
           ('torch', 'nonzero', ('x',), {'as_tuple': 'str'}), ('torch', 'nonzero', ('x',), {'out': 'str'}),
           ('torch', 'numel', ('list',), {}), ('torch', 'numel', ('x', 'x'), {}),
           ('Tensor', 'nonzero', ('list',), {}), ('Tensor', 'nonzero', (), {'as_tuple': 'str'}),
           ('Tensor', 'copy_', ('list',), {}), ('Tensor', 'copy_', ('x', 'str'), {}),
           ('Tensor', 'copy_', (), {'other': 'x', 'async': 'str'}),
           ('Tensor', 'new_tensor', ('list',), {'dtype': 'str'}), ('Tensor', 'new_tensor', ('list', 'x'), {}),
           ('Tensor', 'size', ('str',), {}), ('Tensor', 'size', (), {'dim': 'list'}), ('Tensor', 'size', ('x', 'x'), {}),
           ('Tensor', 'stride', ('str',), {}), ('Tensor', 'stride', ('list', 'x'), {})]


def _check_hand_written(table):
    """Each probe's error from PyTorch equals the one ember's parser replay derives from the table."""
    import sys
    import torch
    sys.path.insert(0, str(OUT.parent.parent.parent))
    from ember.ops import _argparse
    _argparse._TABLE = table
    import ember
    values = {'x': (torch.ones(2), ember.ones(2)), 'list': ([1.], [1.]), 'str': ('a', 'a')}
    for namespace, name, args, kwargs in _PROBES:
        owner = torch.ones(2) if namespace == 'Tensor' else torch
        try:
            getattr(owner, name)(*[values[a][0] for a in args], **{k: values[v][0] for k, v in kwargs.items()})
            theirs = None
        except TypeError as e:
            theirs = str(e).replace('torch.', 'ember.')
        ours = _argparse.explain(namespace, name, [values[a][1] for a in args], {k: values[v][1] for k, v in kwargs.items()})
        assert (ours and str(ours)) == theirs, (name, args, kwargs, theirs, ours and str(ours))


def main():
    import torch
    table = {ns: {name: sigs for name, sigs in functions.items() if _public(ns, name)}
             for ns, functions in signatures().items()}
    table['F'] = _functional_builtins(table)
    for namespace, names in MANUAL.items():
        for name in names:
            table[namespace][name] = _manual(namespace, name)
    for namespace, functions in HAND_WRITTEN.items():
        table[namespace].update(functions)
    _check_hand_written(table)
    OUT.write_text(json.dumps({'torch_version': torch.__version__, **table}, indent=0, sort_keys=True) + '\n')
    print(f"{sum(len(v) for v in table.values())} functions written to {OUT}")


if __name__ == '__main__':
    main()
