"""Passes over fx graphs (``shape_prop``, ``fake_tensor_prop``, ``split_module``, ``graph_drawer``,
``infra``: ``PassBase``, ``PassResult``, ``PassManager``)."""
from ember.fx.passes import fake_tensor_prop, graph_drawer, infra, shape_prop, split_module  # noqa: F401
