"""Stochastic weight averaging and exponential moving averages of a model, like ``torch.optim.swa_utils``.

``AveragedModel`` keeps a copy of a model whose parameters are an average of the model's over training
(an equal-weight SWA average by default, or an EMA from ``get_ema_multi_avg_fn``); ``SWALR`` anneals the
learning rate to a constant SWA value; ``update_bn`` recomputes BatchNorm statistics for the averaged
weights with one pass over the data.

>>> import ember
>>> model = ember.nn.Linear(2, 1)
>>> swa = ember.optim.swa_utils.AveragedModel(model)
>>> swa.update_parameters(model)
>>> int(swa.n_averaged)
1
"""
import itertools
import math
from copy import deepcopy

import ember
from ember._tensor import Tensor
from ember.autograd import grad_mode
from ember.nn.modules.module import Module
from ember.nn.modules.normalization import _BatchNorm
from ember.optim.lr_scheduler import LRScheduler, _format_param, _warn_get_lr_called_within_step

__all__ = ['AveragedModel', 'update_bn', 'SWALR', 'get_ema_multi_avg_fn', 'get_swa_multi_avg_fn', 'get_ema_avg_fn',
           'get_swa_avg_fn']


def _check_decay(decay):
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")


def get_ema_multi_avg_fn(decay=0.999):
    """An in-place EMA update over lists of tensors: ``ema = ema + (1 - decay) * (current - ema)``.

    Example::

        >>> model = ember.nn.Linear(1, 1, bias=False)
        >>> ema = ember.optim.swa_utils.AveragedModel(
        ...     model, multi_avg_fn=ember.optim.swa_utils.get_ema_multi_avg_fn(0.5))
        >>> for value in [4.0, 0.0, 0.0]:
        ...     with ember.no_grad():
        ...         _ = model.weight.fill_(value)
        ...     ema.update_parameters(model)
        ...     print(ema.module.weight.item())
        4.0
        2.0
        1.0
    """
    _check_decay(decay)

    @grad_mode.no_grad()
    def ema_update(ema_param_list, current_param_list, _):
        if ema_param_list[0].is_floating_point() or ema_param_list[0].is_complex():
            for p_ema, p_model in zip(ema_param_list, current_param_list):
                p_ema.lerp_(p_model, 1 - decay)
        else:
            for p_ema, p_model in zip(ema_param_list, current_param_list):
                p_ema.copy_(p_ema * decay + p_model * (1 - decay))
    return ema_update


def get_swa_multi_avg_fn():
    """An in-place running-mean update over lists of tensors (the average of ``num_averaged + 1`` values).

    Example::

        >>> model = ember.nn.Linear(1, 1, bias=False)
        >>> swa = ember.optim.swa_utils.AveragedModel(
        ...     model, multi_avg_fn=ember.optim.swa_utils.get_swa_multi_avg_fn())
        >>> for value in [1.0, 2.0, 6.0]:
        ...     with ember.no_grad():
        ...         _ = model.weight.fill_(value)
        ...     swa.update_parameters(model)
        ...     print(swa.module.weight.item())
        1.0
        1.5
        3.0
    """
    @grad_mode.no_grad()
    def swa_update(averaged_param_list, current_param_list, num_averaged):
        if averaged_param_list[0].is_floating_point() or averaged_param_list[0].is_complex():
            weight = 1 / (num_averaged + 1)
            weight = weight.item() if isinstance(weight, Tensor) else weight
            for p_avg, p_model in zip(averaged_param_list, current_param_list):
                p_avg.lerp_(p_model, weight)
        else:
            for p_avg, p_model in zip(averaged_param_list, current_param_list):
                diff = p_model - p_avg
                if isinstance(num_averaged, Tensor):
                    p_avg.addcdiv_(diff, num_averaged + 1)
                else:
                    p_avg.add_(diff, alpha=1.0 / (num_averaged + 1))
    return swa_update


