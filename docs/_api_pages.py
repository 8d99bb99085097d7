"""Write the API reference pages (docs/api/*.rst) from ember's own namespaces.

The pages list what ember exports, so a new op appears in the reference the moment it is
registered; conf.py runs this before each build. Each entry is rendered by autodoc from the
object's docstring.
"""
import importlib
import inspect
import os
import types

import ember

# (page, title, importable path, what the page lists)
NAMESPACES = [
    ('torch', 'ember', 'ember', 'functions and classes'),
    ('tensor', 'ember.Tensor', 'ember.Tensor', 'methods and properties'),
    ('nn', 'ember.nn', 'ember.nn', 'modules'),
    ('functional', 'ember.nn.functional', 'ember.nn.functional', 'functions'),
    ('init', 'ember.nn.init', 'ember.nn.init', 'initialisers'),
    ('nn_utils', 'ember.nn.utils', 'ember.nn.utils', 'utilities'),
    ('prune', 'ember.nn.utils.prune', 'ember.nn.utils.prune', 'pruning'),
    ('optim', 'ember.optim', 'ember.optim', 'optimizers'),
    ('lr_scheduler', 'ember.optim.lr_scheduler', 'ember.optim.lr_scheduler', 'schedulers'),
    ('autograd', 'ember.autograd', 'ember.autograd', 'automatic differentiation'),
    ('func', 'ember.func', 'ember.func', 'function transforms'),
    ('flex_attention', 'ember.nn.attention.flex_attention', 'ember.nn.attention.flex_attention', 'flex attention'),
    ('linalg', 'ember.linalg', 'ember.linalg', 'linear algebra'),
    ('fft', 'ember.fft', 'ember.fft', 'Fourier transforms'),
    ('special', 'ember.special', 'ember.special', 'special functions'),
    ('sparse', 'ember.sparse', 'ember.sparse', 'sparse COO tensors'),
    ('distributions', 'ember.distributions', 'ember.distributions', 'distributions'),
    ('amp', 'ember.amp', 'ember.amp', 'mixed precision'),
    ('data', 'ember.utils.data', 'ember.utils.data', 'datasets and loaders'),
    ('checkpoint', 'ember.utils.checkpoint', 'ember.utils.checkpoint', 'activation checkpointing'),
    ('benchmark', 'ember.utils.benchmark', 'ember.utils.benchmark', 'timing'),
    ('distributed', 'ember.distributed', 'ember.distributed', 'distributed training'),
    ('distributed_checkpoint', 'ember.distributed.checkpoint', 'ember.distributed.checkpoint',
     'distributed checkpoints'),
    ('distributed_fsdp', 'ember.distributed.fsdp', 'ember.distributed.fsdp', 'fully sharded data parallelism'),
    ('distributed_tensor', 'ember.distributed.tensor', 'ember.distributed.tensor', 'distributed tensors'),
    ('distributed_tensor_parallel', 'ember.distributed.tensor.parallel', 'ember.distributed.tensor.parallel',
     'tensor parallelism'),
    ('distributed_pipelining', 'ember.distributed.pipelining', 'ember.distributed.pipelining',
     'pipeline parallelism'),
    ('distributed_rpc', 'ember.distributed.rpc', 'ember.distributed.rpc', 'remote procedure calls'),
    ('distributed_autograd', 'ember.distributed.autograd', 'ember.distributed.autograd', 'distributed autograd'),
    ('fx', 'ember.fx', 'ember.fx', 'graph capture and transformation'),
    ('hub', 'ember.hub', 'ember.hub', 'pretrained models'),
    ('onnx', 'ember.onnx', 'ember.onnx', 'ONNX export'),
    ('vision_models', 'ember.vision.models', 'ember.vision.models', 'vision models'),
    ('vision_datasets', 'ember.vision.datasets', 'ember.vision.datasets', 'vision datasets'),
    ('vision_transforms', 'ember.vision.transforms', 'ember.vision.transforms', 'vision transforms'),
    ('vision_transforms_v2', 'ember.vision.transforms.v2', 'ember.vision.transforms.v2', 'vision transforms (v2)'),
    ('vision_tv_tensors', 'ember.vision.tv_tensors', 'ember.vision.tv_tensors', 'tensor types for vision'),
]


def _resolve(path):
    module_path, _, attr = path.rpartition('.')
    try:                                            # a module, e.g. ember.vision.models
        return importlib.import_module(path)
    except ImportError:                             # a class in a module, e.g. ember.Tensor
        return getattr(importlib.import_module(module_path), attr)


def _public_names(obj):
    names = getattr(obj, '__all__', None) if isinstance(obj, types.ModuleType) else None
    if names is None:
        names = [n for n in dir(obj) if not n.startswith('_')]
    return sorted(set(names))


def _directive(namespace, name, value, is_class_page):
    if is_class_page:
        if isinstance(inspect.getattr_static(namespace, name, None), property):
            return 'autoproperty'
        return 'automethod' if callable(value) else 'autoattribute'
    if inspect.isclass(value):
        return 'autoclass'
    if callable(value):
        return 'autofunction'
    return None                   # constants and submodules are described in prose, not listed


def write_pages(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    documented = set()      # an object exported in two places is indexed once, listed in both
    for page, title, path, what in NAMESPACES:
        namespace = _resolve(path)
        is_class_page = inspect.isclass(namespace)
        lines = [title, '=' * len(title), '', f'The {what} of ``{path}``.', '']
        if is_class_page:
            lines += [f'.. currentmodule:: ember', '', f'.. class:: Tensor', '   :no-index:', '']
        else:
            lines += [f'.. currentmodule:: {path}', '']
        for name in _public_names(namespace):
            value = getattr(namespace, name, None)
            if isinstance(value, types.ModuleType):
                continue
            directive = _directive(namespace, name, value, is_class_page)
            if directive is None:
                continue
            target = f'Tensor.{name}' if is_class_page else name
            lines.append(f'.. {directive}:: {target}')
            if not is_class_page and id(value) in documented:
                lines.append('   :no-index:')
            documented.add(id(value))
            lines.append('')
        with open(os.path.join(out_dir, f'{page}.rst'), 'w') as f:
            f.write('\n'.join(lines))
    return [page for page, *_ in NAMESPACES]
