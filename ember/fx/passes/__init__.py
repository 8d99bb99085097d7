"""Passes over fx graphs (``shape_prop``, ``fake_tensor_prop``, ``split_module``)."""
from ember.fx.passes import fake_tensor_prop, shape_prop, split_module  # noqa: F401
