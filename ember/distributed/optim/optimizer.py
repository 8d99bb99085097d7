"""``DistributedOptimizer``: one local optimizer on each worker that owns parameters, stepped with the
gradients of a distributed autograd context."""
import collections
import logging
import threading

from ember.distributed import rpc
from ember.distributed import autograd as dist_autograd

logger = logging.getLogger(__name__)


def _functional_kinds():
    # the optimizers PyTorch runs in a functional form: they step with the context's gradients (none for a
    # parameter the context has none for) and leave .grad alone; other optimizers step on .grad, which the
    # context's gradients overwrite
    from ember import optim
    return (optim.SGD, optim.Adam, optim.AdamW, optim.Adagrad, optim.Adamax, optim.Adadelta, optim.RMSprop,
            optim.Rprop)


class _LocalOptimizer:
    """The optimizer on one worker, over the parameters it owns."""
    step_lock = threading.Lock()      # steps from several trainers are serialized on each worker

    def __init__(self, optim_cls, local_params_rref, *args, **kwargs):
        self._local_params = [rref.local_value() for rref in local_params_rref]
        self.optim = optim_cls(self._local_params, *args, **kwargs)
        self.clear_missing = optim_cls in _functional_kinds()

    def step(self, autograd_ctx_id):
        grads = dist_autograd.get_gradients(autograd_ctx_id)
        with _LocalOptimizer.step_lock:
            if self.clear_missing:
                # PyTorch's functional optimizers take the gradients as arguments: .grad is left as it was
                kept = [p.grad for p in self._local_params]
                for p in self._local_params:
                    p.grad = grads.get(p)
                try:
                    self.optim.step()
                finally:
                    for p, g in zip(self._local_params, kept):
                        p.grad = g
            else:
                for p, g in grads.items():
                    p.grad = g
                self.optim.step()


def _new_local_optimizer(optim_cls, local_params_rref, *args, **kwargs):
    return rpc.RRef(_LocalOptimizer(optim_cls, local_params_rref, *args, **kwargs))


def _local_optimizer_step(local_optim_rref, autograd_ctx_id):
    local_optim_rref.local_value().step(autograd_ctx_id)


def _wait_for_all(futures):
    results, error = [], None
    for fut in futures:
        try:
            results.append(fut.wait())
        except Exception as e:
            results.append(e)
            error = e
    if error is not None:
        raise error
    return results


class DistributedOptimizer:
    """Optimize parameters that live on several workers, given as RRefs: the workers owning them each
    build ``optimizer_class(their parameters, *args, **kwargs)``, and ``step(context_id)`` steps every
    one of them with the gradients that context holds (steps are serialized on each worker).

    Example::

        >>> with dist_autograd.context() as context_id:                           # doctest: +SKIP
        ...     loss = rpc.rpc_sync('worker1', ember.add, args=(t1, t2)).sum()
        ...     dist_autograd.backward(context_id, [loss])
        ...     dist_optim = DistributedOptimizer(optim.SGD, [rref1, rref2], lr=0.05)
        ...     dist_optim.step(context_id)
    """

    def __init__(self, optimizer_class, params_rref, *args, **kwargs):
        per_worker = collections.defaultdict(list)
        for param in params_rref:
            per_worker[param.owner()].append(param)
        if optimizer_class not in _functional_kinds():
            logger.warning("Creating the optimizer %s on each worker as a Python optimizer: steps from several "
                           "threads of one worker take turns", optimizer_class)
        futures = [rpc.rpc_async(worker, _new_local_optimizer, args=(optimizer_class, rrefs) + args, kwargs=kwargs)
                   for worker, rrefs in per_worker.items()]
        self.remote_optimizers = _wait_for_all(futures)

    def step(self, context_id):
        """Step every worker's optimizer with the gradients of ``context_id``; wait until all are done."""
        dist_autograd._context.retrieve(context_id)
        futures = [rpc.rpc_async(optim.owner(), _local_optimizer_step, args=(optim, context_id))
                   for optim in self.remote_optimizers]
        _wait_for_all(futures)
