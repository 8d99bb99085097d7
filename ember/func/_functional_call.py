"""``functional_call``: run a module with given tensors standing in for its parameters and buffers."""


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True, strict=False):
    """``module(*args, **kwargs)`` with ``parameter_and_buffer_dicts`` (one dict, or a tuple of dicts
    with distinct keys) replacing the named parameters and buffers for the duration of the call.

    Example::

        >>> model = nn.Linear(2, 1)
        >>> params = {'weight': ember.tensor([[1., 2.]]), 'bias': ember.tensor([0.5])}
        >>> ember.func.functional_call(model, params, (ember.tensor([[3., 4.]]),))
        tensor([[11.5000]])
        >>> model.weight.shape
        ember.Size([1, 2])
    """
    from ember.nn.utils.stateless import _functional_call
    return _functional_call(module, parameter_and_buffer_dicts, args, kwargs, tie_weights=tie_weights, strict=strict)
