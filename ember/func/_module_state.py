"""``stack_module_state``: the parameters and buffers of same-shaped models, stacked for vmap."""


def stack_module_state(models):
    """``(params, buffers)``: for each name, the models' tensors stacked along a new first dimension.

    Stacked parameters are new leaves (requiring grad where the originals do); buffers are stacked as is.

    Example::

        >>> models = [nn.Linear(3, 2) for _ in range(4)]
        >>> params, buffers = ember.func.stack_module_state(models)
        >>> params['weight'].shape
        ember.Size([4, 2, 3])
        >>> sorted(params)
        ['bias', 'weight']
        >>> buffers
        {}
    """
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if any(type(m) is not type(models[0]) for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")
    if any(m.training != models[0].training for m in models):
        raise RuntimeError("stack_module_state: Expected all models to have the same training/eval mode.")
    from ember.ops.shape import stack
    params = {}
    for name, p in models[0].named_parameters():
        stacked = stack([dict(m.named_parameters())[name].detach() for m in models])
        params[name] = stacked.requires_grad_(p.requires_grad)
    buffers = {name: stack([dict(m.named_buffers())[name] for m in models])
               for name, _ in models[0].named_buffers()}
    return params, buffers


def replace_all_batch_norm_modules_(root):
    """Stops every batch-norm module under ``root`` (itself included) from tracking running statistics, in place,
    so that each normalises with its batch's own statistics in train and eval mode alike; returns ``root``.
    Useful under :func:`ember.func.vmap`, where updating shared running statistics from each sample is not
    possible.

    Args:
        root (nn.Module): the model.

    Example::

        >>> net = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
        >>> net = ember.func.replace_all_batch_norm_modules_(net)
        >>> net[1].running_mean is None, net[1].track_running_stats
        (True, False)
    """
    from ember.nn.modules.batchnorm import _BatchNorm
    for module in root.modules():
        if isinstance(module, _BatchNorm):
            module.running_mean = None
            module.running_var = None
            module.num_batches_tracked = None
            module.track_running_stats = False
    return root
