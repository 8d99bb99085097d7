"""Model and optimizer state dicts keyed by parameter names (PyTorch's ``torch.distributed.checkpoint.
state_dict``): the same keys whatever wraps the model (DistributedDataParallel, compile, FSDP,
activation checkpointing; DataParallel's ``module.`` stays, as in PyTorch), optimizer state keyed by parameter name instead of position, and the options to gather full
tensors, move them to the CPU, skip frozen parameters or broadcast rank 0's values."""
import sys
from dataclasses import dataclass

import numpy as np

import ember
from ember._tensor import Tensor

__all__ = ['StateDictOptions', 'get_model_state_dict', 'get_optimizer_state_dict', 'get_state_dict',
           'set_model_state_dict', 'set_optimizer_state_dict', 'set_state_dict']

_WRAPPER_ATTRS = ('_orig_mod', '_fsdp_wrapped_module', '_checkpoint_wrapped_module')


@dataclass
class StateDictOptions:
    """How the state dicts are made and loaded.

    Args:
        full_state_dict (bool): gather distributed (sharded) tensors into full ones.
        cpu_offload (bool): move tensors to the CPU; with ``full_state_dict`` only rank 0 keeps them
            (the other ranks get empty state dicts).
        ignore_frozen_params (bool): leave out parameters with ``requires_grad=False``.
        keep_submodule_prefixes (bool): with ``submodules``, keep their names' prefixes.
        strict (bool): loading requires exactly the model's keys.
        broadcast_from_rank0 (bool): loading takes rank 0's full state dict and sends it to every rank.
        flatten_optimizer_state_dict (bool): optimizer state as one flat dict (``'state.<param>.<key>'``
            and ``'param_groups.<param>.<key>'``).
        dsd_fqn_modifiers (str): the name of a method modules may define to rename their parameters;
            ember cleans only its own wrappers' names (DDP, compile, FSDP, activation checkpointing).
    """
    full_state_dict: bool = False
    cpu_offload: bool = False
    ignore_frozen_params: bool = False
    keep_submodule_prefixes: bool = True
    strict: bool = True
    broadcast_from_rank0: bool = False
    flatten_optimizer_state_dict: bool = False
    dsd_fqn_modifiers: str = '_fqn_modifiers'


def _is_wrapper(module):
    # NOTE: DataParallel is not one: PyTorch strips DDP's ``module.`` but keeps DataParallel's.
    from ember.nn.parallel import DistributedDataParallel
    return isinstance(module, DistributedDataParallel)


def _clean_path(model, raw):
    """``raw`` (a dotted name under ``model``) without the parts wrappers add."""
    node, kept = model, []
    for part in raw.split('.'):
        child = getattr(node, '_modules', {}).get(part) if node is not None else None
        wrapper_part = part in _WRAPPER_ATTRS or (part == 'module' and node is not None and _is_wrapper(node))
        if not wrapper_part:
            kept.append(part)
        node = child
    return '.'.join(kept)


def _clean_names(model):
    """{state_dict key: name without the wrappers' parts} for every key of ``model.state_dict()``."""
    return {raw: _clean_path(model, raw) for raw in _model_state(model, full=False).keys()}


def _param_names(model):
    """{id(parameter): clean name}."""
    return {id(p): _clean_path(model, raw) for raw, p in model.named_parameters(remove_duplicate=False)}


def _model_state(model, full):
    """``model.state_dict()``; FullyShardedDataParallel modules give whole tensors when ``full``, else their
    DTensor shards."""
    fsdp = sys.modules.get('ember.distributed.fsdp.fully_sharded_data_parallel')   # none made without it
    if fsdp is None or not any(isinstance(m, fsdp.FullyShardedDataParallel) for m in model.modules()):
        return model.state_dict()
    from ember.distributed.fsdp.api import StateDictType
    FSDP = fsdp.FullyShardedDataParallel
    kind = StateDictType.FULL_STATE_DICT if full else StateDictType.SHARDED_STATE_DICT
    with FSDP.state_dict_type(model, kind):
        return model.state_dict()


def _options(options):
    if options is None:
        return StateDictOptions()
    if not isinstance(options, StateDictOptions):
        raise TypeError(f"options must be a StateDictOptions, got {type(options).__name__}")
    return options


def _rank0_only(opts):
    import ember.distributed as dist
    return opts.full_state_dict and opts.cpu_offload and dist.is_initialized() and dist.get_rank() != 0


def _finish_value(value, opts):
    if isinstance(value, Tensor):
        if opts.full_state_dict and hasattr(value, 'full_tensor'):
            value = value.full_tensor()
        if opts.cpu_offload:
            value = value.cpu()
    return value


def _submodule_filter(model, submodules, opts):
    if not submodules:
        return None
    names = {id(m): n for n, m in model.named_modules()}
    prefixes = []
    for m in submodules:
        if id(m) not in names:
            raise ValueError("submodules must be submodules of model")
        prefixes.append(names[id(m)] + '.')
    return prefixes


