"""The standard DistributedDataParallel communication hooks: average by all-reduce, optionally
through a float16 or bfloat16 copy that halves the bytes sent."""
import ember
import ember.distributed as dist
from ember._tensor import Tensor
from ember.futures import Future

__all__ = ['allreduce_hook', 'fp16_compress_hook', 'bf16_compress_hook', 'fp16_compress_wrapper',
           'bf16_compress_wrapper']


def _group(process_group):
    return process_group if process_group is not None else dist.group.WORLD


def _allreduce_fut(process_group, tensor):
    """Average ``tensor`` over the group: divide by its size, then sum by all-reduce."""
    group = _group(process_group)
    tensor.div_(group.size())
    return dist.all_reduce(tensor, group=group, async_op=True).get_future().then(lambda fut: fut.value()[0])


def allreduce_hook(process_group, bucket: dist.GradBucket) -> Future[Tensor]:
    """Average the bucket's gradients by all-reduce: the same result as DDP without a hook.

    >>> ddp_model.register_comm_hook(process_group, allreduce_hook)      # doctest: +SKIP
    """
    return _allreduce_fut(process_group, bucket.buffer())


def _compress_hook(dtype, process_group, bucket):
    group = _group(process_group)
    buffer = bucket.buffer()
    compressed = buffer.to(dtype).div_(group.size())

    def decompress(fut):
        buffer.copy_(fut.value()[0])
        return buffer

    return dist.all_reduce(compressed, group=group, async_op=True).get_future().then(decompress)


def fp16_compress_hook(process_group, bucket: dist.GradBucket) -> Future[Tensor]:
    """Average in float16: the bucket is cast to float16 and divided by the group's size, summed by
    all-reduce, and cast back to the gradients' dtype.

    >>> ddp_model.register_comm_hook(process_group, fp16_compress_hook)      # doctest: +SKIP
    """
    return _compress_hook(ember.float16, process_group, bucket)


def bf16_compress_hook(process_group, bucket: dist.GradBucket) -> Future[Tensor]:
    """As ``fp16_compress_hook``, through bfloat16 (the ``bf16`` extra, ml_dtypes). PyTorch offers it
    only with CUDA and NCCL; over MPI it works on any device ember has.

    >>> ddp_model.register_comm_hook(process_group, bf16_compress_hook)      # doctest: +SKIP
    """
    return _compress_hook(ember.bfloat16, process_group, bucket)


def _compress_wrapper(dtype, hook):
    def wrapper_hook(hook_state, bucket: dist.GradBucket) -> Future[Tensor]:
        original = bucket.buffer()
        bucket.set_buffer(original.to(dtype))

        def decompress(fut):
            original.copy_(fut.value())
            return original

        return hook(hook_state, bucket).then(decompress)
    return wrapper_hook


def fp16_compress_wrapper(hook):
    """Wrap ``hook`` so that it works on a float16 copy of the bucket, cast back afterwards
    (``fp16_compress_wrapper(allreduce_hook)`` is ``fp16_compress_hook``)."""
    wrapped = _compress_wrapper(ember.float16, hook)
    wrapped.__name__ = wrapped.__qualname__ = 'fp16_compress_wrapper_hook'
    return wrapped


def bf16_compress_wrapper(hook):
    """Wrap ``hook`` so that it works on a bfloat16 copy of the bucket, cast back afterwards."""
    wrapped = _compress_wrapper(ember.bfloat16, hook)
    wrapped.__name__ = wrapped.__qualname__ = 'bf16_compress_wrapper_hook'
    return wrapped
