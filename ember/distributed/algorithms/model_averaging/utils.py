"""Averaging parameters over a process group."""
import ember
import ember.distributed as dist

__all__ = ['average_parameters', 'get_params_to_average', 'average_parameters_or_parameter_groups']


def average_parameters(params, process_group):
    """Replace each parameter in ``params`` by its average over ``process_group`` (the default group when
    None). The parameters travel in one flat buffer: one all-reduce, and memory for one copy of them."""
    from ember.distributed._group import _not_member
    group = process_group if process_group is not None else dist.group.WORLD
    if _not_member(group):
        return
    params = list(params)
    if not params:
        return
    flat = ember.cat([p.data.reshape(-1) for p in params])
    flat /= dist.get_world_size(group)
    dist.all_reduce(flat, group=group)
    offset = 0
    for p in params:
        p.data = flat[offset:offset + p.numel()].view_as(p).type_as(p)
        offset += p.numel()


def get_params_to_average(params):
    """The parameters in ``params`` (a model's parameters, or an optimizer's parameter groups) that have a
    gradient: those the step changed."""
    found = []
    for param in params:
        if isinstance(param, ember.nn.Parameter):
            if param.grad is not None:
                found.append(param)
        elif isinstance(param, dict):
            found.extend(p for p in param['params'] if p.grad is not None)
        else:
            raise NotImplementedError(f"Parameter input of type {type(param)} is not supported")
    return found


def average_parameters_or_parameter_groups(params, process_group):
    """Average the parameters of ``params`` (parameters or parameter groups) that have a gradient."""
    average_parameters(iter(get_params_to_average(params)), process_group)
