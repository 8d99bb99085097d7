"""DistributedDataParallel communication hooks (PyTorch's ``torch.distributed.algorithms.ddp_comm_hooks``).

``register_ddp_comm_hook(DDPCommHookType.FP16_COMPRESS, model)`` registers a built-in hook by name.
The PowerSGD types register ``powerSGD_hook`` or ``batched_powerSGD_hook`` with a ``PowerSGDState``
of rank 1 or 2 over ``state``; the quantization hooks are not provided: their types raise
``NotImplementedError``.
"""
from enum import Enum
from functools import partial

from ember.distributed.algorithms.ddp_comm_hooks import debugging_hooks, default_hooks  # noqa: F401
from ember.distributed.algorithms.ddp_comm_hooks import powerSGD_hook as powerSGD

__all__ = ['DDPCommHookType', 'register_ddp_comm_hook']


def _not_provided(name):
    def register(model, state):
        raise NotImplementedError(f"the {name} communication hook is not provided by ember; use allreduce_hook, "
                                  "fp16_compress_hook, bf16_compress_hook or a hook of your own")
    return register


def _register(hook, model, state):
    model.register_comm_hook(state, hook)


def _register_powerSGD(hook, model, state, matrix_approximation_rank, start_powerSGD_iter=1_000):
    # as the other types, ``state`` is only the process group; the PowerSGD state is built around it
    model.register_comm_hook(powerSGD.PowerSGDState(process_group=state,
                                                    matrix_approximation_rank=matrix_approximation_rank,
                                                    start_powerSGD_iter=start_powerSGD_iter), hook)


class DDPCommHookType(Enum):
    """The built-in hooks by name, each a function ``(model, state)`` that registers it."""
    ALLREDUCE = partial(_register, default_hooks.allreduce_hook)
    FP16_COMPRESS = partial(_register, default_hooks.fp16_compress_hook)
    BF16_COMPRESS = partial(_register, default_hooks.bf16_compress_hook)
    QUANTIZE_PER_TENSOR = partial(_not_provided('QUANTIZE_PER_TENSOR'))
    QUANTIZE_PER_CHANNEL = partial(_not_provided('QUANTIZE_PER_CHANNEL'))
    POWER_SGD = partial(_register_powerSGD, powerSGD.powerSGD_hook, matrix_approximation_rank=1)
    POWER_SGD_RANK2 = partial(_register_powerSGD, powerSGD.powerSGD_hook, matrix_approximation_rank=2)
    BATCHED_POWER_SGD = partial(_register_powerSGD, powerSGD.batched_powerSGD_hook, matrix_approximation_rank=1)
    BATCHED_POWER_SGD_RANK2 = partial(_register_powerSGD, powerSGD.batched_powerSGD_hook,
                                      matrix_approximation_rank=2)
    NOOP = partial(_register, debugging_hooks.noop_hook)


def register_ddp_comm_hook(comm_hook_type, model, state=None):
    """Register the built-in hook ``comm_hook_type`` on the DistributedDataParallel ``model``;
    ``state`` is the hook's process group (None: the default group)."""
    comm_hook_type.value(model=model, state=state)