def get_model_state_dict(model, *, submodules=None, options=None):
    """``model``'s state dict under its own names: without the ``module.`` of DistributedDataParallel,
    the ``_orig_mod.`` of ``compile`` and the parts FSDP and activation checkpointing add. DataParallel's
    ``module.`` stays, as in PyTorch.

    Example::

        >>> import ember
        >>> from ember.distributed.checkpoint.state_dict import get_model_state_dict
        >>> model = ember.nn.Linear(2, 1)
        >>> sorted(get_model_state_dict(model))
        ['bias', 'weight']
        >>> sorted(get_model_state_dict(ember.nn.parallel.DataParallel(model)))
        ['module.bias', 'module.weight']
    """
    opts = _options(options)
    clean = _clean_names(model)
    frozen = {_clean_path(model, raw) for raw, p in model.named_parameters(remove_duplicate=False)
              if not p.requires_grad}
    prefixes = _submodule_filter(model, submodules, opts)
    out = {}
    for raw, value in _model_state(model, opts.full_state_dict).items():
        if opts.ignore_frozen_params and clean[raw] in frozen:
            continue
        name = clean[raw]
        if prefixes is not None:
            match = next((p for p in prefixes if raw.startswith(p)), None)
            if match is None:
                continue
            if not opts.keep_submodule_prefixes:
                name = raw[len(match):]
        out[name] = _finish_value(value, opts)
    return {} if _rank0_only(opts) else out


def _optimizers(optimizers):
    if isinstance(optimizers, ember.optim.Optimizer):
        return [optimizers]
    return list(optimizers)


def _init_optim_state(optim):
    """Give a fresh optimizer its state (one step with zero gradients and zero learning rate), so that
    its state dict has the entries a checkpoint loads into."""
    if optim.state:
        return
    params = [p for g in optim.param_groups for p in g['params']]
    if any(p.grad is not None for p in params):
        return
    for p in params:
        if p.requires_grad:
            p.grad = ember.zeros_like(p)
    lrs = []
    for g in optim.param_groups:
        if 'lr' in g:
            lrs.append(g['lr'])
            g['lr'] = ember.tensor(0.0) if isinstance(g['lr'], Tensor) else 0.0
    optim.step()
    for g in optim.param_groups:
        if 'lr' in g:
            g['lr'] = lrs.pop(0)
    optim.zero_grad(set_to_none=True)


def _one_optimizer_state(model, optim, opts):
    _init_optim_state(optim)
    names = _param_names(model)
    sd = optim.state_dict()
    ids = [id(p) for g in optim.param_groups for p in g['params']]
    index_to_name = {}
    pos = 0
    for saved_group in sd['param_groups']:
        for idx in saved_group['params']:
            index_to_name[idx] = names[ids[pos]]
            pos += 1
    by_name = {names[pid]: p for pid, p in ((id(p), p) for g in optim.param_groups for p in g['params'])}
    state = {index_to_name[i]: {k: _finish_value(_like_param(v, by_name[index_to_name[i]]), opts)
                                for k, v in s.items()} for i, s in sd['state'].items()}
    groups = [{**{k: v for k, v in g.items() if k != 'params'}, 'params': [index_to_name[i] for i in g['params']]}
              for g in sd['param_groups']]
    return {'state': state, 'param_groups': groups}


def _like_param(value, param):
    """An optimizer state tensor of a sharded (DTensor) parameter, laid out as the parameter: the
    optimizer keeps this rank's piece, a checkpoint needs to know where it lies in the whole."""
    spec = getattr(param, '_spec', None)
    if spec is None or not isinstance(value, Tensor) or hasattr(value, '_spec'):
        return value
    if tuple(value._data.shape) != tuple(param._data.shape):
        return value
    from ember.distributed.tensor import _api
    return _api._make(value._data, value._device, spec)


def _local(value):
    return value.to_local() if hasattr(value, '_spec') and isinstance(value, Tensor) else value


def _flatten_optim(osd):
    flat = {}
    for name, s in osd['state'].items():
        for k, v in s.items():
            flat[f'state.{name}.{k}'] = v
    for g in osd['param_groups']:
        for name in g['params']:
            for k, v in g.items():
                if k != 'params':
                    flat[f'param_groups.{name}.{k}'] = v
    return flat


def get_optimizer_state_dict(model, optimizers, *, submodules=None, options=None):
    """The optimizers' state keyed by parameter name: ``{'state': {name: {...}}, 'param_groups': [{...,
    'params': [names]}]}`` (a fresh optimizer's state is made first, so a checkpoint can load into it)."""
    opts = _options(options)
    merged = {'state': {}, 'param_groups': []}
    for optim in _optimizers(optimizers):
        one = _one_optimizer_state(model, optim, opts)
        merged['state'].update(one['state'])
        merged['param_groups'].extend(one['param_groups'])
    if _rank0_only(opts):
        return {}
    return _flatten_optim(merged) if opts.flatten_optimizer_state_dict else merged


