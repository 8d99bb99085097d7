"""The options of ``FullyShardedDataParallel`` (PyTorch's ``torch.distributed.fsdp.api``)."""
from dataclasses import dataclass
from enum import Enum, auto

__all__ = ['ShardingStrategy', 'BackwardPrefetch', 'StateDictType', 'MixedPrecision', 'CPUOffload',
           'StateDictConfig', 'FullStateDictConfig', 'ShardedStateDictConfig', 'LocalStateDictConfig',
           'OptimStateDictConfig', 'FullOptimStateDictConfig', 'ShardedOptimStateDictConfig',
           'LocalOptimStateDictConfig', 'StateDictSettings']


class ShardingStrategy(Enum):
    """What each rank keeps: FULL_SHARD (shards of parameters, gradients and optimizer state; parameters
    gathered for forward and again for backward), SHARD_GRAD_OP (parameters stay gathered from forward to
    the end of backward), NO_SHARD (everything whole, gradients all-reduced: DDP)."""
    FULL_SHARD = auto()
    SHARD_GRAD_OP = auto()
    NO_SHARD = auto()
    HYBRID_SHARD = auto()
    _HYBRID_SHARD_ZERO2 = auto()


class BackwardPrefetch(Enum):
    """When backward gathers the next parameters (a scheduling hint)."""
    BACKWARD_PRE = auto()
    BACKWARD_POST = auto()


class StateDictType(Enum):
    """What ``state_dict()`` of an FSDP module holds: whole tensors, DTensor shards, or local shards."""
    FULL_STATE_DICT = auto()
    LOCAL_STATE_DICT = auto()
    SHARDED_STATE_DICT = auto()


@dataclass
class MixedPrecision:
    """Dtypes: ``param_dtype`` for the gathered parameters, ``reduce_dtype`` for gradient reduction,
    ``buffer_dtype`` for buffers; ``cast_forward_inputs``/``cast_root_forward_inputs`` cast floating inputs."""
    param_dtype: object = None
    reduce_dtype: object = None
    buffer_dtype: object = None
    keep_low_precision_grads: bool = False
    cast_forward_inputs: bool = False
    cast_root_forward_inputs: bool = True
    _module_classes_to_ignore: tuple = ()


@dataclass
class CPUOffload:
    """Keep parameters (and gradients) on the CPU between uses; ember's CPU tensors are already there."""
    offload_params: bool = False


@dataclass
class StateDictConfig:
    offload_to_cpu: bool = False


@dataclass
class FullStateDictConfig(StateDictConfig):
    """Whole tensors; with ``rank0_only`` the other ranks get an empty state dict."""
    rank0_only: bool = False


@dataclass
class ShardedStateDictConfig(StateDictConfig):
    """DTensor shards (what distributed checkpoints save)."""
    _use_dtensor: bool = True


@dataclass
class LocalStateDictConfig(StateDictConfig):
    pass


@dataclass
class OptimStateDictConfig:
    offload_to_cpu: bool = True


@dataclass
class FullOptimStateDictConfig(OptimStateDictConfig):
    rank0_only: bool = False


@dataclass
class ShardedOptimStateDictConfig(OptimStateDictConfig):
    _use_dtensor: bool = True


@dataclass
class LocalOptimStateDictConfig(OptimStateDictConfig):
    offload_to_cpu: bool = False


@dataclass
class StateDictSettings:
    state_dict_type: StateDictType
    state_dict_config: StateDictConfig
    optim_state_dict_config: OptimStateDictConfig
