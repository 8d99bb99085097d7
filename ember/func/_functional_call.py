"""``functional_call``: run a module with given tensors standing in for its parameters and buffers."""


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True, strict=False):
    """``module(*args, **kwargs)`` with ``parameter_and_buffer_dicts`` (one dict, or a tuple of dicts
    with distinct keys) replacing the named parameters and buffers for the duration of the call."""
    from ember.nn.utils.stateless import _functional_call
    return _functional_call(module, parameter_and_buffer_dicts, args, kwargs, tie_weights=tie_weights, strict=strict)
