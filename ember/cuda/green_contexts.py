"""Green contexts (``torch.cuda.green_contexts``): running work on a reserved share of a GPU's
multiprocessors. CuPy, which runs ember's CUDA tensors, cannot create them, so ``create`` raises."""

__all__ = ['GreenContext']


class GreenContext:
    """A CUDA green context; not available in ember (see the module)."""

    @staticmethod
    def create(*, num_sms=None, workqueue_scope=None, workqueue_concurrency_limit=None, device_id=None):
        raise RuntimeError("green contexts are not supported in ember: CuPy (ember's CUDA backend) cannot create "
                           "CUDA green contexts")

    @staticmethod
    def max_workqueue_concurrency(device_id=None):
        raise RuntimeError("green contexts are not supported in ember: CuPy (ember's CUDA backend) cannot create "
                           "CUDA green contexts")