def get_state_dict(model, optimizers, *, submodules=None, options=None):
    """``(get_model_state_dict(model), get_optimizer_state_dict(model, optimizers))``.

    Example::

        >>> import ember
        >>> from ember.distributed.checkpoint.state_dict import get_state_dict
        >>> model = ember.nn.Linear(2, 1)
        >>> opt = ember.optim.Adam(model.parameters())
        >>> msd, osd = get_state_dict(model, opt)
        >>> sorted(osd['state']), osd['param_groups'][0]['params']
        (['bias', 'weight'], ['weight', 'bias'])
    """
    return (get_model_state_dict(model, submodules=submodules, options=options),
            get_optimizer_state_dict(model, optimizers, submodules=submodules, options=options))


def _broadcast_from_rank0(value):
    import ember.distributed as dist
    box = [value if dist.get_rank() == 0 else None]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def set_model_state_dict(model, model_state_dict, *, options=None):
    """Load ``model_state_dict`` (keyed as ``get_model_state_dict`` keys it) into ``model``; returns the
    missing and unexpected keys."""
    opts = _options(options)
    if opts.broadcast_from_rank0:
        model_state_dict = _broadcast_from_rank0(model_state_dict)
    to_raw = {c: r for r, c in _clean_names(model).items()}
    raw_sd = {to_raw.get(k, k): v for k, v in model_state_dict.items()}
    strict = opts.strict and not opts.ignore_frozen_params
    return model.load_state_dict(raw_sd, strict=strict)


def _unflatten_optim(flat, optim_names):
    state, group_values = {}, {}
    for key, v in flat.items():
        kind, rest = key.split('.', 1)
        name, field = rest.rsplit('.', 1)
        if kind == 'state':
            state.setdefault(name, {})[field] = v
        else:
            group_values.setdefault(name, {})[field] = v
    groups = []
    for names in optim_names:
        first = group_values.get(names[0], {}) if names else {}
        groups.append({**first, 'params': list(names)})
    return {'state': state, 'param_groups': groups}


def _optimizer_state_to_load(model, optim, optim_state_dict):
    """``optim_state_dict`` (keyed by parameter name; flat or nested; whole or sharded values) as
    ``optim.load_state_dict`` takes it: positions, and this rank's pieces for sharded parameters."""
    names = _param_names(model)
    params = [p for g in optim.param_groups for p in g['params']]
    group_names = [[names[id(p)] for p in g['params']] for g in optim.param_groups]
    osd = optim_state_dict
    if 'state' not in osd or 'param_groups' not in osd:
        osd = _unflatten_optim(osd, group_names)
    position = {}
    for g in group_names:
        for n in g:
            position[n] = len(position)
    saved_groups = {tuple(g['params']): g for g in osd['param_groups']}
    by_param = {n: g for g in osd['param_groups'] for n in g['params']}
    new_groups = []
    for g in group_names:
        saved = (saved_groups.get(tuple(g)) or by_param.get(g[0])) if g else None
        if saved is None:
            raise ValueError(f"optimizer state dict has no param group for parameters {g}")
        new_groups.append({**{k: v for k, v in saved.items() if k != 'params'}, 'params': [position[n] for n in g]})
    state = {position[n]: {k: _to_piece(v, params[position[n]]) for k, v in s.items()}
             for n, s in osd['state'].items() if n in position}
    return {'state': state, 'param_groups': new_groups}


def _to_piece(value, param):
    """A loaded optimizer state value as the optimizer keeps it for ``param``: a sharded parameter's
    state is this rank's piece (cut from a whole value when needed)."""
    value = _local(value)
    spec = getattr(param, '_spec', None)
    if spec is not None and isinstance(value, Tensor) and tuple(value.shape) == tuple(spec.shape) and \
            tuple(value.shape) != tuple(param._data.shape):
        from ember.distributed.tensor._layout import cut
        data = value._data if isinstance(value._data, np.ndarray) else ember.backend.to_numpy(value._data)
        return ember.from_numpy(cut(data, spec.shape, spec.mesh.shape, spec.placements, spec.coord()))
    return value


def set_optimizer_state_dict(model, optimizers, optim_state_dict, *, options=None):
    """Load ``optim_state_dict`` (keyed by parameter name, as ``get_optimizer_state_dict`` makes it) into
    the optimizers."""
    opts = _options(options)
    if opts.broadcast_from_rank0:
        optim_state_dict = _broadcast_from_rank0(optim_state_dict)
    for optim in _optimizers(optimizers):
        optim.load_state_dict(_optimizer_state_to_load(model, optim, optim_state_dict))


def set_state_dict(model, optimizers, *, model_state_dict, optim_state_dict, options=None):
    """``set_model_state_dict`` and ``set_optimizer_state_dict`` together; returns the model's missing
    and unexpected keys."""
    keys = set_model_state_dict(model, model_state_dict, options=options)
    set_optimizer_state_dict(model, optimizers, optim_state_dict, options=options)
    return keys
