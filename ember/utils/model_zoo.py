"""The older home of checkpoint downloading: ``load_url`` is :func:`ember.hub.load_state_dict_from_url`."""
from ember.hub import load_state_dict_from_url as load_url  # noqa: F401

__all__ = ['load_url']