def get_ema_avg_fn(decay=0.999):
    """An EMA update of one tensor, returning ``decay * ema + (1 - decay) * current``.

    Example::

        >>> ema = ember.optim.swa_utils.get_ema_avg_fn(decay=0.9)
        >>> ema(ember.tensor([1.]), ember.tensor([2.]), ember.tensor(1))
        tensor([1.1000])
    """
    _check_decay(decay)

    @grad_mode.no_grad()
    def ema_update(ema_param, current_param, num_averaged):
        return decay * ema_param + (1 - decay) * current_param
    return ema_update


def get_swa_avg_fn():
    """A running-mean update of one tensor, returning ``avg + (current - avg) / (num_averaged + 1)``.

    Example::

        >>> avg = ember.optim.swa_utils.get_swa_avg_fn()
        >>> avg(ember.tensor([1.]), ember.tensor([4.]), ember.tensor(2))
        tensor([2.])
    """
    @grad_mode.no_grad()
    def swa_update(averaged_param, current_param, num_averaged):
        return averaged_param + (current_param - averaged_param) / (num_averaged + 1)
    return swa_update


def _group_by_device_and_dtype(averaged, current):
    """Pairs of lists (averaged, current) per (device, dtype), in order of first appearance."""
    groups = {}
    for a, c in zip(averaged, current):
        pair = groups.setdefault((str(a.device), a.dtype), ([], []))
        pair[0].append(a)
        pair[1].append(c)
    return groups


class AveragedModel(Module):
    """A copy of ``model`` whose parameters (and, with ``use_buffers``, buffers) average those of the model
    passed to :meth:`update_parameters` over time.

    Args:
        model (Module): the model to average (deep-copied).
        device: where to keep the averaged copy (default: the model's device).
        avg_fn: ``avg_fn(averaged, current, num_averaged) -> new averaged`` for one tensor.
        multi_avg_fn: ``multi_avg_fn(averaged_list, current_list, num_averaged)`` updating lists in place.
        use_buffers (bool): average the buffers too (otherwise they are copied from the model).

    Without ``avg_fn``/``multi_avg_fn`` the parameters are an equal-weight running mean (SWA).

    Example::

        >>> model = ember.nn.Linear(1, 1, bias=False)
        >>> swa = ember.optim.swa_utils.AveragedModel(model)
        >>> for value in [1.0, 2.0, 6.0]:
        ...     with ember.no_grad():
        ...         _ = model.weight.fill_(value)
        ...     swa.update_parameters(model)
        ...
        >>> swa.module.weight
        Parameter containing:
        tensor([[3.]], requires_grad=True)
    """

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer('n_averaged', ember.tensor(0, dtype=ember.long, device=device))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def update_parameters(self, model):
        """Fold ``model``'s current parameters into the average (the first call copies them)."""
        if self.use_buffers:
            self_params = itertools.chain(self.module.parameters(), self.module.buffers())
            model_params = itertools.chain(model.parameters(), model.buffers())
        else:
            self_params, model_params = self.parameters(), model.parameters()
        averaged, current = [], []
        first = bool(self.n_averaged == 0)
        for p_avg, p_model in zip(self_params, model_params):
            p_model_ = p_model.detach().to(p_avg.device)
            averaged.append(p_avg.detach())
            current.append(p_model_)
            if first:
                p_avg.detach().copy_(p_model_)
        if self.n_averaged > 0:
            if self.multi_avg_fn is not None or self.avg_fn is None:
                for (device, _), (avg_list, cur_list) in _group_by_device_and_dtype(averaged, current).items():
                    n = self.n_averaged.to(device)
                    if self.multi_avg_fn is not None:
                        self.multi_avg_fn(avg_list, cur_list, n)
                    elif device.startswith('cuda'):
                        # NOTE: PyTorch averages with its fused list kernels (a lerp) on CUDA only
                        get_swa_multi_avg_fn()(avg_list, cur_list, n)
                    else:
                        avg_fn = get_swa_avg_fn()
                        for p_avg, p_model in zip(avg_list, cur_list):
                            p_avg.copy_(avg_fn(p_avg, p_model, n))
            else:
                for p_avg, p_model in zip(averaged, current):
                    p_avg.detach().copy_(self.avg_fn(p_avg.detach(), p_model, self.n_averaged.to(p_avg.device)))
        if not self.use_buffers:
            # the buffers (BatchNorm statistics, ...) follow the model's; update_bn can recompute them
            for b_swa, b_model in zip(self.module.buffers(), model.buffers()):
                b_swa.detach().copy_(b_model.detach().to(b_swa.device))
        self.n_averaged += 1


