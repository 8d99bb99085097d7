"""Passes over fx graphs (``shape_prop``)."""
from ember.fx.passes import shape_prop  # noqa: F401
