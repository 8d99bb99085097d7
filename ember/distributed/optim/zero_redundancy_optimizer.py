"""ZeroRedundancyOptimizer: optimizer state sharded across ranks (ZeRO stage 1)."""
from ember.distributed.algorithms.join import Join, Joinable, JoinHook
from ember.optim.optimizer import Optimizer


class _ZeROJoinHook(JoinHook):
    """While other ranks still train, a joined rank steps too: it updates its share of the parameters
    and takes part in the broadcasts of every share."""

    def __init__(self, zero):
        self.zero = zero

    def main_hook(self):
        self.zero.step()


class ZeroRedundancyOptimizer(Optimizer, Joinable):
    """Wraps ``optimizer_class`` so that each rank keeps the state of only its share of the parameters.

    Parameters are assigned to ranks greedily, largest first, each to the rank with the fewest
    elements so far (PyTorch's partition). ``step()`` updates this rank's share with the local
    optimizer (``self.optim``) and then broadcasts every share from its owner, so all ranks end with
    the same parameters while each stores about 1/world_size of the optimizer state. Use it with
    gradients that are already averaged (DistributedDataParallel). ``state_dict()`` needs
    ``consolidate_state_dict(to)`` on every rank first and is available on rank ``to``. It is
    ``Joinable``: inside ``Join([ddp_model, zero])`` a rank that ran out of inputs keeps stepping until
    every rank is done.

    >>> opt = ZeroRedundancyOptimizer(ddp.parameters(), optimizer_class=ember.optim.Adam, lr=1e-3)  # doctest: +SKIP
    """

    def __init__(self, params, optimizer_class, process_group=None, parameters_as_bucket_view=False,
                 overlap_with_ddp=False, **defaults):
        import ember.distributed as dist
        if parameters_as_bucket_view:
            raise ValueError("ZeroRedundancyOptimizer: parameters_as_bucket_view=True is not supported by ember")
        if overlap_with_ddp:
            raise ValueError("ZeroRedundancyOptimizer: overlap_with_ddp=True is not supported by ember")
        self._initialized = False
        super().__init__(params, defaults)
        Joinable.__init__(self)
        self.process_group = process_group if process_group is not None else dist.group.WORLD
        if self.process_group is None:
            raise ValueError("Default process group has not been initialized, please make sure to call "
                             "init_process_group.")
        self.world_size = dist.get_world_size(self.process_group)
        self.rank = dist.get_rank(self.process_group)
        self.global_rank = dist.get_global_rank(self.process_group, self.rank)
        self._optim_defaults = defaults
        self._optim_constructor = optimizer_class
        self._partition_parameters_cache = []
        self._all_state_dicts = []
        self.optim = optimizer_class(self._partition_parameters()[self.rank], **defaults)
        self._initialized = True

    # ------------------------------------------------------------------------------ partition
    def _partition_parameters(self):
        """For each rank, its param_groups: the same groups and options, with that rank's parameters."""
        if not self._partition_parameters_cache:
            per_rank = [[] for _ in range(self.world_size)]
            sizes = [0] * self.world_size
            for group in self.param_groups:
                mine = [[] for _ in range(self.world_size)]
                for p in sorted(group['params'], key=lambda t: t.numel(), reverse=True):
                    r = sizes.index(min(sizes))
                    mine[r].append(p)
                    sizes[r] += p.numel()
                for r in range(self.world_size):
                    g = {k: v for k, v in group.items() if k != 'params'}
                    # keep the group's own order within each rank's share
                    g['params'] = [p for p in group['params'] if any(p is q for q in mine[r])]
                    per_rank[r].append(g)
            self._partition_parameters_cache = per_rank
        return self._partition_parameters_cache

    def _owner(self):
        owner = {}
        for r, groups in enumerate(self._partition_parameters()):
            for g in groups:
                for p in g['params']:
                    owner[id(p)] = r
        return owner

    def _global_index(self):
        index = {}
        for g in self.param_groups:
            for p in g['params']:
                index.setdefault(id(p), len(index))
        return index

    def add_param_group(self, param_group):
        super().add_param_group(param_group)
        if self._initialized:
            self._partition_parameters_cache = []
            groups = self._partition_parameters()[self.rank]
            self.optim.add_param_group(groups[-1])

    # ----------------------------------------------------------------------------------- step
    def step(self, closure=None, **kwargs):
        """Update this rank's share of the parameters, then give every rank every share."""
        Join.notify_join_context(self)
        for group, local in zip(self.param_groups, self.optim.param_groups):
            for k, v in group.items():
                if k != 'params':
                    local[k] = v    # an lr scheduler changes self.param_groups
        loss = self.optim.step(closure=closure, **kwargs) if closure is not None else self.optim.step(**kwargs)
        self._sync_params()
        return loss

    def _sync_params(self):
        from ember.nn.parallel.distributed import _broadcast_coalesced
        for r, groups in enumerate(self._partition_parameters()):
            owned = [p for g in groups for p in g['params']]
            if owned:
                _broadcast_coalesced(owned, self.process_group, src=r)

    # ----------------------------------------------------------------------------------- join
    def join_hook(self, **kwargs):
        """The hook ``Join`` runs on this rank once it has no inputs left: it keeps stepping (the other
        ranks' broadcasts need it).

        >>> with Join([ddp_model, zero]):            # doctest: +SKIP
        ...     ...
        """
        return _ZeROJoinHook(self)

    @property
    def join_device(self):
        """The device of the parameters (where ``Join``'s own collectives run).

        >>> zero.join_device                          # doctest: +SKIP
        device(type='cpu')
        """
        return self.param_groups[0]['params'][0].device

    @property
    def join_process_group(self):
        """The process group the shares are broadcast in.

        >>> zero.join_process_group is dist.group.WORLD   # doctest: +SKIP
        True
        """
        return self.process_group

    # ----------------------------------------------------------------------------- state dict
    def consolidate_state_dict(self, to=0):
        """Collect every rank's optimizer state on rank ``to`` (call it on every rank)."""
        import ember.distributed as dist
        index = self._global_index()
        local = self.optim.state_dict()
        local_params = [p for g in self.optim.param_groups for p in g['params']]
        mine = {index[id(local_params[k])]: v for k, v in local['state'].items()}
        gathered = [None] * self.world_size if self.global_rank == to else None
        dist.gather_object(mine, gathered, dst=to, group=self.process_group)
        self._all_state_dicts = gathered or []

    def state_dict(self):
        """The whole optimizer's state (as the wrapped optimizer would give it), on the rank that
        ``consolidate_state_dict`` collected it on."""
        if not self._all_state_dicts:
            raise RuntimeError(f"Optimizer state has not been consolidated on this rank. Please call "
                               f"`consolidate_state_dict(to={self.rank})` on all ranks beforehand if you meant to "
                               f"save the global state.")
        index = self._global_index()
        state = {}
        for part in self._all_state_dicts:
            state.update(part)
        groups = []
        for g, local in zip(self.param_groups, self.optim.param_groups):
            packed = {k: v for k, v in local.items() if k != 'params'}
            packed['params'] = [index[id(p)] for p in g['params']]
            groups.append(packed)
        return {'state': dict(sorted(state.items())), 'param_groups': groups}

    def load_state_dict(self, state_dict):
        """Load a whole optimizer state; each rank keeps its share."""
        super().load_state_dict(state_dict)
        owner = self._owner()
        for g, local in zip(self.param_groups, self.optim.param_groups):
            for k, v in g.items():
                if k != 'params':
                    local[k] = v
        for p, s in list(self.state.items()):
            if owner.get(id(p)) == self.rank:
                self.optim.state[p] = s
        self.state.clear()   # the shares live in self.optim
