"""Passes over fx graphs (``shape_prop``, ``fake_tensor_prop``, ``split_module``, ``graph_drawer``,
``reinplace``) and ``infra`` for writing them (``PassBase``, ``PassResult``, ``PassManager``)."""
from ember.fx.passes import fake_tensor_prop, graph_drawer, infra, reinplace, shape_prop, split_module  # noqa: F401
