"""The pieces of ``ember.utils.benchmark`` (PyTorch's module layout)."""
