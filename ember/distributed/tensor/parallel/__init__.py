"""Tensor parallelism (PyTorch's ``torch.distributed.tensor.parallel``): ``parallelize_module`` splits
layers over a 1-D device mesh with ``ColwiseParallel`` / ``RowwiseParallel`` (Megatron-style pairs),
``SequenceParallel``, computes cross-entropy on class-split logits (``loss_parallel``), and converts
inputs and outputs with ``PrepareModuleInput`` / ``PrepareModuleOutput``.

>>> from ember.distributed.tensor.parallel import ColwiseParallel
>>> ColwiseParallel()
ColwiseParallel(input_layouts=(Replicate(),), output_layouts=(Shard(dim=-1),), use_local_output=True)
"""
from ember.distributed.tensor.parallel.api import parallelize_module
from ember.distributed.tensor.parallel.loss import loss_parallel
from ember.distributed.tensor.parallel.style import (ColwiseParallel, ParallelStyle, PrepareModuleInput,
                                                     PrepareModuleInputOutput, PrepareModuleOutput, RowwiseParallel,
                                                     SequenceParallel)

__all__ = ['ColwiseParallel', 'ParallelStyle', 'PrepareModuleInput', 'PrepareModuleInputOutput',
           'PrepareModuleOutput', 'RowwiseParallel', 'SequenceParallel', 'parallelize_module',
           'loss_parallel']