@grad_mode.no_grad()
def update_bn(loader, model, device=None):
    """Recompute the running statistics of ``model``'s BatchNorm layers with one pass over ``loader``.

    The statistics are reset and accumulated as a cumulative average over the batches (momentum None);
    each batch (or its first element, for list/tuple batches) is moved to ``device`` when given.

    Example::

        >>> model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
        >>> _ = nn.init.eye_(model[0].weight), nn.init.zeros_(model[0].bias)
        >>> loader = [ember.tensor([[1., 2.], [3., 6.]]), ember.tensor([[5., 10.], [7., 14.]])]
        >>> ember.optim.swa_utils.update_bn(loader, model)
        >>> model[1].running_mean
        tensor([4., 8.])
    """
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    for input in loader:
        if isinstance(input, (list, tuple)):
            input = input[0]
        if device is not None:
            input = input.to(device)
        model(input)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's learning rate to ``swa_lr`` over ``anneal_epochs`` epochs, then hold it.

    Args:
        optimizer (Optimizer): the wrapped optimizer.
        swa_lr (float or list): the SWA learning rate (one per group, or one for all).
        anneal_epochs (int): epochs of annealing (0: jump straight to ``swa_lr``).
        anneal_strategy (str): ``'cos'`` or ``'linear'``.
        last_epoch (int): index of the last epoch (-1 starts fresh).

    Example::

        >>> opt = ember.optim.SGD([ember.zeros(1, requires_grad=True)], lr=1.0)
        >>> sched = ember.optim.swa_utils.SWALR(opt, swa_lr=0.1, anneal_epochs=2, anneal_strategy='linear')
        >>> for epoch in range(3):
        ...     opt.step()
        ...     sched.step()
        ...     print(epoch, [round(lr, 4) for lr in sched.get_last_lr()])
        ...
        0 [0.55]
        1 [0.1]
        2 [0.1]
    """

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy='cos', last_epoch=-1):
        swa_lrs = _format_param('swa_lr', optimizer, swa_lr)
        # the arguments are checked before any group is touched (PyTorch sets swa_lr first)
        if anneal_strategy not in ['cos', 'linear']:
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        for lr, group in zip(swa_lrs, optimizer.param_groups):
            group['swa_lr'] = lr
        self._set_anneal_func(anneal_strategy)
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t):
        return t

    @staticmethod
    def _cosine_anneal(t):
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self):
        _warn_get_lr_called_within_step(self)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        # NOTE: the current lr is recovered from the previous annealing point, so an lr changed by hand
        # (or by another scheduler) is respected, as in PyTorch
        prev_t = max(0, min(1, (step - 1) / max(1, self.anneal_epochs)))
        prev_alpha = self.anneal_func(prev_t)
        prev_lrs = [self._get_initial_lr(group['lr'], group['swa_lr'], prev_alpha)
                    for group in self.optimizer.param_groups]
        t = max(0, min(1, step / max(1, self.anneal_epochs)))
        alpha = self.anneal_func(t)
        return [group['swa_lr'] * alpha + lr * (1 - alpha) for group, lr in zip(self.optimizer.param_groups, prev_lrs)]

    def _set_anneal_func(self, anneal_strategy):
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == 'cos' else self._linear_anneal

    def state_dict(self):
        return {key: value for key, value in self.__dict__.items() if key not in ('optimizer', 'anneal_func')}

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)
