"""The module PyTorch programs import the step-aware profiler's pieces from
(``from torch.profiler.profiler import profile``); they are defined in ``ember.profiler``."""
from ember.profiler import (ProfilerAction, profile, schedule, supported_activities,  # noqa: F401
                            tensorboard_trace_handler)

__all__ = ['ProfilerAction', 'profile', 'schedule', 'supported_activities', 'tensorboard_trace_handler']
