"""``torch._C._profiler``'s names that profiling scripts pass in: ``_ExperimentalConfig`` (PyTorch's
profiler recipe asks for ``_ExperimentalConfig(verbose=True)`` to get the call stacks of ``with_stack``)."""

__all__ = []

# every field with PyTorch's default; ember's profiler times CPU ops only, so of these it honours
# ``verbose`` (its events always carry their stacks under ``with_stack``, what verbose asks for)
_DEFAULTS = {'profiler_metrics': [], 'profiler_measure_per_kernel': False, 'verbose': False,
             'performance_events': [], 'enable_cuda_sync_events': False, 'adjust_profiler_step': False,
             'disable_external_correlation': False, 'profile_all_threads': False, 'capture_overload_names': False,
             'record_python_gc_info': False, 'expose_kineto_event_metadata': False, 'custom_profiler_config': '',
             'adjust_timestamps': False, 'trace_only': False}


class _ExperimentalConfig:
    """Experimental profiler settings, with PyTorch's fields and defaults."""

    def __init__(self, profiler_metrics=(), profiler_measure_per_kernel=False, verbose=False, performance_events=(),
                 enable_cuda_sync_events=False, adjust_profiler_step=False, disable_external_correlation=False,
                 profile_all_threads=False, capture_overload_names=False, record_python_gc_info=False,
                 expose_kineto_event_metadata=False, custom_profiler_config='', adjust_timestamps=False,
                 trace_only=False):
        self._fields = dict(locals())
        del self._fields['self']
        for name in ('profiler_metrics', 'performance_events'):
            self._fields[name] = list(self._fields[name])

    def _unsupported(self):
        """The fields set away from their defaults that ember's CPU profiler cannot honour."""
        return [name for name, value in self._fields.items() if name != 'verbose' and value != _DEFAULTS[name]]


def _check_experimental_config(config):
    """Refuses a config asking for what ember's profiler does not do (``verbose`` is honoured)."""
    if config is None:
        return
    if not isinstance(config, _ExperimentalConfig):
        raise TypeError(f"experimental_config must be an _ExperimentalConfig, got {type(config).__name__}")
    unsupported = config._unsupported()
    if unsupported:
        raise NotImplementedError("ember's profiler times CPU ops only; experimental_config's "
                                  + ', '.join(unsupported) + " is not supported")
