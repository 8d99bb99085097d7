"""``PostLocalSGDOptimizer``: a local optimizer whose steps are followed by a model averager's."""
import warnings

import ember

__all__ = ['PostLocalSGDOptimizer']


class PostLocalSGDOptimizer(ember.optim.Optimizer):
    """Run post-local SGD: ``optim`` steps every rank's parameters locally, then ``averager`` (e.g. a
    ``PeriodicModelAverager``) averages them over the ranks when due. Pair it with DistributedDataParallel
    and ``post_localSGD_hook`` (which averages gradients globally only during warm-up).

    Example::

        >>> state = PostLocalSGDState(process_group=None, subgroup=None, start_localSGD_iter=100)  # doctest: +SKIP
        >>> model.register_comm_hook(state, post_localSGD_hook)                                    # doctest: +SKIP
        >>> opt = PostLocalSGDOptimizer(ember.optim.SGD(model.parameters(), lr=0.01),              # doctest: +SKIP
        ...                             averagers.PeriodicModelAverager(period=4, warmup_steps=100))
    """

    def __init__(self, optim, averager):
        self.optim = optim
        self.param_groups = self.optim.param_groups
        self.averager = averager

    @property
    def state(self):
        return self.optim.state

    def __repr__(self):
        return self.optim.__repr__()

    def state_dict(self):
        """The local optimizer's state dict, with the averager's step under ``'step'`` (a resumed run does
        not warm up again)."""
        state = self.optim.state_dict()
        state['step'] = self.averager.step
        return state

    def load_state_dict(self, state_dict):
        """Load the local optimizer's state and the averager's step (0, with a warning, when absent)."""
        self.optim.load_state_dict(state_dict)
        if 'step' in state_dict:
            self.averager.step = state_dict['step']
        else:
            warnings.warn("Loaded state dict does not contain a step counter for an averager. Setting step counter "
                          "to 0.", stacklevel=2)
            self.averager.step = 0

    def step(self):
        """A local optimizer step, then the averager's."""
        self.optim.step()
        self.averager.average_parameters(params=self.param_groups)

    # NOTE: step hooks run around the local optimizer's step (as in PyTorch), not again around this one
    step.hooked = True

    def zero_grad(self, set_to_none=True):
        self.optim.zero_grad(set_to_none=set_to_none)

    def add_param_group(self, param_group):
        self.optim.add_param_group(param_group)
