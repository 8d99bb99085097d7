"""Pipeline parallelism (PyTorch's ``torch.distributed.pipelining``): a model split into consecutive
stages, one per rank (``PipelineStage``), run on microbatches by a schedule (``ScheduleGPipe``,
``Schedule1F1B``) that sends activations forward and their gradients back between neighbouring ranks.

The split is written by hand (each rank builds its own piece of the model); PyTorch's tracing front end
(``pipeline``, ``pipe_split``, ``SplitPoint``) and its multi-stage (interleaved, zero-bubble) schedules are
not provided.

>>> from ember.distributed.pipelining.microbatch import split_args_kwargs_into_chunks
>>> args, kwargs = split_args_kwargs_into_chunks((ember.arange(5),), {}, 2)
>>> [a[0].tolist() for a in args]
[[0, 1, 2], [3, 4]]
"""
from ember.distributed.pipelining.schedules import PipelineScheduleSingle, Schedule1F1B, ScheduleGPipe
from ember.distributed.pipelining.stage import PipelineStage

__all__ = ['PipelineStage', 'ScheduleGPipe', 'Schedule1F1B', 'PipelineScheduleSingle']
