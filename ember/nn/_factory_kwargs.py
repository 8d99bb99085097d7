"""``ember.nn.factory_kwargs``: the keyword arguments a module passes on to tensor factories."""

_SIMPLE_KEYS = frozenset({'device', 'dtype', 'memory_format'})


def factory_kwargs(kwargs):
    """Return the ``device``/``dtype``/``memory_format`` entries of ``kwargs`` as one dict to pass to
    tensor factories (``ember.empty(..., **factory_kwargs(kw))``).

    A nested ``factory_kwargs`` dict in ``kwargs`` is merged in, so a function whose own signature
    already has a ``dtype`` parameter can still receive a factory dtype. Unknown keys, or a key given
    both directly and inside ``factory_kwargs``, raise ``TypeError``.

    Args:
        kwargs (dict or None): the keyword arguments (``None`` gives ``{}``).

    Returns:
        dict: a new dict; ``kwargs`` is left as it was.

    Example::

        >>> nn.factory_kwargs({'device': 'cpu', 'factory_kwargs': {'dtype': ember.float64}})
        {'dtype': ember.float64, 'device': 'cpu'}
    """
    if kwargs is None:
        return {}
    allowed = _SIMPLE_KEYS | {'factory_kwargs'}
    if not kwargs.keys() <= allowed:
        raise TypeError(f'unexpected kwargs {kwargs.keys() - allowed}')
    merged = dict(kwargs.get('factory_kwargs', {}))
    for key in ('device', 'dtype', 'memory_format'):
        if key in kwargs:
            if key in merged:
                raise TypeError(f'{key} specified twice, in **kwargs and in factory_kwargs')
            merged[key] = kwargs[key]
    return merged
